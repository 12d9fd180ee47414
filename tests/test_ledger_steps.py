"""`ledger verify` is one list of numbered steps: each tampering fails its own step, and the one-line
failure (and --json) names the step by number and name."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_certs_cli import CERTIFIER_FLAGS, _record_run
from test_ledger_support import raw, restore_triggers

from asfverify import workspace
from asfverify.cli import cli
from asfverify.ledger import open_ledger
from asfverify.ledger.audit import STEPS

NAMES = ["keys", "entries", "checkpoint signatures", "checkpoint roots", "trusted checkpoints", "subtree hashes",
         "append-only triggers", "register", "ledger anchors", "public statements"]


def _invoke(*args: str, ws: Path, env: dict | None = None):
    return CliRunner().invoke(cli, ["-w", str(ws), *args], env=env)


@pytest.fixture()
def ws(tmp_path, monkeypatch) -> Path:
    monkeypatch.delenv("ASFVERIFY_WORKSPACE", raising=False)
    monkeypatch.delenv("ASFVERIFY_KEY_PASSPHRASE", raising=False)
    root = tmp_path / "ws"
    assert CliRunner().invoke(cli, ["init", str(root), *CERTIFIER_FLAGS]).exit_code == 0
    for n in range(2):
        _record_run(root, f"run000{n}certifiable")
    certified = _invoke("certify", "run0000", "-o", str(tmp_path / "a.json"), ws=root)
    assert certified.exit_code == 0, certified.output
    return root


def _conn(ws: Path) -> sqlite3.Connection:
    return raw(workspace.find(ws))


def _fails_at(ws: Path, number: int, *args: str) -> str:
    result = _invoke("ledger", "verify", *args, ws=ws)
    assert result.exit_code == 1, result.output
    name = NAMES[number - 1]
    prefix = f"Error: ledger verification failed at step {number} ({name}): "
    assert result.stderr.startswith(prefix) and result.stderr.count("\n") == 1, result.stderr
    data = json.loads(_invoke("ledger", "verify", "--json", *args, ws=ws).stdout)
    assert data["ok"] is False and data["failed_step"] == {"step": number, "name": name}
    statuses = [s["status"] for s in data["steps"]]
    assert statuses == ["OK"] * (number - 1) + ["FAIL"] + ["SKIP"] * (len(NAMES) - number)
    assert data["steps"][number - 1]["problem"] == data["problem"] == result.stderr[len(prefix):-1]
    return result.stderr[len(prefix):-1]


def test_the_steps_are_numbered_and_all_pass_on_an_untouched_workspace(ws):
    assert [name for name, _ in STEPS] == NAMES
    result = _invoke("ledger", "verify", "--json", ws=ws)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["ok"] is True and data["failed_step"] is None
    assert [(s["step"], s["name"], s["status"], s["ok"]) for s in data["steps"]] == [
        (i, name, "OK", True) for i, name in enumerate(NAMES, start=1)]
    assert data["register"][0].startswith("register: ") and "ledger-anchor(s)" not in data["register"][0]
    text = _invoke("ledger", "verify", ws=ws)
    assert text.exit_code == 0 and text.output.startswith("OK: ") and "OK: register: " in text.output


def test_step_1_keys(ws):
    keys = workspace.find(ws).keys_dir
    for path in keys.iterdir():
        if path.suffix != ".key":
            path.unlink()
    assert "no public keys" in _fails_at(ws, 1)


def test_step_2_entries(ws):
    conn = _conn(ws)
    conn.execute("UPDATE ledger_entries SET entry = entry || ' ' WHERE idx = 1")
    restore_triggers(conn)
    problem = _fails_at(ws, 2)
    assert problem.startswith("entry 1: stored leaf hash")
    assert json.loads(_invoke("ledger", "verify", "--json", ws=ws).stdout)["bad_index"] == 1


def test_step_3_checkpoint_signatures(ws):
    conn = _conn(ws)
    conn.execute("UPDATE ledger_checkpoints SET note = replace(note, '\u2014', '-') WHERE id = 1")
    restore_triggers(conn)
    assert _fails_at(ws, 3).startswith("checkpoint #1 ")


def test_step_4_checkpoint_roots(ws):
    conn = _conn(ws)
    last = conn.execute("SELECT max(id) FROM ledger_checkpoints").fetchone()[0]
    conn.execute("DELETE FROM ledger_checkpoints WHERE id = ?", (last,))
    restore_triggers(conn)
    assert "not covered by any signed checkpoint" in _fails_at(ws, 4)


def test_step_5_trusted_checkpoints(ws, tmp_path):
    other = tmp_path / "other"
    assert CliRunner().invoke(cli, ["init", str(other)]).exit_code == 0
    _record_run(other, "elsewhere")
    kept = tmp_path / "kept.note"
    kept.write_text(_invoke("ledger", "checkpoint", ws=other).stdout, encoding="utf-8")
    assert _fails_at(ws, 5, "--checkpoint", str(kept)).startswith("trusted checkpoint: ")


def test_step_6_subtree_hashes(ws):
    conn = _conn(ws)
    conn.execute("UPDATE ledger_nodes SET hash = zeroblob(32) WHERE level = 1 AND pos = 0")
    restore_triggers(conn)
    assert "stored subtree hash" in _fails_at(ws, 6)


def test_step_7_append_only_triggers(ws):
    with sqlite3.connect(ws / "ledger.db") as conn:
        conn.execute("DROP TRIGGER ledger_entries_no_update")
    assert "ledger_entries_no_update" in _fails_at(ws, 7)


def test_step_8_register(ws):
    conn = _conn(ws)
    conn.execute("UPDATE register_entries SET entry = entry || ' ' WHERE idx = 0")
    restore_triggers(conn)
    problem = _fails_at(ws, 8)
    assert problem.startswith("register: entry 0: ") and problem.endswith("(its step 2, entries)")


def _truncate_ledger(ws: Path, size: int) -> None:
    from test_register_monitor import _truncate

    _truncate(ws / "ledger.db", "ledger", size)


def test_step_9_ledger_anchors(ws, tmp_path):
    before = open_ledger(workspace.find(ws)).size()
    _record_run(ws, "run0002certifiable")
    assert _invoke("publish", str(tmp_path / "site"), ws=ws).exit_code == 0  # anchors the grown ledger
    _truncate_ledger(ws, before)
    assert "ledger-anchor in register entry" in _fails_at(ws, 9)


def test_step_10_public_statements(ws, tmp_path):
    assert _invoke("publish", str(tmp_path / "site"), ws=ws).exit_code == 0
    before = open_ledger(workspace.find(ws)).size()
    assert _invoke("certify", "run0001", "-o", str(tmp_path / "b.json"), ws=ws).exit_code == 0
    _truncate_ledger(ws, before)  # the certificate is in the register, no longer in the ledger
    assert "has no certificate entry in the ledger" in _fails_at(ws, 10)


def test_parallel_and_in_process_give_the_same_steps(ws, monkeypatch):
    from asfverify.ledger import verify as verify_module

    conn = _conn(ws)
    conn.execute("UPDATE ledger_entries SET entry = entry || ' ' WHERE idx = 1")
    restore_triggers(conn)
    alone = open_ledger(workspace.find(ws)).verify(jobs=1)
    monkeypatch.setattr(verify_module, "PARALLEL_THRESHOLD", 0)
    parallel = open_ledger(workspace.find(ws)).verify(jobs=2)
    assert alone.steps == parallel.steps and parallel.failed is not None and parallel.failed.number == 2


def test_the_failure_line_in_swedish(ws):
    conn = _conn(ws)
    conn.execute("UPDATE ledger_entries SET entry = entry || ' ' WHERE idx = 1")
    restore_triggers(conn)
    result = _invoke("ledger", "verify", ws=ws, env={"ASFVERIFY_LANG": "sv"})
    assert result.exit_code == 1
    assert result.stderr.startswith("Fel: granskningen av liggaren misslyckades i steg 2 (poster): post 1: lagrad lövhash")


def test_the_summary_in_swedish(ws):
    result = _invoke("ledger", "verify", ws=ws, env={"ASFVERIFY_LANG": "sv"})
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK: ") and "poster" in result.output.splitlines()[0]
    assert "registret: " in result.output and "varje signatur, löv, trädrot och kontrollpunkt stämmer" in result.output


def test_a_copy_without_the_register_tables_skips_the_register_steps(ws, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(ws, copy)
    conn = _conn(copy)
    conn.execute("DELETE FROM register_checkpoints")
    data = json.loads(_invoke("ledger", "verify", "--json", ws=copy).stdout)
    assert [s["status"] for s in data["steps"]][7:] == ["SKIP", "SKIP", "SKIP"]


def test_workers_get_their_inputs_in_the_task_so_spawn_works_too(ws, monkeypatch):
    """No module-global worker state: without fork (Windows, macOS default) spawned workers find the same."""
    import multiprocessing

    from asfverify.ledger import verify as verify_module

    conn = _conn(ws)
    conn.execute("UPDATE ledger_entries SET entry = entry || ' ' WHERE idx = 3")
    restore_triggers(conn)
    monkeypatch.setattr(verify_module, "PARALLEL_THRESHOLD", 0)
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    report = open_ledger(workspace.find(ws)).verify(jobs=2)
    assert report.failed is not None and report.failed.number == 2 and report.bad_index == 3
