"""Offline certificate verification: round trip, forgery matrix, validity, trust and revocation."""

from __future__ import annotations

import base64
import copy
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from test_certs_support import AT, HandLog, did_of, make_certificate, make_status_list, raw_public

from asfverify.certs.trust import TrustedKey
from asfverify.certs.verify import verify_certificate


@pytest.fixture(scope="module")
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture(scope="module")
def trusted(key) -> list[TrustedKey]:
    return [TrustedKey(raw_public(key), "test")]


@pytest.fixture(scope="module")
def cert(key) -> dict:
    return make_certificate(key)


def failed(report) -> list[str]:
    return [s.name for s in report.steps if s.status == "FAIL"]


def test_a_fresh_certificate_verifies(cert, trusted):
    report = verify_certificate(cert, trusted, at=AT)
    assert report.valid, [s.line() for s in report.steps]
    assert [s.status for s in report.steps] == ["OK"] * 7 + ["SKIP", "SKIP", "SKIP"]  # no status lists, no policy
    assert report.certificate == cert["id"]


def _step(report, name: str):
    return next(s for s in report.steps if s.name == name)


def _tlog_lines(cert: dict) -> list[str]:
    return cert["ledgerProof"]["tlogProof"].split("\n")


def _set_tlog(cert: dict, lines: list[str]) -> None:
    cert["ledgerProof"]["tlogProof"] = "\n".join(lines)


def _flip_b64(text: str) -> str:
    raw = bytearray(base64.b64decode(text))
    raw[0] ^= 1
    return base64.b64encode(bytes(raw)).decode()


def _mutate_path(cert):
    lines = _tlog_lines(cert)
    lines[2] = _flip_b64(lines[2])
    _set_tlog(cert, lines)


def _mutate_index(cert):
    lines = _tlog_lines(cert)
    lines[1] = "index 4"
    _set_tlog(cert, lines)


def _mutate_checkpoint_root(cert):
    lines = _tlog_lines(cert)
    at = lines.index("") + 3  # origin, size, root
    lines[at] = _flip_b64(lines[at])
    _set_tlog(cert, lines)


def _mutate_checkpoint_size(cert):
    lines = _tlog_lines(cert)
    at = lines.index("") + 2
    lines[at] = str(int(lines[at]) + 1)
    _set_tlog(cert, lines)


def _mutate_checkpoint_signature(cert):
    lines = _tlog_lines(cert)
    name, blob = lines[-2].split(" ")[1:]
    raw = bytearray(base64.b64decode(blob))
    raw[-1] ^= 1
    lines[-2] = f"\u2014 {name} {base64.b64encode(bytes(raw)).decode()}"
    _set_tlog(cert, lines)


def _resign_checkpoint_with_other_key(cert):
    other = Ed25519PrivateKey.generate()
    log = HandLog(other)
    log.entries = [cert["ledgerProof"]["entry"]]
    cert["ledgerProof"]["tlogProof"] = log.tlog_proof(0)


def _set(path, value):
    def mutate(cert):
        target = cert
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value
    return mutate


FORGERIES = {
    "subject name": _set(["credentialSubject", "name"], "Annan Förening AB"),
    "subject orgNumber": _set(["credentialSubject", "orgNumber"], "556987-6542"),
    "subject legalForm": _set(["credentialSubject", "legalForm"], "aktiebolag"),
    "subject criteriaSet": _set(["credentialSubject", "criteriaSet"], "asf-v2"),
    "subject referenceDate": _set(["credentialSubject", "referenceDate"], "2026-11-30"),
    "subject decision": _set(["credentialSubject", "decision"], "needs-review"),
    "subject runId": _set(["credentialSubject", "runId"], "run-other"),
    "subject type": _set(["credentialSubject", "type"], "Organisation"),
    "criterion outcome": _set(["credentialSubject", "criteria", 0, "outcome"], "fail"),
    "requirement outcome": _set(["credentialSubject", "criteria", 2, "requirements", 1, "outcome"], "review"),
    "criterion removed": lambda c: c["credentialSubject"]["criteria"].pop(),
    "document digest": _set(["credentialSubject", "documents", 0, "sha256"], "c" * 64),
    "document kind": _set(["credentialSubject", "documents", 1, "kind"], "policy"),
    "subject extra field": _set(["credentialSubject", "note"], "added"),
    "issuer": _set(["issuer"], "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"),
    "validFrom": _set(["validFrom"], "2026-10-01T09:00:00Z"),
    "validUntil": _set(["validUntil"], "2030-11-01T09:00:00Z"),
    "id": _set(["id"], "urn:uuid:11111111-2222-4333-8444-555555555555"),
    "context appended": lambda c: c["@context"].append("https://example.org/ctx"),
    "context replaced": _set(["@context"], ["https://www.w3.org/2018/credentials/v1"]),
    "type": _set(["type"], ["VerifiableCredential", "AsfCertificate", "Extra"]),
    "status index": _set(["credentialStatus", "statusListIndex"], "7"),
    "status list url": _set(["credentialStatus", "statusListCredential"], "https://evil.example/list"),
    "proof created": _set(["proof", "created"], "2026-11-02T09:00:00Z"),
    "proof purpose": _set(["proof", "proofPurpose"], "authentication"),
    "proof cryptosuite": _set(["proof", "cryptosuite"], "eddsa-rdfc-2022"),
    "proof type": _set(["proof", "type"], "Ed25519Signature2020"),
    "proof context": _set(["proof", "@context"], ["https://www.w3.org/ns/credentials/v2", "https://x.example"]),
    "proof verificationMethod": _set(["proof", "verificationMethod"],
                                     "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"),
    "proofValue": lambda c: c["proof"].__setitem__("proofValue", c["proof"]["proofValue"][:-3] + "abc"),
    "proof removed": lambda c: c.pop("proof"),
    "ledger entry digest": _set(["ledgerProof", "entry", "credential_sha256"], "0" * 64),
    "ledger entry cert id": _set(["ledgerProof", "entry", "cert_id"], "urn:uuid:11111111-2222-4333-8444-555555555555"),
    "ledger entry status index": _set(["ledgerProof", "entry", "status_index"], 9),
    "ledger entry kind": _set(["ledgerProof", "entry", "kind"], "run"),
    "ledgerProof type": _set(["ledgerProof", "type"], "Other"),
    "ledgerProof removed": lambda c: c.pop("ledgerProof"),
    "tlog path": _mutate_path,
    "tlog index": _mutate_index,
    "checkpoint root": _mutate_checkpoint_root,
    "checkpoint size": _mutate_checkpoint_size,
    "checkpoint signature": _mutate_checkpoint_signature,
    "checkpoint by another key": _resign_checkpoint_with_other_key,
    "tlog proof removed": _set(["ledgerProof", "tlogProof"], ""),
}


@pytest.mark.parametrize("name", list(FORGERIES))
def test_every_forgery_fails(name, cert, trusted):
    forged = copy.deepcopy(cert)
    FORGERIES[name](forged)
    report = verify_certificate(forged, trusted, at=AT)
    assert not report.valid, f"{name} was accepted"


def test_ledger_forgeries_fail_the_ledger_steps_even_though_the_proof_covers_them(cert, trusted):
    # The Data Integrity proof covers ledgerProof too, so both layers must notice.
    for name, step in [("tlog path", "ledger inclusion"), ("tlog index", "ledger inclusion"),
                       ("checkpoint root", "ledger inclusion"), ("checkpoint signature", "checkpoint signature"),
                       ("ledger entry digest", "ledger entry")]:
        forged = copy.deepcopy(cert)
        FORGERIES[name](forged)
        names = failed(verify_certificate(forged, trusted, at=AT))
        assert "proof" in names and step in names, (name, names)


def test_a_consistently_resigned_forgery_fails_on_the_ledger(key, trusted):
    # An attacker holding the key but not the ledger: re-sign a changed credential with the old ledgerProof.
    from asfverify.certs.eddsa_jcs import create_proof

    cert = make_certificate(key)
    forged = copy.deepcopy(cert)
    del forged["proof"]
    forged["credentialSubject"]["name"] = "Annan Förening"
    resigned = create_proof(forged, key.sign, cert["proof"]["verificationMethod"], cert["proof"]["created"])
    assert failed(verify_certificate(resigned, trusted, at=AT)) == ["ledger entry"]


def test_expired_and_not_yet_valid(cert, trusted):
    late = verify_certificate(cert, trusted, at=datetime(2028, 11, 1, 9, 0, 1, tzinfo=UTC))
    early = verify_certificate(cert, trusted, at=datetime(2026, 11, 1, 8, 59, 59, tzinfo=UTC))
    assert failed(late) == ["validity"] and "expired" in late.steps[3].detail
    assert failed(early) == ["validity"] and "not yet valid" in early.steps[3].detail


def test_an_untrusted_but_valid_signature_is_reported_as_such(cert):
    stranger = TrustedKey(raw_public(Ed25519PrivateKey.generate()), "stranger")
    report = verify_certificate(cert, [stranger], at=AT)
    assert failed(report) == ["issuer trusted"]
    assert "valid but" in report.steps[2].detail
    assert failed(verify_certificate(cert, [], at=AT)) == ["issuer trusted"]


def test_revoked_and_not_revoked(key, trusted):
    cert = make_certificate(key, status_index=3)
    fine = verify_certificate(cert, trusted, at=AT, status_list=make_status_list(key, [1, 2, 4]))
    assert fine.valid and _step(fine, "revocation").status == "OK"
    revoked = verify_certificate(cert, trusted, at=AT, status_list=make_status_list(key, [3]))
    assert failed(revoked) == ["revocation"] and "REVOKED" in _step(revoked, "revocation").detail


def test_status_list_problems_fail_the_revocation_step(key, cert, trusted):
    other = Ed25519PrivateKey.generate()
    cases = {
        "older than the certificate": make_status_list(key, [], valid_from="2026-10-01T00:00:00Z"),
        "signed by an untrusted key": make_status_list(other, []),
        "tampered": make_status_list(key, [0]),
        "another list": {**make_status_list(key, []), "id": "https://elsewhere.example/list"},
    }
    tampered = cases["tampered"]
    tampered["credentialSubject"]["encodedList"] = make_status_list(key, [])["credentialSubject"]["encodedList"]
    for name, listing in cases.items():
        assert failed(verify_certificate(cert, trusted, at=AT, status_list=listing)) == ["revocation"], name


def test_a_certificate_by_a_rotated_out_key_verifies_with_that_key_trusted(key):
    old, new = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    log = HandLog(old)
    cert = make_certificate(old, log=log, after=0)
    # After rotation the log is signed by the new key; the certificate keeps its old checkpoint.
    log.key = new
    log.append({"kind": "key", "public_key": did_of(new)})
    both = [TrustedKey(raw_public(old), "old", issuer_group="ws"), TrustedKey(raw_public(new), "new", issuer_group="ws")]
    assert verify_certificate(cert, both, at=AT).valid
    later = make_status_list(new, [])
    assert verify_certificate(cert, both, at=AT, status_list=later).valid
    # Two keys merely both trusted are not one issuer: the new key's list does not speak for the old's.
    apart = [TrustedKey(raw_public(old), "old"), TrustedKey(raw_public(new), "new")]
    assert failed(verify_certificate(cert, apart, at=AT, status_list=later)) == ["revocation"]
    assert failed(verify_certificate(cert, [both[1]], at=AT)) == ["issuer trusted"]


def test_parse_problems_stop_at_step_one(cert, trusted):
    report = verify_certificate(cert, trusted, at=AT, parse_error="duplicate JSON key 'id'")
    assert [s.line() for s in report.steps] == ["FAIL: 1 parse: duplicate JSON key 'id'"]
    for bad in ([], "x", {"@context": ["x"]}, {**cert, "proof": {**cert["proof"], "cryptosuite": "ecdsa-jcs-2019"}}):
        report = verify_certificate(bad, trusted, at=AT)
        assert failed(report) == ["parse"] and len(report.steps) == 1


def test_floats_inside_the_certificate_fail_parsing(cert, trusted):
    forged = copy.deepcopy(cert)
    forged["credentialSubject"]["score"] = 0.5
    report = verify_certificate(forged, trusted, at=AT)
    assert failed(report) == ["parse"] and "float" in report.steps[0].detail
