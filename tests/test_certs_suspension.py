"""`verify --status` with the published suspension list: step 10 (DESIGN §11 puts it beside the revocation list)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_certs_cli import CERTIFIER_FLAGS, _record_run

from asfverify.certs.verify import suspension_url
from asfverify.cli import cli


def _invoke(*args: str, ws: Path | None = None):
    argv = (["-w", str(ws)] if ws else []) + list(args)
    return CliRunner().invoke(cli, argv, catch_exceptions=False)


@pytest.fixture()
def site(tmp_path, monkeypatch):
    """A workspace with one certificate, its site published, and the issuer's public key."""
    monkeypatch.delenv("ASFVERIFY_WORKSPACE", raising=False)
    monkeypatch.delenv("ASFVERIFY_KEY_PASSPHRASE", raising=False)
    ws = tmp_path / "ws"
    assert _invoke("init", str(ws), *CERTIFIER_FLAGS).exit_code == 0
    _record_run(ws, "run0001certifiable")
    cert = tmp_path / "cert.json"
    assert _invoke("certify", "run0001certifiable", "-o", str(cert), ws=ws).exit_code == 0
    out = tmp_path / "site"
    assert _invoke("publish", str(out), ws=ws).exit_code == 0, "publish"
    return ws, cert, out


def _verify(ws: Path, cert: Path, *lists: Path):
    status = [a for path in lists for a in ("--status", str(path))]
    return _invoke("verify", str(cert), "--trust", str(ws / "keys" / "ledger.pub"), *status, "--json")


def _step(result, number: int) -> dict:
    return next(s for s in json.loads(result.stdout)["steps"] if s["step"] == number)


def test_both_lists_check_revocation_and_suspension(site):
    ws, cert, out = site
    result = _verify(ws, cert, out / "status" / "suspension.json", out / "status" / "revocation.json")
    assert result.exit_code == 0, result.output
    assert _step(result, 8)["status"] == "OK" and _step(result, 10)["status"] == "OK"
    assert "not suspended" in _step(result, 10)["detail"]


def test_a_suspended_certificate_fails_step_10_and_verifies_again_after_reinstatement(site, tmp_path):
    ws, cert, out = site
    cert_id = json.loads(cert.read_text(encoding="utf-8"))["id"]
    assert _invoke("suspend", cert_id, "--reason", "Under utredning", ws=ws).exit_code == 0
    assert _invoke("publish", str(out), ws=ws).exit_code == 0
    result = _verify(ws, cert, out / "status" / "suspension.json")
    assert result.exit_code == 1
    assert _step(result, 10)["status"] == "FAIL" and "SUSPENDED" in _step(result, 10)["detail"]
    assert _step(result, 8)["status"] == "SKIP"  # no revocation list given: not checked, not passed
    assert _invoke("reinstate", cert_id, "--note", "Utredningen klar", ws=ws).exit_code == 0
    assert _invoke("publish", str(out), ws=ws).exit_code == 0
    again = _verify(ws, cert, out / "status" / "suspension.json")
    assert again.exit_code == 0 and _step(again, 10)["status"] == "OK"


def test_without_the_suspension_list_step_10_is_not_checked(site):
    ws, cert, out = site
    result = _verify(ws, cert, out / "status" / "revocation.json")
    assert result.exit_code == 0
    assert _step(result, 10)["status"] == "SKIP"


def test_two_lists_of_one_purpose_are_bad_input(site):
    ws, cert, out = site
    result = CliRunner().invoke(cli, ["verify", str(cert), "--trust", str(ws / "keys" / "ledger.pub"),
                                      "--status", str(out / "status" / "revocation.json"),
                                      "--status", str(out / "status" / "revocation.json")])
    assert result.exit_code == 2 and "a second revocation list" in result.output


def test_a_revocation_list_given_as_the_suspension_list_is_refused(site, tmp_path):
    ws, cert, out = site
    # The suspension list's bytes under the revocation list's id would not verify; a list for another
    # purpose at the suspension URL must fail too: here the revocation list relabelled by purpose only.
    listing = json.loads((out / "status" / "suspension.json").read_text(encoding="utf-8"))
    listing["id"] = listing["id"].replace("suspension.json", "revocation.json")
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(listing), encoding="utf-8")
    result = _verify(ws, cert, forged)
    assert result.exit_code == 1 and _step(result, 10)["status"] == "FAIL"


def test_the_suspension_list_lives_beside_a_published_revocation_list():
    assert suspension_url("https://c.example/asf/status/revocation.json") == "https://c.example/asf/status/suspension.json"
    assert suspension_url("https://c.example/status-list.json") is None
