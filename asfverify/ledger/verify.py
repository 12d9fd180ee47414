"""Verification of one log (the ledger or the register) as numbered steps, like certs/verify.py's.

Each step is a small function over one `LogCheck` (the snapshot read at the start and what earlier
steps found); it returns the detail shown when it passes, or raises `StepFailed`. The first failure
ends the verification and the report names its step. `LOG_STEPS` is the order; `ledger/audit.py`
puts them into the whole `ledger verify` list (triggers, register, anchors).

Signature checks dominate, so in step 2 they run in worker processes for large ledgers while the
parent rebuilds the tree that steps 4 to 6 compare. A worker gets everything it needs in its task
(`EntryTask`, `CheckpointTask`): no module-global state, so fork and spawn behave alike.
"""

from __future__ import annotations

import base64
import bisect
import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from ..errors import AsfError, VerificationError
from ..i18n import _
from ..keys import key_id_of  # the one definition of a key id (re-exported for older importers)
from . import merkle
from .note import Checkpoint, NoteError, open_checkpoint, verifier_for
from .schema import CHECKPOINTS, ENTRIES, LEDGER, NODES, LogTables

PARALLEL_THRESHOLD = 4000

__all__ = ["LEDGER_STEPS", "LOG_STEPS", "KeyPeriod", "LogCheck", "StepFailed", "StepResult", "VerifyReport", "key_entry_message",
           "key_id_of", "run_steps", "verify_ledger"]


class StepFailed(VerificationError):
    """One step of ledger verification failed; `index` is the first bad entry when it concerns one."""

    def __init__(self, message: str, index: int | None = None) -> None:
        super().__init__(message)
        self.index = index


@dataclass(frozen=True)
class Skip:
    """What a step returns when it has nothing to check (the register before anything is published)."""

    detail: str


@dataclass(frozen=True)
class StepResult:
    """One step's outcome: OK, FAIL (the problem in `detail`) or SKIP (not run, or nothing to check)."""

    number: int
    name: str
    status: str  # "OK" | "FAIL" | "SKIP"
    detail: str
    index: int | None = None  # the first bad entry, for a failure that concerns one

    @property
    def ok(self) -> bool:
        return self.status != "FAIL"

    def as_json(self) -> dict[str, Any]:
        return {"step": self.number, "name": self.name, "status": self.status, "ok": self.ok,
                "detail": self.detail if self.ok else None, "problem": None if self.ok else self.detail,
                "bad_index": self.index}


StepFunction = Callable[[Any], "str | Skip"]


def run_steps(steps: Sequence[tuple[str, StepFunction]], state: Any, *, first: int = 1) -> list[StepResult]:
    """Run the steps in order; the first failure ends the run and the rest are listed as not run.

    Only the AsfError family counts as a failure: a KeyError in a step is a bug, not a broken ledger.
    """
    out: list[StepResult] = []
    failed: StepResult | None = None
    for number, (name, check) in enumerate(steps, start=first):
        if failed is not None:
            out.append(StepResult(number, name, "SKIP", _("not run: step {number} failed", number=failed.number)))
            continue
        try:
            detail = check(state)
        except StepFailed as exc:
            failed = StepResult(number, name, "FAIL", str(exc), exc.index)
            out.append(failed)
        except AsfError as exc:
            failed = StepResult(number, name, "FAIL", exc.diagnostics())
            out.append(failed)
        else:
            if isinstance(detail, Skip):
                out.append(StepResult(number, name, "SKIP", detail.detail))
            else:
                out.append(StepResult(number, name, "OK", detail))
    return out


def _entries_text(n: int) -> str:
    return _("1 entry") if n == 1 else _("{n} entries", n=n)


def _checkpoints_text(n: int) -> str:
    return _("1 checkpoint") if n == 1 else _("{n} checkpoints", n=n)


def _keys_text(n: int) -> str:
    return _("1 key") if n == 1 else _("{n} keys", n=n)


@dataclass
class VerifyReport:
    """Outcome of verifying one log: ok, or the first bad entry (or checkpoint), why, and which step."""

    ok: bool
    size: int
    checkpoints: int
    keys: list[str] = field(default_factory=list)
    bad_index: int | None = None
    problem: str | None = None
    trusted_checked: int = 0
    steps: list[StepResult] = field(default_factory=list)

    @property
    def failed(self) -> StepResult | None:
        """The step that failed, or None."""
        return next((s for s in self.steps if s.status == "FAIL"), None)

    def verified(self) -> str:
        """What a passing verification found: the counts, and that everything verifies."""
        counts = f"{_entries_text(self.size)}, {_checkpoints_text(self.checkpoints)}, {_keys_text(len(self.keys))}"
        if self.trusted_checked:
            counts += _(", {n} trusted checkpoint(s) matched", n=self.trusted_checked)
        return _("{counts}; every signature, leaf, tree head and checkpoint verifies", counts=counts)

    def summary(self) -> str:
        if self.ok:
            return _("OK: {detail}", detail=self.verified())
        return _("FAIL: {problem}", problem=self.problem)


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


def _sql(statement: str, tables: LogTables) -> str:
    """A statement written for the ledger's tables, for the log being verified (ledger or register)."""
    return statement.replace(ENTRIES, tables.entries).replace(NODES, tables.nodes).replace(CHECKPOINTS, tables.checkpoints)


_ENTRY_ROWS = f"SELECT idx, entry, leaf_hash, signature, key_id FROM {ENTRIES} WHERE idx >= ? AND idx <= ? ORDER BY idx"


# ---- worker side: each task carries its inputs ----------------------------------------------------


@dataclass(frozen=True)
class EntryTask:
    """Check the entries with first <= idx <= last (stored idx values, so gaps and duplicates are read)."""

    db_path: str
    tables: LogTables
    schedule: tuple[KeyPeriod, ...]
    first: int
    last: int


@dataclass(frozen=True)
class CheckpointTask:
    """Check the signatures of `rows` (stored checkpoint rows); `offset` is rows[0]'s position in the log."""

    origin: str
    schedule: tuple[KeyPeriod, ...]
    rows: tuple[tuple[Any, ...], ...]
    offset: int


def _key_at(schedule: Sequence[KeyPeriod], index: int) -> KeyPeriod:
    return schedule[bisect.bisect_right([p.start for p in schedule], index) - 1]


def check_entries(conn: sqlite3.Connection, task: EntryTask) -> tuple[int, str] | None:
    """First problem among the task's entries, as (index, why)."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    schedule = task.schedule
    keys = {p.key_id: Ed25519PublicKey.from_public_bytes(p.public_key) for p in schedule}
    starts = [p.start for p in schedule]
    sha256 = hashlib.sha256
    for idx, text, leaf, signature, key_id in conn.execute(_sql(_ENTRY_ROWS, task.tables), (task.first, task.last)):
        data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
        if sha256(b"\x00" + data).digest() != leaf:
            return idx, _("stored leaf hash does not match the entry bytes (entry edited)")
        expected = schedule[bisect.bisect_right(starts, idx) - 1]
        if key_id != expected.key_id:
            return idx, _("signed by key {key_id}, but key {current} was current", key_id=key_id, current=expected.key_id)
        try:
            keys[expected.key_id].verify(signature, data)
        except (InvalidSignature, ValueError, TypeError):
            return idx, _("signature does not verify under key {key_id}", key_id=expected.key_id)
    return None


def check_checkpoints(task: CheckpointTask) -> tuple[int, str] | None:
    """First problem among the task's checkpoints as (position, why): signed by the key then current."""
    for pos, (cp_id, size, root, key_id, note) in enumerate(task.rows, start=task.offset):
        if size <= 0:
            return pos, _("checkpoint #{id} has size {size}", id=cp_id, size=size)
        expected = _key_at(task.schedule, size - 1)
        try:
            parsed, _signers = open_checkpoint(note, [verifier_for(task.origin, expected.public_key)], task.origin)
        except NoteError as exc:
            return pos, _("checkpoint #{id} (size {size}): {problem} (key {key_id} was current)",
                          id=cp_id, size=size, problem=exc, key_id=expected.key_id)
        if parsed.size != size or parsed.root != bytes(root) or key_id != expected.key_id:
            return pos, _("checkpoint #{id} (size {size}): stored columns do not match the signed note", id=cp_id, size=size)
    return None


def run_task(task: EntryTask | CheckpointTask) -> tuple[str, tuple[int, str] | None]:
    """A worker's job: its own read-only connection for entries (a connection must not cross processes)."""
    if isinstance(task, CheckpointTask):
        return "c", check_checkpoints(task)
    from ..database import connect

    conn = connect(task.db_path, readonly=True)
    try:
        return "e", check_entries(conn, task)
    finally:
        conn.close()


@contextmanager
def _pool(jobs: int) -> Iterator[Any]:
    """A worker pool for jobs > 1 (fork where there is one: workers start in milliseconds), else None."""
    if jobs <= 1:
        yield None
        return
    import multiprocessing

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    pool = multiprocessing.get_context(method).Pool(jobs)
    try:
        yield pool
    finally:
        pool.close()
        pool.join()


# ---- the snapshot every step reads --------------------------------------------------------------

# Canonical JSON: a cheap prefilter in SQLite, then a real check of each candidate.
_KEY_CANDIDATES = f"""SELECT idx, entry FROM {ENTRIES} WHERE instr(entry, '"kind":"key"') > 0 ORDER BY idx"""

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


@dataclass
class LogCheck:
    """One log under verification: its snapshot (read once) and what the steps have found so far."""

    conn: sqlite3.Connection
    origin: str
    keys: Sequence[Any]  # the workspace's KeyInfo list, oldest first
    tables: LogTables
    jobs: int
    trusted_notes: Sequence[str]
    rows: list[tuple[Any, ...]]  # (idx, leaf_hash), by idx
    key_rows: list[tuple[Any, ...]]
    checkpoint_rows: list[tuple[Any, ...]]  # (id, size, root, key_id, note), by id
    stored_nodes: dict[tuple[int, int], bytes]
    db_path: str = ""
    schedule: list[KeyPeriod] = field(default_factory=list)
    roots: dict[int, bytes] = field(default_factory=dict)  # tree root at every size a checkpoint needs
    nodes_matched: int = 0
    wrong_node: tuple[int, int] | None = None
    trusted: list[Checkpoint] = field(default_factory=list)
    trusted_problem: str | None = None
    checkpoint_problem: tuple[int, str] | None = None
    trusted_checked: int = 0

    @property
    def size(self) -> int:
        return len(self.rows)

    @classmethod
    def read(cls, conn: sqlite3.Connection, origin: str, keys: Sequence[Any], trusted_notes: Sequence[str] = (),
             jobs: int | None = None, tables: LogTables = LEDGER) -> LogCheck:
        # One read snapshot for the structure, so concurrent appends cannot make a consistent ledger look
        # broken; the workers then read entries by idx range below it (entries never change once written).
        own_snapshot = not conn.in_transaction
        if own_snapshot:
            conn.execute("BEGIN")
        try:
            rows = conn.execute(f"SELECT idx, leaf_hash FROM {tables.entries} ORDER BY idx").fetchall()
            key_rows = conn.execute(_sql(_KEY_CANDIDATES, tables)).fetchall()
            checkpoint_rows = conn.execute(
                f"SELECT id, size, root, key_id, note FROM {tables.checkpoints} ORDER BY id").fetchall()
            stored_nodes = {(lv, pos): bytes(h) for lv, pos, h in
                            conn.execute(f"SELECT level, pos, hash FROM {tables.nodes}")}
        finally:
            if own_snapshot:
                conn.execute("COMMIT")
        db_path = _database_path(conn)
        jobs = jobs if jobs is not None else (os.cpu_count() or 1)
        if len(rows) < PARALLEL_THRESHOLD or not db_path:
            jobs = 1
        return cls(conn, origin, keys, tables, jobs, list(trusted_notes), rows, key_rows, checkpoint_rows,
                   stored_nodes, db_path)


def _database_path(conn: sqlite3.Connection) -> str:
    for _seq, name, path in conn.execute("PRAGMA database_list"):
        if name == "main":
            return path or ""
    return ""


def _schedule(rows: Sequence[tuple[Any, ...]], initial: KeyPeriod) -> tuple[list[KeyPeriod], tuple[int, str] | None]:
    """The key chain: the initial key, then each `key` entry (rows of idx, entry) hands over to the key it introduces."""
    from ..keys import verify_signature

    schedule = [initial]
    for idx, text in rows:
        try:
            entry = json.loads(text)
        except ValueError:
            continue  # reported by the entries step
        if not isinstance(entry, dict) or entry.get("kind") != "key" or entry.get("action") != "rotate":
            continue
        current = schedule[-1]
        try:
            public = base64.b64decode(entry["public_key"], validate=True)
            possession = base64.b64decode(entry["possession_signature"], validate=True)
        except (KeyError, TypeError, ValueError):
            return schedule, (idx, _("key entry lacks a valid public_key or possession_signature"))
        if entry.get("previous_key_id") != current.key_id:
            return schedule, (idx, _("key entry names previous key {previous}, but {current} was current",
                                     previous=entry.get("previous_key_id"), current=current.key_id))
        if len(public) != 32 or entry.get("key_id") != key_id_of(public):
            return schedule, (idx, _("key entry's key_id does not match its public key"))
        if not verify_signature(public, possession, key_entry_message(entry)):
            return schedule, (idx, _("key entry's possession signature by the new key does not verify"))
        schedule.append(KeyPeriod(idx + 1, entry["key_id"], public))
    return schedule, None


def _index_problem(rows: Sequence[tuple[Any, ...]]) -> tuple[int, str] | None:
    for pos, row in enumerate(rows):
        idx = row[0]
        if not isinstance(idx, int):
            return pos, _("row {pos} has index {idx!r}", pos=pos, idx=idx)
        if idx != pos:
            if idx < pos:
                return idx, _("index {idx} appears more than once", idx=idx)
            return pos, _("entries {first}..{last} are missing (rows deleted)", first=pos, last=idx - 1)
    return None


def _spans(n: int, parts: int) -> list[tuple[int, int]]:
    step = max(1, -(-n // parts))
    return [(s, min(n, s + step)) for s in range(0, n, step)]


def _tasks(log: LogCheck) -> list[EntryTask | CheckpointTask]:
    """Many small tasks, so that no worker idles long at the end while the other finishes a big one."""
    schedule = tuple(log.schedule)
    idxs = [row[0] for row in log.rows]
    tasks: list[EntryTask | CheckpointTask] = [
        EntryTask(log.db_path, log.tables, schedule, idxs[a], idxs[b - 1]) for a, b in _spans(len(idxs), log.jobs * 32)]
    tasks += [CheckpointTask(log.origin, schedule, tuple(log.checkpoint_rows[a:b]), a)
              for a, b in _spans(len(log.checkpoint_rows), log.jobs * 4)]
    return tasks


def _all_verifiers(origin: str, keys: Sequence[Any], schedule: Sequence[KeyPeriod]) -> list[Any]:
    seen: dict[bytes, Any] = {}
    for key in list(keys) + list(schedule):
        seen.setdefault(key.public_key, verifier_for(origin, key.public_key))
    return list(seen.values())


def _rebuild_tree(log: LogCheck) -> None:
    """The tree from the stored leaf hashes: roots at every size a checkpoint (stored or trusted) needs,
    and which stored subtree hashes match. The trusted checkpoints are opened here for their sizes."""
    wanted = {row[1] for row in log.checkpoint_rows}
    verifiers = _all_verifiers(log.origin, log.keys, log.schedule)
    for note in log.trusted_notes:
        try:
            parsed, _signers = open_checkpoint(note, verifiers, log.origin)
        except NoteError as exc:
            log.trusted_problem = _("trusted checkpoint: {problem}", problem=exc)
            break
        log.trusted.append(parsed)
        wanted.add(parsed.size)
    frontier: list[tuple[int, bytes]] = []
    push_leaf, stored = merkle.push_leaf, log.stored_nodes
    for pos, row in enumerate(log.rows):
        for level, npos, h in push_leaf(frontier, pos, bytes(row[1])):
            if stored.get((level, npos)) == h:
                log.nodes_matched += 1
            elif log.wrong_node is None:
                log.wrong_node = (level, npos)
        if pos + 1 in wanted:
            log.roots[pos + 1] = merkle.fold_right([h for _level, h in frontier])


# ---- the steps ----------------------------------------------------------------------------------


def _keys(log: LogCheck) -> str:
    """Step 1: the workspace's keys and the key chain through every rotation entry."""
    if not log.keys:
        raise StepFailed(_("no public keys in the workspace keys/ folder"))
    first = log.keys[0]
    log.schedule, problem = _schedule(log.key_rows, KeyPeriod(0, first.key_id, first.public_key))
    if problem:
        raise StepFailed(_("entry {index}: {problem}", index=problem[0], problem=problem[1]), problem[0])
    return _("{keys}; every key entry hands over to the key it introduces", keys=_keys_text(len(log.schedule)))


def _entries(log: LogCheck) -> str:
    """Step 2: indexes, leaf hashes, filter columns and signatures; the first bad entry is named.

    The workers check signatures (and the checkpoints' signatures, kept for step 3) while the parent
    rebuilds the tree for steps 4 to 6 and compares the filter columns.
    """
    # (leaf index it concerns, kind, why): the lowest index wins; at one index a broken index first, then
    # the filter columns, then the leaf hash or signature (a fixed order, not the wording's in some language).
    problems: list[tuple[int, int, str]] = []
    index_problem = _index_problem(log.rows)
    if index_problem:
        problems.append((index_problem[0], 0, index_problem[1]))
    tasks = _tasks(log)
    with _pool(log.jobs) as pool:
        results: Iterable[tuple[str, tuple[int, str] | None]] | None = None
        if pool is not None:
            results = pool.imap_unordered(run_task, tasks)
        _rebuild_tree(log)
        mismatch = log.conn.execute(_sql(_COLUMN_MISMATCH, log.tables), (log.size,)).fetchone()
        if mismatch is not None:
            problems.append((mismatch[0], 1, _("kind/run_id/org_number columns do not match the signed entry")))
        if results is None:
            results = [("e", check_entries(log.conn, t)) if isinstance(t, EntryTask) else ("c", check_checkpoints(t))
                       for t in tasks]
        for kind, found in results:
            if found is None:
                continue
            if kind == "e":
                problems.append((found[0], 2, found[1]))
            elif log.checkpoint_problem is None or found[0] < log.checkpoint_problem[0]:
                log.checkpoint_problem = found
    if problems:
        index, _kind, why = min(problems)
        raise StepFailed(_("entry {index}: {problem}", index=index, problem=why), index)
    return _("{entries}: every index, leaf hash, filter column and signature verifies", entries=_entries_text(log.size))


def _checkpoint_signatures(log: LogCheck) -> str:
    """Step 3: every stored checkpoint is signed by the key current at its size (checked in step 2's tasks)."""
    if log.checkpoint_problem:
        raise StepFailed(log.checkpoint_problem[1])
    return _("{checkpoints}, each signed by the key then current", checkpoints=_checkpoints_text(len(log.checkpoint_rows)))


def _checkpoint_roots(log: LogCheck) -> str:
    """Step 4: checkpoints strictly growing, each root equal to the recomputed tree, all entries covered."""
    n, previous = log.size, 0
    for cp_id, size, root, _key_id, _note in log.checkpoint_rows:
        if size <= previous:
            raise StepFailed(_("checkpoint #{id} has size {size}, not above the previous {previous} "
                               "(rolled back or replayed)", id=cp_id, size=size, previous=previous))
        if size > n:
            raise StepFailed(_("entry {n}: missing; checkpoint #{id} covers {size} entries but the ledger has {n} "
                               "(tail truncated)", n=n, id=cp_id, size=size), n)
        if log.roots.get(size) != bytes(root):
            raise StepFailed(_("entries {first}..{last}: tree root at size {size} does not match signed checkpoint "
                               "#{id} (entries altered, reordered or replaced)",
                               first=previous, last=size - 1, size=size, id=cp_id), previous)
        previous = size
    if previous != n:
        raise StepFailed(_("entry {first}: entries {first}..{last} are not covered by any signed checkpoint",
                           first=previous, last=n - 1), previous)
    return _("every tree head matches the signed checkpoint of its size")


def _trusted_checkpoints(log: LogCheck) -> str:
    """Step 5: the checkpoints kept elsewhere (--checkpoint, the latest witnessed one): the log extends them."""
    if log.trusted_problem:
        raise StepFailed(log.trusted_problem)
    for parsed in log.trusted:
        if parsed.size > log.size:
            raise StepFailed(_("the ledger has {n} entries but a trusted checkpoint has size {size} "
                               "(truncated or rolled back)", n=log.size, size=parsed.size))
        if log.roots.get(parsed.size) != parsed.root:
            raise StepFailed(_("tree root at size {size} differs from the trusted checkpoint (the log was rewritten)",
                               size=parsed.size))
        log.trusted_checked += 1
    if not log.trusted:
        return _("none given")
    return _("{n} trusted checkpoint(s) matched", n=log.trusted_checked)


def _subtree_hashes(log: LogCheck) -> str:
    """Step 6: the stored subtree hashes (what proofs are built from) equal the recomputed ones."""
    if log.wrong_node is not None or log.nodes_matched != len(log.stored_nodes):
        if log.wrong_node:
            where = _("(level {level}, position {pos})", level=log.wrong_node[0], pos=log.wrong_node[1])
        else:
            where = _("(extra rows)")
        raise StepFailed(_("stored subtree hash {where} is wrong; proofs would fail", where=where))
    return _("{n} stored subtree hashes match", n=len(log.stored_nodes))


def _triggers(log: LogCheck) -> str:
    """Step 7 (the ledger): the append-only triggers are in place and refuse UPDATE and DELETE.

    Signatures may all hold while the database no longer refuses edits: someone with write access
    removed the guard (perhaps to rewrite and re-sign with a stolen key later). Say so.
    """
    from .schema import APPEND_ONLY_TRIGGERS, missing_triggers

    missing = missing_triggers(log.conn)
    if len(missing) == 1:
        raise StepFailed(_("the append-only trigger {names} is missing: the database no longer refuses UPDATE "
                           "and DELETE", names=missing[0]))
    if missing:
        raise StepFailed(_("the append-only triggers {names} are missing: the database no longer refuses UPDATE "
                           "and DELETE", names=", ".join(missing)))
    return _("all {n} refuse UPDATE and DELETE", n=len(APPEND_ONLY_TRIGGERS))


LOG_STEPS: list[tuple[str, StepFunction]] = [
    ("keys", _keys),
    ("entries", _entries),
    ("checkpoint signatures", _checkpoint_signatures),
    ("checkpoint roots", _checkpoint_roots),
    ("trusted checkpoints", _trusted_checkpoints),
    ("subtree hashes", _subtree_hashes),
]
# The ledger's own database also keeps its append-only guard (the register's tables live beside it).
LEDGER_STEPS: list[tuple[str, StepFunction]] = [*LOG_STEPS, ("append-only triggers", _triggers)]


def report_of(log: LogCheck, steps: list[StepResult]) -> VerifyReport:
    """The VerifyReport of a log's steps (the fields older callers read, and the steps themselves)."""
    failed = next((s for s in steps if s.status == "FAIL"), None)
    return VerifyReport(ok=failed is None, size=log.size, checkpoints=len(log.checkpoint_rows),
                        keys=[p.key_id for p in log.schedule], bad_index=failed.index if failed else None,
                        problem=failed.detail if failed else None, trusted_checked=log.trusted_checked, steps=steps)


def verify_ledger(conn: sqlite3.Connection, origin: str, keys: Sequence[Any],
                  trusted_checkpoints: Sequence[str] = (), jobs: int | None = None,
                  tables: LogTables = LEDGER, steps: Sequence[tuple[str, StepFunction]] = LOG_STEPS) -> VerifyReport:
    """Verify a whole log in conn (LOG_STEPS); keys are the workspace's KeyInfo list, oldest first."""
    log = LogCheck.read(conn, origin, keys, trusted_checkpoints, jobs, tables)
    return report_of(log, run_steps(steps, log))
