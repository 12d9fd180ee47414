"""Reading one hostile input file (a certificate, a trust list, an issuer.json) within a size bound.

The size is checked before reading, so a huge file costs a stat, not its bytes; every way the read
can fail becomes one BadInput line naming the file as the user gave it.
"""

from __future__ import annotations

from pathlib import Path

from .errors import BadInput
from .i18n import _


def read_bounded(path: str | Path, limit: int, label: str, too_large: BadInput) -> bytes:
    """The bytes of ``path`` if it is a readable file of at most ``limit`` bytes.

    ``label`` names the file in messages (e.g. ``--trust-list x.json``); ``too_large`` is the
    error raised when the file is larger than ``limit``, so each format keeps its own wording
    and exception type.
    """
    target = Path(path)
    try:
        if target.stat().st_size > limit:
            raise too_large
        return target.read_bytes()
    except FileNotFoundError:
        raise BadInput(_("{label}: no such file", label=label)) from None
    except IsADirectoryError:
        raise BadInput(_("{label}: is a folder, not a file", label=label)) from None
    except OSError as exc:
        raise BadInput(_("{label}: cannot read: {reason}", label=label, reason=exc.strerror)) from None
