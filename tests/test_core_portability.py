"""POSIX-only code sits behind asfverify.locking: asfverify runs where fcntl does not exist."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from asfverify import locking, testing

NO_FCNTL = """
import sys
sys.modules["fcntl"] = None  # as on Windows: importing it raises ImportError
from asfverify import locking
assert locking.fcntl is None
from asfverify.cli import main
main()
"""


def test_run_works_without_fcntl(tmp_path: Path) -> None:
    # Before: textcache imported fcntl at module level, so `asfverify run` could not start.
    package = testing.build_package(tmp_path / "pkg", [testing.pdf_document("ar.pdf", "annual-report", "Årsredovisning")])
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASFVERIFY_") or k == "ASFVERIFY_LANG"}
    ws = tmp_path / "ws"
    for args in (["init", str(ws)], ["-w", str(ws), "run", str(package)]):
        done = subprocess.run([sys.executable, "-c", NO_FCNTL, *args], capture_output=True, text=True,
                              timeout=180, env=env, cwd=tmp_path)
        assert done.returncode in (0, 1), done.stderr
        assert "Error" not in done.stderr
    assert "Decision:" in done.stdout
    assert (ws / "cache.db").exists()  # the cache opened under the portable lock
    assert not (ws / "cache.db.lock.held").exists()  # and the lock was let go


def test_the_portable_lock_excludes_and_releases(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(locking, "fcntl", None)
    monkeypatch.setattr(locking, "msvcrt", None)
    path = tmp_path / "x.lock"
    inside: list[int] = []
    overlaps: list[bool] = []

    def worker(n: int) -> None:
        with locking.exclusive(path):
            inside.append(n)
            overlaps.append(len(inside) > 1)
            time.sleep(0.02)
            inside.remove(n)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert overlaps == [False] * 4
    assert not path.with_name("x.lock.held").exists()


def test_a_stale_portable_lock_is_broken(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(locking, "fcntl", None)
    monkeypatch.setattr(locking, "msvcrt", None)
    monkeypatch.setattr(locking, "STALE_SECONDS", 0.1)
    path = tmp_path / "x.lock"
    path.with_name("x.lock.held").write_text("left by a killed process")
    with locking.exclusive(path):
        pass
