"""`asfverify verify CERT --policy FILE`: the witness quorum on a certificate's embedded checkpoint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from test_certs_support import RUN
from witnesslog import Running

from asfverify import workspace
from asfverify.certs.issue import sign_credential
from asfverify.cli import cli
from asfverify.ledger import open_ledger
from asfverify.ledger.note import format_vkey, parse_checkpoint, split_note, verifier_for
from asfverify.ledger.tlogproof import format_tlog_proof, parse_tlog_proof
from asfverify.witness.client import request_cosignatures
from asfverify.witness.cosignature import Cosigner
from asfverify.witness.policy import parse_policy
from asfverify.witness.state import init_witness


def _invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture()
def setting(tmp_path: Path):
    """A workspace with one certificate, a running witness that follows its log, and that
    certificate re-issued with the witness's cosignature on its checkpoint (what certify does
    once witnessing is wired in)."""
    root = tmp_path / "ws"
    assert _invoke("init", str(root)).exit_code == 0
    ledger = open_ledger(workspace.find(root))
    ledger.append([
        {"kind": "run", "run_id": "run0001certifiable", "organisation": RUN["organisation"],
         "reference_date": RUN["reference_date"], "criteria": "asf-v1", "documents": RUN["documents"], "plugins": []},
        {"kind": "decision", "run_id": "run0001certifiable", "decision": "certifiable", "criteria": RUN["criteria"]},
    ])
    plain = tmp_path / "plain.json"
    result = _invoke("-w", str(root), "certify", "run0001", "-o", str(plain))
    assert result.exit_code == 0, result.output
    cert = json.loads(plain.read_text())
    index, path, note = parse_tlog_proof(cert["ledgerProof"]["tlogProof"])
    origin = parse_checkpoint(split_note(note)[0]).origin
    signer = ledger.signer

    folder = tmp_path / "witness"
    init_witness(folder, "witness.example/w1")
    running = Running(folder)
    running.witness.add_log(format_vkey(origin, signer.public_key))
    policy_text = f"witness W1 {running.witness.cosigner.vkey} {running.url}\nquorum W1\n"
    witnessed = request_cosignatures(parse_policy(policy_text), note, ledger.consistency_proof,
                                     log_keys=[verifier_for(origin, signer.public_key)])
    assert witnessed.quorum.satisfied, witnessed.outcomes
    unsigned = {k: v for k, v in cert.items() if k != "proof"}
    unsigned["ledgerProof"] = {**cert["ledgerProof"], "tlogProof": format_tlog_proof(index, path, witnessed.note)}
    cosigned = tmp_path / "cosigned.json"
    cosigned.write_text(json.dumps(sign_credential(unsigned, signer.sign, signer.did, cert["validFrom"])))
    (tmp_path / "policy.txt").write_text(policy_text)
    try:
        yield {"root": root, "plain": plain, "cosigned": cosigned, "policy": tmp_path / "policy.txt",
               "witness": running, "origin": origin, "signer": signer, "tmp": tmp_path}
    finally:
        running.stop()


def _verify(s, cert: Path, *extra: str):
    return _invoke("verify", str(cert), "--trust", s["signer"].did, *extra)


def _line(result, name: str) -> str:
    return next(line for line in result.output.splitlines() if f" {name}: " in line)


def test_a_cosigned_certificate_meets_the_policy(setting):
    result = _verify(setting, setting["cosigned"], "--policy", str(setting["policy"]))
    assert result.exit_code == 0, result.output
    assert _line(result, "witness quorum").startswith("OK: 9 witness quorum: quorum W1 met: cosigned by W1")
    # The same with the log named in the policy.
    log_line = f"log {format_vkey(setting['origin'], setting['signer'].public_key)}\n"
    with_log = setting["tmp"] / "with-log.txt"
    with_log.write_text(log_line + setting["policy"].read_text())
    assert _verify(setting, setting["cosigned"], "--policy", str(with_log)).exit_code == 0


def test_without_policy_the_step_is_not_checked(setting):
    plain = _verify(setting, setting["plain"])
    assert plain.exit_code == 0
    assert _line(plain, "witness quorum") == ("SKIP: 9 witness quorum: not checked; the checkpoint carries no "
                                              "witness cosignatures (pass --policy FILE to require them)")
    cosigned = _verify(setting, setting["cosigned"])
    assert cosigned.exit_code == 0 and "carries 1 cosignature;" in _line(cosigned, "witness quorum")


def test_a_policy_not_met_fails(setting, tmp_path: Path):
    # The unwitnessed certificate under the policy.
    result = _verify(setting, setting["plain"], "--policy", str(setting["policy"]))
    assert result.exit_code == 1
    assert _line(result, "witness quorum") == "FAIL: 9 witness quorum: quorum not met; valid cosignatures from none (quorum W1)"
    # Two witnesses required, one cosigned.
    other = Cosigner("witness2.example/w", Ed25519PrivateKey.generate().public_key().public_bytes_raw())
    both = tmp_path / "both.txt"
    both.write_text(f"witness W1 {setting['witness'].witness.cosigner.vkey}\nwitness W2 {other.vkey}\n"
                    "group G all W1 W2\nquorum G\n")
    result = _verify(setting, setting["cosigned"], "--policy", str(both))
    assert result.exit_code == 1 and "valid cosignatures from W1 (quorum G)" in _line(result, "witness quorum")
    # A policy that lists another log: the issuer's checkpoint does not count.
    stranger = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    foreign = tmp_path / "foreign.txt"
    foreign.write_text(f"log {format_vkey(setting['origin'], stranger)}\n" + setting["policy"].read_text())
    result = _verify(setting, setting["cosigned"], "--policy", str(foreign))
    assert result.exit_code == 1 and "not signed by a log the policy lists" in _line(result, "witness quorum")
    # A witness key that merely shares the name: its line fails to verify.
    impostor = Cosigner("witness.example/w1", Ed25519PrivateKey.generate().public_key().public_bytes_raw())
    fake = tmp_path / "fake.txt"
    fake.write_text(f"witness W1 {impostor.vkey}\nquorum W1\n")
    assert _verify(setting, setting["cosigned"], "--policy", str(fake)).exit_code == 1


def test_quorum_none_accepts_an_unwitnessed_certificate(setting, tmp_path: Path):
    none = tmp_path / "none.txt"
    none.write_text("quorum none\n")
    result = _verify(setting, setting["plain"], "--policy", str(none))
    assert result.exit_code == 0 and "requires no witnesses" in _line(result, "witness quorum")


@pytest.mark.parametrize("content", ["", "quorum W9\n", "witness W1 nonsense\nquorum W1\n", "\x00"])
def test_a_bad_policy_file_is_bad_input(setting, tmp_path: Path, content: str):
    bad = tmp_path / "bad.txt"
    bad.write_text(content)
    result = _verify(setting, setting["cosigned"], "--policy", str(bad))
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    missing = _verify(setting, setting["cosigned"], "--policy", str(tmp_path / "missing.txt"))
    assert missing.exit_code == 2 and "cannot read" in missing.output


def test_a_certificate_issued_unwitnessed_fails_the_witness_step(setting, tmp_path: Path):
    cert = json.loads(setting["plain"].read_text())
    unsigned = {k: v for k, v in cert.items() if k != "proof"}
    unsigned["ledgerProof"] = {**cert["ledgerProof"], "unwitnessed": True}
    signer = setting["signer"]
    marked = tmp_path / "unwitnessed.json"
    marked.write_text(json.dumps(sign_credential(unsigned, signer.sign, signer.did, cert["validFrom"])))
    for extra in ((), ("--policy", str(setting["policy"]))):
        result = _verify(setting, marked, *extra)
        assert result.exit_code == 1, result.output
        assert _line(result, "witness quorum").startswith("FAIL: 9 witness quorum: issued with --unwitnessed")
        assert all(line.startswith(("OK", "SKIP")) for line in result.output.splitlines() if " witness quorum" not in line
                   and not line.startswith("Error"))
