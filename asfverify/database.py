"""Opening SQLite files, one way: the workspace database (migrated) and any file read-only.

Every connection asfverify makes goes through `connect` (the workspace's ledger.db, cache.db, the
ledger verifier's worker processes). A command that only reads opens read-only and never migrates,
so an auditor can verify a read-only copy of a workspace.
"""

from __future__ import annotations

import importlib
import sqlite3
from pathlib import Path

import sqlite_utils

from .errors import StorageError, WorkspaceError
from .i18n import _

# Each subsystem owns its tables and declares them as a sqlite_utils.Migrations set.
# (The text cache lives in its own file, cache.db, so no document text ever sits beside the ledger.)
MIGRATION_SETS = (
    "asfverify.ledger.schema",
    "asfverify.agreements.registry",
)
BUSY_SECONDS = 60


def connect(path: Path | str, *, readonly: bool = False, timeout: float = BUSY_SECONDS) -> sqlite3.Connection:
    """A connection in autocommit mode with a busy timeout; `readonly` never writes to the folder."""
    if not readonly:
        conn = sqlite3.connect(str(path), timeout=timeout, isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        return conn
    path = Path(path)
    if not path.is_file():
        raise WorkspaceError(_("{path}: no such database", path=path))
    uri = path.resolve().as_uri()
    try:
        conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=timeout, isolation_level=None,
                               check_same_thread=False)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError:
        # A WAL database in a read-only folder: SQLite cannot create its -shm file. Reading the
        # main file as immutable is exact as long as no write is waiting in the -wal file.
        wal = path.with_name(path.name + "-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise StorageError(_("{name} has changes not yet merged ({wal}) and its folder is read-only; copy the "
                                 "workspace to a writable place to read it", name=path.name, wal=wal.name)) from None
        conn = sqlite3.connect(f"{uri}?immutable=1", uri=True, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA query_only = ON")
    return conn


def _writable(path: Path) -> bool:
    import os

    folder = path if path.is_dir() else path.parent
    return os.access(folder, os.W_OK) and (path.is_dir() or os.access(path, os.W_OK))


def open_database(path: Path | str, *, readonly: bool = False) -> sqlite_utils.Database:
    """The workspace database: created, in WAL mode and migrated; or, `readonly`, as it is.

    Read-only never migrates: a database an older asfverify wrote is refused with a plain message.
    """
    if readonly:
        path = Path(path)
        if not path.exists() and _writable(path.parent):
            return open_database(path)  # a workspace without its database yet: create it as before
        db = sqlite_utils.Database(connect(path, readonly=True))
        if any(importlib.import_module(name).migrations.pending(db) for name in MIGRATION_SETS):
            if _writable(path):
                db.conn.close()
                return open_database(path)  # written by an older asfverify: upgrade it once
            raise WorkspaceError(_("{name} was written by an older asfverify and its folder is read-only; run this "
                                   "command once in a writable copy of the workspace to upgrade it", name=path.name))
        return db
    conn = connect(path)
    db = sqlite_utils.Database(conn)
    if db.journal_mode != "wal":
        db.enable_wal()
    conn.execute("PRAGMA synchronous = NORMAL")
    for module_name in MIGRATION_SETS:
        importlib.import_module(module_name).migrations.apply(db)
    return db


def storage_problem(exc: BaseException) -> StorageError | None:
    """The plain StorageError for a full disk or a read-only place, or None for anything else.

    SQLite reports a full disk as "database or disk is full" or, in WAL mode, "disk I/O error";
    the OS as ENOSPC. Either way the write was rolled back and nothing was recorded.
    """
    import errno

    if isinstance(exc, sqlite3.OperationalError):
        message = str(exc).lower()
        if "disk is full" in message or "disk i/o error" in message:
            return StorageError(_("the disk is full or failing ({exc}); nothing was recorded — free some space and "
                                  "run the command again", exc=exc))
        if "readonly database" in message or "read-only" in message:
            return StorageError(_("the workspace is read-only and this command writes to it; the read-only commands "
                                  "(ledger verify/show/prove, runs, status, explain, report) still work"))
        if "unable to open database file" in message:
            return StorageError(_("cannot open the workspace database (is its folder missing or read-only?)"))
        return None
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        where = f" writing {exc.filename}" if exc.filename else ""
        return StorageError(_("the disk is full{where}; free some space and run the command again", where=where))
    if isinstance(exc, OSError) and exc.errno == errno.EROFS:
        where = f" ({exc.filename})" if exc.filename else ""
        return StorageError(_("the file system is read-only{where} and this command writes to it", where=where))
    return None
