"""Workspace keys: creation, permissions, passphrase, public forms, rotation and its chain of trust."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import stat

import pytest
from click.testing import CliRunner
from test_ledger_support import make_workspace, raw, record_runs

from asfverify import keys
from asfverify.cli import cli
from asfverify.errors import BadInput
from asfverify.ledger import merkle, open_ledger
from asfverify.ledger.note import open_checkpoint, parse_vkey
from asfverify.ledger.tlogproof import verify_tlog_proof
from asfverify.multibase import public_key_from_did


@pytest.fixture(autouse=True)
def no_passphrase(monkeypatch):
    monkeypatch.delenv("ASFVERIFY_KEY_PASSPHRASE", raising=False)


@pytest.fixture
def ws(tmp_path):
    return make_workspace(tmp_path / "ws")


def invoke(ws, *args):
    return CliRunner().invoke(cli, ["--workspace", str(ws.root), *args])


def test_ensure_keypair_creates_a_private_key_only_the_owner_can_read(tmp_path):
    keys.ensure_keypair(tmp_path / "k")
    private = tmp_path / "k" / keys.PRIVATE_NAME
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert private.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    signer = keys.load_signer(tmp_path / "k")
    assert keys.public_from_pem((tmp_path / "k" / keys.PUBLIC_NAME).read_text()) == signer.public_key
    before = private.read_bytes()
    keys.ensure_keypair(tmp_path / "k")  # idempotent
    assert private.read_bytes() == before
    assert [k.key_id for k in keys.public_keys(tmp_path / "k")] == [signer.key_id]


def test_signer_identities(tmp_path):
    keys.ensure_keypair(tmp_path)
    signer = keys.load_signer(tmp_path)
    assert len(signer.public_key) == 32
    assert signer.key_id == hashlib.sha256(signer.public_key).digest()[:8].hex()
    assert signer.did.startswith("did:key:z6Mk") and public_key_from_did(signer.did) == signer.public_key
    assert parse_vkey(signer.vkey("example.org/log")).public_key == signer.public_key
    assert keys.verify_signature(signer.public_key, signer.sign(b"x"), b"x")
    assert repr(signer) == f"Signer(key_id={signer.key_id})"


def test_encrypted_key_with_passphrase(tmp_path, monkeypatch):
    monkeypatch.setenv("ASFVERIFY_KEY_PASSPHRASE", "correct horse")
    keys.ensure_keypair(tmp_path)
    assert "ENCRYPTED PRIVATE KEY" in (tmp_path / keys.PRIVATE_NAME).read_text()
    assert keys.load_signer(tmp_path).sign(b"x")
    monkeypatch.setenv("ASFVERIFY_KEY_PASSPHRASE", "wrong")
    with pytest.raises(BadInput, match="cannot decrypt"):
        keys.load_signer(tmp_path)
    monkeypatch.delenv("ASFVERIFY_KEY_PASSPHRASE")
    with pytest.raises(BadInput, match="encrypted; set ASFVERIFY_KEY_PASSPHRASE"):
        keys.load_signer(tmp_path)


def test_explicit_passphrase_argument(tmp_path):
    keys.ensure_keypair(tmp_path, passphrase="s3cret")
    with pytest.raises(BadInput):
        keys.load_signer(tmp_path)
    assert keys.load_signer(tmp_path, passphrase="s3cret").key_id


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o660])
def test_key_readable_by_others_is_refused_with_one_line(ws, mode):
    record_runs(ws, 1)
    os.chmod(ws.keys_dir / keys.PRIVATE_NAME, mode)
    with pytest.raises(BadInput, match="chmod 600"):
        keys.load_signer(ws.keys_dir)
    size = open_ledger(ws).size()
    result = invoke(ws, "keys", "rotate")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "group or others" in result.stderr
    assert open_ledger(ws).size() == size  # nothing written


def test_missing_or_foreign_private_key(tmp_path):
    with pytest.raises(BadInput, match="no private key"):
        keys.load_signer(tmp_path)
    (tmp_path / keys.PRIVATE_NAME).write_text("not a key")
    os.chmod(tmp_path / keys.PRIVATE_NAME, 0o600)
    with pytest.raises(BadInput, match="not a PEM private key"):
        keys.load_signer(tmp_path)


def test_keys_show_prints_pem_vkey_and_did_but_never_the_private_key(ws):
    signer = keys.load_signer(ws.keys_dir)
    result = invoke(ws, "keys", "show")
    assert result.exit_code == 0, result.output
    assert "-----BEGIN PUBLIC KEY-----" in result.output
    assert signer.vkey(ws.origin) in result.output and signer.did in result.output
    private_body = "".join((ws.keys_dir / keys.PRIVATE_NAME).read_text().splitlines()[1:-1])
    assert "PRIVATE" not in result.output and private_body not in result.output
    data = json.loads(invoke(ws, "keys", "show", "--json").output)
    assert data["key_id"] == signer.key_id and data["current"] and data["did"] == signer.did


def test_checkpoint_verifies_with_the_vkey_from_keys_show(ws):
    record_runs(ws, 2)
    vkey = json.loads(invoke(ws, "keys", "show", "--json").output)["vkey"]
    note = invoke(ws, "ledger", "checkpoint").output
    checkpoint, _ = open_checkpoint(note, [parse_vkey(vkey)], origin=ws.origin)
    assert checkpoint.size == 16


def test_rotation_keeps_old_signatures_valid(ws):
    record_runs(ws, 2)
    ledger = open_ledger(ws)
    old = keys.load_signer(ws.keys_dir)
    old_vkey = parse_vkey(old.vkey(ws.origin))
    old_proof = ledger.tlog_proof(3)
    result = invoke(ws, "keys", "rotate")
    assert result.exit_code == 0, result.output
    new = keys.load_signer(ws.keys_dir)
    assert new.key_id != old.key_id
    assert (ws.keys_dir / "archive" / f"{old.key_id}.pub").exists()
    assert stat.S_IMODE((ws.keys_dir / keys.PRIVATE_NAME).stat().st_mode) == 0o600
    record_runs(ws, 1, prefix="after")
    ledger = open_ledger(ws)
    key_entry = next(ledger.entries(kind="key"))
    assert key_entry.index == 16 and key_entry.key_id == old.key_id  # signed by the OLD key
    assert key_entry.entry["key_id"] == new.key_id and key_entry.entry["previous_key_id"] == old.key_id
    assert {e.key_id for e in ledger.entries(run_id="after-0")} == {new.key_id}
    report = ledger.verify()
    assert report.ok and report.keys == [old.key_id, new.key_id]
    # a proof made before rotation still verifies with the old key
    leaf = bytes.fromhex(ledger.get(3).leaf_hash)
    assert verify_tlog_proof(old_proof, leaf, [old_vkey])[0] == 3
    # the checkpoint of the rotation itself is the old key's; later ones the new key's
    assert ledger.checkpoint_at(17).key_id == old.key_id and ledger.checkpoint_at(25).key_id == new.key_id
    shown = json.loads(invoke(ws, "keys", "show", "--all", "--json").output)
    assert [k["key_id"] for k in shown] == [old.key_id, new.key_id]
    assert shown[0]["valid_until"] == shown[1]["valid_from"] == key_entry.entry["time"]
    assert not shown[0]["current"] and shown[1]["current"]
    text = invoke(ws, "keys", "show", "--all").output
    assert "rotated out" in text and "current" in text


def test_two_rotations_verify(ws):
    record_runs(ws, 1)
    for _ in range(2):
        assert invoke(ws, "keys", "rotate").exit_code == 0
        record_runs(ws, 1, prefix=f"r{_}")
    report = open_ledger(ws).verify()
    assert report.ok and len(report.keys) == 3


def test_interrupted_rotation_is_resumed(ws):
    from asfverify.ledger.rotation import rotate

    record_runs(ws, 1)
    ledger = open_ledger(ws)
    old = keys.load_signer(ws.keys_dir)
    real_install = keys.install_next
    try:
        keys.install_next = lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt())
        with pytest.raises(KeyboardInterrupt):
            rotate(ledger)
    finally:
        keys.install_next = real_install
    assert keys.load_signer(ws.keys_dir).key_id == old.key_id  # still the old key
    pending = keys.load_next(ws.keys_dir)
    result = rotate(open_ledger(ws))  # resumes instead of making a third key
    assert result.new_key_id == pending.key_id
    assert len(list(open_ledger(ws).entries(kind="key"))) == 1
    record_runs(ws, 1, prefix="after")
    assert open_ledger(ws).verify().ok


def test_forged_key_entry_is_detected(ws):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from asfverify import jcs

    record_runs(ws, 1)
    attacker = Ed25519PrivateKey.generate()
    public = attacker.public_key().public_bytes_raw()
    entry = {"kind": "key", "action": "rotate", "time": "2026-11-27T00:00:00Z", "actor": "x",
             "previous_key_id": keys.load_signer(ws.keys_dir).key_id, "key_id": keys.key_id_of(public),
             "public_key": base64.b64encode(public).decode()}
    entry["possession_signature"] = base64.b64encode(attacker.sign(jcs.canonical(entry))).decode()
    data = jcs.canonical(entry)
    raw(ws).execute(
        "INSERT INTO ledger_entries VALUES (?, 'key', NULL, NULL, ?, ?, ?, ?)",
        (8, data.decode(), merkle.leaf_hash(data), attacker.sign(data), keys.key_id_of(public)),
    )
    report = open_ledger(ws).verify()
    assert not report.ok and report.bad_index == 8
