"""c2sp.org/tlog-proof@v1: an inclusion proof bundled with its signed checkpoint (pure, no I/O)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Sequence

from ..i18n import _
from .merkle import verify_inclusion
from .note import Checkpoint, NoteError, NoteVerifier, open_checkpoint

HEADER = "c2sp.org/tlog-proof@v1"


class TlogProofError(NoteError):
    """A tlog-proof is malformed or does not prove inclusion."""


def format_tlog_proof(index: int, path: Sequence[bytes], checkpoint_note: str, extra: bytes | None = None) -> str:
    """The tlog-proof text: header, optional extra, index, path (leaf sibling first), blank line, checkpoint."""
    lines = [HEADER]
    if extra is not None:
        lines.append("extra " + base64.b64encode(extra).decode())
    lines.append(f"index {index}")
    lines.extend(base64.b64encode(h).decode() for h in path)
    return "\n".join(lines) + "\n\n" + checkpoint_note


def parse_tlog_proof(text: str) -> tuple[int, list[bytes], str]:
    """(index, inclusion path, checkpoint note) from a tlog-proof text."""
    if not isinstance(text, str):
        raise TlogProofError(_("tlog-proof is not text"))
    head, sep, note = text.partition("\n\n")
    if not sep:
        raise TlogProofError(_("tlog-proof has no blank line before the checkpoint"))
    lines = head.split("\n")
    if lines[0] != HEADER:
        raise TlogProofError(_("not a {header} proof", header=HEADER))
    rest = lines[1:]
    if rest and rest[0].startswith("extra "):
        rest = rest[1:]
    if not rest or not rest[0].startswith("index "):
        raise TlogProofError(_("tlog-proof has no index line"))
    index_text = rest[0][len("index "):]
    if not index_text.isascii() or not index_text.isdigit() or (index_text != "0" and index_text.startswith("0")):
        raise TlogProofError(_("tlog-proof index {index_text!r} is not a decimal number", index_text=index_text[:20]))
    path = []
    for line in rest[1:]:
        try:
            h = base64.b64decode(line, validate=True)
        except (binascii.Error, ValueError):
            raise TlogProofError(_("tlog-proof path line {line!r} is not base64", line=line[:40])) from None
        if len(h) != 32:
            raise TlogProofError(_("tlog-proof path hash is not 32 bytes"))
        path.append(h)
    if not note:
        raise TlogProofError(_("tlog-proof has no checkpoint"))
    return int(index_text), path, note


def verify_tlog_proof(text: str, leaf_hash: bytes, verifiers: Iterable[NoteVerifier], origin: str | None = None) -> tuple[int, Checkpoint]:
    """Check the checkpoint signature by a trusted key and the inclusion of leaf_hash; return (index, checkpoint)."""
    index, path, note = parse_tlog_proof(text)
    checkpoint, _signers = open_checkpoint(note, verifiers, origin)
    if not verify_inclusion(index, checkpoint.size, leaf_hash, path, checkpoint.root):
        raise TlogProofError(_("leaf is not included at index {index} in the tree of size {size}", index=index, size=checkpoint.size))
    return index, checkpoint
