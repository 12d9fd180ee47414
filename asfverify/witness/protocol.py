"""The c2sp.org/tlog-witness add-checkpoint wire format, shared by the server and the client (pure).

Request body: `old <size>\\n`, at most 63 base64 consistency-proof hashes one per line, an empty
line, then the signed checkpoint note. A 409 answer's body is `<size>\\n` with Content-Type
text/x.tlog.size; a 200 answer's body is one or more note signature lines.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import BadInput
from ..i18n import _

MAX_PROOF_LINES = 63
MAX_BODY_BYTES = 128 * 1024  # a checkpoint with dozens of signatures and a full proof fits with room
SIZE_CONTENT_TYPE = "text/x.tlog.size"
NOTE_CONTENT_TYPE = "text/plain; charset=utf-8"


class ProtocolError(BadInput):
    """An add-checkpoint body or answer does not follow c2sp.org/tlog-witness."""


@dataclass(frozen=True)
class AddCheckpoint:
    old_size: int
    proof: tuple[bytes, ...]
    checkpoint_note: str


def parse_decimal(text: str) -> int | None:
    """A non-negative ASCII decimal without leading zeroes (except `0`), or None."""
    if text.isascii() and text.isdigit() and (text == "0" or not text.startswith("0")) and len(text) <= 20:
        return int(text)
    return None


def format_add_checkpoint(old_size: int, proof: Sequence[bytes], checkpoint_note: str) -> bytes:
    """The request body for POST <prefix>/add-checkpoint."""
    if old_size < 0:
        raise ProtocolError(_("old size cannot be negative"))
    if len(proof) > MAX_PROOF_LINES:
        raise ProtocolError(_("a consistency proof has at most {limit} hashes", limit=MAX_PROOF_LINES))
    lines = [f"old {old_size}"] + [base64.b64encode(h).decode() for h in proof]
    return ("\n".join(lines) + "\n\n" + checkpoint_note).encode("utf-8")


def parse_add_checkpoint(body: bytes) -> AddCheckpoint:
    """Parse a request body strictly; ProtocolError (answered 400) for anything else."""
    if len(body) > MAX_BODY_BYTES:
        raise ProtocolError("request body too large")  # not for translation: witness HTTP 400 body
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError("request body is not UTF-8") from None  # not for translation: witness HTTP 400 body
    first, sep, rest = text.partition("\n")
    if not sep or not first.startswith("old "):
        raise ProtocolError("the first line must be 'old <size>'")  # not for translation: witness HTTP 400 body
    old = parse_decimal(first[4:])
    if old is None:
        raise ProtocolError("old size is not a decimal number without leading zeroes")  # not for translation: witness HTTP 400 body
    proof: list[bytes] = []
    while True:
        line, sep, rest = rest.partition("\n")
        if not sep:
            raise ProtocolError("no empty line before the checkpoint")  # not for translation: witness HTTP 400 body
        if line == "":
            break
        if len(proof) == MAX_PROOF_LINES:
            raise ProtocolError(f"more than {MAX_PROOF_LINES} consistency proof lines")  # not for translation: witness HTTP 400 body
        try:
            digest = base64.b64decode(line, validate=True)
        except (binascii.Error, ValueError):
            raise ProtocolError("a consistency proof line is not base64") from None  # not for translation: witness HTTP 400 body
        if len(digest) != 32:
            raise ProtocolError("a consistency proof hash is not 32 bytes")  # not for translation: witness HTTP 400 body
        proof.append(digest)
    if not rest:
        raise ProtocolError("no checkpoint after the empty line")  # not for translation: witness HTTP 400 body
    return AddCheckpoint(old, tuple(proof), rest)


def format_size(size: int) -> bytes:
    """The 409 Conflict body."""
    return f"{size}\n".encode()


def parse_size(body: bytes) -> int:
    """The witness's size from a 409 body; ProtocolError when it is not `<decimal>\\n`."""
    try:
        text = body.decode("ascii")
    except UnicodeDecodeError:
        raise ProtocolError(_("409 body is not ASCII")) from None
    size = parse_decimal(text[:-1]) if text.endswith("\n") else None
    if size is None:
        raise ProtocolError(_("409 body is not '<size>\\n'"))
    return size
