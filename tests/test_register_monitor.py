"""`asfverify monitor` reads a published site as a third party; the truncation attack of issue 14 is
caught by `ledger verify`, refused by `publish` and caught by `monitor`."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_certs_cli import CERTIFIER_FLAGS, _record_run

from asfverify import workspace
from asfverify.cli import cli
from asfverify.ledger import open_ledger
from asfverify.ledger.store import open_register


def _invoke(*args: str, ws: Path | None = None):
    argv = (["-w", str(ws)] if ws else []) + list(args)
    return CliRunner().invoke(cli, argv)


def _certify(ws: Path, run: str, out: Path) -> dict:
    result = _invoke("certify", run, "-o", str(out), ws=ws)
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.fixture()
def ws(tmp_path, monkeypatch) -> Path:
    monkeypatch.delenv("ASFVERIFY_WORKSPACE", raising=False)
    monkeypatch.delenv("ASFVERIFY_KEY_PASSPHRASE", raising=False)
    root = tmp_path / "ws"
    assert _invoke("init", str(root), *CERTIFIER_FLAGS).exit_code == 0
    for n in range(3):
        _record_run(root, f"run000{n}certifiable")
    return root


@pytest.fixture()
def published(ws, tmp_path):
    """Two certificates, one revoked, published; a monitor that has seen it."""
    a = _certify(ws, "run0000", tmp_path / "a.json")
    b = _certify(ws, "run0001", tmp_path / "b.json")
    assert _invoke("publish", str(tmp_path / "site"), ws=ws).exit_code == 0
    return a, b, tmp_path / "site", tmp_path / "state.json"


def _monitor(site, state: Path, *extra: str):
    return _invoke("monitor", str(site), "--state", str(state), *extra)


def test_monitor_lists_what_is_new_and_then_nothing(ws, published, tmp_path):
    a, b, site, state = published
    first = _monitor(site, state)
    assert first.exit_code == 0, first.output
    assert f"certificate {a['id']}" in first.output and f"certificate {b['id']}" in first.output
    assert "OK: register 0 -> " in first.output
    again = _monitor(site, state)
    assert again.exit_code == 0 and "0 new event(s)" in again.output and "certificate urn" not in again.output
    # A revocation appears in the next run's output, and only that.
    assert _invoke("revoke", a["id"], "--reason", "Uppgifterna var felaktiga", "--category",
                   "incorrect-information", ws=ws).exit_code == 0
    assert _invoke("suspend", b["id"], "--reason", "x", ws=ws).exit_code == 0
    assert _invoke("publish", str(site), ws=ws).exit_code == 0
    after = _monitor(site, state)
    assert after.exit_code == 0, after.output
    assert f"revoked {a['id']} (incorrect-information)" in after.output
    assert f"suspended {b['id']}" in after.output
    assert "certificate urn" not in after.output and "Uppgifterna" not in after.output
    # --org watches one organisation.
    fresh = tmp_path / "fresh.json"
    only = _monitor(site, fresh, "--org", "000000-0000")
    assert only.exit_code == 0 and "urn:uuid" not in only.output


def test_monitor_reads_a_site_over_http(published):
    a, _b, site, state = published
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        result = _monitor(f"http://127.0.0.1:{server.server_address[1]}/", state)
    finally:
        server.shutdown()
        server.server_close()
    assert result.exit_code == 0, result.output
    assert f"certificate {a['id']}" in result.output


def _last(site: Path, pattern: str) -> Path:
    return sorted(p for p in site.glob(pattern) if p.is_file())[-1]


def _flip(path: Path, offset: int = 40) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 1
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("tamper, expected", [
    (lambda s: _flip(_last(s, "register/tile/0/000.p/*")), "does not hash to its level-0 tile"),
    (lambda s: _flip(_last(s, "register/tile/entries/000.p/*"), 60), "does not hash to its level-0 tile"),
    (lambda s: _last(s, "register/tile/entries/000.p/*").write_bytes(
        _last(s, "register/tile/entries/000.p/*").read_bytes()[:-5]), "truncated"),
    (lambda s: _last(s, "register/tile/0/000.p/*").write_bytes(
        _last(s, "register/tile/0/000.p/*").read_bytes()[:-32]), "bytes, expected"),
    (lambda s: (s / "register/checkpoint").write_text(
        (s / "register/checkpoint").read_text(encoding="utf-8").replace("\n", "\n\n", 1), encoding="utf-8"), "register/checkpoint"),
    (lambda s: (s / "register/checkpoint").write_bytes(b"x" * 100_000), "larger than"),
    (lambda s: _flip(_last(s, "certificates/*.json"), 100), "does not hash to the digest"),
    (lambda s: (s / "ledger/checkpoint").unlink(), "ledger/checkpoint: missing"),
])
def test_monitor_refuses_an_edited_site(published, tamper, expected):
    _a, _b, site, state = published
    tamper(site)
    result = _monitor(site, state)
    assert result.exit_code == 1, result.output
    assert expected in result.output and "Traceback" not in result.output
    assert not state.exists()  # nothing is remembered from a bad site


def test_monitor_refuses_a_forked_register_of_the_same_size(ws, tmp_path):
    _certify(ws, "run0000", tmp_path / "a.json")
    fork = tmp_path / "fork"
    shutil.copytree(ws, fork)  # same key, same origin, same history so far
    _certify(ws, "run0001", tmp_path / "b.json")
    _certify(fork, "run0002", tmp_path / "c.json")  # a different certificate at the same index
    assert _invoke("publish", str(tmp_path / "site"), ws=ws).exit_code == 0
    assert _invoke("publish", str(tmp_path / "forksite"), ws=fork).exit_code == 0
    a = (tmp_path / "site/register/checkpoint").read_text(encoding="utf-8").split("\n")[:3]
    b = (tmp_path / "forksite/register/checkpoint").read_text(encoding="utf-8").split("\n")[:3]
    assert a[:2] == b[:2] and a[2] != b[2]  # two different checkpoints of one size
    state = tmp_path / "state.json"
    assert _monitor(tmp_path / "site", state).exit_code == 0
    forked = _monitor(tmp_path / "forksite", state)
    assert forked.exit_code == 1
    assert "forked" in forked.output
    # And the certifier's own publish refuses to overwrite the site with the fork.
    refused = _invoke("publish", str(tmp_path / "site"), ws=fork)
    assert refused.exit_code == 1 and "forked or rewritten" in refused.output


def _truncate(db: Path, tables: str, size: int) -> None:
    """What an attacker with write access to ledger.db (and no key) does: cut a log back to `size`."""
    conn = sqlite3.connect(db, isolation_level=None)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute(f"DELETE FROM {tables}_entries WHERE idx >= ?", (size,))
    conn.execute(f"DELETE FROM {tables}_nodes WHERE (pos + 1) * (1 << level) > ?", (size,))
    conn.execute(f"DELETE FROM {tables}_checkpoints WHERE size > ?", (size,))
    conn.execute("DELETE FROM log_cosigned_checkpoints WHERE size > ?", (size,))
    _restore_triggers(conn)
    conn.close()


def _restore_triggers(conn: sqlite3.Connection) -> None:
    """The attacker puts the append-only triggers back, so nothing looks touched."""
    import sqlite_utils

    from asfverify.ledger import schema

    db = sqlite_utils.Database(conn)
    for log in (schema.LEDGER, schema.REGISTER):
        schema._log_tables(db, log)
    schema._append_only(db, (schema.COSIGNED, schema.CREDENTIALS, schema.STATUS_LISTS), "register")


def test_the_truncation_attack_is_detected_refused_and_caught(ws, tmp_path):
    """Issue 14: cutting the ledger back to an earlier checkpoint removed a revocation unnoticed."""
    a = _certify(ws, "run0000", tmp_path / "a.json")
    site, state = tmp_path / "site", tmp_path / "state.json"
    loaded = workspace.find(ws)
    before_revocation = open_ledger(loaded).size()
    register_before = open_register(loaded).size()
    assert _invoke("revoke", a["id"], "--reason", "fel", ws=ws).exit_code == 0
    assert _invoke("publish", str(site), ws=ws).exit_code == 0
    assert _monitor(site, state).exit_code == 0
    assert _invoke("ledger", "verify", ws=ws).exit_code == 0

    # 1. The ledger alone cut back to the checkpoint before the revocation.
    saved = tmp_path / "saved.db"
    shutil.copy(ws / "ledger.db", saved)
    _truncate(ws / "ledger.db", "ledger", before_revocation)
    assert open_ledger(workspace.find(ws)).verify().ok  # the ledger by itself still looks fine
    checked = _invoke("ledger", "verify", ws=ws)
    assert checked.exit_code == 1, checked.output
    assert f"has size {open_ledger(workspace.find(ws)).size() + 0}" in checked.output or "ledger" in checked.output
    assert "truncated" in checked.output or "lost entries" in checked.output
    refused = _invoke("publish", str(site), ws=ws)
    assert refused.exit_code == 1 and "truncated or rolled back" in refused.output
    assert _invoke("publish", str(tmp_path / "elsewhere"), ws=ws).exit_code == 1

    # 2. Both logs cut back, and a fresh site published from them: monitor notices the rollback.
    shutil.copy(saved, ws / "ledger.db")
    _truncate(ws / "ledger.db", "ledger", before_revocation)
    _truncate(ws / "ledger.db", "register", register_before)
    shutil.rmtree(site)
    republished = _invoke("publish", str(site), ws=ws)
    assert republished.exit_code == 0, republished.output  # nothing in the workspace remembers any more
    caught = _monitor(site, state)
    assert caught.exit_code == 1
    assert "smaller than" in caught.output and "seen before" in caught.output
