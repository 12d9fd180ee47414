"""`asfverify ledger verify / show / checkpoint / prove` through the click CLI."""

from __future__ import annotations

import base64
import json

import pytest
import rfc8785
from click.testing import CliRunner
from test_ledger_support import ORG, make_workspace, raw, record_runs

from asfverify.cli import cli
from asfverify.keys import load_signer, public_from_pem, verify_signature
from asfverify.ledger import merkle, open_ledger
from asfverify.ledger.note import parse_vkey
from asfverify.ledger.tlogproof import verify_tlog_proof


@pytest.fixture
def ws(tmp_path, monkeypatch):
    monkeypatch.delenv("ASFVERIFY_KEY_PASSPHRASE", raising=False)
    ws = make_workspace(tmp_path / "ws")
    record_runs(ws, 3)
    open_ledger(ws).append([{"kind": "registry-import", "org_number": "556000-0001", "count": 2}])
    return ws


def invoke(ws, *args):
    return CliRunner().invoke(cli, ["--workspace", str(ws.root), *args])


def db_bytes(ws) -> int:
    return open_ledger(ws).size()


def test_verify_ok_prints_a_summary(ws):
    result = invoke(ws, "ledger", "verify")
    assert result.exit_code == 0
    assert result.output.startswith("OK: 25 entries, 4 checkpoints, 1 key;")


def test_verify_names_the_first_bad_entry(ws):
    raw(ws).execute("UPDATE ledger_entries SET entry = replace(entry, 'certifiable', 'rejected') WHERE idx = 15")
    result = invoke(ws, "ledger", "verify")
    assert result.exit_code == 1
    assert result.stderr == "Error: ledger verification failed at step 2 (entries): entry 15: stored leaf hash does not match the entry bytes (entry edited)\n"
    data = json.loads(invoke(ws, "ledger", "verify", "--json").stdout)
    assert data["ok"] is False and data["bad_index"] == 15


def test_verify_with_a_kept_checkpoint(ws, tmp_path):
    kept = tmp_path / "kept.note"
    kept.write_text(invoke(ws, "ledger", "checkpoint").output)
    record_runs(ws, 1, prefix="later")
    result = invoke(ws, "ledger", "verify", "--checkpoint", str(kept))
    assert result.exit_code == 0 and "1 trusted checkpoint(s) matched" in result.output


@pytest.mark.parametrize("content", [None, "garbage\n", "not\na\ncheckpoint\n\n— x AAAA\n"])
def test_verify_bad_checkpoint_file(ws, tmp_path, content):
    path = tmp_path / "cp.note"
    if content is not None:
        path.write_text(content)
    result = invoke(ws, "ledger", "verify", "--checkpoint", str(path))
    assert result.exit_code in (1, 2)
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")
    if content is None:
        assert result.exit_code == 2 and "cannot read checkpoint" in result.stderr


def test_show_text_and_filters(ws):
    result = invoke(ws, "ledger", "show", "--run", "run-1")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == 8 and all("run=run-1" in line for line in lines)
    assert len(invoke(ws, "ledger", "show", "--kind", "decision").output.splitlines()) == 3
    assert len(invoke(ws, "ledger", "show", "--org", "556000-0001").output.splitlines()) == 1
    assert invoke(ws, "ledger", "show", "--org", "000000-0000").output == ""


def test_show_json_lets_anyone_recompute_leaves_and_check_signatures(ws):
    result = invoke(ws, "ledger", "show", "--org", ORG["org_number"], "--json")
    assert result.exit_code == 0
    items = json.loads(result.output)
    assert len(items) == 24
    pem = json.loads(invoke(ws, "keys", "show", "--json").output)["pem"]
    public = public_from_pem(pem)
    for item in items:
        assert set(item) == {"index", "leaf_hash", "entry", "signature", "key_id"}
        data = rfc8785.dumps(item["entry"])
        assert merkle.leaf_hash(data).hex() == item["leaf_hash"]
        assert verify_signature(public, base64.b64decode(item["signature"]), data)
    assert json.loads(invoke(ws, "ledger", "show", "--kind", "nothing", "--json").output) == []


def test_checkpoint_and_prove_round_trip(ws):
    note = invoke(ws, "ledger", "checkpoint").output
    assert note == open_ledger(ws).checkpoint()
    vkey = parse_vkey(load_signer(ws.keys_dir).vkey(ws.origin))
    entry = json.loads(invoke(ws, "ledger", "show", "--json").output)[10]
    proof = invoke(ws, "ledger", "prove", "--index", "10")
    assert proof.exit_code == 0 and proof.output.startswith("c2sp.org/tlog-proof@v1\nindex 10\n")
    assert proof.output.endswith(note)
    leaf = merkle.leaf_hash(rfc8785.dumps(entry["entry"]))
    assert verify_tlog_proof(proof.output, leaf, [vkey], origin=ws.origin)[1].size == 25
    older = invoke(ws, "ledger", "prove", "--index", "10", "--size", "16")
    assert verify_tlog_proof(older.output, leaf, [vkey])[1].size == 16


def test_prove_consistency(ws):
    result = invoke(ws, "ledger", "prove", "--consistency", "8", "25")
    assert result.exit_code == 0
    path = [base64.b64decode(line) for line in result.output.splitlines()]
    ledger = open_ledger(ws)
    assert merkle.verify_consistency(8, 25, ledger.root(8), ledger.root(25), path)


@pytest.mark.parametrize("args, message", [
    (["prove"], "give --index"),
    (["prove", "--index", "25"], "outside"),
    (["prove", "--index", "-1"], "outside"),
    (["prove", "--index", "1", "--size", "9"], "no signed checkpoint of size 9"),
    (["prove", "--index", "1", "--consistency", "1", "2"], "either"),
    (["prove", "--consistency", "0", "5"], "0 < OLD <= NEW"),
    (["prove", "--consistency", "9", "5"], "0 < OLD <= NEW"),
    (["prove", "--consistency", "5", "26"], "0 < OLD <= NEW"),
])
def test_prove_bad_input(ws, args, message):
    before = db_bytes(ws)
    result = invoke(ws, "ledger", *args)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert db_bytes(ws) == before


def test_usage_errors_exit_2(ws):
    assert invoke(ws, "ledger", "prove", "--index", "x").exit_code == 2
    assert invoke(ws, "ledger", "show", "--bogus").exit_code == 2
    assert invoke(ws, "ledger", "nope").exit_code == 2


def test_empty_ledger(tmp_path, monkeypatch):
    monkeypatch.delenv("ASFVERIFY_KEY_PASSPHRASE", raising=False)
    ws = make_workspace(tmp_path / "empty")
    result = invoke(ws, "ledger", "checkpoint")
    assert result.exit_code == 2 and "empty" in result.stderr
    assert invoke(ws, "ledger", "prove", "--index", "0").exit_code == 2
    verified = invoke(ws, "ledger", "verify")
    assert verified.exit_code == 0 and verified.output.startswith("OK: 0 entries")
    assert invoke(ws, "ledger", "show", "--json").output.strip() == "[\n]"


def test_no_workspace_is_a_one_line_error(tmp_path, monkeypatch):
    monkeypatch.delenv("ASFVERIFY_WORKSPACE", raising=False)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["ledger", "verify"])
    assert result.exit_code == 2 and result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
