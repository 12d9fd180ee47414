"""Reading PDFs: page text through PDFium (fast), tables through pdfplumber; both bounded."""

from __future__ import annotations

import time
from pathlib import Path

from .errors import DocumentError
from .limits import Limits

EXTRACTOR = "pdfium-1"


def _pdfium_error(path: Path, exc: Exception) -> DocumentError:
    message = str(exc).lower()
    if "password" in message or "encrypt" in message or "security" in message:
        return DocumentError(f"{path.name}: PDF is encrypted")
    return DocumentError(f"{path.name}: not a readable PDF ({type(exc).__name__})")


def page_texts(path: Path, limits: Limits) -> list[str]:
    """Text of every page (PDFium), bounded in page count and time."""
    import pypdfium2 as pdfium

    started = time.monotonic()
    try:
        pdf = pdfium.PdfDocument(str(path))
    except Exception as exc:  # PdfiumError and friends: corrupt, encrypted, not a PDF
        raise _pdfium_error(path, exc) from None
    try:
        count = len(pdf)
        if count > limits.max_pages:
            raise DocumentError(f"{path.name}: {count} pages, more than the limit of {limits.max_pages}")
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
                raise DocumentError(f"{path.name}: page {index + 1} cannot be read ({type(exc).__name__})") from None
            if time.monotonic() - started > limits.max_seconds_per_document:
                raise DocumentError(f"{path.name}: text extraction took longer than {limits.max_seconds_per_document:g} s")
        return pages
    finally:
        pdf.close()


def page_tables(path: Path, limits: Limits) -> list[tuple[int, list[list[str | None]]]]:
    """(page number, table) for every table pdfplumber finds, bounded in pages and time."""
    import pdfplumber

    started = time.monotonic()
    try:
        pdf = pdfplumber.open(str(path))
    except Exception as exc:
        raise _pdfium_error(path, exc) from None
    try:
        if len(pdf.pages) > limits.max_pages:
            raise DocumentError(f"{path.name}: {len(pdf.pages)} pages, more than the limit of {limits.max_pages}")
        out: list[tuple[int, list[list[str | None]]]] = []
        for number, page in enumerate(pdf.pages, start=1):
            try:
                for table in page.extract_tables():
                    out.append((number, table))
            except Exception as exc:
                raise DocumentError(f"{path.name}: tables on page {number} cannot be read ({type(exc).__name__})") from None
            finally:
                page.close()
            if time.monotonic() - started > limits.max_seconds_per_document:
                raise DocumentError(f"{path.name}: table extraction took longer than {limits.max_seconds_per_document:g} s")
        return out
    finally:
        pdf.close()
