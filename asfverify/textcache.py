"""Extracted page text cached by document digest in the workspace's cache.db (never in ledger.db)."""

from __future__ import annotations

import fcntl
import json
import sqlite3
from pathlib import Path

import sqlite_utils

migrations = sqlite_utils.Migrations("asfverify.textcache")


@migrations()
def m001_text_cache(db: sqlite_utils.Database) -> None:
    db.table("text_cache").create(
        {"sha256": str, "extractor": str, "pages_json": str, "created": str},
        pk=("sha256", "extractor"),
    )


class TextCache:
    """Page text by (sha256, extractor). Kept apart from the ledger: erasing it loses nothing signed."""

    def __init__(self, path: Path):
        self.path = path
        self._db: sqlite_utils.Database | None = None

    @property
    def db(self) -> sqlite_utils.Database:
        # Opened on first use: validating a package must not create files.
        if self._db is None:
            conn = sqlite3.connect(str(self.path), timeout=30, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout = 30000")
            db = sqlite_utils.Database(conn)
            # Switching to WAL and creating tables are not covered by the busy timeout: batch workers
            # opening a new cache at once would collide, so they take turns on a lock file.
            with open(self.path.with_name(self.path.name + ".lock"), "a") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                try:
                    if db.journal_mode != "wal":
                        db.enable_wal()
                    migrations.apply(db)
                finally:
                    fcntl.flock(lock, fcntl.LOCK_UN)
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
                "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            },
            pk=("sha256", "extractor"),
        )
