"""base58btc, multibase 'z' and did:key encodings of Ed25519 public keys."""

from __future__ import annotations

from .errors import FormatError
from .i18n import _

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {c: i for i, c in enumerate(ALPHABET)}
ED25519_PUB_HEADER = b"\xed\x01"
ED25519_PRIV_HEADER = b"\x80\x26"


class MultibaseError(FormatError):
    """A string that is not base58btc, a multikey or a did:key (a ValueError too)."""


def b58encode(data: bytes) -> str:
    zeros = len(data) - len(data.lstrip(b"\x00"))
    n = int.from_bytes(data, "big")
    out = []
    while n:
        n, rem = divmod(n, 58)
        out.append(ALPHABET[rem])
    return "1" * zeros + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    n = 0
    for char in text:
        try:
            n = n * 58 + _INDEX[char]
        except KeyError:
            raise MultibaseError(_("invalid base58btc character {char!r}", char=char)) from None
    zeros = len(text) - len(text.lstrip("1"))
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\x00" * zeros + body


def multibase_ed25519(public_key: bytes) -> str:
    """publicKeyMultibase: 'z' + base58btc(0xed01 || key)."""
    if len(public_key) != 32:
        raise MultibaseError(_("an Ed25519 public key is 32 bytes"))
    return "z" + b58encode(ED25519_PUB_HEADER + public_key)


def ed25519_from_multibase(value: str) -> bytes:
    if not value.startswith("z"):
        raise MultibaseError(_("multibase value must start with 'z' (base58btc)"))
    raw = b58decode(value[1:])
    if not raw.startswith(ED25519_PUB_HEADER) or len(raw) != 34:
        raise MultibaseError(_("not an Ed25519 multikey (header 0xed01 and 32 bytes expected)"))
    return raw[2:]


def did_key(public_key: bytes) -> str:
    return "did:key:" + multibase_ed25519(public_key)


def public_key_from_did(did: str) -> bytes:
    """The Ed25519 key inside did:key:z6Mk… (a fragment after '#' is ignored)."""
    if not did.startswith("did:key:"):
        raise MultibaseError(_("not a did:key: {value}", value=did[:40]))
    return ed25519_from_multibase(did[len("did:key:"):].split("#", 1)[0])
