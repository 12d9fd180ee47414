"""Bounds on what a (hostile) application package may make asfverify read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import WorkspaceError
from .i18n import _

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
        raw = (config or {}).get("limits", {})
        if not isinstance(raw, Mapping):
            raise WorkspaceError(_("asfverify.toml: [limits] must be a table of limits (max_pages = 500, ...)"))
        fields: dict[str, Any] = {}
        for key, value in raw.items():
            default = cls.__dataclass_fields__.get(key)
            if default is None:
                raise WorkspaceError(_("asfverify.toml: [limits] {key} is not a limit; the limits are {names}", key=key,
                                       names=", ".join(cls.__dataclass_fields__)))
            # A typo or a quoted number would otherwise end deep inside a parser as an internal error.
            whole = default.type in ("int", int)
            number = isinstance(value, int) if whole else isinstance(value, int | float)
            if isinstance(value, bool) or not number or not value > 0:
                message = (_("asfverify.toml: [limits] {key} = {value!r}: write a positive whole number without quotes",
                             key=key, value=value) if whole else
                           _("asfverify.toml: [limits] {key} = {value!r}: write a positive number without quotes",
                             key=key, value=value))
                raise WorkspaceError(message)
            fields[key] = value
        return cls(**fields)
