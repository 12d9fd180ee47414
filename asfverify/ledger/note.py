"""C2SP signed-note (Ed25519), verifier keys and tlog-checkpoint bodies (pure, no I/O)."""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..errors import VerificationError
from ..i18n import _

SIG_ED25519 = 0x01
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")  # control characters other than newline
_BAD_NAME = re.compile(r"[\s+]")
EM_DASH = "\u2014"
MAX_SIGNATURES = 100


class NoteError(VerificationError):
    """A signed note or checkpoint is malformed or not signed by a trusted key."""


def _b64decode(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise NoteError(_("invalid base64: {text!r}", text=text[:40])) from None


def note_key_id(name: str, public_key: bytes) -> bytes:
    """First 4 bytes of SHA-256(name || 0x0A || 0x01 || public key)."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([SIG_ED25519]) + public_key).digest()[:4]


def _check_name(name: str) -> None:
    if not name or _BAD_NAME.search(name):
        raise NoteError(_("invalid key name {name!r}: must be non-empty with no spaces or '+'", name=name))


@dataclass(frozen=True)
class NoteVerifier:
    """An Ed25519 note verifier key: name, 4-byte key id and 32-byte public key."""

    name: str
    key_id: bytes
    public_key: bytes

    def verify(self, message: bytes, signature: bytes) -> bool:
        from cryptography.exceptions import InvalidSignature

        try:
            _ed25519_key(self.public_key).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True

    @property
    def vkey(self) -> str:
        return format_vkey(self.name, self.public_key)


@functools.lru_cache(maxsize=64)
def _ed25519_key(public_key: bytes):
    # Loading a key costs about as much as a verification; ledger verify checks thousands of notes.
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    return Ed25519PublicKey.from_public_bytes(public_key)


@functools.lru_cache(maxsize=64)
def verifier_for(name: str, public_key: bytes) -> NoteVerifier:
    """A note verifier for a raw Ed25519 key under a key name."""
    _check_name(name)
    return NoteVerifier(name, note_key_id(name, public_key), public_key)


def format_vkey(name: str, public_key: bytes) -> str:
    """<name>+<hex8 key id>+<base64(0x01 || public key)>."""
    _check_name(name)
    if len(public_key) != 32:
        raise NoteError(_("an Ed25519 public key is 32 bytes"))
    return f"{name}+{note_key_id(name, public_key).hex()}+{base64.b64encode(bytes([SIG_ED25519]) + public_key).decode()}"


def parse_vkey(vkey: str) -> NoteVerifier:
    """Parse a C2SP verifier key (Ed25519 only); the key id must match."""
    parts = vkey.strip().split("+", 2)  # base64 may itself contain '+'
    if len(parts) != 3:
        raise NoteError(_("verifier key must be <name>+<hex key id>+<base64 key>"))
    name, hex_id, b64 = parts
    _check_name(name)
    if len(hex_id) != 8:
        raise NoteError(_("verifier key id must be 8 hex digits"))
    try:
        key_id = bytes.fromhex(hex_id)
    except ValueError:
        raise NoteError(_("verifier key id must be 8 hex digits")) from None
    raw = _b64decode(b64)
    if len(raw) != 33 or raw[0] != SIG_ED25519:
        raise NoteError(_("verifier key is not an Ed25519 (type 0x01) key"))
    verifier = NoteVerifier(name, key_id, raw[1:])
    if note_key_id(name, verifier.public_key) != key_id:
        raise NoteError(_("verifier key id does not match its name and key"))
    return verifier


@dataclass(frozen=True)
class NoteSignature:
    name: str
    key_id: bytes
    signature: bytes


def split_note(note: str) -> tuple[str, list[NoteSignature]]:
    """Split a signed note into its text (with final newline) and signature lines, at the LAST blank line."""
    if _CONTROL.search(note):
        raise NoteError(_("note contains control characters"))
    cut = note.rfind("\n\n")
    if cut < 0:
        raise NoteError(_("note has no signature block (no blank line)"))
    text, block = note[: cut + 1], note[cut + 2 :]
    if not block.endswith("\n"):
        raise NoteError(_("note signature block must end with a newline"))
    signatures = []
    for line in block[:-1].split("\n"):
        if not line.startswith(EM_DASH + " "):
            raise NoteError(_("malformed signature line {line!r}", line=line[:40]))
        fields = line[2:].split(" ")
        if len(fields) != 2:
            raise NoteError(_("malformed signature line {line!r}", line=line[:40]))
        name, b64 = fields
        _check_name(name)
        raw = _b64decode(b64)
        if len(raw) < 5:
            raise NoteError(_("signature by {name} is too short", name=name))
        signatures.append(NoteSignature(name, raw[:4], raw[4:]))
    if not signatures:
        raise NoteError(_("note has no signatures"))
    if len(signatures) > MAX_SIGNATURES:
        raise NoteError(_("note has too many signatures"))
    return text, signatures


def open_note(note: str, verifiers: Iterable[NoteVerifier]) -> tuple[str, list[NoteVerifier]]:
    """Verify a signed note; return its text and the known keys that signed it.

    Unknown (name, key id) pairs are ignored; a known key whose signature fails rejects the note;
    at least one known key must have signed.
    """
    text, signatures = split_note(note)
    known = {(v.name, v.key_id): v for v in verifiers}
    message = text.encode("utf-8")
    good: list[NoteVerifier] = []
    for sig in signatures:
        verifier = known.get((sig.name, sig.key_id))
        if verifier is None:
            continue
        if not verifier.verify(message, sig.signature):
            raise NoteError(_("signature by {name}+{key_id} does not verify", name=sig.name, key_id=sig.key_id.hex()))
        if verifier not in good:
            good.append(verifier)
    if not good:
        raise NoteError(_("note is not signed by any trusted key"))
    return text, good


def sign_note(text: str, name: str, public_key: bytes, sign: Callable[[bytes], bytes]) -> str:
    """Signed note of text (must end in a newline) by an Ed25519 key under name."""
    if not text.endswith("\n"):
        raise NoteError(_("note text must end with a newline"))
    if _CONTROL.search(text):
        raise NoteError(_("note text contains control characters"))
    _check_name(name)
    signature = sign(text.encode("utf-8"))
    blob = base64.b64encode(note_key_id(name, public_key) + signature).decode()
    return f"{text}\n{EM_DASH} {name} {blob}\n"


@dataclass(frozen=True)
class Checkpoint:
    """A C2SP tlog-checkpoint body."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()


def format_checkpoint(origin: str, size: int, root: bytes) -> str:
    """origin, decimal size and base64 root, each on its own line."""
    if not origin or " " in origin or "+" in origin:
        raise NoteError(_("invalid checkpoint origin {origin!r}", origin=origin))
    return f"{origin}\n{size}\n{base64.b64encode(root).decode()}\n"


def parse_checkpoint(text: str) -> Checkpoint:
    """Parse a checkpoint note text (not the signatures)."""
    if not text.endswith("\n"):
        raise NoteError(_("checkpoint must end with a newline"))
    lines = text[:-1].split("\n")
    if len(lines) < 3 or any(not line for line in lines):
        raise NoteError(_("checkpoint needs origin, size and root hash lines"))
    origin, size_text, root_text = lines[:3]
    if not size_text.isascii() or not size_text.isdigit() or (size_text != "0" and size_text.startswith("0")):
        raise NoteError(_("checkpoint size {size_text!r} is not a decimal number", size_text=size_text[:20]))
    if len(size_text) > 20:  # above 2^64; int() of thousands of digits would raise a bare ValueError
        raise NoteError(_("checkpoint size {size_text!r}… has more than 20 digits", size_text=size_text[:20]))
    root = _b64decode(root_text)
    if len(root) != 32:
        raise NoteError(_("checkpoint root hash is not 32 bytes"))
    return Checkpoint(origin, int(size_text), root, tuple(lines[3:]))


def read_checkpoint(note: str) -> Checkpoint:
    """The checkpoint a signed note carries, its signatures NOT checked (open_checkpoint checks them):
    for a note that was verified elsewhere, or whose size or origin is only read."""
    return parse_checkpoint(split_note(note)[0])


def open_checkpoint(note: str, verifiers: Iterable[NoteVerifier], origin: str | None = None) -> tuple[Checkpoint, list[NoteVerifier]]:
    """Verify a signed checkpoint and parse it; optionally require its origin."""
    text, signers = open_note(note, verifiers)
    checkpoint = parse_checkpoint(text)
    if origin is not None and checkpoint.origin != origin:
        raise NoteError(_("checkpoint origin {found!r} is not {origin!r}", found=checkpoint.origin, origin=origin))
    return checkpoint, signers
