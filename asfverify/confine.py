"""Keeping a package to itself: what a name may hold, which zip members are refused, where zips unpack.

- Names (the organisation's, documents' paths, zip members) must show what they are: no bidi
  overrides, zero-width or other invisible format characters, no control characters. Such a
  character makes what a reader sees differ from what is signed.
- Zip members: no duplicates (also after case folding and normalising "./x", "x/" and "\\"), no
  encryption, only stored or deflated members, and no member that is both a file and a folder.
- Zips unpack under one private folder per user in the system temp folder
  (asfverify-<uid>/pkg-<pid>-…, mode 0700); each unpack first removes the folders of processes that
  no longer run (a run killed with SIGKILL cannot clean up after itself).
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import unicodedata
import zipfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from .errors import PackageError
from .i18n import _

ALLOWED_COMPRESSION = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflated"}


def hidden_character(text: str) -> str | None:
    """The first invisible, direction-changing or control character in text ("U+202E"), or None."""
    for ch in text:
        category = unicodedata.category(ch)
        if category in ("Cf", "Cc", "Co", "Cs", "Cn", "Zl", "Zp"):
            return f"U+{ord(ch):04X}"
    return None


def check_visible(text: str, where: str, what: str) -> None:
    """PackageError when `text` holds a character that hides or reorders what a reader sees."""
    found = hidden_character(text)
    if found is not None:
        # Callers name the field in English ("name", "path"); the sentence needs it in its own language.
        what = {"name": _("the name"), "path": _("the path")}.get(what, _("the {what}", what=what))
        raise PackageError(_("{where}: {what} holds an invisible or direction-changing character ({found}); "
                             "write it with visible characters only", where=where, what=what, found=found))


def member_key(name: str) -> str:
    """The name two zip members or two manifest paths collide on: normalised, case-folded."""
    parts = [p for p in PurePosixPath(name.replace("\\", "/")).parts if p not in ("", ".")]
    return unicodedata.normalize("NFC", "/".join(parts)).casefold()


def check_members(zip_name: str, members: Sequence[zipfile.ZipInfo]) -> None:
    """Refuse duplicates, encryption, unsupported compression and file/folder clashes (one line each)."""
    files: dict[str, str] = {}
    folders: dict[str, str] = {}
    for info in members:
        name = info.filename
        where = _("{zip}: member {name!r}", zip=zip_name, name=name)
        check_visible(name, where, "name")
        if info.flag_bits & 0x1:
            raise PackageError(_("{where} is encrypted; submit the package unencrypted", where=where))
        if not info.is_dir() and info.compress_type not in ALLOWED_COMPRESSION:
            raise PackageError(_("{where} uses compression method {method}, which is not supported (stored or deflated "
                                 "only)", where=where, method=info.compress_type))
        key = member_key(name)
        if not key:
            continue
        if info.is_dir():
            folders.setdefault(key, name)
            continue
        if key in files:
            raise PackageError(_("{where} appears twice in the zip (also as {other!r}); an archive tool and asfverify "
                                 "could read different files", where=where, other=files[key]))
        files[key] = name
        parts = key.split("/")
        for depth in range(1, len(parts)):
            folders.setdefault("/".join(parts[:depth]), name)
    for key, name in files.items():
        if key in folders:
            raise PackageError(_("{zip}: member {name!r} is a file and also a folder (of {other!r})", zip=zip_name, name=name,
                                   other=folders[key]))


def _base() -> Path:
    """The per-user folder zips unpack under, created 0700 and checked to be ours."""
    base = Path(tempfile.gettempdir()) / f"asfverify-{os.getuid() if hasattr(os, 'getuid') else 'user'}"
    try:
        base.mkdir(mode=0o700)
    except FileExistsError:
        pass
    info = os.lstat(base)
    if not stat.S_ISDIR(info.st_mode) or (hasattr(os, "getuid") and info.st_uid != os.getuid()):
        raise PackageError(_("{folder} is not a folder of this user; remove it to unpack zip packages", folder=base))
    if stat.S_IMODE(info.st_mode) & 0o077:
        os.chmod(base, 0o700)
    return base


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(base: Path) -> None:
    """Remove unpacked packages left by processes that no longer run."""
    for child in base.iterdir():
        parts = child.name.split("-")
        if len(parts) >= 3 and parts[0] == "pkg" and parts[1].isdigit() and not _alive(int(parts[1])):
            shutil.rmtree(child, ignore_errors=True)


def unpack_folder() -> Path:
    """A new private folder to unpack one zip into (stale ones of dead processes removed first)."""
    base = _base()
    remove_stale(base)
    return Path(tempfile.mkdtemp(prefix=f"pkg-{os.getpid()}-", dir=base))


def check_single_link(path: Path, where: str) -> None:
    """A package file must not be a hard link: its other name may be a file outside the package."""
    info = path.stat()
    if info.st_nlink > 1:
        raise PackageError(_("{where}: is a hard link ({count} names for one file); copy the file into the package", where=where,
                             count=info.st_nlink))
