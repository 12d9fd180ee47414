"""The certifier's side of witnessing (DESIGN §12): each new checkpoint of both logs goes to the
witnesses of [witnesses] policy with a consistency proof; the cosigned notes are kept beside the logs.

The protocol client and the tlog-policy parser are asfverify.witness (client.request_cosignatures,
policy.load_policy); this module decides when to call them and what to keep.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from ..errors import BadInput, NegativeOutcome
from ..i18n import _
from ..ledger.note import read_checkpoint, verifier_for
from ..ledger.schema import COSIGNED

if TYPE_CHECKING:
    from ..ledger.store import Ledger
    from ..workspace import Workspace



def unwitnessed_notice() -> str:
    return _("note: this workspace has no [witnesses] policy, so its checkpoints are signed by the certifier alone "
             "and its certificates are unwitnessed")


def policy_of(ws: Workspace) -> Any | None:
    """The parsed [witnesses] policy, or None when the workspace has none."""
    path = ws.witness_policy_path
    if path is None:
        return None
    try:
        from ..witness.policy import load_policy
    except ImportError:  # pragma: no cover - asfverify.witness ships with asfverify
        raise BadInput(_("[witnesses] policy is set but this asfverify has no witness client")) from None
    return load_policy(path)


def preflight(ws: Workspace, unwitnessed: bool) -> Any | None:
    """The policy certify will need, read before anything is written (a broken policy refuses early)."""
    return policy_of(ws)


def latest_cosigned(conn: sqlite3.Connection, log: str) -> tuple[int, bytes, str] | None:
    """(size, root, note) of the largest cosigned checkpoint kept for a log."""
    row = conn.execute(f"SELECT size, root, note FROM {COSIGNED} WHERE log = ? AND witnesses > 0 "
                       "ORDER BY size DESC, id DESC LIMIT 1", (log,)).fetchone()
    return (row[0], bytes(row[1]), row[2]) if row else None


def cosigned_note(conn: sqlite3.Connection, log: str, size: int) -> str | None:
    row = conn.execute(f"SELECT note FROM {COSIGNED} WHERE log = ? AND size = ? ORDER BY witnesses DESC, id DESC "
                       "LIMIT 1", (log, size)).fetchone()
    return row[0] if row else None


def witness_log(log: Ledger, policy: Any) -> tuple[str, Any]:
    """Ask the witnesses to cosign the log's latest checkpoint; keep and return the cosigned note."""
    from ..witness.client import request_cosignatures

    conn = log.db.conn
    note = log.checkpoint()
    size = log.size()
    kept = cosigned_note(conn, log.tables.name, size)
    if kept is not None and kept.startswith(note):
        from ..witness.policy import evaluate

        quorum = evaluate(policy, kept, logs=[verifier_for(log.origin, log.signer.public_key)])
        if quorum.satisfied:
            return kept, quorum
    previous = latest_cosigned(conn, log.tables.name)
    known = {w.name: previous[0] for w in policy.witnesses} if previous and previous[0] <= size else {}
    result = request_cosignatures(policy, note, proof_for=log.consistency_proof, known_sizes=known,
                                  log_keys=[verifier_for(log.origin, log.signer.public_key)])
    if result.cosignatures:
        checkpoint = read_checkpoint(note)
        with conn:
            conn.execute(f"INSERT INTO {COSIGNED} (log, size, root, witnesses, note) VALUES (?, ?, ?, ?, ?)",
                         (log.tables.name, checkpoint.size, checkpoint.root, len(result.cosignatures), result.note))
    return result.note, result.quorum


def witness_logs(ws: Workspace, ledger: Ledger, register: Ledger, policy: Any | None, *,
                 required: bool, notices: list[str] | None = None) -> str:
    """Witness both logs' latest checkpoints; return the register's note (cosigned when witnessed).

    required=True (certify with a policy, without --unwitnessed): NegativeOutcome when the register's
    checkpoint misses the quorum. Without a policy the log's own note is returned and, when notices
    is given, the one-line notice that certificates are unwitnessed is added to it.
    """
    if policy is None:
        if notices is not None:
            notices.append(unwitnessed_notice())
        return register.checkpoint()
    if ledger.size() > 0:
        witness_log(ledger, policy)  # the ledger's quorum is reported by `ledger verify`, not required here
    note, quorum = witness_log(register, policy)
    if required and not quorum.satisfied:
        raise NegativeOutcome(_(
            "witness quorum not reached for register checkpoint {size} ({reason}); the issuance is logged but no "
            "certificate was written; retry, or pass --unwitnessed", size=register.size(), reason=quorum.reason))
    if not quorum.satisfied and notices is not None:
        notices.append(_("note: register checkpoint {size} is not witnessed ({reason})", size=register.size(),
                          reason=quorum.reason))
    return note
