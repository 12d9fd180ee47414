"""Opening the workspace database and applying every subsystem's migrations."""

from __future__ import annotations

import importlib
from pathlib import Path

import sqlite_utils

# Each subsystem owns its tables and declares them as a sqlite_utils.Migrations set.
# (The text cache lives in its own file, cache.db, so no document text ever sits beside the ledger.)
MIGRATION_SETS = (
    "asfverify.ledger.schema",
    "asfverify.agreements.registry",
)


def open_database(path: Path | str) -> sqlite_utils.Database:
    """Open (creating if needed) the workspace database in WAL mode with a busy timeout."""
    import sqlite3

    conn = sqlite3.connect(str(path), timeout=60, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 60000")
    db = sqlite_utils.Database(conn)
    if db.journal_mode != "wal":
        db.enable_wal()
    conn.execute("PRAGMA synchronous = NORMAL")
    for module_name in MIGRATION_SETS:
        importlib.import_module(module_name).migrations.apply(db)
    return db
