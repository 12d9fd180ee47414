"""A witness's folder and its add-checkpoint decision, with atomic check-and-persist.

Layout of a witness folder (made by `asfverify witness init`):
  witness.key    Ed25519 private key, PKCS#8 PEM, mode 0600 (never printed)
  witness.vkey   the cosigner vkey (type 0x04), public
  witness.db     SQLite: meta(name), logs(origin, vkey), checkpoints (latest cosigned per origin),
                 evidence (validly signed but inconsistent checkpoints: possible log misbehaviour)

The check of the old size against the stored size and the write of the new checkpoint happen in
one `BEGIN IMMEDIATE` transaction, so concurrent requests (threads or processes) serialise and the
stored size never moves backwards (the race tlog-witness describes).
"""

from __future__ import annotations

import base64
import hashlib
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import BadInput
from ..i18n import _
from ..ledger.merkle import verify_consistency
from ..ledger.note import EM_DASH, NoteError, NoteVerifier, parse_checkpoint, parse_vkey, split_note
from .cosignature import Cosigner, check_cosigner_name, cosign
from .protocol import NOTE_CONTENT_TYPE, SIZE_CONTENT_TYPE, ProtocolError, format_size, parse_add_checkpoint

KEY_NAME = "witness.key"
VKEY_NAME = "witness.vkey"
DB_NAME = "witness.db"
EMPTY_ROOT = hashlib.sha256(b"").digest()
MAX_EVIDENCE_ROWS = 10_000
MAX_TREE_SIZE = 2**63 - 1  # what SQLite's INTEGER holds; no real log comes near it

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS logs (
    origin TEXT NOT NULL, vkey TEXT NOT NULL, added TEXT NOT NULL, PRIMARY KEY (origin, vkey));
CREATE TABLE IF NOT EXISTS checkpoints (
    origin TEXT PRIMARY KEY, size INTEGER NOT NULL, root BLOB NOT NULL, note TEXT NOT NULL,
    updated TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS evidence (
    id INTEGER PRIMARY KEY, origin TEXT NOT NULL, received TEXT NOT NULL, reason TEXT NOT NULL,
    old_size INTEGER NOT NULL, note TEXT NOT NULL);
-- The stored size may only grow: a bug elsewhere cannot roll a log back.
CREATE TRIGGER IF NOT EXISTS checkpoints_monotonic BEFORE UPDATE ON checkpoints
WHEN NEW.size < OLD.size OR (NEW.size = OLD.size AND NEW.root != OLD.root)
BEGIN SELECT RAISE(ABORT, 'witness state may not move backwards'); END;
"""


class WitnessError(BadInput):
    """A witness folder is missing, unusable, or asked to do something invalid."""


@dataclass(frozen=True)
class Answer:
    """An HTTP answer to add-checkpoint: status, content type and body."""

    status: int
    body: bytes
    content_type: str = "text/plain; charset=utf-8"


@dataclass(frozen=True)
class StoredCheckpoint:
    origin: str
    size: int
    root: bytes
    note: str
    updated: str = ""


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _text(status: int, message: str) -> Answer:
    # The answers stay English (marked "not for translation" below): tlog-witness clients act on the
    # status code, and the body is a diagnostic for whoever runs the client, in any country.
    return Answer(status, (message + "\n").encode())


def _connect(db_path: Path) -> sqlite3.Connection:
    from ..database import connect

    conn = connect(db_path, timeout=30.0)  # autocommit with a busy timeout, as every connection
    conn.execute("PRAGMA synchronous = FULL")  # the checkpoint is durable before we answer 200
    return conn


def init_witness(folder: str | Path, name: str) -> Cosigner:
    """Create a witness folder: a new Ed25519 key (0600), its vkey and an empty state database."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    root = Path(folder)
    try:
        check_cosigner_name(name)
    except NoteError as exc:
        raise WitnessError(_("--name {name!r}: {error}", name=name, error=exc)) from None
    if (root / KEY_NAME).exists() or (root / DB_NAME).exists():
        raise WitnessError(_("{folder} already holds a witness; refusing to overwrite its key", folder=root))
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise WitnessError(_("{folder}: cannot create: {reason}", folder=root, reason=exc.strerror)) from None
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    cosigner = Cosigner(name, public)
    try:
        fd = os.open(root / KEY_NAME, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
        (root / VKEY_NAME).write_text(cosigner.vkey + "\n", encoding="utf-8")
        conn = _connect(root / DB_NAME)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.executescript(SCHEMA)
            conn.execute("INSERT INTO meta VALUES ('name', ?)", (name,))
        finally:
            conn.close()
    except OSError as exc:
        raise WitnessError(_("{folder}: cannot write: {reason}", folder=root, reason=exc.strerror)) from None
    return cosigner


class Witness:
    """An open witness folder. Thread-safe: each thread gets its own SQLite connection."""

    def __init__(self, folder: str | Path):
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        self.folder = Path(folder)
        self.db_path = self.folder / DB_NAME
        if not self.db_path.is_file() or not (self.folder / KEY_NAME).is_file():
            raise WitnessError(_("{folder} is not a witness folder (run 'asfverify witness init {folder} --name NAME')",
                                  folder=folder))
        try:
            key = serialization.load_pem_private_key((self.folder / KEY_NAME).read_bytes(), password=None)
        except (OSError, ValueError, TypeError) as exc:
            raise WitnessError(_("{file}: cannot load the witness key: {error}", file=self.folder / KEY_NAME, error=exc)) from None
        if not isinstance(key, Ed25519PrivateKey):
            raise WitnessError(_("{file} is not an Ed25519 key", file=self.folder / KEY_NAME))
        self._key = key
        self._local = threading.local()
        try:
            row = self._conn().execute("SELECT value FROM meta WHERE key = 'name'").fetchone()
        except sqlite3.Error as exc:
            raise WitnessError(_("{file}: not a witness database ({error})", file=self.db_path, error=exc)) from None
        if row is None:
            raise WitnessError(_("{file}: has no witness name", file=self.db_path))
        public = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.cosigner = Cosigner(row[0], public)

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = _connect(self.db_path)
        return conn

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # ------------------------------------------------------------ configuration

    def add_log(self, vkey: str, origin: str | None = None) -> tuple[NoteVerifier, bool]:
        """Accept checkpoints signed by vkey for origin (default: the key's name, as tlog-policy
        expects); (verifier, newly added)."""
        try:
            verifier = parse_vkey(vkey)
        except NoteError as exc:
            raise WitnessError(_("log vkey: {error}", error=exc)) from None
        origin = verifier.name if origin is None else origin
        if not origin or len(origin) > 1000 or any(c in origin for c in "\n\r") or not origin.isprintable():
            raise WitnessError(_("--origin {origin!r}: an origin is one printable line", origin=origin[:80]))
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            known = conn.execute("SELECT 1 FROM logs WHERE origin = ? AND vkey = ?",
                                 (origin, verifier.vkey)).fetchone()
            if known is None:
                conn.execute("INSERT INTO logs VALUES (?, ?, ?)", (origin, verifier.vkey, _now()))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return verifier, known is None

    def log_keys(self, origin: str) -> list[NoteVerifier]:
        rows = self._conn().execute("SELECT vkey FROM logs WHERE origin = ?", (origin,)).fetchall()
        return [parse_vkey(row[0]) for row in rows]

    def origins(self) -> list[str]:
        return [row[0] for row in self._conn().execute("SELECT DISTINCT origin FROM logs ORDER BY origin")]

    def latest(self, origin: str) -> StoredCheckpoint | None:
        row = self._conn().execute("SELECT size, root, note, updated FROM checkpoints WHERE origin = ?",
                                   (origin,)).fetchone()
        return StoredCheckpoint(origin, row[0], bytes(row[1]), row[2], row[3]) if row else None

    def latest_by_origin_hash(self, origin_hash: str) -> StoredCheckpoint | None:
        """The latest cosigned checkpoint whose origin's SHA-256 (lowercase hex) is origin_hash."""
        for origin in self.origins():
            if hashlib.sha256(origin.encode()).hexdigest() == origin_hash:
                return self.latest(origin)
        return None

    def evidence_count(self) -> int:
        return self._conn().execute("SELECT count(*) FROM evidence").fetchone()[0]

    # ------------------------------------------------------------ add-checkpoint

    def add_checkpoint(self, body: bytes) -> Answer:
        """Decide one add-checkpoint request, in the order and with the status codes of tlog-witness."""
        try:
            request = parse_add_checkpoint(body)
            text, signatures = split_note(request.checkpoint_note)
            checkpoint = parse_checkpoint(text)
        except (ProtocolError, NoteError, ValueError) as exc:  # ValueError: int() of a 5,000-digit size
            return _text(400, f"malformed request: {exc}")  # not for translation: HTTP body
        if checkpoint.size > MAX_TREE_SIZE:
            return _text(400, "checkpoint size larger than 2^63-1")  # not for translation: HTTP body
        keys = self.log_keys(checkpoint.origin)
        if not keys:
            return _text(404, f"unknown log origin {checkpoint.origin[:200]}")  # not for translation: HTTP body
        message = text.encode("utf-8")
        verified: list[str] = []
        for sig in signatures:
            for key in keys:
                if sig.name == key.name and sig.key_id == key.key_id:
                    if not key.verify(message, sig.signature):
                        return _text(403, f"the signature by {key.name}+{key.key_id.hex()} does not verify")  # not for translation: HTTP body
                    line = f"{EM_DASH} {sig.name} {base64.b64encode(sig.key_id + sig.signature).decode()}\n"
                    if line not in verified:
                        verified.append(line)
        if not verified:
            return _text(403, "the checkpoint carries no signature by a key this witness trusts for its origin")  # not for translation: HTTP body
        if request.old_size > checkpoint.size:
            return _text(400, f"old size {request.old_size} is larger than the checkpoint size {checkpoint.size}")  # not for translation: HTTP body
        if checkpoint.size == 0 and checkpoint.root != EMPTY_ROOT:
            return _text(422, "a checkpoint of size 0 must have the empty tree's root")  # not for translation: HTTP body
        if request.old_size == 0 and request.proof:
            return _text(422, "a consistency proof from size 0 must be empty")  # not for translation: HTTP body

        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")  # check and persist as one step: no rollback race
        try:
            row = conn.execute("SELECT size, root FROM checkpoints WHERE origin = ?", (checkpoint.origin,)).fetchone()
            stored_size, stored_root = (row[0], bytes(row[1])) if row else (0, EMPTY_ROOT)
            if request.old_size != stored_size:
                conn.execute("ROLLBACK")
                return Answer(409, format_size(stored_size), SIZE_CONTENT_TYPE)
            problem = None
            if request.old_size == checkpoint.size:
                if request.proof or checkpoint.root != stored_root:
                    problem = f"a different checkpoint of size {checkpoint.size} than the one cosigned (a fork)"  # not for translation: HTTP body, evidence
            elif request.old_size > 0 and not verify_consistency(request.old_size, checkpoint.size, stored_root,
                                                                 checkpoint.root, request.proof):
                problem = f"the consistency proof from size {request.old_size} to {checkpoint.size} does not verify"  # not for translation: HTTP body, evidence
            if problem is not None:
                self._record_evidence(conn, checkpoint.origin, problem, request.old_size, request.checkpoint_note)
                conn.execute("COMMIT")
                return _text(422, problem)  # not for translation: HTTP body
            line = cosign(text, self.cosigner.name, self.cosigner.public_key, self._key.sign)
            note = text + "\n" + "".join(verified) + line
            if row is None:
                conn.execute("INSERT INTO checkpoints VALUES (?, ?, ?, ?, ?)",
                             (checkpoint.origin, checkpoint.size, checkpoint.root, note, _now()))
            else:
                conn.execute("UPDATE checkpoints SET size = ?, root = ?, note = ?, updated = ? WHERE origin = ?",
                             (checkpoint.size, checkpoint.root, note, _now(), checkpoint.origin))
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return Answer(200, line.encode("utf-8"), NOTE_CONTENT_TYPE)

    @staticmethod
    def _record_evidence(conn: sqlite3.Connection, origin: str, reason: str, old_size: int, note: str) -> None:
        # A validly signed but inconsistent checkpoint may prove the log misbehaved; keep a bounded number.
        count = conn.execute("SELECT count(*) FROM evidence").fetchone()[0]
        if count < MAX_EVIDENCE_ROWS:
            conn.execute("INSERT INTO evidence (origin, received, reason, old_size, note) VALUES (?, ?, ?, ?, ?)",
                         (origin, _now(), reason, old_size, note))
