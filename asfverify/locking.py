"""An exclusive lock on a file, behind one small seam: POSIX flock, Windows msvcrt, or a lock file.

POSIX-only modules (fcntl) are imported here and only here, so `asfverify run` starts on Windows.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:  # POSIX
    import fcntl
except ImportError:  # Windows and other platforms without it
    fcntl = None  # type: ignore[assignment]

try:  # Windows
    import msvcrt
except ImportError:
    msvcrt = None  # type: ignore[assignment]

# The portable fallback gives up waiting after this long and takes the lock anyway: a lock file
# left behind by a killed process must not stop every later run.
STALE_SECONDS = 60.0


@contextmanager
def exclusive(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `path` (created if missing) for the duration of the block."""
    if fcntl is not None:
        with open(path, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        return
    if msvcrt is not None:  # pragma: no cover - exercised on Windows only
        with open(path, "a+b") as handle:
            handle.seek(0)
            while True:
                try:
                    msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
                    break
                except OSError:  # LK_LOCK retries for ~10 s, then raises; keep waiting
                    continue
            try:
                yield
            finally:
                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        return
    with _lock_file(path):
        yield


@contextmanager
def _lock_file(path: Path) -> Iterator[None]:
    """The last resort: an O_EXCL sibling file as the lock, waited for, and broken when stale."""
    marker = path.with_name(path.name + ".held")
    deadline = time.monotonic() + STALE_SECONDS
    while True:
        try:
            fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            break
        except FileExistsError:
            if time.monotonic() > deadline:
                try:
                    os.unlink(marker)
                except FileNotFoundError:
                    pass
                deadline = time.monotonic() + STALE_SECONDS
            time.sleep(0.05)
    try:
        yield
    finally:
        os.close(fd)
        try:
            os.unlink(marker)
        except FileNotFoundError:
            pass


def private_file(path: Path) -> None:
    """Create `path` 0600 if missing, and make an existing one 0600 (it may hold private data)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)
        else:  # Windows before 3.13: only the read-only bit exists; os.chmod is as close as it gets
            os.chmod(path, 0o600)
    finally:
        os.close(fd)
