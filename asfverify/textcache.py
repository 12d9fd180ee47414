"""Extracted page text cached by document digest in the workspace's cache.db (never in ledger.db).

What is cached has its personnummer and samordningsnummer masked (documents.py masks pages before
they reach the cache or a verifier), the file is created 0600, and rows from before masking are
erased with secure_delete on, so no earlier version's clear text stays in the file.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import sqlite_utils

from .locking import exclusive, private_file

migrations = sqlite_utils.Migrations("asfverify.textcache")


@migrations()
def m001_text_cache(db: sqlite_utils.Database) -> None:
    db.table("text_cache").create(
        {"sha256": str, "extractor": str, "pages_json": str, "created": str},
        pk=("sha256", "extractor"),
    )


@migrations()
def m002_forget_unmasked_text(db: sqlite_utils.Database) -> None:
    # Rows written before masking may hold board members' personnummer in clear text.
    db.execute("PRAGMA secure_delete = ON")
    db.execute("DELETE FROM text_cache")


class TextCache:
    """Page text by (sha256, extractor). Kept apart from the ledger: erasing it loses nothing signed."""

    def __init__(self, path: Path):
        self.path = path
        self._db: sqlite_utils.Database | None = None

    @property
    def db(self) -> sqlite_utils.Database:
        # Opened on first use: validating a package must not create files.
        if self._db is None:
            # SQLite gives the -wal and -shm files the database file's mode, so 0600 here covers them.
            private_file(self.path)
            private_file(self.path.with_name(self.path.name + ".lock"))
            from .database import connect

            conn = connect(self.path, timeout=30)
            conn.execute("PRAGMA secure_delete = ON")
            db = sqlite_utils.Database(conn)
            # Switching to WAL and creating tables are not covered by the busy timeout: batch workers
            # opening a new cache at once would collide, so they take turns on a lock file.
            with exclusive(self.path.with_name(self.path.name + ".lock")):
                if db.journal_mode != "wal":
                    db.enable_wal()
                migrations.apply(db)
            self._db = db
        return self._db

    def get(self, sha256: str, extractor: str) -> list[str] | None:
        """Cached pages, or None; a cache that cannot be read is treated as empty."""
        if self._db is None and not self.path.exists():
            return None
        try:
            row = self.db.execute(
                "select pages_json from text_cache where sha256 = ? and extractor = ?", [sha256, extractor]
            ).fetchone()
        except sqlite3.Error:
            return None
        return json.loads(row[0]) if row else None

    def put(self, sha256: str, extractor: str, pages: list[str]) -> None:
        """Store pages; the cache is an optimisation, so failing to write it is not an error."""
        try:
            self._put(sha256, extractor, pages)
        except sqlite3.Error:
            pass

    def _put(self, sha256: str, extractor: str, pages: list[str]) -> None:
        import datetime as dt

        self.db.table("text_cache").upsert(
            {
                "sha256": sha256,
                "extractor": extractor,
                "pages_json": json.dumps(pages, ensure_ascii=False),
                "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            },
            pk=("sha256", "extractor"),
        )
