"""Trusted issuer keys for offline verification, given as PEM file, C2SP vkey or did:key."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from pathlib import Path

from ..errors import BadInput
from ..i18n import _
from ..multibase import did_key, public_key_from_did


@dataclass(frozen=True)
class TrustedKey:
    """A 32-byte Ed25519 public key the verifier trusts; name is the vkey's note name when known."""

    public_key: bytes
    source: str
    name: str | None = None
    # Keys with the same group are one issuer's (a workspace's key history, before and after a
    # rotation): a status list signed by one of them may speak for certificates of another.
    issuer_group: str | None = None

    @property
    def did(self) -> str:
        return did_key(self.public_key)


# DER SubjectPublicKeyInfo header of every Ed25519 key (RFC 8410): SEQ { SEQ { OID 1.3.101.112 }, BIT STRING }.
_ED25519_SPKI = bytes.fromhex("302a300506032b6570032100")


def _ed25519_spki_pem(text: str) -> bytes | None:
    """The raw key of a plain Ed25519 PUBLIC KEY PEM, without importing cryptography's loaders (startup time)."""
    lines = text.strip().splitlines()
    if len(lines) < 3 or lines[0] != "-----BEGIN PUBLIC KEY-----" or lines[-1] != "-----END PUBLIC KEY-----":
        return None
    try:
        der = base64.b64decode("".join(line.strip() for line in lines[1:-1]), validate=True)
    except (binascii.Error, ValueError):
        return None
    if len(der) != len(_ED25519_SPKI) + 32 or not der.startswith(_ED25519_SPKI):
        return None
    return der[len(_ED25519_SPKI):]


def _from_text(text: str, source: str) -> TrustedKey:
    text = text.strip()
    if "-----BEGIN" in text:
        quick = _ed25519_spki_pem(text)
        if quick is not None:
            return TrustedKey(quick, f"--trust {source}")
        from ..keys import public_from_pem  # cryptography's PEM loader explains anything unusual

        try:
            return TrustedKey(public_from_pem(text), f"--trust {source}")
        except BadInput as exc:
            raise BadInput(_("--trust {source}: {reason}", source=source, reason=exc)) from None
    if text.startswith("did:key:"):
        try:
            return TrustedKey(public_key_from_did(text), f"--trust {source}")
        except ValueError as exc:
            raise BadInput(_("--trust {source}: {reason}", source=source, reason=exc)) from None
    if text.count("+") >= 2 and "\n" not in text:
        from ..ledger.note import NoteError, parse_vkey

        try:
            vkey = parse_vkey(text)
        except NoteError as exc:
            raise BadInput(_("--trust {source}: {reason}", source=source, reason=exc)) from None
        return TrustedKey(vkey.public_key, f"--trust {source}", vkey.name)
    raise BadInput(_("--trust {source}: not a PEM public key, C2SP vkey or did:key", source=source))


def parse_trust(value: str) -> TrustedKey:
    """One --trust value: a path to a PEM/vkey/did:key file, or a vkey or did:key given inline."""
    if value.startswith("did:key:") or ("+" in value and not Path(value).exists()):
        return _from_text(value, value[:60])
    path = Path(value)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BadInput(_("--trust {value}: no such file, and not a did:key or C2SP vkey", value=value)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(_("--trust {value}: cannot read: {reason}", value=value, reason=getattr(exc, "strerror", None) or exc)) from None
    return _from_text(text, value)
