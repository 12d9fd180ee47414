"""The ledger in SQLite: signed appends in one transaction with their checkpoint, reads and proofs."""

from __future__ import annotations

import base64
import json
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import BadInput, VerificationError
from ..i18n import _
from ..jcs import CanonicalJSONError
from ..privacy import scrub
from . import merkle
from .canon import canonical_entry
from .note import format_checkpoint, parse_checkpoint, sign_note, split_note
from .schema import LEDGER, REGISTER, LogTables
from .tlogproof import format_tlog_proof

if TYPE_CHECKING:
    from ..keys import Signer
    from ..workspace import Workspace
    from .verify import VerifyReport

BEGIN_RETRY_SECONDS = 300.0
FLUSH_ROWS = 1000


def _the(tables: LogTables) -> str:
    """The log's name for a message: "the ledger" or "the register", in the current language."""
    return _("the register") if tables is REGISTER else _("the ledger")


@dataclass(frozen=True)
class Receipt:
    """What one write transaction added: leaf indexes first..last and the signed checkpoint."""

    first: int
    last: int
    checkpoint: str

    def to_json(self) -> dict[str, Any]:
        return {"first": self.first, "last": self.last, "checkpoint": self.checkpoint}


@dataclass(frozen=True)
class LedgerEntry:
    """One stored entry: the signed object, its leaf hash (hex), signature (base64) and key id."""

    index: int
    entry: dict[str, Any]
    leaf_hash: str
    signature: str
    key_id: str

    def to_json(self) -> dict[str, Any]:
        return {"index": self.index, "leaf_hash": self.leaf_hash, "entry": self.entry,
                "signature": self.signature, "key_id": self.key_id}


@dataclass(frozen=True)
class StoredCheckpoint:
    id: int
    size: int
    root: bytes
    key_id: str
    note: str


def org_number_of(entry: dict[str, Any]) -> str | None:
    """The organisation number an entry is about, for filtering."""
    org = entry.get("organisation")
    if isinstance(org, dict) and isinstance(org.get("org_number"), str):
        return org["org_number"]
    value = entry.get("org_number")
    return value if isinstance(value, str) else None


def run_id_of(entry: dict[str, Any]) -> str | None:
    value = entry.get("run_id")
    return value if isinstance(value, str) else None


# Digests, keys and ids: a digit run inside them is not a personnummer, and masking would break them.
# File names and free text never match (they hold '.', '_', '-' or spaces), so they are always screened.
_IDENTIFIER = re.compile(
    r"[0-9a-fA-F]{32,}"  # hex digests
    r"|[A-Za-z0-9+/]{40,}={0,2}"  # standard base64 (keys, signatures)
    r"|(?:urn:uuid:)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    r"|did:key:z[1-9A-HJ-NP-Za-km-z]{40,}"
)


def _looks_like_identifier(text: str) -> bool:
    return _IDENTIFIER.fullmatch(text) is not None


def scrub_personal_numbers(value: Any) -> Any:
    """Mask anything that is a valid personnummer in the entry's strings (defence in depth)."""
    if isinstance(value, str):
        if _looks_like_identifier(value) or not any(c.isdigit() for c in value):
            return value
        return scrub(value)
    if isinstance(value, dict):
        # Keys too: a plugin's metric key ("person_881111-3334") is as visible as a value.
        return {scrub(k) if isinstance(k, str) else k: scrub_personal_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_personal_numbers(v) for v in value]
    return value


# Digit shapes of a personnummer or samordningsnummer: YYMMDD or YYYYMMDD, a separator of up to three
# ASCII characters ("-", "+", " - "), 4 digits. Non-ASCII entries always get the full check, since
# typographic dashes and spaces (750505–5553) count as separators there (asfverify.idnumbers).
_CANDIDATE = re.compile(rb"(?<![0-9])(?:[0-9]{6}|[0-9]{8})[-+ ]{0,3}[0-9]{4}(?![0-9])")
_NOT_DIGIT = re.compile(rb"[^0-9]")


def _plausible_date(digits: bytes) -> bool:
    # YYMMDD: month 01-12, day 01-31 (or 61-91, samordningsnummer). Organisation numbers have month >= 20.
    month, day = int(digits[2:4]), int(digits[4:6])
    return 1 <= month <= 12 and (1 <= day <= 31 or 61 <= day <= 91)


def _may_hold_personal_number(data: bytes) -> bool:
    # One C-speed regex pass over the canonical bytes; only a plausible date costs the real check.
    if data.isascii() and not any(_plausible_date(_NOT_DIGIT.sub(b"", m.group(0))[-10:])
                                  for m in _CANDIDATE.finditer(data)):
        return False
    text = data.decode("utf-8")
    return scrub(text) != text


def utc_now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class Transaction:
    """Appends inside one BEGIN IMMEDIATE transaction; the checkpoint is signed and stored on exit."""

    def __init__(self, ledger: Ledger, signer: Signer):
        self.ledger = ledger
        self.db = ledger.db
        self.signer = signer
        self.receipt: Receipt | None = None
        self._conn = ledger.db.conn
        self.tables = ledger.tables
        self.start = ledger._stored_size()
        self.size = self.start
        self.previous = ledger._latest_checkpoint()
        covered = self.previous.size if self.previous else 0
        if covered != self.start:
            raise VerificationError(
                _("{log} has {n} entries but its last checkpoint covers {covered}; run 'asfverify ledger verify'",
                  log=_the(self.tables), n=self.start, covered=covered)
            )
        self._frontier = [(level, ledger._node(level, pos)) for level, pos in merkle.decompose(0, self.start)]
        self._rows: list[tuple] = []
        self._nodes: list[tuple[int, int, bytes]] = []

    def append(self, entry: dict[str, Any]) -> int:
        """Sign and add one entry (time and actor filled in when missing); return its index."""
        if not isinstance(entry, dict) or not isinstance(entry.get("kind"), str) or not entry["kind"]:
            raise BadInput(_("a ledger entry must be an object with a non-empty string 'kind'"))
        full = dict(entry)
        full.setdefault("time", utc_now())
        full.setdefault("actor", self.ledger.ws.actor)
        try:
            data = canonical_entry(full)
            if _may_hold_personal_number(data):
                full = scrub_personal_numbers(full)
                data = canonical_entry(full)
        except CanonicalJSONError as exc:
            raise BadInput(_("ledger entry of kind {kind!r}: {exc}", kind=entry["kind"], exc=exc)) from None
        limit = self.tables.max_entry_bytes
        if limit is not None and len(data) > limit:
            raise BadInput(_("an entry of kind {kind!r} for {log} is {n} bytes; the limit is {limit}",
                             log=_the(self.tables), kind=entry["kind"], n=len(data), limit=limit))
        leaf = merkle.leaf_hash(data)
        index = self.size
        self._rows.append((index, full["kind"], run_id_of(full), org_number_of(full), data.decode("utf-8"), leaf,
                           self.signer.sign(data), self.signer.key_id))
        self._nodes.extend(merkle.push_leaf(self._frontier, index, leaf))
        self.size = index + 1
        if len(self._rows) >= FLUSH_ROWS:
            self.flush()
        return index

    def flush(self) -> None:
        """Write buffered rows (inserting in batches is much faster than row by row)."""
        if self._rows:
            self._conn.executemany(
                f"INSERT INTO {self.tables.entries} (idx, kind, run_id, org_number, entry, leaf_hash, signature, key_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", self._rows)
            self._rows.clear()
        if self._nodes:
            self._conn.executemany(f"INSERT INTO {self.tables.nodes} (level, pos, hash) VALUES (?, ?, ?)", self._nodes)
            self._nodes.clear()

    def _finish(self) -> None:
        self.flush()
        if self.size == self.start:
            return
        root = merkle.fold_right([h for _level, h in self._frontier])
        previous = self.previous
        if previous is not None:
            # Never sign a tree head that does not extend the last one (compare-and-swap on the checkpoint).
            text, _signatures = split_note(previous.note)
            old = parse_checkpoint(text)
            proof = merkle.consistency_path(previous.size, self.size, self.ledger._range_hash)
            if (old.size, old.root) != (previous.size, previous.root) or not merkle.verify_consistency(
                previous.size, self.size, previous.root, root, proof
            ):
                raise VerificationError(_("new tree of size {size} does not extend checkpoint {previous}",
                                          size=self.size, previous=previous.size))
        note = sign_note(
            format_checkpoint(self.ledger.origin, self.size, root),
            self.ledger.origin, self.signer.public_key, self.signer.sign,
        )
        self._conn.execute(
            f"INSERT INTO {self.tables.checkpoints} (size, root, key_id, note) VALUES (?, ?, ?, ?)",
            (self.size, root, self.signer.key_id, note),
        )
        self.receipt = Receipt(self.start, self.size - 1, note)


class Ledger:
    """One RFC 6962 log of the workspace: appends, reads, checkpoints, proofs and verification.

    Two instances exist over their own tables: the private ledger (LEDGER, origin [ledger] origin)
    and the public register (REGISTER, origin <publish prefix host/path>/register).
    """

    def __init__(self, ws: Workspace, db: Any = None, tables: LogTables = LEDGER, origin: str | None = None):
        self.ws = ws
        self.db = db if db is not None else ws.db()
        self.tables = tables
        self.origin = origin if origin is not None else ws.origin
        self._signer: Signer | None = None
        self._tx: Transaction | None = None

    @property
    def signer(self) -> Signer:
        if self._signer is None:
            from ..keys import load_signer

            self._signer = load_signer(self.ws.keys_dir)
        return self._signer

    # -- writing -------------------------------------------------------------------------------

    def _begin_immediate(self) -> None:
        # busy_timeout already waits; this loop also covers SQLITE_BUSY returned without waiting
        # (e.g. during WAL recovery) so that "database is locked" never reaches the user.
        deadline = time.monotonic() + BEGIN_RETRY_SECONDS
        delay = 0.005
        while True:
            try:
                self.db.conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                message = str(exc)
                if ("locked" not in message and "busy" not in message) or time.monotonic() > deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 0.2)

    def check_origin(self) -> None:
        """An origin never changes once the log has a checkpoint: a changed asfverify.toml is an error."""
        latest = self._latest_checkpoint()
        if latest is None:
            return
        text, _signatures = split_note(latest.note)
        signed = text.split("\n", 1)[0]
        if signed != self.origin:
            from ..errors import WorkspaceError

            raise WorkspaceError(
                _("the origin of {log} in asfverify.toml is {origin!r} but its checkpoints are signed as {signed!r}; "
                  "an origin cannot change once the log has entries", log=_the(self.tables), origin=self.origin, signed=signed)
            )

    @contextmanager
    def transaction(self, signer: Signer | None = None, *, join: bool = False) -> Iterator[Transaction]:
        """One atomic write: entries (and any other writes through tx.db) plus their signed checkpoint.

        join=True adds this log's appends to a transaction already open on the same connection (the
        ledger's): its checkpoint is signed when the block ends and committed with the outer one, so a
        ledger entry and its register entry are written together or not at all.
        """
        signer = signer or self.signer
        conn = self.db.conn
        if join:
            if not conn.in_transaction:
                raise RuntimeError("join=True needs an open transaction on the same connection")
            self.check_origin()
            tx = self._tx = Transaction(self, signer)
            try:
                yield tx
                tx._finish()
            finally:
                self._tx = None
            return
        if conn.in_transaction:
            raise RuntimeError("a ledger transaction cannot be nested in another transaction")
        self._begin_immediate()
        try:
            self.check_origin()
            tx = self._tx = Transaction(self, signer)
            yield tx
            tx._finish()
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            self._tx = None

    def _flush(self) -> None:
        # Reads inside a transaction see the entries appended so far.
        if self._tx is not None:
            self._tx.flush()

    def append(self, entries: list[dict[str, Any]]) -> Receipt:
        """Append entries in one transaction; return the receipt."""
        if not entries:
            raise BadInput(_("nothing to append to the ledger"))
        with self.transaction() as tx:
            for entry in entries:
                tx.append(entry)
        assert tx.receipt is not None
        return tx.receipt

    # -- reading -------------------------------------------------------------------------------

    def _stored_size(self) -> int:
        row = self.db.conn.execute(f"SELECT MAX(idx) FROM {self.tables.entries}").fetchone()
        return 0 if row[0] is None else row[0] + 1

    def _latest_checkpoint(self) -> StoredCheckpoint | None:
        row = self.db.conn.execute(
            f"SELECT id, size, root, key_id, note FROM {self.tables.checkpoints} ORDER BY id DESC LIMIT 1"
        ).fetchone()
        return StoredCheckpoint(*row) if row else None

    def checkpoints(self) -> list[StoredCheckpoint]:
        rows = self.db.conn.execute(f"SELECT id, size, root, key_id, note FROM {self.tables.checkpoints} ORDER BY id")
        return [StoredCheckpoint(*row) for row in rows]

    def size(self) -> int:
        """Number of entries covered by the latest signed checkpoint."""
        latest = self._latest_checkpoint()
        return latest.size if latest else 0

    def checkpoint(self) -> str:
        """The latest signed checkpoint note."""
        latest = self._latest_checkpoint()
        if latest is None:
            raise BadInput(_("{log} is empty: no checkpoint yet", log=_the(self.tables)))
        return latest.note

    def checkpoint_at(self, size: int) -> StoredCheckpoint:
        row = self.db.conn.execute(
            f"SELECT id, size, root, key_id, note FROM {self.tables.checkpoints} WHERE size = ? ORDER BY id DESC LIMIT 1",
            (size,),
        ).fetchone()
        if row is None:
            raise BadInput(_("no signed checkpoint of size {size}; see 'asfverify ledger show' for sizes", size=size))
        return StoredCheckpoint(*row)

    @staticmethod
    def _row_to_entry(row: tuple) -> LedgerEntry:
        idx, text, leaf, sig, key_id = row
        return LedgerEntry(idx, json.loads(text), bytes(leaf).hex(), base64.b64encode(sig).decode(), key_id)

    def entries(self, kind: str | None = None, run_id: str | None = None,
                org_number: str | None = None) -> Iterator[LedgerEntry]:
        """Entries in index order, optionally filtered by kind, run id and organisation number."""
        where, params = [], []
        for column, value in (("kind", kind), ("run_id", run_id), ("org_number", org_number)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        sql = f"SELECT idx, entry, leaf_hash, signature, key_id FROM {self.tables.entries}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY idx"
        self._flush()
        for row in self.db.conn.execute(sql, params):
            yield self._row_to_entry(row)

    def get(self, index: int) -> LedgerEntry:
        """The entry at index; BadInput when there is none."""
        self._flush()
        row = self.db.conn.execute(
            f"SELECT idx, entry, leaf_hash, signature, key_id FROM {self.tables.entries} WHERE idx = ?", (index,)
        ).fetchone()
        if row is None:
            raise BadInput(_("no entry {index} in {log} ({log} has {n} entries)",
                             log=_the(self.tables), index=index, n=self.size()))
        return self._row_to_entry(row)

    # -- proofs --------------------------------------------------------------------------------

    def _node(self, level: int, pos: int) -> bytes:
        if level == 0:
            row = self.db.conn.execute(f"SELECT leaf_hash FROM {self.tables.entries} WHERE idx = ?", (pos,)).fetchone()
        else:
            row = self.db.conn.execute(
                f"SELECT hash FROM {self.tables.nodes} WHERE level = ? AND pos = ?", (level, pos)
            ).fetchone()
        if row is None:
            raise VerificationError(_("stored subtree hash ({level}, {pos}) is missing; run 'asfverify ledger verify'", level=level, pos=pos))
        return bytes(row[0])

    def _range_hash(self, start: int, end: int) -> bytes:
        return merkle.fold_right([self._node(level, pos) for level, pos in merkle.decompose(start, end)])

    def root(self, size: int | None = None) -> bytes:
        """The Merkle root at a size (default: the latest checkpoint's), from stored subtree hashes."""
        size = self.size() if size is None else size
        return merkle.EMPTY_ROOT if size == 0 else self._range_hash(0, size)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """RFC 9162 inclusion path of leaf index in the tree of size (default: latest)."""
        current = self.size()
        size = current if size is None else size
        if not 0 < size <= current:
            raise BadInput(_("size {size} is outside 1..{current}", size=size, current=current))
        if not 0 <= index < size:
            raise BadInput(_("index {index} is outside a tree of size {size}", index=index, size=size))
        return merkle.inclusion_path(index, size, self._range_hash)

    def consistency_proof(self, old: int, new: int) -> list[bytes]:
        """RFC 9162 consistency path from size old to size new."""
        current = self.size()
        if not 0 < old <= new <= current:
            raise BadInput(_("need 0 < OLD <= NEW <= {current}, got {old} and {new}", current=current, old=old, new=new))
        return merkle.consistency_path(old, new, self._range_hash)

    def tlog_proof(self, index: int, size: int | None = None) -> str:
        """c2sp.org/tlog-proof@v1 of entry index against the latest (or the given size's) checkpoint."""
        stored = self._latest_checkpoint() if size is None else self.checkpoint_at(size)
        if stored is None:
            raise BadInput(_("the ledger is empty: nothing to prove"))
        return format_tlog_proof(index, self.inclusion_proof(index, stored.size), stored.note)

    # -- verification --------------------------------------------------------------------------

    def verify(self, trusted_checkpoints: tuple[str, ...] | list[str] = (), jobs: int | None = None) -> VerifyReport:
        """Re-check every entry, signature, the tree, stored nodes and every checkpoint (and, for the
        ledger, its append-only triggers) as numbered steps; never raises for tampering."""
        from ..keys import public_keys
        from .verify import LEDGER_STEPS, LOG_STEPS, verify_ledger

        return verify_ledger(self.db.conn, self.origin, public_keys(self.ws.keys_dir), list(trusted_checkpoints),
                             jobs=jobs, tables=self.tables, steps=LEDGER_STEPS if self.tables is LEDGER else LOG_STEPS)


def open_register(ws: Workspace, db: Any = None) -> Ledger:
    """The workspace's public register (DESIGN §11); needs [publish] prefix for its origin."""
    prefix = ws.require("publish", "prefix")
    from ..workspace import origin_of_prefix

    return Ledger(ws, db=db, tables=REGISTER, origin=origin_of_prefix(prefix) + "/register")
