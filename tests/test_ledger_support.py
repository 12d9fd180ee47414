"""Helpers shared by the ledger tests (no tests here): a workspace, run-shaped batches, raw tampering."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from asfverify import workspace
from asfverify.ledger import open_ledger
from asfverify.ledger.schema import APPEND_ONLY_TRIGGERS

ORG = {"name": "Exempelkooperativet ek. för.", "org_number": "769600-0004"}


def make_workspace(root: Path):
    """A fresh workspace with an unencrypted key."""
    return workspace.init(root, certifier="Test Certifier")


def run_entries(run_id: str, results: int = 6) -> list[dict]:
    """The entries one `asfverify run` records: the run, its results and the decision."""
    entries: list[dict] = [{
        "kind": "run", "run_id": run_id, "organisation": ORG, "reference_date": "2026-10-31",
        "criteria": "asf-v1", "documents": [{"kind": "bylaws", "sha256": "ab" * 32}],
        "plugins": [{"name": "asfverify", "version": "0.1.0"}],
    }]
    for i in range(results):
        entries.append({
            "kind": "result", "run_id": run_id, "organisation": ORG, "verifier": "bylaws", "version": "1",
            "requirement": f"C{i % 6 + 1}.x", "outcome": "pass", "summary": f"Result {i} of the run.",
            "evidence": [{"document": "ab" * 32, "page": i + 1, "excerpt": "Överskottet återinvesteras."}],
            "metrics": {"employees": 10, "eligible": 6},
        })
    entries.append({"kind": "decision", "run_id": run_id, "organisation": ORG, "decision": "certifiable"})
    return entries


def record_runs(ws, count: int, results: int = 6, prefix: str = "run") -> None:
    ledger = open_ledger(ws)
    for i in range(count):
        ledger.append(run_entries(f"{prefix}-{i}", results))


def raw(ws) -> sqlite3.Connection:
    """A plain connection with the append-only triggers dropped, as an attacker would."""
    conn = sqlite3.connect(ws.db_path, isolation_level=None)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    return conn


def restore_triggers(conn: sqlite3.Connection) -> None:
    """Put the append-only triggers back after tampering, as a careful attacker would
    (`ledger verify` fails on their absence alone)."""
    for table, action in (name.rsplit("_no_", 1) for name in APPEND_ONLY_TRIGGERS):
        conn.execute(f"CREATE TRIGGER {table}_no_{action} BEFORE {action.upper()} ON {table} "
                     "BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END")
