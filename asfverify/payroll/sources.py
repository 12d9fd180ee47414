"""Payroll lists as a stream of rows, whatever the format: CSV (sniffed), XLSX, or PDF tables.

Rows are (row number, cells) with the header row among them; nothing is held beyond one row (an XLSX
sheet excepted: it is read whole in a bounded child process), except
the first 64 KiB of a CSV that is read twice to sniff its encoding and delimiter.
"""

from __future__ import annotations

import codecs
import csv
import io
import time
import warnings
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .. import bounded
from ..errors import DocumentError
from ..i18n import _
from ..limits import Limits
from .headers import HEADER_SEARCH_ROWS, complete_for, match_header

HEAD_BYTES = 64 * 1024
DELIMITERS = ("\t", ";", ",")
_DELIMITER_NAMES = {"\t": "tab", ";": "';'", ",": "','"}
# Control bytes that never occur in a text CSV (tab, LF, CR, FF and DOS EOF 0x1A excepted).
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 26)) + b"\x7f"

# (row number, or a label such as 'page 2 row 5' for PDFs; cells)
Row = tuple[int | str, Sequence[Any]]


class NeedsHuman(Exception):
    """A PDF list the verifier cannot read but a person can: a scanned image, or text without a ruled table."""


@dataclass
class Source:
    """One document opened as rows."""

    format: str  # "csv" | "xlsx" | "pdf" | "paxml"
    detail: str  # e.g. "';', UTF-8 with BOM"
    rows: Callable[[], Iterator[Row]]
    page: int | None = None  # PDF: the page where the list's header is


def open_source(document: Any, mapping: Any = None) -> Source:
    """Open a payroll document by its content (not its name): PDF, XLSX or text CSV."""
    with document.open() as fh:
        head = fh.read(HEAD_BYTES)
    name = document.path
    if not head:
        raise DocumentError(_("{name} is empty", name=name))
    if head.startswith(b"%PDF") or getattr(document, "is_pdf", False):
        return _pdf_source(document, mapping)
    if head.startswith(b"PK\x03\x04"):
        return _xlsx_source(document, mapping)
    from . import paxml

    if paxml.looks_like_paxml(head):
        return Source("paxml", _("PAXml personnel records"), lambda: paxml.rows(document))
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        raise DocumentError(_("{name} is an XML or HTML file, not a CSV; expected a CSV, XLSX, PDF or PAXml list", name=name))
    return _csv_source(document, head, mapping)


# ---- CSV -------------------------------------------------------------------------------------------

def _csv_source(document: Any, head: bytes, mapping: Any) -> Source:
    name = document.path
    if head.startswith(codecs.BOM_UTF8):
        encoding, label = "utf-8-sig", _("UTF-8 with BOM")
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding, label = "utf-16", "UTF-16"  # Excel's "Unicode text" export
    else:
        if b"\x00" in head or sum(head.count(bytes([b])) for b in _CONTROL) * 200 > len(head):
            raise DocumentError(_("{name} is not a text file (binary content); expected a CSV, XLSX or PDF list", name=name))
        try:
            head.decode("utf-8")
            encoding, label = "utf-8", "UTF-8"
        except UnicodeDecodeError as exc:
            # A multi-byte character cut off by the 64 KiB boundary is still UTF-8.
            if exc.start >= len(head) - 3 and exc.reason == "unexpected end of data":
                encoding, label = "utf-8", "UTF-8"
            else:
                encoding, label = "cp1252", "Windows-1252"
    text_head = head.decode(encoding, errors="ignore")
    if encoding == "cp1252":
        _check_cp1252(head, name)
    delimiter = _sniff_delimiter(text_head, mapping)
    separated = _("{delimiter}-separated", delimiter=_DELIMITER_NAMES[delimiter])

    def rows() -> Iterator[Row]:
        done = 0
        enc = encoding
        while True:
            try:
                for number, cells in _read_csv(document, enc, delimiter, skip=done):
                    done = number  # type: ignore[assignment]
                    yield number, cells
                return
            except UnicodeDecodeError:
                if enc != "utf-8":
                    raise DocumentError(_("{name} is neither UTF-8 nor Windows-1252 text", name=name)) from None
                # Valid UTF-8 at the top but not further down: a Windows-1252 export after all.
                enc = "cp1252"
                source.detail = f"{separated}, Windows-1252"

    source = Source("csv", f"{separated}, {label}", rows)
    return source


def _check_cp1252(head: bytes, name: str) -> None:
    try:
        head.decode("cp1252")
    except UnicodeDecodeError:
        raise DocumentError(_("{name} is neither UTF-8 nor Windows-1252 text", name=name)) from None


class _NoNulReader(io.RawIOBase):
    """A binary stream that refuses NUL bytes (Python's csv module (3.11+) would read them as text)
    and lines longer than max_line_bytes (one 49 MB line made csv build millions of cells)."""

    def __init__(self, raw: Any, name: str, max_line: int) -> None:
        self._raw = raw
        self._name = name
        self._max_line = max_line
        self._line = 0  # bytes since the last line break

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(len(buffer))
        if b"\x00" in data:
            raise DocumentError(_("{name} has NUL bytes (binary content); it is not a readable CSV", name=self._name))
        cut = max(data.rfind(b"\n"), data.rfind(b"\r"))
        self._line = len(data) - cut - 1 if cut >= 0 else self._line + len(data)
        if self._line > self._max_line or (cut >= 0 and _longest_line(data) > self._max_line):
            raise DocumentError(_("{name} has a line longer than the limit of {limit} bytes (max_line_bytes)", name=self._name,
                                  limit=self._max_line))
        buffer[: len(data)] = data
        return len(data)


def _longest_line(data: bytes) -> int:
    # Only reached when a block holds a line break; lines inside one block are rarely near the limit.
    return max(len(line) for line in data.replace(b"\r", b"\n").split(b"\n"))


def _limits(document: Any) -> Limits:
    limits = getattr(document, "limits", None)
    return limits if isinstance(limits, Limits) else Limits()


def _read_csv(document: Any, encoding: str, delimiter: str, skip: int) -> Iterator[Row]:
    name = document.path
    limits = _limits(document)
    started = time.monotonic()
    with document.open() as raw:
        if encoding == "utf-16":
            stream = raw  # two bytes a character: the column and time limits below still hold
        else:
            stream = io.BufferedReader(_NoNulReader(raw, name, limits.max_line_bytes), 1 << 16)
        text = io.TextIOWrapper(stream, encoding=encoding, newline="")
        reader = csv.reader(text, delimiter=delimiter)
        number = 0
        try:
            for cells in reader:
                number += 1
                if len(cells) > limits.max_columns:
                    raise DocumentError(_("{name}: line {line} has {n} columns, more than the limit of {limit} (max_columns)",
                                          name=name, line=reader.line_num, n=len(cells), limit=limits.max_columns))
                if not number & 0x3FFF and time.monotonic() - started > limits.max_seconds_per_document:
                    raise DocumentError(_("{name}: reading took longer than the limit of {limit:g} s (max_seconds_per_document)",
                                          name=name, limit=limits.max_seconds_per_document))
                if number <= skip:
                    continue
                yield number, cells
        except csv.Error as exc:
            if "NUL" in str(exc):
                raise DocumentError(_("{name} has NUL bytes (binary content) near line {line}; it is not a readable CSV",
                                      name=name, line=reader.line_num)) from None
            raise DocumentError(_("{name} has a malformed line near line {line}; it is not a readable CSV",
                                  name=name, line=reader.line_num)) from None


def _sniff_delimiter(text: str, mapping: Any) -> str:
    lines = text.splitlines()[:HEADER_SEARCH_ROWS]
    best, best_count = None, 0
    for delimiter in DELIMITERS:
        for cells in csv.reader(lines, delimiter=delimiter):
            try:
                found = match_header(cells, mapping)
            except DocumentError:
                found = None
            if found is not None and complete_for(found, mapping):
                return delimiter
        first = next((line for line in lines if line.strip()), "")
        count = first.count(delimiter)
        if count > best_count:
            best, best_count = delimiter, count
    return best or ";"


# ---- XLSX ------------------------------------------------------------------------------------------

def _sheet_has_header(worksheet: Any, mapping: Any) -> bool:
    try:
        for cells in worksheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True):
            found = match_header(cells, mapping)
            if found is not None and complete_for(found, mapping):
                return True
    except DocumentError:
        return True  # a header, if an ambiguous one: reading this sheet reports it
    except Exception:
        return False
    return False


def _xlsx_source(document: Any, mapping: Any) -> Source:
    # The whole workbook is read in a bounded child process (asfverify.bounded): a sheet can inflate
    # (XML in a zip) and read-only openpyxl pads sparse wide rows to 16,384 cells.
    limits = _limits(document)
    import openpyxl  # noqa: F401 - imported once here, not in every child

    title, rows = bounded.call(
        lambda: _read_xlsx(document, mapping, limits), what=_("{path}: reading the workbook", path=document.path),
        seconds=limits.max_seconds_per_document, memory=limits.max_memory_per_document,
    )
    return Source("xlsx", _("sheet {title!r}", title=title), lambda: iter(rows))


def _read_xlsx(document: Any, mapping: Any, limits: Limits) -> tuple[str, list[Row]]:
    name = document.path
    wanted = (getattr(document, "options", None) or {}).get("sheet")
    try:
        import openpyxl

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and data validation
            workbook = openpyxl.load_workbook(document.open(), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise DocumentError(_("{name} is not a readable XLSX workbook ({error})", name=name, error=type(exc).__name__)) from None
    except Exception as exc:  # openpyxl raises its own InvalidFileException and friends
        raise DocumentError(_("{name} is not a readable XLSX workbook ({error})", name=name, error=type(exc).__name__)) from None
    try:
        if wanted is not None:
            if wanted not in workbook.sheetnames:
                names = ", ".join(repr(s) for s in workbook.sheetnames)
                raise DocumentError(_("{name} has no sheet {sheet!r} (sheets: {names})", name=name, sheet=wanted, names=names))
            worksheet = workbook[wanted]
        else:
            # The first sheet, unless it is a cover sheet and a later one holds the list.
            worksheet = next((ws for ws in workbook.worksheets if _sheet_has_header(ws, mapping)), workbook.worksheets[0])
        title = worksheet.title
        started = time.monotonic()
        rows: list[Row] = []
        try:
            worksheet.reset_dimensions()  # a wrong stored dimension must not cut the list short
            for number, cells in enumerate(worksheet.iter_rows(), start=1):
                if len(cells) > limits.max_columns:
                    raise DocumentError(_("{name}: row {number} of sheet {title!r} reaches column {n}, beyond the limit "
                                          "of {limit} (max_columns)", name=name, number=number, title=title, n=len(cells),
                                          limit=limits.max_columns))
                if not number & 0x3FF and time.monotonic() - started > limits.max_seconds_per_document:
                    raise DocumentError(_("{name}: reading took longer than the limit of {limit:g} s (max_seconds_per_document)",
                                          name=name, limit=limits.max_seconds_per_document))
                rows.append((number, [_xlsx_value(c) for c in cells]))
        except DocumentError:
            raise
        except Exception as exc:
            raise DocumentError(_("{name}: the sheet {title!r} could not be read ({error})", name=name, title=title,
                                  error=type(exc).__name__)) from None
        return title, rows
    finally:
        workbook.close()


def _xlsx_value(cell: Any) -> Any:
    value = cell.value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in (cell.number_format or ""):
        # 87.5 % typed into a percent-formatted cell is stored as 0.875.
        return str(Decimal(repr(value)) * 100)
    return value


# ---- PDF -------------------------------------------------------------------------------------------

def _pdf_source(document: Any, mapping: Any) -> Source:
    name = document.path
    try:
        with_pages = getattr(document, "tables_with_pages", None)
        if with_pages is not None:
            tables: list[tuple[int | None, Any]] = list(with_pages())
        else:
            tables = [(None, t) for t in document.tables()]
    except DocumentError:
        raise
    except Exception as exc:
        raise DocumentError(_("{name}: the PDF's tables could not be read ({error})", name=name, error=type(exc).__name__)) from None
    if not tables:
        try:
            pages = document.pages()
            blank = document.pages_without_text()
        except Exception:
            pages, blank = [], []
        if pages and len(blank) == len(pages):
            raise NeedsHuman(_("{name} has no text layer (a scanned image); a human must read the list", name=name))
        if pages:
            # Text laid out in columns without ruling lines: pdfplumber finds no table, a reader does.
            raise NeedsHuman(_("{name} has text but no ruled table to read; a human must check the list "
                               "(or it can be submitted as CSV or XLSX)", name=name))
        raise DocumentError(_("{name} holds no table; expected the employee list as a table with a header row "
                              "(employee, hire_date, and a subsidy or eligibility column)", name=name))

    first = next(((k, start) for k, (_p, t) in enumerate(tables) if t and (start := _header_index(t, mapping)) is not None), None)
    source = Source("pdf", _("{n} table(s)", n=len(tables)), lambda: iter(()))
    if first is not None:
        source.page = tables[first[0]][0]

    def rows() -> Iterator[Row]:
        if first is None:
            # No table has the header: the caller reports what the first table starts with.
            yield 1, [_pdf_cell(c) for c in (tables[0][1][:1] or [[]])[0]]
            return
        index, start = first
        width = len(tables[index][1][start])
        for k, (page, table) in enumerate(tables[index:], start=index):
            if k == index:
                body = list(enumerate(table, start=1))[start:]
            elif table and len(table[0]) == width:
                body = list(enumerate(table, start=1))  # the list continues on the next page
            else:
                continue  # another table (signatures, totals): not part of the list
            where = _("page {page}", page=page) if page is not None else _("table {n}", n=k + 1)
            for number, cells in body:
                yield f"{where} {_('row {number}', number=number)}", [_pdf_cell(c) for c in cells]

    source.rows = rows
    return source


def _header_index(table: Sequence[Sequence[Any]], mapping: Any) -> int | None:
    for index, cells in enumerate(table[:HEADER_SEARCH_ROWS]):
        found = match_header([_pdf_cell(c) for c in cells], mapping)
        if found is not None and complete_for(found, mapping):
            return index
    return None


def _pdf_cell(value: Any) -> str:
    if value is None:
        return ""
    return " ".join(str(value).split())
