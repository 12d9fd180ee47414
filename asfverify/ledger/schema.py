"""The two logs' tables (ledger and register): entries, stored perfect-subtree hashes, signed checkpoints.

Both logs are instances of one implementation (store.Ledger) over their own three tables, so the
table names live in a LogTables value instead of module constants; every table is append-only by trigger.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

migrations = sqlite_utils.Migrations("asfverify.ledger")


@dataclass(frozen=True)
class LogTables:
    """The three tables of one log, and the largest entry it accepts (None: unbounded)."""

    name: str  # "ledger" or "register": for messages
    entries: str
    nodes: str
    checkpoints: str
    max_entry_bytes: int | None = None


LEDGER = LogTables("ledger", "ledger_entries", "ledger_nodes", "ledger_checkpoints")
# tlog-tiles entry bundles prefix each entry with a big-endian uint16 length (c2sp.org/tlog-tiles).
REGISTER = LogTables("register", "register_entries", "register_nodes", "register_checkpoints", 65535)

# Kept for the modules that read the ledger's tables directly.
ENTRIES, NODES, CHECKPOINTS = LEDGER.entries, LEDGER.nodes, LEDGER.checkpoints

# Cosigned checkpoints of either log, as the witnesses returned them (the log's note plus cosignature lines).
COSIGNED = "log_cosigned_checkpoints"
# The full signed credential of every certificate in the register, published as certificates/<uuid>.json.
CREDENTIALS = "register_credentials"
# register.json/csv rows rendered once per certificate (derived from the register; status added at publish).
ROWS = "register_rows"
# The signed status lists last published, reused until their content changes or they near expiry.
STATUS_LISTS = "register_status_lists"


def _log_tables(db: sqlite_utils.Database, log: LogTables) -> None:
    db.execute(
        f"""CREATE TABLE IF NOT EXISTS {log.entries} (
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
        db.execute(f"CREATE INDEX IF NOT EXISTS {log.entries}_{column} ON {log.entries}({column})")
    # Perfect subtrees above the leaves: (level, pos) covers leaves [pos*2^level, (pos+1)*2^level).
    db.execute(
        f"""CREATE TABLE IF NOT EXISTS {log.nodes} (
            level INTEGER NOT NULL,
            pos INTEGER NOT NULL,
            hash BLOB NOT NULL,
            PRIMARY KEY (level, pos)
        ) WITHOUT ROWID"""
    )
    db.execute(
        f"""CREATE TABLE IF NOT EXISTS {log.checkpoints} (
            id INTEGER PRIMARY KEY,
            size INTEGER NOT NULL,
            root BLOB NOT NULL,
            key_id TEXT NOT NULL,
            note TEXT NOT NULL           -- the C2SP signed note, verbatim
        )"""
    )
    _append_only(db, (log.entries, log.nodes, log.checkpoints), log.name)


def _append_only(db: sqlite_utils.Database, tables: tuple[str, ...], what: str) -> None:
    for table in tables:
        for action in ("UPDATE", "DELETE"):
            db.execute(
                f"""CREATE TRIGGER IF NOT EXISTS {table}_no_{action.lower()}
                BEFORE {action} ON {table}
                BEGIN SELECT RAISE(ABORT, 'the {what} is append-only'); END"""
            )


@migrations()
def m001_ledger_tables(db: sqlite_utils.Database) -> None:
    _log_tables(db, LEDGER)


@migrations()
def m002_register_tables(db: sqlite_utils.Database) -> None:
    _log_tables(db, REGISTER)
    db.execute(
        f"""CREATE TABLE IF NOT EXISTS {COSIGNED} (
            id INTEGER PRIMARY KEY,
            log TEXT NOT NULL,           -- 'ledger' or 'register'
            size INTEGER NOT NULL,
            root BLOB NOT NULL,
            witnesses INTEGER NOT NULL,  -- how many cosignatures the note carries
            note TEXT NOT NULL           -- the log's signed note with the witnesses' cosignature lines
        )"""
    )
    db.execute(f"CREATE INDEX IF NOT EXISTS {COSIGNED}_log ON {COSIGNED}(log, size)")
    db.execute(
        f"""CREATE TABLE IF NOT EXISTS {CREDENTIALS} (
            cert_id TEXT PRIMARY KEY,
            register_index INTEGER NOT NULL,
            credential TEXT NOT NULL     -- the signed certificate as issued (JSON)
        )"""
    )
    db.execute(
        f"""CREATE TABLE IF NOT EXISTS {STATUS_LISTS} (
            id INTEGER PRIMARY KEY,
            purpose TEXT NOT NULL,       -- 'revocation' or 'suspension'
            bits TEXT NOT NULL,          -- the encoded list, to tell whether the content changed
            valid_until TEXT,
            credential TEXT NOT NULL     -- the signed BitstringStatusListCredential (JSON)
        )"""
    )
    _append_only(db, (COSIGNED, CREDENTIALS, STATUS_LISTS), "register")


@migrations()
def m003_register_rows(db: sqlite_utils.Database) -> None:
    # A cache, not a record: rebuilt from the register entries whenever it is behind them.
    db.execute(
        f"""CREATE TABLE IF NOT EXISTS {ROWS} (
            register_index INTEGER PRIMARY KEY,
            cert_id TEXT NOT NULL,
            valid_until TEXT NOT NULL,
            json_head TEXT NOT NULL,     -- '"organisation": …, "org_number": …' (JSON members before status)
            json_tail TEXT NOT NULL,     -- the JSON members after status
            csv_head TEXT NOT NULL,
            csv_tail TEXT NOT NULL
        )"""
    )


APPEND_ONLY_TRIGGERS = tuple(f"{table}_no_{action}" for table in (ENTRIES, NODES, CHECKPOINTS) for action in ("update", "delete"))


def missing_triggers(conn) -> list[str]:
    """The append-only triggers that are gone or no longer refuse (someone dropped or replaced them)."""
    rows = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())
    return [name for name in APPEND_ONLY_TRIGGERS
            if "RAISE(ABORT" not in " ".join(str(rows.get(name) or "").upper().split()).replace("( ", "(")]
