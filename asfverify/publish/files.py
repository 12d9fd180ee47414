"""Writing the site: every file atomically (temp file + rename), unchanged files left alone, paths confined."""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BadInput
from ..i18n import _

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
    _dirs: set[str] = field(default_factory=set, repr=False)

    def path(self, relpath: str) -> Path:
        return self.root.joinpath(*_check_relative(relpath))

    def _os_path(self, relpath: str) -> str:
        # Plain strings, not Path objects: a full publish writes hundreds of thousands of files.
        _check_relative(relpath)
        return os.path.join(str(self.root), *relpath.split("/"))

    def read(self, relpath: str) -> bytes | None:
        try:
            with open(self._os_path(relpath), "rb") as fh:
                return fh.read()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return None

    def exists(self, relpath: str) -> bool:
        return os.path.isfile(self._os_path(relpath))

    def write(self, relpath: str, data: bytes | str, *, immutable: bool = False) -> bool:
        """Write data at relpath unless the file already holds it; True when the file changed.

        immutable=True (full tiles, entry bundles, issued certificates): a present file of the right
        size is trusted to be right without reading it back, which keeps an incremental publish cheap
        (a file cut short by a killed publish has the wrong size and is written again).
        """
        payload = data.encode("utf-8") if isinstance(data, str) else data
        target = self._os_path(relpath)
        try:
            size = os.stat(target).st_size
        except (FileNotFoundError, NotADirectoryError):
            size = None
        if size == len(payload) and (immutable or self.read(relpath) == payload):
            self.unchanged += 1
            return False
        folder = os.path.dirname(target)
        tmp = os.path.join(folder, f".{os.path.basename(target)}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        try:
            if folder not in self._dirs:
                os.makedirs(folder, exist_ok=True)
                self._dirs.add(folder)
            with open(tmp, "wb") as fh:
                fh.write(payload)
            os.replace(tmp, target)  # readers see the old file or the new one, never half of one
        except OSError as exc:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise BadInput(_("{file}: cannot write: {reason}", file=target, reason=exc.strerror)) from None
        self.written.append(relpath)
        return True
