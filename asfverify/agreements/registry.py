"""The certifier's collective-agreement registry: CSV import (all or nothing, ledgered) and lookups."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlite_utils

from ..errors import BadInput
from ..i18n import _
from .model import KINDS, Agreement
from .orgnumbers import normalise, why_invalid

if TYPE_CHECKING:
    from ..workspace import Workspace

COLUMNS = ("org_number", "counterparty", "agreement", "kind", "valid_from", "valid_to")
REQUIRED = COLUMNS[:-1]
MAX_ROWS_NAMED = 5  # how many bad row numbers an error message lists

migrations = sqlite_utils.Migrations("asfverify.agreements")


@migrations()
def create_registry(db: sqlite_utils.Database) -> None:
    """Imports (one per distinct file digest) and their agreement rows, indexed on org number."""
    db.table("agreement_imports").create(
        {"id": int, "file_sha256": str, "file_name": str, "rows": int, "ledger_index": int, "imported_at": str},
        pk="id",
        not_null={"file_sha256", "file_name", "rows", "imported_at"},
    )
    db.table("agreement_imports").create_index(["file_sha256"], unique=True)
    db.table("agreements").create(
        {
            "id": int,
            "org_number": str,
            "counterparty": str,
            "agreement": str,
            "kind": str,
            "valid_from": str,
            "valid_to": str,
            "import_id": int,
            "row_number": int,
        },
        pk="id",
        not_null={"org_number", "counterparty", "agreement", "kind", "valid_from", "import_id", "row_number"},
        foreign_keys=[("import_id", "agreement_imports", "id")],
    )
    db.table("agreements").create_index(["org_number", "valid_from"])


@dataclass(frozen=True)
class Row:
    """One validated CSV row, with its 1-based line-of-record number (the header is row 1)."""

    number: int
    org_number: str
    counterparty: str
    agreement: str
    kind: str
    valid_from: str
    valid_to: str | None


@dataclass
class ImportReport:
    """What an import did: rows written and the ledger entry, or nothing (file already imported)."""

    file_name: str
    file_sha256: str
    rows: int
    already_imported: bool = False
    ledger_index: int | None = None
    receipt: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file_name": self.file_name,
            "file_sha256": self.file_sha256,
            "rows": self.rows,
            "already_imported": self.already_imported,
            "ledger_index": self.ledger_index,
            "ledger": dict(self.receipt),
        }


# ---------------------------------------------------------------- parsing


def parse_registry(data: bytes, file_name: str) -> list[Row]:
    """Validate a whole registry CSV; raise BadInput naming bad row numbers, so nothing half-imports."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput(_("{file}: not UTF-8 text (byte 0x{byte:02x} at offset {offset}); save it as UTF-8",
                         file=file_name, byte=data[exc.start], offset=exc.start)) from None
    if not text.strip():
        raise BadInput(_("{file}: empty file; expected a header {header}", file=file_name, header=";".join(COLUMNS)))
    delimiter = _delimiter(text.partition("\n")[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[Row] = []
    errors: list[tuple[int, str]] = []
    try:
        header = [_fold(h) for h in next(reader)]
        _check_header(header, file_name)
        index = {name: header.index(name) for name in COLUMNS if name in header}
        # Row numbers count records as a spreadsheet shows them: the header is row 1.
        for number, record in enumerate(reader, start=2):
            if not any(cell.strip() for cell in record):
                continue  # blank lines (e.g. a trailing one) carry nothing
            try:
                rows.append(_row(number, record, index, len(header)))
            except ValueError as exc:
                errors.append((number, str(exc)))
    except csv.Error as exc:  # e.g. a NUL byte or an unterminated quote running past the field limit
        raise BadInput(_("{file}: not readable as CSV near line {line}: {problem}", file=file_name, line=reader.line_num,
                         problem=exc)) from None
    if errors:
        named = ", ".join(_("row {number} ({why})", number=n, why=why) for n, why in errors[:MAX_ROWS_NAMED])
        more = _(" and {n} more", n=len(errors) - MAX_ROWS_NAMED) if len(errors) > MAX_ROWS_NAMED else ""
        if len(errors) == 1:
            raise BadInput(_("{file}: 1 bad row: {rows}; nothing imported", file=file_name, rows=named + more))
        raise BadInput(_("{file}: {n} bad rows: {rows}; nothing imported", file=file_name, n=len(errors), rows=named + more))
    if not rows:
        raise BadInput(_("{file}: no agreement rows after the header; nothing imported", file=file_name))
    return rows


def _fold(name: str) -> str:
    return unicodedata.normalize("NFC", name.strip().lower())


def _delimiter(header_line: str) -> str:
    # The documented format is ';' (Swedish CSV); accept ',' and tab when the header clearly uses them.
    counts = {d: header_line.count(d) for d in (";", ",", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ";"))


def _check_header(header: list[str], file_name: str) -> None:
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise BadInput(_("{file}: unknown column {column!r} in the header; expected {header}", file=file_name, column=unknown[0],
                         header=";".join(COLUMNS)))
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise BadInput(_("{file}: header lacks column {column!r}; expected {header}", file=file_name, column=missing[0],
                         header=";".join(COLUMNS)))
    if len(set(header)) != len(header):
        raise BadInput(_("{file}: a column appears twice in the header", file=file_name))


def _row(number: int, record: list[str], index: dict[str, int], width: int) -> Row:
    if len(record) != width:
        raise ValueError(_("{n} fields, expected {width}", n=len(record), width=width))
    cell = {name: record[i].strip() for name, i in index.items()}
    org = normalise(cell["org_number"])
    if org is None:
        raise ValueError(f"org_number: {why_invalid(cell['org_number'])}")
    for name in ("counterparty", "agreement"):
        if not cell[name]:
            raise ValueError(_("{name} is empty", name=name))
        if any(ch < " " for ch in cell[name]):
            raise ValueError(_("{name} contains a control character", name=name))
    kind = _fold(cell["kind"])
    if kind == "hangavtal":
        kind = "hängavtal"
    if kind not in KINDS:
        raise ValueError(_("kind must be {choices}", choices=_(" or ").join(KINDS)))
    valid_from = _iso_date(cell["valid_from"], "valid_from")
    valid_to = None
    if cell.get("valid_to"):
        valid_to = _iso_date(cell["valid_to"], "valid_to")
        if valid_to < valid_from:
            raise ValueError(_("valid_to is before valid_from"))
    return Row(
        number=number,
        org_number=org,
        counterparty=cell["counterparty"],
        agreement=cell["agreement"],
        kind=kind,
        valid_from=valid_from.isoformat(),
        valid_to=valid_to.isoformat() if valid_to else None,
    )


def _iso_date(value: str, name: str) -> dt.date:
    if not value:
        raise ValueError(_("{name} is empty", name=name))
    # fromisoformat also takes 20260101 and week dates; the registry format is YYYY-MM-DD only.
    if len(value) != 10 or value[4] != "-" or value[7] != "-":
        raise ValueError(_("{name} is not a YYYY-MM-DD date", name=name))
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(_("{name} is not a valid date", name=name)) from None


# ---------------------------------------------------------------- importing


def import_file(workspace: Workspace, path: Path | str) -> ImportReport:
    """Import a registry CSV into the workspace: validated whole, written with its ledger entry at once."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadInput(_("{path}: cannot read: {problem}", path=path, problem=exc.strerror)) from None
    rows = parse_registry(data, path.name)
    return _import_ledgered(workspace, rows, hashlib.sha256(data).hexdigest(), path.name)


def _already(previous: dict[str, Any], file_name: str, digest: str) -> ImportReport:
    return ImportReport(file_name, digest, previous["rows"], already_imported=True, ledger_index=previous["ledger_index"])


class _Duplicate(Exception):
    """Another process imported the same file between our check and our transaction."""

    def __init__(self, previous: dict[str, Any]):
        self.previous = previous


def _import_ledgered(workspace: Workspace, rows: list[Row], digest: str, file_name: str) -> ImportReport:
    from ..ledger import open_ledger

    entry = {"kind": "registry-import", "file_sha256": digest, "rows": len(rows), "file_name": file_name}
    ledger = open_ledger(workspace)
    try:
        previous = find_import(ledger.db, digest)
        if previous is not None:  # the same file again: a no-op that writes nothing
            return _already(previous, file_name, digest)
        with ledger.transaction() as tx:
            previous = find_import(tx.db, digest)
            if previous is not None:
                raise _Duplicate(previous)
            index = tx.append(entry)
            store_rows(tx.db, rows, file_sha256=digest, file_name=file_name, ledger_index=index)
    except _Duplicate as dup:
        return _already(dup.previous, file_name, digest)
    finally:
        ledger.db.close()
    receipt = tx.receipt.to_json() if tx.receipt is not None else {}
    return ImportReport(file_name, digest, len(rows), ledger_index=index, receipt=receipt)


def store_rows(
    db: sqlite_utils.Database,
    rows: list[Row],
    *,
    file_sha256: str,
    file_name: str,
    ledger_index: int | None,
) -> int:
    """Insert one import and its rows; the caller holds the transaction. Returns the import id."""
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    cursor = db.conn.execute(
        "INSERT INTO agreement_imports (file_sha256, file_name, rows, ledger_index, imported_at) VALUES (?, ?, ?, ?, ?)",
        (file_sha256, file_name, len(rows), ledger_index, now),
    )
    import_id = cursor.lastrowid
    # executemany on the raw connection: 100,000 rows must import in well under 5 s.
    db.conn.executemany(
        "INSERT INTO agreements (org_number, counterparty, agreement, kind, valid_from, valid_to, import_id, row_number)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (r.org_number, r.counterparty, r.agreement, r.kind, r.valid_from, r.valid_to, import_id, r.number)
            for r in rows
        ),
    )
    return int(import_id)  # type: ignore[arg-type]


def import_into(db: sqlite_utils.Database, data: bytes, file_name: str) -> ImportReport:
    """Import into a bare database without a ledger entry (benchmarks and tests of the table layer)."""
    rows = parse_registry(data, file_name)
    digest = hashlib.sha256(data).hexdigest()
    previous = find_import(db, digest)
    if previous is not None:
        return _already(previous, file_name, digest)
    with db.atomic():
        store_rows(db, rows, file_sha256=digest, file_name=file_name, ledger_index=None)
    return ImportReport(file_name, digest, len(rows))


# ---------------------------------------------------------------- reading


def find_import(db: sqlite_utils.Database, file_sha256: str) -> dict[str, Any] | None:
    """The earlier import of a file with this digest, if any."""
    row = db.conn.execute(
        "SELECT id, file_sha256, file_name, rows, ledger_index, imported_at FROM agreement_imports WHERE file_sha256 = ?",
        (file_sha256,),
    ).fetchone()
    if row is None:
        return None
    return dict(zip(("id", "file_sha256", "file_name", "rows", "ledger_index", "imported_at"), row))


_SELECT = (
    "SELECT a.org_number, a.counterparty, a.agreement, a.kind, a.valid_from, a.valid_to, a.row_number,"
    " i.ledger_index, i.file_sha256, i.file_name"
    " FROM agreements a JOIN agreement_imports i ON i.id = a.import_id"
)


def _agreement(row: tuple[Any, ...]) -> Agreement:
    org, counterparty, agreement, kind, valid_from, valid_to, number, ledger_index, digest, file_name = row
    return Agreement(
        org_number=org,
        counterparty=counterparty,
        agreement=agreement,
        kind=kind,
        valid_from=dt.date.fromisoformat(valid_from),
        valid_to=dt.date.fromisoformat(valid_to) if valid_to else None,
        source="registry",
        reference={"import": ledger_index, "file_sha256": digest, "file_name": file_name, "row": number},
    )


def lookup(db: sqlite_utils.Database, org_number: str, on: dt.date | None = None) -> list[Agreement]:
    """The registry's agreements of one employer (valid on `on` when given), newest first."""
    org = normalise(org_number)
    if org is None:
        # The value is not echoed: it may be a personnummer.
        raise BadInput(_("ORGNR is not a valid organisation number ({why})", why=why_invalid(org_number)))
    sql = _SELECT + " WHERE a.org_number = ?"
    params: list[Any] = [org]
    if on is not None:
        sql += " AND a.valid_from <= ? AND (a.valid_to IS NULL OR a.valid_to >= ?)"
        params += [on.isoformat(), on.isoformat()]
    sql += " ORDER BY a.valid_from DESC, a.id DESC"
    return [_agreement(r) for r in db.conn.execute(sql, params)]


def list_agreements(db: sqlite_utils.Database) -> Iterator[Agreement]:
    """Every agreement in the registry, by org number then start date."""
    for row in db.conn.execute(_SELECT + " ORDER BY a.org_number, a.valid_from, a.id"):
        yield _agreement(row)


def list_imports(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Every import, oldest first."""
    cols = ("id", "file_sha256", "file_name", "rows", "ledger_index", "imported_at")
    return [dict(zip(cols, r)) for r in db.conn.execute(f"SELECT {', '.join(cols)} FROM agreement_imports ORDER BY id")]
