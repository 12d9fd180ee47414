"""C2SP tlog-cosignature, the Ed25519 `cosignature/v1` type (signature type 0x04); pure, no I/O.

A cosignature is a signed-note signature line `— <name> base64(key id || u64 timestamp || sig)`
where sig is Ed25519 over "cosignature/v1\\ntime <timestamp>\\n" + the checkpoint note text.
The key id is SHA-256(name || 0x0A || 0x04 || public key)[:4]; the vkey is
`<name>+<hex key id>+base64(0x04 || public key)`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass

from ..i18n import _
from ..ledger.note import EM_DASH, NoteError, NoteSignature, _check_name, _ed25519_key

SIG_COSIGNATURE_V1 = 0x04
HEADER = "cosignature/v1"
MAX_TIMESTAMP = 2**63 - 1


class CosignatureError(NoteError):
    """A cosigner key or a cosignature is malformed."""


def check_cosigner_name(name: str) -> None:
    """NoteError unless name is a valid signed-note key name (non-empty, no spaces, no '+')."""
    _check_name(name)


def cosigner_key_id(name: str, public_key: bytes) -> bytes:
    """SHA-256(name || 0x0A || 0x04 || 32-byte Ed25519 public key)[:4]."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([SIG_COSIGNATURE_V1]) + public_key).digest()[:4]


def signed_message(checkpoint_text: str, timestamp: int) -> bytes:
    """The bytes a v1 cosignature signs: header line, time line, then the note text (final newline included)."""
    if not checkpoint_text.endswith("\n"):
        raise CosignatureError(_("checkpoint text must end with a newline"))
    if not 0 < timestamp <= MAX_TIMESTAMP:
        raise CosignatureError(_("cosignature timestamp must be between 1 and 2^63-1"))
    return f"{HEADER}\ntime {timestamp}\n{checkpoint_text}".encode()


@dataclass(frozen=True)
class Cosigner:
    """A witness's public identity: name and 32-byte Ed25519 key, for cosignature/v1."""

    name: str
    public_key: bytes

    def __post_init__(self) -> None:
        _check_name(self.name)
        if len(self.public_key) != 32:
            raise CosignatureError(_("an Ed25519 public key is 32 bytes"))

    @property
    def key_id(self) -> bytes:
        return cosigner_key_id(self.name, self.public_key)

    @property
    def vkey(self) -> str:
        return format_cosigner_vkey(self.name, self.public_key)

    def matches(self, signature: NoteSignature) -> bool:
        """True when a note signature line claims to be by this cosigner (name and key id)."""
        return signature.name == self.name and signature.key_id == self.key_id

    def verify(self, checkpoint_text: str, signature: NoteSignature) -> int | None:
        """The cosignature's timestamp when it is a valid v1 cosignature of checkpoint_text, else None."""
        from cryptography.exceptions import InvalidSignature

        if not self.matches(signature) or len(signature.signature) != 8 + 64:
            return None
        (timestamp,) = struct.unpack(">Q", signature.signature[:8])
        if not 0 < timestamp <= MAX_TIMESTAMP:
            return None  # a zero timestamp is not a checkpoint cosignature (tlog-witness forbids it)
        try:
            _ed25519_key(self.public_key).verify(signature.signature[8:], signed_message(checkpoint_text, timestamp))
        except (InvalidSignature, ValueError):
            return None
        return timestamp


def format_cosigner_vkey(name: str, public_key: bytes) -> str:
    """<name>+<hex key id>+<base64(0x04 || public key)>."""
    _check_name(name)
    if len(public_key) != 32:
        raise CosignatureError(_("an Ed25519 public key is 32 bytes"))
    raw = bytes([SIG_COSIGNATURE_V1]) + public_key
    return f"{name}+{cosigner_key_id(name, public_key).hex()}+{base64.b64encode(raw).decode()}"


def parse_cosigner_vkey(vkey: str) -> Cosigner:
    """Parse a cosignature/v1 verifier key (type 0x04); the key id must match the name and key."""
    parts = vkey.strip().split("+", 2)  # the base64 part may itself contain '+'
    if len(parts) != 3:
        raise CosignatureError(_("a witness vkey is <name>+<hex key id>+<base64 key>"))
    name, hex_id, b64 = parts
    _check_name(name)
    try:
        key_id = bytes.fromhex(hex_id) if len(hex_id) == 8 else b""
        raw = base64.b64decode(b64, validate=True)
    except (ValueError, binascii.Error):
        raise CosignatureError(_("a witness vkey has an 8-hex-digit key id and a base64 key")) from None
    if len(key_id) != 4:
        raise CosignatureError(_("a witness vkey has an 8-hex-digit key id"))
    if len(raw) != 33 or raw[0] != SIG_COSIGNATURE_V1:
        raise CosignatureError(_("not a cosignature/v1 (type 0x04) Ed25519 vkey"))
    cosigner = Cosigner(name, raw[1:])
    if cosigner.key_id != key_id:
        raise CosignatureError(_("the witness vkey's key id does not match its name and key"))
    return cosigner


def cosign(checkpoint_text: str, name: str, public_key: bytes, sign: Callable[[bytes], bytes],
           timestamp: int | None = None) -> str:
    """One cosignature line (`— name base64…` with its newline) over checkpoint_text."""
    _check_name(name)
    when = int(time.time()) if timestamp is None else timestamp
    signature = sign(signed_message(checkpoint_text, when))
    if len(signature) != 64:
        raise CosignatureError(_("an Ed25519 signature is 64 bytes"))
    blob = cosigner_key_id(name, public_key) + struct.pack(">Q", when) + signature
    return f"{EM_DASH} {name} {base64.b64encode(blob).decode()}\n"
