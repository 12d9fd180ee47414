"""The ledger's tables: entries, stored perfect-subtree hashes, signed checkpoints; append-only by trigger."""

from __future__ import annotations

import sqlite_utils

migrations = sqlite_utils.Migrations("asfverify.ledger")

ENTRIES = "ledger_entries"
NODES = "ledger_nodes"
CHECKPOINTS = "ledger_checkpoints"


@migrations()
def m001_ledger_tables(db: sqlite_utils.Database) -> None:
    db.execute(
        f"""CREATE TABLE IF NOT EXISTS {ENTRIES} (
            idx INTEGER PRIMARY KEY,     -- 0-based leaf index
            kind TEXT NOT NULL,
            run_id TEXT,
            org_number TEXT,
            entry TEXT NOT NULL,         -- RFC 8785 canonical JSON; its UTF-8 bytes are the leaf
            leaf_hash BLOB NOT NULL,     -- SHA-256(0x00 || entry)
            signature BLOB NOT NULL,     -- Ed25519 over the entry bytes
            key_id TEXT NOT NULL         -- asfverify key id of the signing key
        )"""
    )
    for column in ("kind", "run_id", "org_number"):
        db.execute(f"CREATE INDEX IF NOT EXISTS {ENTRIES}_{column} ON {ENTRIES}({column})")
    # Perfect subtrees above the leaves: (level, pos) covers leaves [pos*2^level, (pos+1)*2^level).
    db.execute(
        f"""CREATE TABLE IF NOT EXISTS {NODES} (
            level INTEGER NOT NULL,
            pos INTEGER NOT NULL,
            hash BLOB NOT NULL,
            PRIMARY KEY (level, pos)
        ) WITHOUT ROWID"""
    )
    db.execute(
        f"""CREATE TABLE IF NOT EXISTS {CHECKPOINTS} (
            id INTEGER PRIMARY KEY,
            size INTEGER NOT NULL,
            root BLOB NOT NULL,
            key_id TEXT NOT NULL,
            note TEXT NOT NULL           -- the C2SP signed note, verbatim
        )"""
    )
    for table in (ENTRIES, NODES, CHECKPOINTS):
        for action in ("UPDATE", "DELETE"):
            db.execute(
                f"""CREATE TRIGGER IF NOT EXISTS {table}_no_{action.lower()}
                BEFORE {action} ON {table}
                BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END"""
            )


APPEND_ONLY_TRIGGERS = tuple(f"{table}_no_{action}" for table in (ENTRIES, NODES, CHECKPOINTS) for action in ("update", "delete"))


def missing_triggers(conn) -> list[str]:
    """The append-only triggers that are gone or no longer refuse (someone dropped or replaced them)."""
    rows = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())
    return [name for name in APPEND_ONLY_TRIGGERS
            if "RAISE(ABORT" not in " ".join(str(rows.get(name) or "").upper().split()).replace("( ", "(")]
