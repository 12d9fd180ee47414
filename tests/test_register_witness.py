"""Witnessing from the certifier's side: certify and publish with real witnesses (asfverify.witness)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_certs_cli import CERTIFIER_FLAGS, _record_run

from asfverify import workspace
from asfverify.cli import cli
from asfverify.ledger import open_ledger
from asfverify.witness.policy import evaluate, parse_policy
from asfverify.witness.server import WitnessServer
from asfverify.witness.state import Witness, init_witness


def _invoke(*args: str, ws: Path | None = None):
    argv = (["-w", str(ws)] if ws else []) + list(args)
    return CliRunner().invoke(cli, argv)


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
def witnesses(tmp_path, ws):
    """Two witnesses on ephemeral ports accepting both logs, and a 2-of-2 policy in the workspace."""
    keys = json.loads(_invoke("keys", "show", "--json", ws=ws).output)
    running = []
    for i in (1, 2):
        folder = tmp_path / f"w{i}"
        init_witness(folder, f"w{i}.example/witness")
        state = Witness(folder)
        state.add_log(keys["register_vkey"])
        state.add_log(keys["vkey"])
        server = WitnessServer(state, "127.0.0.1", 0)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        running.append((state, server))
    # One key signs both logs; a policy names a key once, so it lists the register (the log buyers check).
    policy = [f"log {keys['register_vkey']}"]
    policy += [f"witness W{i} {s.cosigner.vkey} {srv.url}" for i, (s, srv) in enumerate(running, 1)]
    policy += ["group both 2 W1 W2", "quorum both"]
    (ws / "witness-policy.txt").write_text("\n".join(policy) + "\n", encoding="utf-8")
    config = ws / "asfverify.toml"
    config.write_text(workspace.set_config_values(config.read_text(encoding="utf-8"),
                                                  {("witnesses", "policy"): "witness-policy.txt"}), encoding="utf-8")
    yield running
    for state, server in running:
        server.shutdown()
        server.server_close()
        state.close()


def _policy(ws: Path):
    return parse_policy((ws / "witness-policy.txt").read_bytes())


def test_certify_embeds_a_cosigned_register_checkpoint_and_publish_and_monitor_check_it(ws, witnesses, tmp_path):
    out = tmp_path / "c.json"
    result = _invoke("certify", "run0000", "-o", str(out), ws=ws)
    assert result.exit_code == 0, result.output
    assert "unwitnessed" not in result.output
    cert = json.loads(out.read_text(encoding="utf-8"))
    note = cert["ledgerProof"]["tlogProof"].split("\n\n", 1)[1]
    quorum = evaluate(_policy(ws), note)
    assert quorum.satisfied and set(quorum.cosigned) == {"W1", "W2"}
    assert _invoke("verify", str(out), "--trust-workspace", ws=ws).exit_code == 0
    site = tmp_path / "site"
    published = _invoke("publish", str(site), ws=ws)
    assert published.exit_code == 0, published.output
    assert "checkpoints cosigned" in published.output
    assert evaluate(_policy(ws), (site / "register/checkpoint").read_text(encoding="utf-8")).satisfied
    from asfverify.ledger.note import parse_vkey

    ledger_vkey = json.loads(_invoke("keys", "show", "--json", ws=ws).output)["vkey"]
    assert evaluate(_policy(ws), (site / "ledger/checkpoint").read_text(encoding="utf-8"),
                    logs=[parse_vkey(ledger_vkey)]).satisfied
    assert (site / "witness-policy.txt").read_bytes() == (ws / "witness-policy.txt").read_bytes()
    watched = _invoke("monitor", str(site), "--state", str(tmp_path / "m.json"))
    assert watched.exit_code == 0, watched.output
    assert "cosigned by W1, W2" in watched.output
    # A checkpoint whose cosignatures were stripped fails the monitor's policy check.
    text = (site / "register/checkpoint").read_text(encoding="utf-8")
    (site / "register/checkpoint").write_text("\n".join(line for line in text.split("\n") if "w2.example" not in line),
                                              encoding="utf-8")
    stripped = _invoke("monitor", str(site), "--state", str(tmp_path / "m2.json"))
    assert stripped.exit_code == 1 and "witness policy not satisfied" in stripped.output


def test_certify_refuses_without_the_quorum_unless_unwitnessed(ws, witnesses, tmp_path):
    (tmp_path / "none.txt").write_text("quorum none\n", encoding="utf-8")
    (_s1, w1), _ = witnesses
    w1.shutdown()
    w1.server_close()
    out = tmp_path / "c.json"
    refused = _invoke("certify", "run0000", "-o", str(out), ws=ws)
    assert refused.exit_code == 1
    assert "witness quorum not reached" in refused.output and len(refused.output.strip().splitlines()) == 1
    assert not out.exists()
    issued = _invoke("certify", "run0001", "-o", str(out), "--unwitnessed", ws=ws)
    assert issued.exit_code == 0, issued.output
    entry = list(open_ledger(workspace.find(ws)).entries(kind="certificate"))[-1].entry
    assert entry["unwitnessed"] is True
    cert = json.loads(out.read_text(encoding="utf-8"))
    note = cert["ledgerProof"]["tlogProof"].split("\n\n", 1)[1]
    assert not evaluate(_policy(ws), note).satisfied
    # publish refuses a register checkpoint the quorum did not cosign, unless told otherwise.
    site = tmp_path / "site"
    not_published = _invoke("publish", str(site), ws=ws)
    assert not_published.exit_code == 1 and "not cosigned by the witness quorum" in not_published.output
    assert not (site / "register/checkpoint").exists()
    assert _invoke("publish", str(site), "--unwitnessed", ws=ws).exit_code == 0
    # The refused issuance is in the register, and so is its credential: a monitor finds both.
    watched = _invoke("monitor", str(site), "--state", str(tmp_path / "m.json"), "--policy", str(tmp_path / "none.txt"))
    assert watched.exit_code == 0, watched.output
    assert watched.output.count("certificate urn:uuid:") == 2


def test_witnesses_refuse_a_rolled_back_register_so_publish_does_too(ws, witnesses, tmp_path):
    import sqlite3

    a = tmp_path / "a.json"
    assert _invoke("certify", "run0000", "-o", str(a), ws=ws).exit_code == 0
    size_before = open_ledger(workspace.find(ws)).size()
    from asfverify.ledger.store import open_register

    register_before = open_register(workspace.find(ws)).size()
    cert = json.loads(a.read_text(encoding="utf-8"))
    assert _invoke("revoke", cert["id"], "--reason", "fel", ws=ws).exit_code == 0
    assert _invoke("publish", str(tmp_path / "site"), ws=ws).exit_code == 0
    # The attacker cuts both logs back and erases the kept cosignatures.
    conn = sqlite3.connect(ws / "ledger.db", isolation_level=None)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    for log, size in (("ledger", size_before), ("register", register_before)):
        conn.execute(f"DELETE FROM {log}_entries WHERE idx >= ?", (size,))
        conn.execute(f"DELETE FROM {log}_nodes WHERE (pos + 1) * (1 << level) > ?", (size,))
        conn.execute(f"DELETE FROM {log}_checkpoints WHERE size > ?", (size,))
    conn.execute("DELETE FROM log_cosigned_checkpoints")
    from test_register_monitor import _restore_triggers

    _restore_triggers(conn)
    conn.close()
    fresh = tmp_path / "fresh-site"
    refused = _invoke("publish", str(fresh), ws=ws)
    assert refused.exit_code == 1 and "not cosigned by the witness quorum" in refused.output
    assert "fork or a rollback" in refused.output or "larger than ours" in refused.output or "quorum not met" in refused.output
    assert not (fresh / "register/checkpoint").exists()
