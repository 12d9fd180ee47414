"""`ledger verify`'s register checks (steps 8 to 10 in ledger/audit.py): the register as a log, its
ledger-anchors against the ledger, each public statement's private counterpart; and the latest witnessed
checkpoints both logs are verified against. Each raises ledger.verify.StepFailed naming sizes and entries.
"""

from __future__ import annotations

import base64
import sqlite3
from typing import TYPE_CHECKING

from ..errors import AsfError
from ..i18n import _
from ..ledger.schema import REGISTER

if TYPE_CHECKING:
    from ..ledger.store import Ledger
    from ..ledger.verify import VerifyReport


def witnessed_notes(conn: sqlite3.Connection, log: str) -> list[str]:
    """The latest witnessed checkpoint kept for a log, as a trusted checkpoint for its verification."""
    from .witnessing import latest_cosigned

    try:
        kept = latest_cosigned(conn, log)
    except sqlite3.OperationalError:  # a database from before the register (opened read-only)
        return []
    return [kept[2]] if kept else []


def has_register(conn: sqlite3.Connection) -> bool:
    """Whether the register has begun (a database from before the register has no tables for it)."""
    try:
        row = conn.execute(f"SELECT COUNT(*) FROM {REGISTER.checkpoints}").fetchone()
    except sqlite3.OperationalError:
        return False
    return bool(row and row[0])


def verify_register_log(ledger: Ledger, jobs: int | None = None) -> tuple[Ledger, VerifyReport]:
    """The register as a log (the same steps as the ledger's), against its latest witnessed checkpoint."""
    from ..keys import public_keys
    from ..ledger.store import open_register
    from ..ledger.verify import StepFailed, verify_ledger

    register = open_register(ledger.ws, db=ledger.db)
    try:
        register.check_origin()
    except AsfError as exc:  # a WorkspaceError names both origins
        raise StepFailed(exc.diagnostics()) from None
    keys = public_keys(ledger.ws.keys_dir)
    first = register.db.conn.execute(f"SELECT key_id FROM {REGISTER.entries} WHERE idx = 0").fetchone()
    # The register starts with the key current when it began (later keys come through `key` entries).
    start = next((i for i, k in enumerate(keys) if first and k.key_id == first[0]), 0)
    trusted = witnessed_notes(register.db.conn, "register")
    return register, verify_ledger(register.db.conn, register.origin, keys[start:], trusted, jobs=jobs, tables=REGISTER)


def check_anchors(ledger: Ledger, register: Ledger) -> int:
    """Every ledger-anchor in the register matches the ledger (size and root); how many there are."""
    from ..ledger.verify import StepFailed

    anchors = 0
    ledger_size = ledger.size()
    for item in register.entries(kind="ledger-anchor"):
        e = item.entry
        size, root = int(e["size"]), base64.b64decode(e["root"])
        if ledger_size < size:
            raise StepFailed(_("the ledger has {n} entries but the ledger-anchor in register entry {index} has size "
                               "{size} (the ledger was truncated or rolled back)",
                               n=ledger_size, index=item.index, size=size))
        if ledger.root(size) != root:
            raise StepFailed(_("the ledger's root at size {size} differs from the ledger-anchor in register entry "
                               "{index} (the ledger was rewritten)", size=size, index=item.index))
        anchors += 1
    return anchors


def check_statements(ledger: Ledger) -> None:
    """Each public statement has its private entry: they are written in one transaction, so one without
    the other means a log lost entries."""
    from ..ledger.verify import StepFailed

    missing = ledger.db.conn.execute(
        f"""SELECT r.idx, r.kind, json_extract(r.entry, '$.cert_id') FROM {REGISTER.entries} r
            WHERE r.kind IN ('certificate', 'revocation', 'suspension', 'reinstatement')
              AND NOT EXISTS (SELECT 1 FROM {ledger.tables.entries} l WHERE l.kind = r.kind
                              AND json_extract(l.entry, '$.cert_id') = json_extract(r.entry, '$.cert_id'))
            ORDER BY r.idx LIMIT 1""").fetchone()
    if missing is not None:
        raise StepFailed(_("register entry {index} ({kind} of {cert_id}) has no {kind} entry in the ledger (the "
                           "ledger lost entries)", index=missing[0], kind=missing[1], cert_id=missing[2]))
