"""certify → verify → revoke → status-list through the CLI, key rotation, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_certs_support import RUN

from asfverify import workspace
from asfverify.cli import cli
from asfverify.ledger import open_ledger

# certify, revoke and publish need the certifier and the publish prefix (DESIGN §11).
CERTIFIER_FLAGS = ("--certifier", "Certifieringsorganet AB", "--org-number", "556677-8899",
                   "--publish-prefix", "https://certifier.example/asf")


def _invoke(*args: str, ws: Path | None = None):
    argv = (["-w", str(ws)] if ws else []) + list(args)
    return CliRunner().invoke(cli, argv, catch_exceptions=False)


def _record_run(ws_root: Path, run_id: str, decision: str = "certifiable", failing: str | None = None) -> None:
    criteria = json.loads(json.dumps(RUN["criteria"]))
    if failing:
        for criterion in criteria:
            for requirement in criterion["requirements"]:
                if requirement["id"] == failing:
                    requirement["outcome"] = "review"
                    criterion["outcome"] = "review"
    ledger = open_ledger(workspace.find(ws_root))
    ledger.append([
        {"kind": "run", "run_id": run_id, "organisation": RUN["organisation"], "reference_date": RUN["reference_date"],
         "criteria": "asf-v1", "documents": RUN["documents"], "plugins": []},
        {"kind": "decision", "run_id": run_id, "decision": decision, "criteria": criteria},
    ])


def _ledger_size(ws_root: Path) -> int:
    return open_ledger(workspace.find(ws_root)).size()


@pytest.fixture()
def ws(tmp_path, monkeypatch) -> Path:
    monkeypatch.delenv("ASFVERIFY_WORKSPACE", raising=False)
    monkeypatch.delenv("ASFVERIFY_KEY_PASSPHRASE", raising=False)
    root = tmp_path / "ws"
    assert _invoke("init", str(root), *CERTIFIER_FLAGS).exit_code == 0
    _record_run(root, "run0001certifiable")
    return root


@pytest.fixture()
def issued(ws, tmp_path) -> Path:
    out = tmp_path / "cert.json"
    result = _invoke("certify", "run0001", "-o", str(out), "--html", str(tmp_path / "cert.html"), ws=ws)
    assert result.exit_code == 0, result.output
    return out


def test_certify_then_verify_offline_with_each_trust_key_form(ws, issued, tmp_path, monkeypatch):
    cert = json.loads(issued.read_text(encoding="utf-8"))
    assert cert["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert cert["issuer"]["id"].startswith("did:key:z6Mk") and cert["id"].startswith("urn:uuid:")
    assert cert["issuer"]["name"] == "Certifieringsorganet AB"  # the workspace's [certifier] name
    assert cert["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    assert cert["ledgerProof"]["tlogProof"].startswith("c2sp.org/tlog-proof@v1\nindex ")
    assert cert["credentialSubject"]["orgNumber"] == "769612-3459"
    keys = json.loads(_invoke("keys", "show", "--json", ws=ws).output)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # no workspace here: verification needs only the file and a key
    (elsewhere / "issuer.pem").write_text(keys["pem"], encoding="utf-8")
    for trust in ("issuer.pem", keys["vkey"], keys["did"]):
        result = _invoke("verify", str(issued), "--trust", trust)
        assert result.exit_code == 0, result.output
        lines = result.output.splitlines()
        assert [line.split(":")[0] for line in lines] == ["OK"] * 7 + ["SKIP", "SKIP", "SKIP"]  # no status lists, no policy


def test_verify_json_output(issued, ws):
    result = _invoke("verify", str(issued), "--json", "--trust", str(ws / "keys" / "ledger.pub"))
    report = json.loads(result.output)
    assert result.exit_code == 0 and report["valid"] is True and len(report["steps"]) == 10


def test_verify_without_trust_outside_a_workspace_fails_as_untrusted(issued, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["verify", str(issued)])
    assert result.exit_code == 1
    assert "FAIL: 3 issuer trusted" in result.output


def test_verify_inside_the_workspace_trusts_its_keys_only_when_asked(issued, ws, monkeypatch):
    monkeypatch.chdir(ws)
    implicit = _invoke("verify", str(issued))
    assert implicit.exit_code == 1 and "FAIL: 3 issuer trusted: no trusted key given" in implicit.output
    explicit = _invoke("verify", str(issued), "--trust-workspace")
    assert explicit.exit_code == 0, explicit.output
    assert "OK: 3 issuer trusted: issuer key is trusted (--trust-workspace: key " in explicit.output


def test_an_attacker_made_workspace_beside_a_certificate_is_not_trusted(tmp_path, monkeypatch):
    """An attacker ships asfverify.toml and keys/ next to a certificate they signed themselves."""
    attacker = tmp_path / "download"
    assert _invoke("init", str(attacker), "--certifier", "Ackrediterat Certifieringsorgan AB",
                   "--org-number", "559123-4561", "--publish-prefix", "https://attacker.example").exit_code == 0
    _record_run(attacker, "run0001certifiable")
    forged = attacker / "certifikat.json"
    assert _invoke("certify", "run0001", "-o", str(forged), ws=attacker).exit_code == 0
    monkeypatch.chdir(attacker)
    monkeypatch.delenv("ASFVERIFY_WORKSPACE", raising=False)
    result = CliRunner().invoke(cli, ["verify", "certifikat.json"])
    assert result.exit_code == 1
    assert "FAIL: 3 issuer trusted" in result.output and "issuer key is trusted" not in result.output


def test_a_changed_certificate_fails_with_exit_1(issued, ws):
    cert = json.loads(issued.read_text(encoding="utf-8"))
    cert["credentialSubject"]["name"] = "Någon Annan AB"
    issued.write_text(json.dumps(cert), encoding="utf-8")
    result = CliRunner().invoke(cli, ["verify", str(issued), "--trust", str(ws / "keys" / "ledger.pub")])
    assert result.exit_code == 1
    assert "FAIL: 2 proof" in result.output and "FAIL: 5 ledger entry" in result.output


def test_expired_and_not_yet_valid_with_at(issued, ws):
    pem = str(ws / "keys" / "ledger.pub")
    late = CliRunner().invoke(cli, ["verify", str(issued), "--trust", pem, "--at", "2040-01-01"])
    early = CliRunner().invoke(cli, ["verify", str(issued), "--trust", pem, "--at", "2001-01-01T00:00:00Z"])
    assert late.exit_code == 1 and "FAIL: 4 validity: expired" in late.output
    assert early.exit_code == 1 and "FAIL: 4 validity: not yet valid" in early.output


def test_revoke_and_status_list(ws, issued, tmp_path):
    other = tmp_path / "other.json"
    assert _invoke("certify", "run0001certifiable", "-o", str(other), ws=ws).exit_code == 0
    other_id = json.loads(other.read_text(encoding="utf-8"))["id"]
    assert json.loads(other.read_text())["credentialStatus"]["statusListIndex"] == "1"
    result = _invoke("revoke", other_id, "--reason", "felaktiga uppgifter", ws=ws)
    assert result.exit_code == 0, result.output
    again = CliRunner().invoke(cli, ["-w", str(ws), "revoke", str(other), "--reason", "again"])  # by file
    assert again.exit_code == 2 and "already revoked" in again.output
    status = tmp_path / "status.json"
    assert _invoke("status-list", "-o", str(status), ws=ws).exit_code == 0
    listing = json.loads(status.read_text(encoding="utf-8"))
    assert listing["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert listing["credentialSubject"]["encodedList"].startswith("u")
    pem = str(ws / "keys" / "ledger.pub")
    good = CliRunner().invoke(cli, ["verify", str(issued), "--trust", pem, "--status", str(status)])
    bad = CliRunner().invoke(cli, ["verify", str(other), "--trust", pem, "--status", str(status)])
    assert good.exit_code == 0 and "OK: 8 revocation: not revoked" in good.output
    assert bad.exit_code == 1 and "FAIL: 8 revocation: REVOKED" in bad.output


def test_a_stale_status_list_is_refused(ws, issued, tmp_path):
    status = tmp_path / "status.json"
    assert _invoke("status-list", "-o", str(status), "--valid-days", "10", ws=ws).exit_code == 0
    listing = json.loads(status.read_text(encoding="utf-8"))
    pem = str(ws / "keys" / "ledger.pub")
    at = listing["validFrom"]
    fresh = CliRunner().invoke(cli, ["verify", str(issued), "--trust", pem, "--status", str(status), "--at", at])
    assert fresh.exit_code == 0, fresh.output
    from datetime import datetime, timedelta

    later = (datetime.fromisoformat(at.replace("Z", "+00:00")) + timedelta(days=30)).isoformat()
    stale = CliRunner().invoke(cli, ["verify", str(issued), "--trust", pem, "--status", str(status), "--at", later])
    assert stale.exit_code == 1 and "FAIL: 8 revocation: the status list has expired" in stale.output
    # Every list expires: --valid-days 0 (a list that never goes stale) is refused.
    refused = _invoke("status-list", "-o", str(status), "--valid-days", "0", ws=ws)
    assert refused.exit_code == 2 and "--valid-days" in refused.stderr
    assert json.loads(status.read_text(encoding="utf-8"))["validUntil"] == listing["validUntil"]


def test_a_certificate_from_before_a_key_rotation_still_verifies(ws, issued, tmp_path):
    old = json.loads(_invoke("keys", "show", "--json", ws=ws).output)
    assert _invoke("keys", "rotate", ws=ws).exit_code == 0
    everything = json.loads(_invoke("keys", "show", "--all", "--json", ws=ws).output)
    assert [k["current"] for k in everything] == [False, True]
    new = everything[1]
    assert new["did"] != old["did"]
    # The certificate carries the checkpoint the old key signed; the old public key verifies it.
    result = CliRunner().invoke(cli, ["verify", str(issued), "--trust", old["did"]])
    assert result.exit_code == 0, result.output
    # Revocation lists are now signed by the new key: the workspace's key history makes it the same issuer.
    status = tmp_path / "status.json"
    assert _invoke("status-list", "-o", str(status), ws=ws).exit_code == 0
    both = _invoke("verify", str(issued), "--trust-workspace", "--status", str(status), ws=ws)
    assert both.exit_code == 0, both.output
    # Two keys merely both trusted are not one issuer (issuer B could override A's revocations).
    apart = CliRunner().invoke(cli, ["verify", str(issued), "--trust", old["did"], "--trust", new["vkey"],
                                     "--status", str(status)])
    assert apart.exit_code == 1 and "not by the certificate's issuer" in apart.output, apart.output
    only_new = CliRunner().invoke(cli, ["verify", str(issued), "--trust", new["did"]])
    assert only_new.exit_code == 1 and "FAIL: 3 issuer trusted" in only_new.output
    # New certificates are signed by the new key.
    fresh = tmp_path / "fresh.json"
    assert _invoke("certify", "run0001", "-o", str(fresh), ws=ws).exit_code == 0
    assert json.loads(fresh.read_text())["issuer"]["id"] == new["did"]
    assert CliRunner().invoke(cli, ["verify", str(fresh), "--trust", new["did"]]).exit_code == 0


def test_a_run_that_is_not_certifiable_is_refused_with_its_open_requirements(ws, tmp_path):
    _record_run(ws, "run0002review", decision="needs-review", failing="C2.ratio")
    before = _ledger_size(ws)
    out = tmp_path / "no.json"
    result = CliRunner().invoke(cli, ["-w", str(ws), "certify", "run0002", "-o", str(out)])
    assert result.exit_code == 1
    assert "not certifiable" in result.output and "C2.ratio" in result.output
    assert not out.exists() and _ledger_size(ws) == before
    # A recorded review settles it; then the run can be certified, and the subject says so.
    assert _invoke("review", "run0002review", "C2.ratio", "--pass", "--note", "checked by hand", ws=ws).exit_code == 0
    assert _invoke("certify", "run0002", "-o", str(out), ws=ws).exit_code == 0
    requirement = json.loads(out.read_text())["credentialSubject"]["criteria"][1]["requirements"][0]
    assert requirement == {"id": "https://w3id.org/asfverify/criteria/asf-v1#C2.ratio", "type": "AsfRequirement",
                           "code": "C2.ratio", "outcome": "pass", "decidedBy": "review", "reviewed": True}


def test_the_html_certificate(issued, tmp_path):
    html = (tmp_path / "cert.html").read_text(encoding="utf-8")
    cert = json.loads(issued.read_text(encoding="utf-8"))
    assert "Vägen Framåt ekonomisk förening" in html and "769612-3459" in html
    assert cert["id"] in html and "asfverify verify cert.json --trust did:key:" in html
    assert "Uppfyllt" in html and "Giltigt till" in html and "valid until" in html


@pytest.mark.parametrize(
    "args,message",
    [
        (["certify", "nosuchrun"], "no run"),
        (["certify", "run0001", "-o", "missing-dir/cert.json"], "does not exist"),
        (["certify", "run0001", "--valid-days", "0"], "valid-days"),
        (["revoke", "urn:uuid:00000000-0000-4000-8000-000000000000", "--reason", "x"], "no such certificate"),
        (["revoke", "not-a-uuid", "--reason", "x"], "not a certificate id"),
        (["revoke", "urn:uuid:00000000-0000-4000-8000-000000000000", "--reason", "  "], "--reason"),
        (["status-list", "-o", "missing-dir/s.json"], "does not exist"),
    ],
)
def test_bad_input_for_workspace_commands(ws, args, message, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    before = _ledger_size(ws)
    result = CliRunner().invoke(cli, ["-w", str(ws), *args])
    assert result.exit_code == 2, result.output
    assert message in result.output and len(result.output.strip().splitlines()) == 1
    assert _ledger_size(ws) == before


def _verify_lines(result) -> list[str]:
    return [line for line in result.output.splitlines() if line]


@pytest.mark.parametrize(
    "content,message",
    [
        (b"not json at all", "not JSON"),
        (b"\xff\xfe\x00", "not UTF-8"),
    ],
)
def test_unreadable_certificates_exit_2_with_one_line(tmp_path, content, message):
    path = tmp_path / "c.json"
    path.write_bytes(content)
    result = CliRunner().invoke(cli, ["verify", str(path), "--trust", "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"])
    assert result.exit_code == 2
    assert len(_verify_lines(result)) == 1 and message in result.output


def test_missing_certificate_and_bad_trust_keys_exit_2(tmp_path, issued):
    assert CliRunner().invoke(cli, ["verify", str(tmp_path / "nope.json")]).exit_code == 2
    (tmp_path / "junk.pem").write_text("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
    for bad in ("did:key:zNotAKey", "name+00000000+AAAA", str(tmp_path / "junk.pem"), str(tmp_path / "absent.pem")):
        result = CliRunner().invoke(cli, ["verify", str(issued), "--trust", bad])
        assert result.exit_code == 2, (bad, result.output)
        assert len(_verify_lines(result)) == 1 and result.output.startswith("Error: --trust")
    result = CliRunner().invoke(cli, ["verify", str(issued), "--at", "tomorrow"])
    assert result.exit_code == 2 and "--at" in result.output


def test_strict_parsing_problems_fail_step_one(issued, ws, tmp_path):
    text = issued.read_text(encoding="utf-8")
    pem = str(ws / "keys" / "ledger.pub")
    duplicate = text.replace('"@context": [', '"id": "urn:uuid:x",\n  "@context": [', 1)
    floating = text.replace('"status_index": 0', '"status_index": 0.0', 1)
    suite = text.replace('"cryptosuite": "eddsa-jcs-2022"', '"cryptosuite": "eddsa-rdfc-2022"', 1)
    for name, body, reason in [("dup", duplicate, "duplicate JSON key"), ("float", floating, "floating-point"),
                               ("suite", suite, "unknown cryptosuite")]:
        path = tmp_path / f"{name}.json"
        path.write_text(body, encoding="utf-8")
        result = CliRunner().invoke(cli, ["verify", str(path), "--trust", pem])
        assert result.exit_code == 1, name
        assert result.output.startswith("FAIL: 1 parse: ") and reason in result.output, result.output


def test_a_bad_status_file(issued, ws, tmp_path):
    pem = str(ws / "keys" / "ledger.pub")
    assert CliRunner().invoke(cli, ["verify", str(issued), "--trust", pem, "--status", str(tmp_path / "x")]).exit_code == 2
    (tmp_path / "s.json").write_text('{"a": 1, "a": 1}')
    result = CliRunner().invoke(cli, ["verify", str(issued), "--trust", pem, "--status", str(tmp_path / "s.json")])
    assert result.exit_code == 1 and "FAIL: 8 revocation: status list: duplicate JSON key" in result.output


def test_verify_imports_no_pdf_or_database_library(issued, ws):
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from asfverify.cli import cli\n"
        f"try:\n    cli(['verify', {str(issued)!r}, '--trust', {str(ws / 'keys' / 'ledger.pub')!r}])\n"
        "except SystemExit as exc:\n    assert exc.code in (0, None), exc.code\n"
        "heavy = {'pdfplumber', 'pypdfium2', 'sqlite_utils', 'openpyxl', 'sqlite3'}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_an_independent_eddsa_jcs_2022_implementation_accepts_the_certificate(issued, tmp_path):
    import shutil
    import subprocess

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    script = Path(__file__).parent / "vectors" / "certs" / "independent_verifier.js"
    cert = json.loads(issued.read_text(encoding="utf-8"))
    ok = subprocess.run([node, str(script), str(issued)], capture_output=True, text=True)
    assert ok.returncode == 0 and ok.stdout.strip() == f"valid {cert['issuer']['id']}", ok.stdout + ok.stderr
    cert["credentialSubject"]["orgNumber"] = "556987-6542"
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(cert, ensure_ascii=False), encoding="utf-8")
    assert subprocess.run([node, str(script), str(forged)], capture_output=True).returncode == 1


@pytest.mark.slow
def test_concurrent_issuances_get_distinct_status_indexes(ws, tmp_path):
    import subprocess
    import sys

    code = "from asfverify.cli import main; main()"
    outs = [tmp_path / f"c{i}.json" for i in range(4)]
    procs = [subprocess.Popen([sys.executable, "-c", code, "-w", str(ws), "certify", "run0001", "-o", str(out)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for out in outs]
    assert all(p.wait(timeout=120) == 0 for p in procs)
    indexes = {json.loads(out.read_text())["credentialStatus"]["statusListIndex"] for out in outs}
    assert indexes == {"0", "1", "2", "3"}
    for out in outs:
        assert CliRunner().invoke(cli, ["verify", str(out), "--trust", str(ws / "keys" / "ledger.pub")]).exit_code == 0


def test_a_certificate_proves_its_entry_against_the_checkpoint_it_carries(ws, tmp_path, monkeypatch):
    # Another issuance commits and checkpoints a larger register between this one's commit and its
    # proof (two certifiers' commands at once): the proof must still be for the embedded checkpoint.
    # certs/issue.py imports witness_logs when it issues, so patching the module reaches it.
    from asfverify.publish import witnessing

    real = witnessing.witness_logs
    state = {"inner": False}

    def meanwhile(*args, **kwargs):
        note = real(*args, **kwargs)
        if not state["inner"]:
            state["inner"] = True
            inner = _invoke("certify", "run0001", "-o", str(tmp_path / "other.json"), ws=ws)
            assert inner.exit_code == 0, inner.output
        return note

    monkeypatch.setattr(witnessing, "witness_logs", meanwhile)
    out = tmp_path / "first.json"
    result = _invoke("certify", "run0001", "-o", str(out), ws=ws)
    assert result.exit_code == 0, result.output
    for cert in (out, tmp_path / "other.json"):
        check = CliRunner().invoke(cli, ["verify", str(cert), "--trust", str(ws / "keys" / "ledger.pub")])
        assert check.exit_code == 0, check.output
