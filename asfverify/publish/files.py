"""Writing the site: every file atomically (temp file + rename), unchanged files left alone, paths confined."""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BadInput

_SAFE_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def _check_relative(relpath: str) -> list[str]:
    parts = relpath.split("/")
    if not parts or any(not _SAFE_PART.match(p) or p in (".", "..") for p in parts):
        raise ValueError(f"site path {relpath!r} is not a plain relative path")
    return parts


@dataclass
class SiteFiles:
    """The output folder. write() is atomic and idempotent; counts what changed for the summary."""

    root: Path
    written: list[str] = field(default_factory=list)
    unchanged: int = 0

    def path(self, relpath: str) -> Path:
        return self.root.joinpath(*_check_relative(relpath))

    def read(self, relpath: str) -> bytes | None:
        try:
            return self.path(relpath).read_bytes()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return None

    def exists(self, relpath: str) -> bool:
        return self.path(relpath).is_file()

    def write(self, relpath: str, data: bytes | str, *, immutable: bool = False) -> bool:
        """Write data at relpath unless the file already holds it; True when the file changed.

        immutable=True (full tiles, entry bundles, issued certificates): a present file is trusted to
        be right without reading it back, which keeps an incremental publish cheap.
        """
        payload = data.encode("utf-8") if isinstance(data, str) else data
        target = self.path(relpath)
        if immutable and target.is_file() and target.stat().st_size == len(payload):
            self.unchanged += 1
            return False
        if not immutable and self.read(relpath) == payload:
            self.unchanged += 1
            return False
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
            with open(tmp, "wb") as fh:
                fh.write(payload)
            os.replace(tmp, target)  # readers see the old file or the new one, never half of one
        except OSError as exc:
            try:
                tmp.unlink()
            except (OSError, UnboundLocalError):
                pass
            raise BadInput(f"{target}: cannot write: {exc.strerror}") from None
        self.written.append(relpath)
        return True
