"""issuer.json: built from a workspace (keys with their periods, logs, policy), parsed strictly, bad input refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from asfverify import workspace
from asfverify.cli import cli
from asfverify.issuer import IssuerError, build_issuer_json, parse_issuer_json, register_origin


def _invoke(*args: str, ws: Path | None = None):
    argv = (["-w", str(ws)] if ws else []) + list(args)
    return CliRunner().invoke(cli, argv, catch_exceptions=False)


@pytest.fixture()
def ws(tmp_path, monkeypatch) -> Path:
    monkeypatch.delenv("ASFVERIFY_WORKSPACE", raising=False)
    monkeypatch.delenv("ASFVERIFY_KEY_PASSPHRASE", raising=False)
    root = tmp_path / "ws"
    assert _invoke("init", str(root), "--certifier", "Certifieringsorganet AB").exit_code == 0
    return root


def _add_config(root: Path, text: str) -> None:
    config = root / "asfverify.toml"
    config.write_text(config.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_cli_writes_an_issuer_json_that_parses_back(ws, tmp_path):
    out = tmp_path / "issuer.json"
    result = _invoke("issuer", "-o", str(out), ws=ws)
    assert result.exit_code == 0, result.output
    description = parse_issuer_json(out.read_bytes())
    keys = json.loads(_invoke("keys", "show", "--json", ws=ws).output)
    assert description.name == "Certifieringsorganet AB"
    assert description.did == keys["did"] and description.current_key.vkey == keys["vkey"]
    assert description.ledger.origin == workspace.find(ws).origin
    assert description.register is None and description.witness_policy is None
    assert description.document["proof"]["cryptosuite"] == "eddsa-jcs-2022"


def test_publish_prefix_org_number_and_policy_reach_issuer_json(ws):
    from asfverify.witness.cosignature import format_cosigner_vkey

    vkey = format_cosigner_vkey("example.org/w1", bytes(range(32)))
    (ws / "witness-policy.txt").write_text(f"witness w1 {vkey}\nquorum none\n", encoding="utf-8")
    _add_config(ws, '\n[publish]\nprefix = "https://certifier.example/asf"\n'
                    '\n[witnesses]\npolicy = "witness-policy.txt"\n')
    config = (ws / "asfverify.toml").read_text(encoding="utf-8")
    (ws / "asfverify.toml").write_text(config.replace('name = "Certifieringsorganet AB"',
                                                      'name = "Certifieringsorganet AB"\norg_number = "556677-8899"'),
                                       encoding="utf-8")
    description = parse_issuer_json(build_issuer_json(workspace.find(ws)).dumps())
    assert description.org_number == "556677-8899"
    assert description.publish_prefix == "https://certifier.example/asf"
    assert description.register is not None
    assert description.register.origin == "certifier.example/asf/register"
    assert description.register.vkey.startswith("certifier.example/asf/register+")
    assert description.witness_policy and description.witness_policy.startswith("witness w1")


def test_rotated_keys_keep_their_periods(ws):
    assert _invoke("keys", "rotate", ws=ws).exit_code == 0
    assert _invoke("keys", "rotate", ws=ws).exit_code == 0
    description = build_issuer_json(workspace.find(ws))
    assert len(description.keys) == 3
    old, middle, current = description.keys
    assert old.valid_until == middle.valid_from and middle.valid_until == current.valid_from
    assert current.valid_until is None and description.did == current.did


def test_register_origin_from_prefix():
    assert register_origin("https://certifier.example/asf/") == "certifier.example/asf/register"
    assert register_origin("http://127.0.0.1:8000") == "127.0.0.1:8000/register"


def _signed(ws: Path) -> dict:
    return json.loads(build_issuer_json(workspace.find(ws)).dumps())


def _resign(ws: Path, document: dict) -> bytes:
    """Re-sign a changed document with the workspace key, so only the change itself is wrong."""
    from asfverify import keys
    from asfverify.certs.eddsa_jcs import create_proof, verification_method_for

    signer = keys.load_signer(workspace.find(ws).keys_dir)
    document = {k: v for k, v in document.items() if k != "proof"}
    signed = create_proof(document, signer.sign, verification_method_for(signer.did), "2026-12-01T00:00:00Z")
    return json.dumps(signed).encode()


def test_bad_issuer_json_is_refused_with_one_reason(ws, tmp_path):
    good = _signed(ws)
    other = tmp_path / "other"
    assert _invoke("init", str(other), "--certifier", "Någon annan").exit_code == 0
    foreign_vkey = json.loads(_invoke("keys", "show", "--json", ws=other).output)["vkey"]
    text = json.dumps(good)
    cases = {
        "duplicate JSON key": text.replace('"version": 1,', '"version": 1, "version": 1,'),
        "floating-point": text.replace('"version": 1', '"version": 1.0'),
        "holds another key": _resign(ws, {**good, "keys": [{**good["keys"][0], "vkey": foreign_vkey}]}),
        "signature does not verify": json.dumps({**good, "name": "Falskt namn AB"}),
        "unknown cryptosuite": json.dumps({**good, "proof": {**good["proof"], "cryptosuite": "ecdsa-jcs-2019"}}),
        "unknown property": _resign(ws, {**good, "extra": "x"}),
        "before validFrom": _resign(ws, {**good, "keys": [{**good["keys"][0], "validUntil": "2000-01-01T00:00:00Z"}]}),
        "not a valid organisation number": _resign(ws, {**good, "orgNumber": "123"}),
        "invalid JSON": "{not json",
    }
    for expected, data in cases.items():
        raw = data if isinstance(data, bytes) else data.encode()
        with pytest.raises(IssuerError, match=expected):
            parse_issuer_json(raw)


def test_overlapping_key_periods_are_refused(ws):
    assert _invoke("keys", "rotate", ws=ws).exit_code == 0
    good = _signed(ws)
    keys = [dict(k) for k in good["keys"]]
    keys[0]["validUntil"] = "2999-01-01T00:00:00Z"
    with pytest.raises(IssuerError, match="overlaps"):
        parse_issuer_json(_resign(ws, {**good, "keys": keys}))


def test_issuer_command_without_a_certifier_name_is_bad_input(ws):
    config = (ws / "asfverify.toml").read_text(encoding="utf-8")
    (ws / "asfverify.toml").write_text(config.replace('name = "Certifieringsorganet AB"\n', ""), encoding="utf-8")
    result = CliRunner().invoke(cli, ["-w", str(ws), "issuer"])
    assert result.exit_code == 2
    assert "[certifier] name is not set" in result.output and "Traceback" not in result.output
