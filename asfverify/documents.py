"""Submitted documents: digest, and text/tables extracted once per document (cached by digest)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, BinaryIO

from .errors import DocumentError
from .i18n import _
from .idnumbers import mask_personal_numbers
from .limits import Limits
from .textcache import TextCache


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """Streamed SHA-256 (hex) of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class DocumentFile:
    """One document of a package: what verifiers see (asfverify.verifier.Document)."""

    path: str
    kind: str
    abs_path: Path
    sha256: str
    size: int
    options: dict[str, Any] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)
    cache: TextCache | None = None
    # Its kind holds personal data (asfverify.kinds.DocumentKind.personal_data, a payroll list): its text
    # is never written to the cache.
    personal_data: bool = False
    _pages: list[str] | None = field(default=None, repr=False)
    _tables: list[tuple[int, list[list[str | None]]]] | None = field(default=None, repr=False)
    _pages_error: str | None = field(default=None, repr=False)
    _tables_error: str | None = field(default=None, repr=False)

    @cached_property
    def is_pdf(self) -> bool:
        """By content, not name (read once: verifiers and the host ask repeatedly)."""
        with self.abs_path.open("rb") as fh:
            return fh.read(5) == b"%PDF-"

    def open(self) -> BinaryIO:
        return self.abs_path.open("rb")

    def read_bytes(self) -> bytes:
        return self.abs_path.read_bytes()

    def pages(self) -> list[str]:
        """Text per page (1 string per page); raises DocumentError for unreadable documents."""
        if self._pages is None:
            if self._pages_error is not None:
                # Once over a limit, always over it: the next verifier must not spend the limit again.
                raise DocumentError(self._pages_error)
            try:
                self._pages = self._load_pages()
            except DocumentError as exc:
                self._pages_error = str(exc)
                raise
        return list(self._pages)

    def _load_pages(self) -> list[str]:
        pages = self._extract_pages()
        if self.personal_data:
            return pages  # payroll ids are validated and pseudonymised by the payroll reader itself
        # Bylaws, annual reports, …: no verifier needs a person's number, so none is kept (cached or not).
        return [mask_personal_numbers(p, keep_identifiers=False) for p in pages]

    def _extract_pages(self) -> list[str]:
        from . import pdftext

        if not self.is_pdf:
            try:
                return [self.abs_path.read_text(encoding="utf-8")]
            except UnicodeDecodeError:
                raise DocumentError(_("{path}: neither a PDF nor UTF-8 text", path=self.path)) from None
        cache = self.cache if not self.personal_data else None
        if cache is not None:
            cached = cache.get(self.sha256, pdftext.EXTRACTOR)
            if cached is not None:
                return cached
        pages = pdftext.page_texts(self.abs_path, self.limits)
        if cache is not None:
            cache.put(self.sha256, pdftext.EXTRACTOR, [mask_personal_numbers(p, keep_identifiers=False) for p in pages])
        return pages

    def pages_without_text(self) -> list[int]:
        """1-based numbers of pages with no text layer (scanned images)."""
        return [i for i, text in enumerate(self.pages(), start=1) if not text.strip()]

    def tables_with_pages(self) -> list[tuple[int, list[list[str | None]]]]:
        if self._tables is None:
            from . import pdftext

            if not self.is_pdf:
                raise DocumentError(_("{path}: tables can only be read from a PDF", path=self.path))
            if self._tables_error is not None:
                raise DocumentError(self._tables_error)
            try:
                self._tables = pdftext.page_tables(self.abs_path, self.limits)
            except DocumentError as exc:
                self._tables_error = str(exc)
                raise
        return list(self._tables)

    def tables(self) -> list[list[list[str | None]]]:
        """Every table on every page, in page order (pdfplumber)."""
        return [table for _page, table in self.tables_with_pages()]

    def describe(self) -> dict[str, str]:
        return {"path": self.path, "kind": self.kind, "sha256": self.sha256}
