"""Bounds on what a (hostile) application package may make asfverify read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_document_bytes: int = 50 * MiB
    max_manifest_bytes: int = 1 * MiB
    max_pages: int = 500
    max_seconds_per_document: float = 60.0
    # Address space a document's parser may use on top of the process's own (a child process's
    # RLIMIT_AS; asfverify.bounded): a page that inflates to gigabytes ends as an error result.
    max_memory_per_document: int = 768 * MiB
    max_columns: int = 256  # payroll lists: cells per row (CSV and XLSX)
    max_line_bytes: int = 1 * MiB  # payroll CSV: bytes in one line
    # Parallel batches only: a worker still busy after this long is ended (a parser hung inside a page).
    max_seconds_per_package: float = 600.0
    max_zip_members: int = 1000
    max_zip_bytes: int = 500 * MiB
    max_zip_ratio: int = 200  # uncompressed / compressed, per member: a zip bomb guard

    @classmethod
    def from_config(cls, config: Mapping[str, Any] | None) -> Limits:
        """[limits] in asfverify.toml overrides the defaults (documented in the README)."""
        raw = dict((config or {}).get("limits", {}))
        fields = {k: raw[k] for k in cls.__dataclass_fields__ if k in raw}
        return cls(**fields)
