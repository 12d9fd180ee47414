"""Reading PDFs: page text through PDFium (fast), tables through pdfplumber; both bounded."""

from __future__ import annotations

import time
from pathlib import Path

from . import bounded
from .errors import DocumentError
from .i18n import _
from .limits import Limits

EXTRACTOR = "pdfium-1"


def _out_of_memory(exc: BaseException) -> bool:
    """True if a library's exception wraps a MemoryError (pdfminer re-raises it as its own)."""
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < 20:
        if isinstance(current, MemoryError):
            return True
        current = current.__cause__ or current.__context__
        seen += 1
    return False


def _pdfium_error(path: Path, exc: Exception) -> DocumentError:
    message = str(exc).lower()
    if "password" in message or "encrypt" in message or "security" in message:
        return DocumentError(_("{name}: PDF is encrypted", name=path.name))
    return DocumentError(_("{name}: not a readable PDF ({error})", name=path.name, error=type(exc).__name__))


def page_texts(path: Path, limits: Limits) -> list[str]:
    """Text of every page (PDFium), bounded in pages, time and memory (in a child process)."""
    import pypdfium2  # noqa: F401 - imported once here, not in every child (which would lose it)

    return bounded.call(lambda: _page_texts(path, limits), what=f"{path.name}: text extraction",
                        seconds=limits.max_seconds_per_document, memory=limits.max_memory_per_document)


def _page_texts(path: Path, limits: Limits) -> list[str]:
    import pypdfium2 as pdfium

    started = time.monotonic()
    try:
        pdf = pdfium.PdfDocument(str(path))
    except Exception as exc:  # PdfiumError and friends: corrupt, encrypted, not a PDF
        raise _pdfium_error(path, exc) from None
    try:
        count = len(pdf)
        if count > limits.max_pages:
            raise DocumentError(_("{name}: {n} pages, more than the limit of {limit}", name=path.name, n=count, limit=limits.max_pages))
        pages: list[str] = []
        for index in range(count):
            try:
                page = pdf[index]
                textpage = page.get_textpage()
                pages.append(textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n"))
                textpage.close()
                page.close()
            except DocumentError:
                raise
            except Exception as exc:
                if _out_of_memory(exc):
                    raise MemoryError from None
                raise DocumentError(_("{name}: page {page} cannot be read ({error})", name=path.name, page=index + 1,
                                      error=type(exc).__name__)) from None
            if time.monotonic() - started > limits.max_seconds_per_document:
                raise DocumentError(_("{name}: text extraction took longer than {limit:g} s", name=path.name,
                                      limit=limits.max_seconds_per_document))
        return pages
    finally:
        pdf.close()


def page_tables(path: Path, limits: Limits) -> list[tuple[int, list[list[str | None]]]]:
    """(page number, table) for every table pdfplumber finds, bounded in pages, time and memory."""
    import pdfplumber  # noqa: F401 - imported once here, not in every child

    return bounded.call(lambda: _page_tables(path, limits), what=f"{path.name}: table extraction",
                        seconds=limits.max_seconds_per_document, memory=limits.max_memory_per_document)


def _page_tables(path: Path, limits: Limits) -> list[tuple[int, list[list[str | None]]]]:
    import pdfplumber

    started = time.monotonic()
    try:
        pdf = pdfplumber.open(str(path))
    except Exception as exc:
        raise _pdfium_error(path, exc) from None
    try:
        if len(pdf.pages) > limits.max_pages:
            raise DocumentError(_("{name}: {n} pages, more than the limit of {limit}", name=path.name, n=len(pdf.pages),
                                  limit=limits.max_pages))
        out: list[tuple[int, list[list[str | None]]]] = []
        for number, page in enumerate(pdf.pages, start=1):
            try:
                for table in page.extract_tables():
                    out.append((number, table))
            except Exception as exc:
                if _out_of_memory(exc):
                    raise MemoryError from None  # reported with the memory limit (asfverify.bounded)
                raise DocumentError(_("{name}: tables on page {page} cannot be read ({error})", name=path.name, page=number,
                                          error=type(exc).__name__)) from None
            finally:
                page.close()
            if time.monotonic() - started > limits.max_seconds_per_document:
                raise DocumentError(_("{name}: table extraction took longer than {limit:g} s", name=path.name,
                                      limit=limits.max_seconds_per_document))
        return out
    finally:
        pdf.close()
