"""Trusted issuer keys for offline verification, given as PEM file, C2SP vkey or did:key."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import BadInput
from ..multibase import did_key, public_key_from_did


@dataclass(frozen=True)
class TrustedKey:
    """A 32-byte Ed25519 public key the verifier trusts; name is the vkey's note name when known."""

    public_key: bytes
    source: str
    name: str | None = None

    @property
    def did(self) -> str:
        return did_key(self.public_key)


def _from_text(text: str, source: str) -> TrustedKey:
    text = text.strip()
    if "-----BEGIN" in text:
        from ..keys import public_from_pem  # cryptography's PEM loader only when a PEM is given

        try:
            return TrustedKey(public_from_pem(text), f"--trust {source}")
        except BadInput as exc:
            raise BadInput(f"--trust {source}: {exc}") from None
    if text.startswith("did:key:"):
        try:
            return TrustedKey(public_key_from_did(text), f"--trust {source}")
        except ValueError as exc:
            raise BadInput(f"--trust {source}: {exc}") from None
    if text.count("+") >= 2 and "\n" not in text:
        from ..ledger.note import NoteError, parse_vkey

        try:
            vkey = parse_vkey(text)
        except NoteError as exc:
            raise BadInput(f"--trust {source}: {exc}") from None
        return TrustedKey(vkey.public_key, f"--trust {source}", vkey.name)
    raise BadInput(f"--trust {source}: not a PEM public key, C2SP vkey or did:key")


def parse_trust(value: str) -> TrustedKey:
    """One --trust value: a path to a PEM/vkey/did:key file, or a vkey or did:key given inline."""
    if value.startswith("did:key:") or ("+" in value and not Path(value).exists()):
        return _from_text(value, value[:60])
    path = Path(value)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BadInput(f"--trust {value}: no such file, and not a did:key or C2SP vkey") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"--trust {value}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    return _from_text(text, value)
