"""`asfverify doctor`: passes on a complete setup, names the problem on a broken one (exit 1)."""

from __future__ import annotations

import http.server
import json
import socket
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from asfverify.cli import cli


def _invoke(*args: str, ws: Path | None = None):
    argv = (["-w", str(ws)] if ws else []) + list(args)
    return CliRunner().invoke(cli, argv)


class _Quiet(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the stdlib's name
        self.send_response(405)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture()
def witness_url():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _cosigner_vkey(name: str = "w1.example") -> str:
    from asfverify.witness.cosignature import format_cosigner_vkey

    return format_cosigner_vkey(name, bytes(range(32)))


W1 = _cosigner_vkey()


def _dead_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


@pytest.fixture()
def ws(tmp_path, monkeypatch, witness_url) -> Path:
    monkeypatch.delenv("ASFVERIFY_WORKSPACE", raising=False)
    monkeypatch.delenv("ASFVERIFY_KEY_PASSPHRASE", raising=False)
    root = tmp_path / "ws"
    assert _invoke("init", str(root), "--certifier", "Certifieringsorganet AB").exit_code == 0
    config = (root / "asfverify.toml").read_text(encoding="utf-8")
    config = config.replace('name = "Certifieringsorganet AB"', 'name = "Certifieringsorganet AB"\norg_number = "556677-8899"')
    config += ('\n[publish]\nprefix = "https://certifier.example/asf"\n'
               '\n[witnesses]\npolicy = "witness-policy.txt"\n')
    (root / "asfverify.toml").write_text(config, encoding="utf-8")
    (root / "witness-policy.txt").write_text(
        f"# test policy\nwitness w1 {W1} {witness_url}/\ngroup g 1 w1\nquorum g\n", encoding="utf-8")
    return root


def _lines(result) -> dict[str, str]:
    return {line.split(": ", 2)[1]: line for line in result.output.splitlines() if ": " in line}


def test_doctor_passes_on_a_complete_setup_with_site_and_trust_list(ws, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    assert _invoke("issuer", "-o", str(site / "issuer.json"), ws=ws).exit_code == 0
    owner = _invoke("trust-list", "init", str(tmp_path / "owner"), "--name", "Skoopi")
    key = owner.output.strip().splitlines()[-1]
    assert _invoke("trust-list", "add", str(tmp_path / "owner"), str(site / "issuer.json"), "--from", "2026-01-01").exit_code == 0
    assert _invoke("trust-list", "sign", str(tmp_path / "owner"), "-o", str(tmp_path / "list.json")).exit_code == 0
    result = _invoke("doctor", "--site", str(site), "--trust-list", str(tmp_path / "list.json"), "--trust-list-key", key,
                     ws=ws)
    assert result.exit_code == 0, result.output
    lines = _lines(result)
    assert all(line.startswith("OK: ") for line in lines.values()), result.output
    assert "matches the workspace keys" in lines["issuer.json"]
    assert "certifier.example/asf/register" in lines["register origin"]
    assert "1 witness(es) answer" in lines["witness policy"]
    assert "accredited for asf-v1 with the current key" in lines["trust list"]


def test_doctor_names_each_problem_on_a_broken_setup(ws, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    assert _invoke("issuer", "-o", str(site / "issuer.json"), ws=ws).exit_code == 0
    owner = _invoke("trust-list", "init", str(tmp_path / "owner"), "--name", "Skoopi")
    key = owner.output.strip().splitlines()[-1]
    assert _invoke("trust-list", "add", str(tmp_path / "owner"), str(site / "issuer.json"), "--from", "2026-01-01").exit_code == 0
    assert _invoke("trust-list", "sign", str(tmp_path / "owner"), "-o", str(tmp_path / "list.json")).exit_code == 0
    # The key is rotated but neither the site nor the trust list learn of it; the org number and a witness go.
    assert _invoke("keys", "rotate", ws=ws).exit_code == 0
    config = (ws / "asfverify.toml").read_text(encoding="utf-8").replace('org_number = "556677-8899"\n', "")
    (ws / "asfverify.toml").write_text(config, encoding="utf-8")
    (ws / "witness-policy.txt").write_text(f"witness w1 {W1} {_dead_url()}/\nquorum w1\n",
                                           encoding="utf-8")
    result = _invoke("doctor", "--site", str(site), "--trust-list", str(tmp_path / "list.json"), "--trust-list-key", key,
                     ws=ws)
    assert result.exit_code == 1
    lines = _lines(result)
    assert lines["org number"].startswith("FAIL: org number: [certifier] org_number is not set")
    assert lines["issuer.json"].startswith("FAIL: issuer.json:") and "does not match the workspace" in lines["issuer.json"]
    assert lines["witness policy"].startswith("FAIL: witness policy: 1 of 1 witnesses do not answer")
    assert lines["trust list"].startswith("FAIL: trust list: the current key") and "only an older key" in lines["trust list"]
    assert lines["certifier name"].startswith("OK") and lines["signing key"].startswith("OK")
    assert "Error: 4 checks failed: org number, issuer.json, witness policy, trust list" in result.output


def test_doctor_on_a_fresh_workspace_flags_placeholders_and_missing_publishing(tmp_path, monkeypatch):
    monkeypatch.delenv("ASFVERIFY_WORKSPACE", raising=False)
    root = tmp_path / "fresh"
    assert _invoke("init", str(root)).exit_code == 0
    result = _invoke("doctor", "--json", ws=root)
    assert result.exit_code == 1
    checks = {c["check"]: c for c in json.loads(result.output.split("\nError:")[0])}
    assert checks["certifier name"]["status"] == "FAIL" and "placeholder" in checks["certifier name"]["detail"]
    assert checks["publish prefix"]["status"] == "FAIL" and checks["register origin"]["status"] == "FAIL"
    assert checks["witness policy"]["status"] == "WARN"


def test_a_bad_policy_line_is_named(ws):
    (ws / "witness-policy.txt").write_text(f"witness w1 {W1}\nquorum nobody\n", encoding="utf-8")
    result = _invoke("doctor", ws=ws)
    assert result.exit_code == 1
    line = next(x for x in result.output.splitlines() if x.startswith("FAIL: witness policy:"))
    assert "witness-policy.txt" in line and "nobody" in line, line
