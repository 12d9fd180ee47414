"""The witness step applies the trust list's witness policy for the certifier when the buyer gives none."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from test_certs_support import RUN

from asfverify import workspace
from asfverify.cli import cli
from asfverify.ledger import open_ledger
from asfverify.witness.cosignature import Cosigner


def _invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _listed(tmp_path: Path, policy_text: str) -> dict:
    ws = tmp_path / "certifier"
    assert _invoke("init", str(ws), "--certifier", "Certifieringsorganet AB").exit_code == 0
    (ws / "witness-policy.txt").write_text(policy_text)
    with (ws / "asfverify.toml").open("a") as handle:
        handle.write('\n[witnesses]\npolicy = "witness-policy.txt"\n')
    open_ledger(workspace.find(ws)).append([
        {"kind": "run", "run_id": "run0001certifiable", "organisation": RUN["organisation"],
         "reference_date": RUN["reference_date"], "criteria": "asf-v1", "documents": RUN["documents"], "plugins": []},
        {"kind": "decision", "run_id": "run0001certifiable", "decision": "certifiable", "criteria": RUN["criteria"]},
    ])
    cert = tmp_path / "cert.json"
    assert _invoke("-w", str(ws), "certify", "run0001", "-o", str(cert)).exit_code == 0
    assert _invoke("-w", str(ws), "issuer", "-o", str(tmp_path / "issuer.json")).exit_code == 0
    init = _invoke("trust-list", "init", str(tmp_path / "owner"), "--name", "Skoopi", "--org-number", "556677-8899")
    key = init.output.strip().splitlines()[-1]
    assert _invoke("trust-list", "add", str(tmp_path / "owner"), str(tmp_path / "issuer.json"),
                   "--criteria", "asf-v1", "--from", "2026-01-01").exit_code == 0
    assert _invoke("trust-list", "sign", str(tmp_path / "owner"), "-o", str(tmp_path / "list.json")).exit_code == 0
    return {"cert": cert, "list": tmp_path / "list.json", "key": key}


def _step(result) -> str:
    return next(line for line in result.output.splitlines() if " witness quorum: " in line)


def test_a_listed_policy_that_needs_a_witness_fails_an_unwitnessed_certificate(tmp_path: Path):
    witness = Cosigner("witness.example/w1", Ed25519PrivateKey.generate().public_key().public_bytes_raw())
    s = _listed(tmp_path, f"witness W1 {witness.vkey}\nquorum W1\n")
    result = _invoke("verify", str(s["cert"]), "--trust-list", str(s["list"]), "--trust-list-key", s["key"])
    assert result.exit_code == 1, result.output
    assert _step(result).startswith("FAIL: 9 witness quorum: the trust list's policy: quorum not met")


def test_a_listed_policy_of_quorum_none_passes(tmp_path: Path):
    s = _listed(tmp_path, "quorum none\n")
    result = _invoke("verify", str(s["cert"]), "--trust-list", str(s["list"]), "--trust-list-key", s["key"])
    assert result.exit_code == 0, result.output
    assert _step(result) == "OK: 9 witness quorum: the trust list's policy: the policy requires no witnesses (quorum none)"


@pytest.mark.parametrize("own", ["quorum none\n"])
def test_the_buyers_own_policy_wins_over_the_listed_one(tmp_path: Path, own: str):
    witness = Cosigner("witness.example/w1", Ed25519PrivateKey.generate().public_key().public_bytes_raw())
    s = _listed(tmp_path, f"witness W1 {witness.vkey}\nquorum W1\n")
    mine = tmp_path / "mine.txt"
    mine.write_text(own)
    result = _invoke("verify", str(s["cert"]), "--trust-list", str(s["list"]), "--trust-list-key", s["key"],
                     "--policy", str(mine))
    assert result.exit_code == 0 and "requires no witnesses" in _step(result)
