"""Checking, without the database, that a newer signed checkpoint extends an older one (RFC 9162 §2.1.4).

For a third party (an auditor, a buyer, a witness operator) who kept an old checkpoint and got a new
one and a proof from `asfverify ledger prove --consistency OLD NEW`: both notes must be signed by
the given key under the same origin, and the proof must take the old root to the new one. This is
pure (merkle.py and note.py only): no workspace, no SQLite.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import BadInput, VerificationError
from ..i18n import _
from . import merkle
from .note import Checkpoint, NoteError, NoteVerifier, open_checkpoint, split_note, verifier_for

MAX_PROOF_LINES = 128  # a consistency path has at most ~2·log2(size) hashes


@dataclass(frozen=True)
class ConsistencyReport:
    origin: str
    old: Checkpoint
    new: Checkpoint
    proof_hashes: int


def parse_proof(text: str) -> list[bytes]:
    """The hashes of a consistency proof: one base64 SHA-256 per line, as `ledger prove --consistency` prints."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > MAX_PROOF_LINES:
        raise BadInput(_("proof: {n} lines, more than a consistency proof can have ({limit})",
                         n=len(lines), limit=MAX_PROOF_LINES))
    hashes = []
    for number, line in enumerate(lines, start=1):
        try:
            digest = base64.b64decode(line, validate=True)
        except (binascii.Error, ValueError):
            raise BadInput(_("proof line {number}: not base64", number=number)) from None
        if len(digest) != 32:
            raise BadInput(_("proof line {number}: not a 32-byte hash", number=number))
        hashes.append(digest)
    return hashes


def _verifiers(note: str, keys: Sequence[tuple[bytes, str | None]]) -> list[NoteVerifier]:
    # A did:key or PEM carries no note name: the checkpoint's signature lines name it (the origin).
    try:
        _text, signatures = split_note(note)
    except NoteError as exc:
        raise BadInput(_("checkpoint: {exc}", exc=exc)) from None
    names = {s.name for s in signatures}
    out = []
    for public_key, name in keys:
        for candidate in ([name] if name else sorted(names)):
            try:
                out.append(verifier_for(candidate, public_key))
            except NoteError:
                continue
    return out


def _open(note: str, which: str, keys: Sequence[tuple[bytes, str | None]]) -> Checkpoint:
    try:
        checkpoint, _signers = open_checkpoint(note, _verifiers(note, keys))
    except NoteError as exc:
        raise VerificationError(f"{which}: {exc}") from None
    return checkpoint


def check_consistency(old_note: str, new_note: str, proof: Sequence[bytes],
                      keys: Sequence[tuple[bytes, str | None]]) -> ConsistencyReport:
    """VerificationError (exit 1) unless both notes verify under `keys` and the proof links their roots."""
    old = _open(old_note, _("old checkpoint"), keys)
    new = _open(new_note, _("new checkpoint"), keys)
    if old.origin != new.origin:
        raise VerificationError(_("the checkpoints are of different logs ({old!r} and {new!r})", old=old.origin, new=new.origin))
    if old.size > new.size:
        raise VerificationError(_("the new checkpoint (size {new}) is smaller than the old one (size {old}): rolled back",
                                  new=new.size, old=old.size))
    if not merkle.verify_consistency(old.size, new.size, old.root, new.root, list(proof)):
        raise VerificationError(
            _("the proof does not show that size {new} extends size {old}: the log was rewritten, or the proof is for "
              "other sizes", new=new.size, old=old.size))
    return ConsistencyReport(old.origin, old, new, len(proof))
