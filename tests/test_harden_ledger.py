"""ledger verify notices a missing append-only trigger; a third party checks consistency without the
database; the printable certificate carries a Content-Security-Policy."""

from __future__ import annotations

import base64
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_certs_cli import _invoke, _record_run

from asfverify import workspace
from asfverify.cli import cli
from asfverify.ledger import open_ledger


def _append(ws: Path, n: int, start: int = 0) -> None:
    ledger = open_ledger(workspace.find(ws))
    ledger.append([{"kind": "note", "n": start + i} for i in range(n)])


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    assert _invoke("init", str(root)).exit_code == 0
    return root


@pytest.mark.parametrize("trigger", ["ledger_entries_no_update", "ledger_checkpoints_no_delete", "ledger_nodes_no_update"])
def test_ledger_verify_notices_a_dropped_trigger(ws: Path, trigger: str) -> None:
    _append(ws, 3)
    assert _invoke("ledger", "verify", ws=ws).exit_code == 0
    with sqlite3.connect(ws / "ledger.db") as conn:
        conn.execute(f"DROP TRIGGER {trigger}")
    result = CliRunner().invoke(cli, ["-w", str(ws), "ledger", "verify"])
    assert result.exit_code == 1, result.output
    assert trigger in result.stderr and "append-only trigger" in result.stderr and result.stderr.count("\n") == 1


def test_a_trigger_replaced_by_one_that_allows_edits_is_noticed(ws: Path) -> None:
    _append(ws, 2)
    with sqlite3.connect(ws / "ledger.db") as conn:
        conn.execute("DROP TRIGGER ledger_entries_no_delete")
        conn.execute("CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries BEGIN SELECT 1; END")
    result = CliRunner().invoke(cli, ["-w", str(ws), "ledger", "verify"])
    assert result.exit_code == 1 and "ledger_entries_no_delete" in result.stderr


def _checkpoint(ws: Path, path: Path) -> Path:
    result = _invoke("ledger", "checkpoint", ws=ws)
    assert result.exit_code == 0, result.output
    path.write_text(result.stdout, encoding="utf-8")
    return path


def _size(note: Path) -> int:
    return int(note.read_text(encoding="utf-8").splitlines()[1])


@pytest.fixture
def two_checkpoints(ws: Path, tmp_path: Path) -> tuple[Path, Path, Path, str]:
    _append(ws, 5)
    old = _checkpoint(ws, tmp_path / "old.note")
    _append(ws, 9, start=5)
    new = _checkpoint(ws, tmp_path / "new.note")
    proof = tmp_path / "proof.txt"
    result = _invoke("ledger", "prove", "--consistency", str(_size(old)), str(_size(new)), ws=ws)
    assert result.exit_code == 0, result.output
    proof.write_text(result.stdout, encoding="utf-8")
    vkey = json.loads(_invoke("keys", "show", "--json", ws=ws).stdout)["vkey"]
    return old, new, proof, vkey


def _check(old: Path, new: Path, proof: Path | str, *keys: str, input: str | None = None):
    argv = ["ledger", "check-consistency", str(old), str(new), str(proof)]
    for key in keys:
        argv += ["--key", key]
    return CliRunner().invoke(cli, argv, input=input)  # no workspace: a third party's machine


def test_check_consistency_without_the_database(two_checkpoints, tmp_path: Path, ws: Path) -> None:
    old, new, proof, vkey = two_checkpoints
    ok = _check(old, new, proof, vkey)
    assert ok.exit_code == 0, ok.output
    assert f"size {_size(new)} extends size {_size(old)}" in ok.stdout
    # The did:key and the PEM file work as well; so does the proof on stdin.
    did = json.loads(_invoke("keys", "show", "--json", ws=ws).stdout)["did"]
    assert _check(old, new, proof, did).exit_code == 0
    assert _check(old, new, "-", str(ws / "keys" / "ledger.pub"), input=proof.read_text()).exit_code == 0


def test_check_consistency_refuses_what_does_not_follow(two_checkpoints, tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from asfverify.multibase import did_key

    old, new, proof, vkey = two_checkpoints
    hashes = proof.read_text().split()
    flipped = bytearray(base64.b64decode(hashes[0]))
    flipped[0] ^= 1
    bad = tmp_path / "bad.txt"
    bad.write_text("\n".join([base64.b64encode(bytes(flipped)).decode(), *hashes[1:]]) + "\n")
    stranger = did_key(Ed25519PrivateKey.generate().public_key().public_bytes_raw())
    cases = {
        "tampered proof": (_check(old, new, bad, vkey), "does not show"),
        "swapped (rolled back)": (_check(new, old, proof, vkey), "smaller than the old one"),
        "other signer": (_check(old, new, proof, stranger), "not signed by any trusted key"),
    }
    for name, (result, reason) in cases.items():
        assert result.exit_code == 1, (name, result.output)
        assert reason in result.stderr and result.stderr.count("\n") == 1, (name, result.stderr)
    garbage = tmp_path / "garbage.txt"
    garbage.write_text("not base64!\n")
    result = _check(old, new, garbage, vkey)
    assert result.exit_code == 2 and "proof line 1: not base64" in result.stderr


def test_the_printable_certificate_has_a_content_security_policy(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    assert _invoke("init", str(root)).exit_code == 0
    _record_run(root, "run0001certifiable")
    html = tmp_path / "cert.html"
    assert _invoke("certify", "run0001", "-o", str(tmp_path / "c.json"), "--html", str(html), ws=root).exit_code == 0
    text = html.read_text(encoding="utf-8")
    assert '<meta http-equiv="Content-Security-Policy" content="default-src \'none\';' in text
    assert "<script" not in text
