"""The workspace's Ed25519 signing key: creation, loading, public forms and the rotated-out archive.

Layout of keys/:
  ledger.key      the current private key, PKCS#8 PEM, mode 0600 (encrypted when a passphrase is set)
  ledger.pub      the current public key, SubjectPublicKeyInfo PEM
  archive/<key_id>.pub   rotated-out public keys
  keyring.json    every key with its period: {"keys": [{"key_id", "public_key", "valid_from", "valid_until"}]}

The key id is the hex of the first 8 bytes of SHA-256 over the 32 raw public key bytes (16 hex digits).
It is distinct from the 4-byte C2SP signed-note key id, which also hashes the key name.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .errors import BadInput
from .i18n import _
from .multibase import did_key

PRIVATE_NAME = "ledger.key"
PUBLIC_NAME = "ledger.pub"
NEXT_NAME = "ledger.key.next"
KEYRING_NAME = "keyring.json"
ARCHIVE_DIR = "archive"
PASSPHRASE_ENV = "ASFVERIFY_KEY_PASSPHRASE"


def now_rfc3339() -> str:
    """The current UTC time as RFC 3339 with seconds, e.g. 2026-11-27T05:41:26Z."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def key_id_of(public_key: bytes) -> str:
    """asfverify key id: hex(SHA-256(raw public key)[:8])."""
    return hashlib.sha256(public_key).digest()[:8].hex()


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_pem(public_key: bytes) -> str:
    """SubjectPublicKeyInfo PEM of a raw 32-byte Ed25519 public key."""
    key = Ed25519PublicKey.from_public_bytes(public_key)
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def public_from_pem(text: str | bytes) -> bytes:
    """Raw 32 bytes of an Ed25519 public key PEM; BadInput for anything else."""
    data = text.encode() if isinstance(text, str) else text
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError:
        raise BadInput(_("not a PEM public key")) from None
    if not isinstance(key, Ed25519PublicKey):
        raise BadInput(_("not an Ed25519 public key"))
    return raw_public(key)


def verify_signature(public_key: bytes, signature: bytes, data: bytes) -> bool:
    """True when signature is a valid Ed25519 signature of data by public_key."""
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True


class Signer:
    """An Ed25519 private key in memory; never prints or logs its secret."""

    def __init__(self, private_key: Ed25519PrivateKey):
        self._key = private_key
        self.public_key: bytes = raw_public(private_key.public_key())
        self.key_id: str = key_id_of(self.public_key)
        self.did: str = did_key(self.public_key)

    def sign(self, data: bytes) -> bytes:
        """Ed25519 signature (64 bytes) of data."""
        return self._key.sign(data)

    def vkey(self, name: str) -> str:
        """C2SP signed-note verifier key for this key under name (the ledger origin)."""
        from .ledger.note import format_vkey

        return format_vkey(name, self.public_key)

    def __repr__(self) -> str:  # no secret material in reprs or logs
        return f"Signer(key_id={self.key_id})"


@dataclass(frozen=True)
class KeyInfo:
    """A public key of this workspace with the period in which it signed."""

    key_id: str
    public_key: bytes
    valid_from: str | None
    valid_until: str | None  # None for the current key

    @property
    def current(self) -> bool:
        return self.valid_until is None

    @property
    def pem(self) -> str:
        return public_pem(self.public_key)

    @property
    def did(self) -> str:
        return did_key(self.public_key)


def _passphrase(explicit: str | None) -> bytes | None:
    value = explicit if explicit is not None else os.environ.get(PASSPHRASE_ENV)
    return value.encode("utf-8") if value else None


def _write_private(path: Path, key: Ed25519PrivateKey, passphrase: bytes | None) -> None:
    encryption = (
        serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
    )
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    tmp = path.with_name(path.name + ".tmp")
    if tmp.exists():
        tmp.unlink()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _write_text(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _read_keyring(keys_dir: Path) -> list[dict]:
    path = keys_dir / KEYRING_NAME
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return list(data["keys"])
    except (ValueError, KeyError, TypeError):
        raise BadInput(_("{path}: not a valid keyring file", path=path)) from None


def _write_keyring(keys_dir: Path, keys: list[dict]) -> None:
    _write_text(keys_dir / KEYRING_NAME, json.dumps({"keys": keys}, indent=2) + "\n")


def ensure_keypair(keys_dir: Path, passphrase: str | None = None) -> None:
    """Create keys/ledger.key (0600) and keys/ledger.pub unless they exist; idempotent."""
    keys_dir = Path(keys_dir)
    keys_dir.mkdir(parents=True, exist_ok=True)
    private_path = keys_dir / PRIVATE_NAME
    public_path = keys_dir / PUBLIC_NAME
    if not private_path.exists():
        key = Ed25519PrivateKey.generate()
        _write_private(private_path, key, _passphrase(passphrase))
        public = raw_public(key.public_key())
        _write_text(public_path, public_pem(public))
    elif not public_path.exists():
        _write_text(public_path, public_pem(load_signer(keys_dir).public_key))
    public = public_from_pem(public_path.read_bytes())
    ring = _read_keyring(keys_dir)
    if not any(k.get("key_id") == key_id_of(public) for k in ring):
        ring.append(
            {"key_id": key_id_of(public), "public_key": base64.b64encode(public).decode(),
             "valid_from": now_rfc3339(), "valid_until": None}
        )
        _write_keyring(keys_dir, ring)


def _check_mode(path: Path) -> None:
    mode = path.stat().st_mode
    if os.name == "posix" and mode & 0o077:
        raise BadInput(_("{path}: private key is accessible by group or others (mode {mode}); run 'chmod 600 {path}'",
                         path=path, mode=f"{stat.S_IMODE(mode):04o}"))


def _load_private(path: Path, passphrase: str | None = None) -> Ed25519PrivateKey:
    _check_mode(path)
    data = path.read_bytes()
    secret = _passphrase(passphrase)
    try:
        key = serialization.load_pem_private_key(data, password=secret)
    except TypeError:
        if secret is None:
            raise BadInput(_("{path}: private key is encrypted; set {variable}", path=path, variable=PASSPHRASE_ENV)) from None
        raise BadInput(_("{path}: private key is not encrypted but a passphrase was given", path=path)) from None
    except ValueError:
        if secret is not None:
            raise BadInput(_("{path}: cannot decrypt the private key (wrong {variable}?)", path=path, variable=PASSPHRASE_ENV)) from None
        raise BadInput(_("{path}: not a PEM private key", path=path)) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise BadInput(_("{path}: not an Ed25519 private key", path=path))
    return key


def load_signer(keys_dir: Path, passphrase: str | None = None) -> Signer:
    """The current signing key; refuses a key file readable by group or others."""
    path = Path(keys_dir) / PRIVATE_NAME
    if not path.exists():
        raise BadInput(_("{path}: no private key; run 'asfverify init'", path=path))
    return Signer(_load_private(path, passphrase))


def public_keys(keys_dir: Path) -> list[KeyInfo]:
    """Every key of this workspace, oldest first: archived (rotated-out) keys and the current one."""
    keys_dir = Path(keys_dir)
    ring = _read_keyring(keys_dir)
    out: list[KeyInfo] = []
    for item in ring:
        try:
            public = base64.b64decode(item["public_key"], validate=True)
        except (KeyError, ValueError):
            raise BadInput(_("{path}: bad public key for {key_id}", path=keys_dir / KEYRING_NAME, key_id=item.get("key_id"))) from None
        out.append(KeyInfo(key_id_of(public), public, item.get("valid_from"), item.get("valid_until")))
    public_path = keys_dir / PUBLIC_NAME
    if public_path.exists():
        current = public_from_pem(public_path.read_bytes())
        if not any(k.public_key == current for k in out):
            out.append(KeyInfo(key_id_of(current), current, None, None))
    return out


def generate_next(keys_dir: Path, passphrase: str | None = None) -> Signer:
    """Make the successor key, stored as ledger.key.next (0600) until the rotation is recorded."""
    path = Path(keys_dir) / NEXT_NAME
    key = Ed25519PrivateKey.generate()
    _write_private(path, key, _passphrase(passphrase))
    return Signer(key)


def load_next(keys_dir: Path, passphrase: str | None = None) -> Signer | None:
    """The pending successor key left by an interrupted rotation, if any."""
    path = Path(keys_dir) / NEXT_NAME
    return Signer(_load_private(path, passphrase)) if path.exists() else None


def discard_next(keys_dir: Path) -> None:
    (Path(keys_dir) / NEXT_NAME).unlink(missing_ok=True)


def install_next(keys_dir: Path, old_public: bytes, when: str) -> Signer:
    """Make ledger.key.next the current key; archive old_public with its period ending at when (re-runnable)."""
    keys_dir = Path(keys_dir)
    new = load_next(keys_dir)
    if new is None:
        raise BadInput(_("{path}: no pending key to install", path=keys_dir / NEXT_NAME))
    archive = keys_dir / ARCHIVE_DIR
    archive.mkdir(exist_ok=True)
    old_id = key_id_of(old_public)
    _write_text(archive / f"{old_id}.pub", public_pem(old_public))
    ring = _read_keyring(keys_dir)
    for item in ring:
        if item.get("key_id") == old_id and item.get("valid_until") is None:
            item["valid_until"] = when
    if not any(k.get("key_id") == old_id for k in ring):
        ring.append({"key_id": old_id, "public_key": base64.b64encode(old_public).decode(),
                     "valid_from": None, "valid_until": when})
    if not any(k.get("key_id") == new.key_id for k in ring):
        ring.append({"key_id": new.key_id, "public_key": base64.b64encode(new.public_key).decode(),
                     "valid_from": when, "valid_until": None})
    _write_keyring(keys_dir, ring)
    # Until this rename the old key stays current, so an interrupted rotation can be resumed.
    os.replace(keys_dir / NEXT_NAME, keys_dir / PRIVATE_NAME)
    _write_text(keys_dir / PUBLIC_NAME, public_pem(new.public_key))
    return new
