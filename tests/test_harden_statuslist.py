"""A status list counts only when it is the certificate's issuer's, current at the check time, and expiring."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner
from test_certs_cli import _invoke, _record_run

from asfverify import workspace
from asfverify.certs.issue import build_status_list, sign_credential, status_list_url
from asfverify.certs.statuslist import status_list_credential
from asfverify.cli import cli
from asfverify.keys import load_signer


def _workspace(root: Path) -> Path:
    assert _invoke("init", str(root)).exit_code == 0
    _record_run(root, "run0001certifiable")
    return root


def _verify(cert: Path, status: Path, *trust: Path, at: str | None = None):
    argv = ["verify", str(cert), "--status", str(status)]
    for key in trust:
        argv += ["--trust", str(key / "keys" / "ledger.pub")]
    if at:
        argv += ["--at", at]
    return CliRunner().invoke(cli, argv)


def test_another_trusted_issuers_list_cannot_override_revocations(tmp_path: Path) -> None:
    a, b = _workspace(tmp_path / "a"), _workspace(tmp_path / "b")
    cert = tmp_path / "cert.json"
    assert _invoke("certify", "run0001", "-o", str(cert), ws=a).exit_code == 0
    cert_id = json.loads(cert.read_text())["id"]
    assert _invoke("revoke", cert_id, "--reason", "fusk", ws=a).exit_code == 0
    revoked = tmp_path / "a-status.json"
    assert _invoke("status-list", "-o", str(revoked), ws=a).exit_code == 0
    assert "REVOKED" in _verify(cert, revoked, a, b).output
    # Issuer B publishes a clean list under A's list id.
    a_url = status_list_url(workspace.find(a))
    with (b / "asfverify.toml").open("a", encoding="utf-8") as fh:
        fh.write(f'\n[certificates]\nstatus_list_url = "{a_url}"\n')
    forged = tmp_path / "b-status.json"
    assert _invoke("status-list", "-o", str(forged), ws=b).exit_code == 0
    assert json.loads(forged.read_text())["id"] == a_url
    result = _verify(cert, forged, a, b)
    assert result.exit_code == 1, result.output
    assert "FAIL: 8 revocation: the status list is signed by" in result.output
    assert "not by the certificate's issuer" in result.output


def test_a_list_dated_in_the_future_or_without_expiry_is_refused(tmp_path: Path) -> None:
    a = _workspace(tmp_path / "a")
    cert = tmp_path / "cert.json"
    assert _invoke("certify", "run0001", "-o", str(cert), ws=a).exit_code == 0
    ws = workspace.find(a)
    future = tmp_path / "future.json"
    future.write_text(json.dumps(build_status_list(ws, now=datetime.now(UTC) + timedelta(days=3))))
    result = _verify(cert, future, a)
    assert result.exit_code == 1 and "the status list is dated in the future" in result.output, result.output
    # A list without validUntil, properly signed by the issuer (as older versions wrote with --valid-days 0).
    signer = load_signer(ws.keys_dir)
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    forever = tmp_path / "forever.json"
    forever.write_text(json.dumps(sign_credential(
        status_list_credential(status_list_url(ws), signer.did, [], now), signer.sign, signer.did, now)))
    result = _verify(cert, forever, a)
    assert result.exit_code == 1 and "no validUntil" in result.output, result.output
    refused = _invoke("status-list", "-o", str(tmp_path / "x.json"), "--valid-days", "0", ws=a)
    assert refused.exit_code == 2 and not (tmp_path / "x.json").exists()
