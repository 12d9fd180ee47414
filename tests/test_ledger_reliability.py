"""Reliability: concurrent writers from several processes, and SIGKILL at random moments."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from test_ledger_support import make_workspace

from asfverify.ledger import open_ledger

ROOT = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent
RUN_SIZE = 8  # entries per run: run + 6 results + decision
MAX_RUNS_PER_KILL = 12

WRITER = """
import sys
from asfverify import workspace
from asfverify.ledger import open_ledger
from test_ledger_support import run_entries

ws = workspace.find(sys.argv[1])
ledger = open_ledger(ws)
prefix, count = sys.argv[2], int(sys.argv[3])
print("ready", flush=True)
i = 0
while count < 0 or i < count:
    ledger.append(run_entries(f"{prefix}-{i}"))
    i += 1
"""


def writer(ws, prefix: str, count: int) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(TESTS)]))
    env.pop("ASFVERIFY_KEY_PASSPHRASE", None)
    return subprocess.Popen([sys.executable, "-c", WRITER, str(ws.root), prefix, str(count)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)


def runs_are_whole(ledger) -> Counter:
    """Every recorded run has all its entries, contiguous (one transaction each)."""
    per_run: dict[str, list[int]] = {}
    for item in ledger.entries():
        per_run.setdefault(item.entry["run_id"], []).append(item.index)
    for run_id, indexes in per_run.items():
        assert len(indexes) == RUN_SIZE, f"{run_id} is half-recorded: {indexes}"
        assert indexes == list(range(indexes[0], indexes[0] + RUN_SIZE)), f"{run_id} is interleaved"
    return Counter(run_id.rsplit("-", 1)[0] for run_id in per_run)


@pytest.fixture
def ws(tmp_path, monkeypatch):
    monkeypatch.delenv("ASFVERIFY_KEY_PASSPHRASE", raising=False)
    return make_workspace(tmp_path / "ws")


@pytest.mark.slow
def test_four_processes_record_100_runs_each(ws):
    procs = [writer(ws, f"p{n}", 100) for n in range(4)]
    outputs = [p.communicate(timeout=240) for p in procs]
    for proc, (_out, err) in zip(procs, outputs):
        assert proc.returncode == 0, err
        assert "locked" not in err and "busy" not in err
    ledger = open_ledger(ws)
    assert runs_are_whole(ledger) == {"p0": 100, "p1": 100, "p2": 100, "p3": 100}
    indexes = [item.index for item in ledger.entries()]
    assert indexes == list(range(400 * RUN_SIZE))
    assert len(ledger.checkpoints()) == 400
    report = ledger.verify()
    assert report.ok, report.problem


def forked_writer(ws, prefix: str) -> int:
    """A child process (fork: no interpreter start-up) appending runs until killed; returns its pid."""
    from test_ledger_support import run_entries

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: its own connection, never the parent's
        try:
            os.close(read_end)
            ledger = open_ledger(ws)
            os.write(write_end, b"r")
            for i in range(MAX_RUNS_PER_KILL):  # bounded, so the ledger (and each verify) stays small
                ledger.append(run_entries(f"{prefix}-{i}"))
            time.sleep(60)  # wait for the kill
        finally:
            os._exit(1)
    os.close(write_end)
    assert os.read(read_end, 1) == b"r"
    os.close(read_end)
    return pid


@pytest.mark.slow
def test_sigkill_at_random_moments_never_half_records_a_run(ws):
    rng = random.Random(20261127)
    for attempt in range(30):
        pid = forked_writer(ws, f"k{attempt}")
        time.sleep(rng.uniform(0.0, 0.03))  # a few runs each time, killed mid-run
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        ledger = open_ledger(ws)
        report = ledger.verify()
        assert report.ok, f"attempt {attempt}: {report.problem}"
        runs_are_whole(ledger)
        ledger.db.conn.close()
    # and the ledger still takes appends afterwards
    receipt = open_ledger(ws).append([{"kind": "run", "run_id": "after-0"}])
    assert receipt.first == receipt.last
