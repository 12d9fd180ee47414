"""A read-only workspace can still be verified and read; a full disk is a plain one-line error."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from asfverify import testing
from asfverify.errors import EXIT_BAD_INPUT

READ_COMMANDS = [
    ["ledger", "verify"], ["ledger", "show"], ["ledger", "checkpoint"], ["ledger", "prove", "--index", "0"],
    ["runs"], ["status", "{run}"], ["explain", "{run}", "C1.purpose"],
]


def _snapshot(folder: Path) -> dict[str, str]:
    # Not the -shm file: SQLite's shared-memory WAL index, which every reader updates.
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts and not p.name.endswith("-shm")}


def _asfverify(ws: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASFVERIFY_") or k == "ASFVERIFY_LANG"}
    return subprocess.run([sys.executable, "-c", "from asfverify.cli import main; main()", "-w", str(ws), *args],
                          capture_output=True, text=True, timeout=180, env=env, cwd=cwd)


def _recorded_run(ws: Path, tmp_path: Path) -> str:
    package = testing.build_package(tmp_path / f"pkg-{uuid.uuid4().hex[:6]}")
    done = _asfverify(ws, "run", "--json", str(package), cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)["run_id"]


def test_reading_commands_write_nothing(workspace: Path, tmp_path: Path) -> None:
    run_id = _recorded_run(workspace, tmp_path)
    before = _snapshot(workspace)
    for args in READ_COMMANDS:
        done = _asfverify(workspace, *[a.format(run=run_id) for a in args], cwd=tmp_path)
        assert done.returncode in (0, 1), (args, done.stderr)
        assert "Error" not in done.stderr, (args, done.stderr)
    report = tmp_path / "out" / "r.html"
    report.parent.mkdir()
    assert _asfverify(workspace, "report", run_id, "-o", str(report), cwd=tmp_path).returncode == 0
    after = _snapshot(workspace)
    # SQLite's readers may create the WAL index (-shm) and an empty -wal; nothing else changes.
    assert {k: v for k, v in after.items() if k in before} == before
    assert set(after) - set(before) <= {"ledger.db-wal"}
    if "ledger.db-wal" not in before:
        assert after.get("ledger.db-wal", hashlib.sha256(b"").hexdigest()) == hashlib.sha256(b"").hexdigest()


@pytest.fixture
def mount_point(tmp_path: Path):
    """A small tmpfs of our own (root only; skipped where mounting is not allowed)."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("needs root to mount a tmpfs")
    point = tmp_path / "mnt"
    point.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(point)], capture_output=True).returncode:
        pytest.skip("mounting a tmpfs is not allowed here")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], capture_output=True)


def _init(ws: Path, cwd: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASFVERIFY_") or k == "ASFVERIFY_LANG"}
    done = subprocess.run([sys.executable, "-c", "from asfverify.cli import main; main()", "init", str(ws)],
                          capture_output=True, text=True, timeout=120, env=env, cwd=cwd)
    assert done.returncode == 0, done.stderr


def test_a_read_only_workspace_can_be_verified_and_read(mount_point: Path, tmp_path: Path) -> None:
    ws = mount_point / "ws"
    _init(ws, tmp_path)
    run_id = _recorded_run(ws, tmp_path)
    # As an auditor's copy: every file read-only, on a read-only file system (root ignores modes).
    subprocess.run(["chmod", "-R", "a-w", str(ws)], check=True)
    assert subprocess.run(["mount", "-o", "remount,ro", str(mount_point)], capture_output=True).returncode == 0
    # Before: every command opened ledger.db for writing and migrated it: "internal error".
    for args in READ_COMMANDS:
        done = _asfverify(ws, *[a.format(run=run_id) for a in args], cwd=tmp_path)
        assert done.returncode in (0, 1), (args, done.stderr)
        assert "Error" not in done.stderr, (args, done.stderr)
    report = tmp_path / "r.html"
    done = _asfverify(ws, "report", run_id, "-o", str(report), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert run_id in report.read_text(encoding="utf-8")
    # A command that writes says why it cannot, in one line.
    done = _asfverify(ws, "review", run_id, "C1.purpose", "--pass", "--note", "checked", cwd=tmp_path)
    assert done.returncode == EXIT_BAD_INPUT
    assert done.stderr.count("\n") == 1 and "read-only" in done.stderr and "internal error" not in done.stderr


def test_a_full_disk_is_one_plain_line(mount_point: Path, tmp_path: Path) -> None:
    ws = mount_point / "ws"
    _init(ws, tmp_path)
    run_id = _recorded_run(ws, tmp_path)
    try:  # closing can fail too, with the buffered rest of the last write: depends on what is free
        with open(mount_point / "filler", "wb") as fh:  # fill the file system to the last block
            try:
                while True:
                    fh.write(b"\0" * 65536)
                    fh.flush()
            except OSError:
                pass
    except OSError:
        pass
    for size in (4096, 512, 1):
        try:
            with open(mount_point / f"filler-{size}", "ab") as fh:
                while True:
                    fh.write(b"\0" * size)
                    fh.flush()
        except OSError:
            pass
    done = _asfverify(ws, "review", run_id, "C1.purpose", "--pass", "--note", "x" * 20000, cwd=tmp_path)
    assert done.returncode == EXIT_BAD_INPUT, done.stderr
    assert done.stderr.count("\n") == 1 and "disk is full" in done.stderr and "internal error" not in done.stderr


def test_a_full_disk_reported_by_sqlite_is_one_plain_line(invoke, tmp_path: Path, monkeypatch) -> None:
    from asfverify.ledger.store import Ledger

    package = testing.build_package(tmp_path / "pkg")
    run_id = json.loads(invoke("run", "--json", str(package)).output)["run_id"]

    def full(self, entries, *args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(Ledger, "append", full)
    result = invoke("review", run_id, "C1.purpose", "--pass", "--note", "checked")
    assert result.exit_code == EXIT_BAD_INPUT
    assert result.output.count("\n") == 1 and "disk is full" in result.output
