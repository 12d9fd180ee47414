"""Full ledger verification: indexes, leaf hashes, signatures under the key chain, the tree, checkpoints.

Signature checks dominate, so they run in worker processes (fork) for large ledgers; everything else
runs in the parent meanwhile.
"""

from __future__ import annotations

import base64
import bisect
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..keys import key_id_of  # the one definition of a key id (re-exported for older importers)
from . import merkle
from .note import NoteError, open_checkpoint, verifier_for
from .schema import CHECKPOINTS, ENTRIES, LEDGER, NODES, LogTables

PARALLEL_THRESHOLD = 4000


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


@dataclass
class VerifyReport:
    """Outcome of `ledger verify`: ok, or the first bad entry (or checkpoint) and why."""

    ok: bool
    size: int
    checkpoints: int
    keys: list[str] = field(default_factory=list)
    bad_index: int | None = None
    problem: str | None = None
    trusted_checked: int = 0

    def summary(self) -> str:
        if self.ok:
            extra = f", {self.trusted_checked} trusted checkpoint(s) matched" if self.trusted_checked else ""
            return (f"OK: {_count(self.size, 'entry', 'entries')}, {_count(self.checkpoints, 'checkpoint')}, "
                    f"{_count(len(self.keys), 'key')}{extra}; every signature, leaf, tree head and checkpoint verifies")
        return f"FAIL: {self.problem}"


@dataclass(frozen=True)
class KeyPeriod:
    """A signing key and the first leaf index it signs."""

    start: int
    key_id: str
    public_key: bytes



def key_entry_message(entry: dict[str, Any]) -> bytes:
    """What the new key signs in a rotation entry: the entry without its possession signature."""
    from ..jcs import canonical

    return canonical({k: v for k, v in entry.items() if k != "possession_signature"})


# ---- worker side: state inherited through fork -------------------------------------------------

_CHECKPOINT_ROWS: Sequence[tuple] = ()
_SCHEDULE: list[KeyPeriod] = []
_ORIGIN = ""
_DB_PATH = ""
_CONN: sqlite3.Connection | None = None
_CONN_PID = 0
_TABLES: LogTables = LEDGER


def _sql(statement: str, tables: LogTables | None = None) -> str:
    """A statement written for the ledger's tables, for the log being verified (ledger or register)."""
    t = tables or _TABLES
    return (statement.replace(ENTRIES, t.entries).replace(NODES, t.nodes).replace(CHECKPOINTS, t.checkpoints))


_ENTRY_ROWS = f"SELECT idx, entry, leaf_hash, signature, key_id FROM {ENTRIES} WHERE idx >= ? AND idx <= ? ORDER BY idx"


def _connection() -> sqlite3.Connection:
    """The parent's connection, or in a forked worker its own (a connection must not cross a fork)."""
    global _CONN, _CONN_PID
    if _CONN is None or _CONN_PID != os.getpid():
        from ..database import connect

        _CONN = connect(_DB_PATH, readonly=True)
        _CONN_PID = os.getpid()
    return _CONN


def _expected_key(index: int) -> KeyPeriod:
    starts = [p.start for p in _SCHEDULE]
    return _SCHEDULE[bisect.bisect_right(starts, index) - 1]


def _check_entries(span: tuple[int, int]) -> tuple[int, str] | None:
    """First problem among the entries with first <= idx <= last, as (index, why)."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    keys = {p.key_id: Ed25519PublicKey.from_public_bytes(p.public_key) for p in _SCHEDULE}
    starts = [p.start for p in _SCHEDULE]
    sha256 = hashlib.sha256
    for idx, text, leaf, signature, key_id in _connection().execute(_sql(_ENTRY_ROWS), span):
        data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
        if sha256(b"\x00" + data).digest() != leaf:
            return idx, "stored leaf hash does not match the entry bytes (entry edited)"
        expected = _SCHEDULE[bisect.bisect_right(starts, idx) - 1]
        if key_id != expected.key_id:
            return idx, f"signed by key {key_id}, but key {expected.key_id} was current"
        try:
            keys[expected.key_id].verify(signature, data)
        except (InvalidSignature, ValueError, TypeError):
            return idx, f"signature does not verify under key {expected.key_id}"
    return None


# The filter columns must say what the signed entry says (same rules as store.run_id_of/org_number_of).
# SQLite's JSON functions do this in C, in the parent, while the workers check signatures.
_COLUMN_MISMATCH = f"""
SELECT idx FROM {ENTRIES} WHERE idx < ? AND CASE WHEN json_valid(entry) AND json_type(entry) = 'object' THEN
    kind IS NOT (CASE WHEN json_type(entry, '$.kind') = 'text' THEN json_extract(entry, '$.kind') END)
    OR run_id IS NOT (CASE WHEN json_type(entry, '$.run_id') = 'text' THEN json_extract(entry, '$.run_id') END)
    OR org_number IS NOT (CASE
        WHEN json_type(entry, '$.organisation.org_number') = 'text' THEN json_extract(entry, '$.organisation.org_number')
        WHEN json_type(entry, '$.org_number') = 'text' THEN json_extract(entry, '$.org_number') END)
  ELSE 1 END
ORDER BY idx LIMIT 1"""


def _check_checkpoints(span: tuple[int, int]) -> tuple[int, str] | None:
    """First problem among _CHECKPOINT_ROWS[start:end] as (position, why): signature by the key then current."""
    for pos in range(span[0], span[1]):
        cp_id, size, root, key_id, note = _CHECKPOINT_ROWS[pos]
        if size <= 0:
            return pos, f"checkpoint #{cp_id} has size {size}"
        expected = _expected_key(size - 1)
        try:
            parsed, _ = open_checkpoint(note, [verifier_for(_ORIGIN, expected.public_key)], _ORIGIN)
        except NoteError as exc:
            return pos, f"checkpoint #{cp_id} (size {size}): {exc} (key {expected.key_id} was current)"
        if parsed.size != size or parsed.root != bytes(root) or key_id != expected.key_id:
            return pos, f"checkpoint #{cp_id} (size {size}): stored columns do not match the signed note"
    return None


def _run_task(task: tuple[str, int, int]) -> tuple[str, tuple[int, str] | None]:
    kind, start, end = task
    if kind == "e":
        return kind, _check_entries((start, end))
    return kind, _check_checkpoints((start, end))


# ---- parent side --------------------------------------------------------------------------------

# Canonical JSON: a cheap prefilter in SQLite, then a real check of each candidate.
_KEY_CANDIDATES = f"""SELECT idx, entry FROM {ENTRIES} WHERE instr(entry, '"kind":"key"') > 0 ORDER BY idx"""


def _schedule(rows: Sequence[tuple], initial: KeyPeriod) -> tuple[list[KeyPeriod], tuple[int, str] | None]:
    """The key chain: the initial key, then each `key` entry (rows of idx, entry) hands over to the key it introduces."""
    from ..keys import verify_signature

    schedule = [initial]
    for idx, text in rows:
        try:
            entry = json.loads(text)
        except ValueError:
            continue  # reported by the entry check
        if not isinstance(entry, dict) or entry.get("kind") != "key" or entry.get("action") != "rotate":
            continue
        current = schedule[-1]
        try:
            public = base64.b64decode(entry["public_key"], validate=True)
            possession = base64.b64decode(entry["possession_signature"], validate=True)
        except (KeyError, TypeError, ValueError):
            return schedule, (idx, "key entry lacks a valid public_key or possession_signature")
        if entry.get("previous_key_id") != current.key_id:
            return schedule, (idx, f"key entry names previous key {entry.get('previous_key_id')}, "
                                   f"but {current.key_id} was current")
        if len(public) != 32 or entry.get("key_id") != key_id_of(public):
            return schedule, (idx, "key entry's key_id does not match its public key")
        if not verify_signature(public, possession, key_entry_message(entry)):
            return schedule, (idx, "key entry's possession signature by the new key does not verify")
        schedule.append(KeyPeriod(idx + 1, entry["key_id"], public))
    return schedule, None


def _index_problem(rows: Sequence[tuple]) -> tuple[int, str] | None:
    for pos, row in enumerate(rows):
        idx = row[0]
        if not isinstance(idx, int):
            return pos, f"row {pos} has index {idx!r}"
        if idx != pos:
            if idx < pos:
                return idx, f"index {idx} appears more than once"
            return pos, f"entries {pos}..{idx - 1} are missing (rows deleted)"
    return None


def _chunks(kind: str, n: int, parts: int) -> list[tuple[str, int, int]]:
    step = max(1, -(-n // parts))
    return [(kind, s, min(n, s + step)) for s in range(0, n, step)]


def _entry_tasks(idxs: Sequence[int], parts: int) -> list[tuple[str, int, int]]:
    """Tasks over stored idx values (first, last inclusive), so gaps and duplicates are still read."""
    return [("e", idxs[a], idxs[b - 1]) for _, a, b in _chunks("e", len(idxs), parts)]


def _database_path(conn: sqlite3.Connection) -> str:
    for _seq, name, path in conn.execute("PRAGMA database_list"):
        if name == "main":
            return path or ""
    return ""


def verify_ledger(conn: sqlite3.Connection, origin: str, keys: Sequence[Any],
                  trusted_checkpoints: Sequence[str] = (), jobs: int | None = None,
                  tables: LogTables = LEDGER) -> VerifyReport:
    """Verify the whole ledger in conn; keys are the workspace's KeyInfo list, oldest first."""
    global _CHECKPOINT_ROWS, _SCHEDULE, _ORIGIN, _DB_PATH, _CONN, _CONN_PID, _TABLES
    # One read snapshot for the structure, so concurrent appends cannot make a consistent ledger look
    # broken; the workers then read entries by idx range below it (entries never change once written).
    own_snapshot = not conn.in_transaction
    if own_snapshot:
        conn.execute("BEGIN")
    try:
        rows = conn.execute(f"SELECT idx, leaf_hash FROM {tables.entries} ORDER BY idx").fetchall()
        key_rows = conn.execute(_sql(_KEY_CANDIDATES, tables)).fetchall()
        checkpoint_rows = conn.execute(
            f"SELECT id, size, root, key_id, note FROM {tables.checkpoints} ORDER BY id"
        ).fetchall()
        stored_nodes = {(lv, pos): bytes(h) for lv, pos, h in
                        conn.execute(f"SELECT level, pos, hash FROM {tables.nodes}")}
    finally:
        if own_snapshot:
            conn.execute("COMMIT")
    n = len(rows)
    report = VerifyReport(ok=True, size=n, checkpoints=len(checkpoint_rows))
    problems: list[tuple[int, str]] = []  # (leaf index it concerns, why); the lowest wins

    if not keys:
        report.ok, report.problem = False, "no public keys in the workspace keys/ folder"
        return report
    first = keys[0]
    schedule, chain_problem = _schedule(key_rows, KeyPeriod(0, first.key_id, first.public_key))
    report.keys = [p.key_id for p in schedule]
    if chain_problem:
        problems.append(chain_problem)
    index_problem = _index_problem(rows)
    if index_problem:
        problems.append(index_problem)

    _CHECKPOINT_ROWS, _SCHEDULE, _ORIGIN, _TABLES = checkpoint_rows, schedule, origin, tables
    _DB_PATH, _CONN, _CONN_PID = _database_path(conn), conn, os.getpid()
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    if n < PARALLEL_THRESHOLD or not _DB_PATH:
        jobs = 1
    # Many small tasks, so that no worker idles long at the end while the other finishes a big one.
    tasks = _entry_tasks([row[0] for row in rows], jobs * 32) + _chunks("c", len(checkpoint_rows), jobs * 4)
    pool = None
    try:
        results: Iterable[tuple[str, tuple[int, str] | None]] | None = None
        if jobs > 1:
            import multiprocessing

            pool = multiprocessing.get_context("fork").Pool(jobs)
            results = pool.imap_unordered(_run_task, tasks)
        # Meanwhile: rebuild the tree from the stored leaf hashes and record roots at every needed size.
        wanted = {row[1] for row in checkpoint_rows}
        trusted = []
        verifiers = _all_verifiers(origin, keys, schedule)
        for note in trusted_checkpoints:
            try:
                parsed, _ = open_checkpoint(note, verifiers, origin)
            except NoteError as exc:
                report.ok, report.problem = False, f"trusted checkpoint: {exc}"
                return report
            trusted.append(parsed)
            wanted.add(parsed.size)
        roots: dict[int, bytes] = {}
        nodes_matched = 0
        wrong_node: tuple[int, int] | None = None
        frontier: list[tuple[int, bytes]] = []
        push_leaf = merkle.push_leaf
        for pos, row in enumerate(rows):
            for level, npos, h in push_leaf(frontier, pos, bytes(row[1])):
                if stored_nodes.get((level, npos)) == h:
                    nodes_matched += 1
                elif wrong_node is None:
                    wrong_node = (level, npos)
            if pos + 1 in wanted:
                roots[pos + 1] = merkle.fold_right([h for _, h in frontier])
        mismatch = conn.execute(_sql(_COLUMN_MISMATCH, tables), (n,)).fetchone()
        if mismatch is not None:
            problems.append((mismatch[0], "kind/run_id/org_number columns do not match the signed entry"))
        if results is None:
            results = [_run_task(t) for t in tasks]
        checkpoint_problem: tuple[int, str] | None = None
        for kind, found in results:
            if found is None:
                continue
            if kind == "e":
                problems.append(found)
            elif checkpoint_problem is None or found[0] < checkpoint_problem[0]:
                checkpoint_problem = found
    finally:
        if pool is not None:
            pool.close()
            pool.join()
        _CHECKPOINT_ROWS, _SCHEDULE, _CONN = (), [], None

    if problems:
        bad = min(problems)
        report.ok, report.bad_index, report.problem = False, bad[0], f"entry {bad[0]}: {bad[1]}"
        return report
    if checkpoint_problem:
        report.ok, report.problem = False, checkpoint_problem[1]
        return report
    # Checkpoints: strictly growing, each root equal to the tree recomputed at its size.
    previous = 0
    for cp_id, size, root, _key_id, _note in checkpoint_rows:
        if size <= previous:
            report.ok, report.problem = False, (
                f"checkpoint #{cp_id} has size {size}, not above the previous {previous} (rolled back or replayed)")
            return report
        if size > n:
            report.ok, report.bad_index = False, n
            report.problem = f"entry {n}: missing; checkpoint #{cp_id} covers {size} entries but the ledger has {n} (tail truncated)"
            return report
        if roots.get(size) != bytes(root):
            report.ok, report.bad_index = False, previous
            report.problem = (f"entries {previous}..{size - 1}: tree root at size {size} does not match signed "
                              f"checkpoint #{cp_id} (entries altered, reordered or replaced)")
            return report
        previous = size
    if previous != n:
        report.ok, report.bad_index = False, previous
        report.problem = f"entry {previous}: entries {previous}..{n - 1} are not covered by any signed checkpoint"
        return report
    for parsed in trusted:
        if parsed.size > n:
            report.ok = False
            report.problem = (f"the ledger has {n} entries but a trusted checkpoint has size {parsed.size} "
                              "(truncated or rolled back)")
            return report
        if roots.get(parsed.size) != parsed.root:
            report.ok = False
            report.problem = (f"tree root at size {parsed.size} differs from the trusted checkpoint "
                              "(the log was rewritten)")
            return report
        report.trusted_checked += 1
    if wrong_node is not None or nodes_matched != len(stored_nodes):
        where = f"(level {wrong_node[0]}, position {wrong_node[1]})" if wrong_node else "(extra rows)"
        report.ok = False
        report.problem = f"stored subtree hash {where} is wrong; proofs would fail"
        return report
    return report


def _all_verifiers(origin: str, keys: Sequence[Any], schedule: Sequence[KeyPeriod]) -> list:
    seen: dict[bytes, Any] = {}
    for key in list(keys) + list(schedule):
        seen.setdefault(key.public_key, verifier_for(origin, key.public_key))
    return list(seen.values())
