"""`ledger verify`'s register steps: the register as a log, its ledger-anchors against the ledger,
each public statement's private counterpart, and both logs against the latest witnessed checkpoints.
"""

from __future__ import annotations

import base64
import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..i18n import _
from ..ledger.schema import REGISTER

if TYPE_CHECKING:
    from ..ledger.store import Ledger


@dataclass
class RegisterReport:
    ok: bool = True
    lines: list[str] = field(default_factory=list)
    problem: str | None = None

    def fail(self, problem: str) -> RegisterReport:
        self.ok, self.problem = False, problem
        return self


def witnessed_notes(conn: sqlite3.Connection, log: str) -> list[str]:
    """The latest witnessed checkpoint kept for a log, as a trusted checkpoint for its verification."""
    from .witnessing import latest_cosigned

    try:
        kept = latest_cosigned(conn, log)
    except sqlite3.OperationalError:  # a database from before the register (opened read-only)
        return []
    return [kept[2]] if kept else []


def _has_register(conn: sqlite3.Connection) -> bool:
    try:
        row = conn.execute(f"SELECT COUNT(*) FROM {REGISTER.checkpoints}").fetchone()
    except sqlite3.OperationalError:
        return False
    return bool(row and row[0])


def verify_register(ledger: Ledger, jobs: int | None = None) -> RegisterReport:
    """Every register step; the first failure ends it with a message naming sizes and entries."""
    report = RegisterReport()
    ws = ledger.ws
    if not _has_register(ledger.db.conn):
        report.lines.append(_("register: empty (nothing certified or published yet)"))
        return report
    from ..keys import public_keys
    from ..ledger.store import open_register
    from ..ledger.verify import verify_ledger

    register = open_register(ws, db=ledger.db)
    try:
        register.check_origin()
    except Exception as exc:  # noqa: BLE001 - a WorkspaceError names both origins
        return report.fail(str(exc))
    keys = public_keys(ws.keys_dir)
    first = register.db.conn.execute(f"SELECT key_id FROM {REGISTER.entries} WHERE idx = 0").fetchone()
    # The register starts with the key current when it began (later keys come through `key` entries).
    start = next((i for i, k in enumerate(keys) if first and k.key_id == first[0]), 0)
    trusted = witnessed_notes(register.db.conn, "register")
    result = verify_ledger(register.db.conn, register.origin, keys[start:], trusted, jobs=jobs, tables=REGISTER)
    if not result.ok:
        return report.fail(_("register: {problem}", problem=result.problem))
    report.lines.append(_("register: {summary}", summary=result.summary().removeprefix("OK: ")))
    anchors = 0
    ledger_size = ledger.size()
    for item in register.entries(kind="ledger-anchor"):
        e = item.entry
        size, root = int(e["size"]), base64.b64decode(e["root"])
        if ledger_size < size:
            return report.fail(_("the ledger has {count} entries but the ledger-anchor in register entry {index} has "
                                 "size {size} (the ledger was truncated or rolled back)", count=ledger_size,
                                 index=item.index, size=size))
        if ledger.root(size) != root:
            return report.fail(_("the ledger's root at size {size} differs from the ledger-anchor in register entry "
                                 "{index} (the ledger was rewritten)", size=size, index=item.index))
        anchors += 1
    # Public statements are written with their private entry in one transaction: one without the other
    # means a log lost entries.
    conn = ledger.db.conn
    missing = conn.execute(
        f"""SELECT r.idx, r.kind, json_extract(r.entry, '$.cert_id') FROM {REGISTER.entries} r
            WHERE r.kind IN ('certificate', 'revocation', 'suspension', 'reinstatement')
              AND NOT EXISTS (SELECT 1 FROM {ledger.tables.entries} l WHERE l.kind = r.kind
                              AND json_extract(l.entry, '$.cert_id') = json_extract(r.entry, '$.cert_id'))
            ORDER BY r.idx LIMIT 1""").fetchone()
    if missing is not None:
        return report.fail(_("register entry {index} ({kind} of {cert_id}) has no {kind} entry in the ledger (the "
                             "ledger lost entries)", index=missing[0], kind=missing[1], cert_id=missing[2]))
    report.lines.append(_("register: {count} ledger-anchor(s) match the ledger; every public statement has its "
                          "ledger entry", count=anchors))
    return report
