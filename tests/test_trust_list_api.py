"""The trust list through the API: every accept/refuse rule of `verify --trust-list`, and strict parsing."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from test_certs_support import AT, ORIGIN, did_of, make_certificate, raw_public

from asfverify.certs.eddsa_jcs import create_proof, verification_method_for
from asfverify.certs.verify import verify_certificate
from asfverify.ledger.note import format_vkey
from asfverify.trustlist.check import TrustListInput
from asfverify.trustlist.model import TrustListError, parse_trust_list, trust_list_from_object

OWNER = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
CERTIFIER = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
OLD_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(2, 34)))
STRANGER = Ed25519PrivateKey.from_private_bytes(bytes(range(3, 35)))


def key_entry(key: Ed25519PrivateKey, valid_from: str | None, valid_until: str | None) -> dict:
    return {"id": did_of(key), "vkey": format_vkey(ORIGIN, raw_public(key)), "validFrom": valid_from,
            "validUntil": valid_until}


def certifier(keys: list[dict] | None = None, accreditations: list[dict] | None = None,
              name: str = "Certifieringsorganet AB", org: str = "556677-8899") -> dict:
    keys = keys or [key_entry(CERTIFIER, "2026-01-01T00:00:00Z", None)]
    current = next(k for k in keys if k["validUntil"] is None) if any(k["validUntil"] is None for k in keys) else keys[-1]
    return {
        "name": name, "orgNumber": org, "keys": keys,
        "ledger": {"origin": ORIGIN, "vkey": current["vkey"]}, "register": None, "witnessPolicy": None,
        "accreditations": accreditations or [{"criteriaSets": ["asf-v1"], "validFrom": "2026-01-01T00:00:00Z",
                                              "validUntil": None}],
    }


def unsigned_list(certifiers: list[dict], sequence: int = 1, valid_from: str = "2027-05-01T00:00:00Z",
                  valid_until: str = "2027-07-01T00:00:00Z", owner: Ed25519PrivateKey = OWNER) -> dict:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:6f1c1e39-0c57-4f0e-8a1c-2b9d8c2f4e11",
        "type": ["VerifiableCredential", "AsfTrustList"],
        "issuer": {"id": did_of(owner), "name": "Skoopi"},
        "validFrom": valid_from, "validUntil": valid_until,
        "credentialSubject": {"type": "AsfTrustList", "sequence": sequence,
                              "schemeOwner": {"name": "Skoopi", "orgNumber": None}, "certifiers": certifiers},
    }


def signed(document: dict, key: Ed25519PrivateKey = OWNER) -> dict:
    return create_proof(document, key.sign, verification_method_for(did_of(key)), document["validFrom"])


def given(document: dict, owner: Ed25519PrivateKey = OWNER, seen: int | None = None) -> TrustListInput:
    return TrustListInput(trust_list_from_object(document), raw_public(owner), "--trust-list-key test", seen, "state.json")


def step3(report) -> tuple[str, str]:
    step = report.steps[2]
    assert step.name == "issuer trusted"
    return step.status, step.detail


def test_listed_issuer_passes_and_the_list_names_it():
    cert = make_certificate(CERTIFIER)
    report = verify_certificate(cert, trust_list=given(signed(unsigned_list([certifier()]))), at=AT)
    assert report.valid, [s.line() for s in report.steps]
    status, detail = step3(report)
    assert "Certifieringsorganet AB (556677-8899) is accredited for asf-v1" in detail
    assert "trust list #1 of Skoopi" in detail
    assert "the certificate names no certifier" in detail  # a plain-string issuer still verifies
    assert report.issuer_listed_name == "Certifieringsorganet AB" and report.trust_list_verified


@pytest.mark.parametrize("case, expected", [
    ("unknown issuer", "is not on trust list #1 of Skoopi"),
    ("key outside its period", "was valid 2027-01-01T00:00:00Z .. open, not when the proof was created"),
    ("removed before the certificate", "was not accredited when the proof was created (2026-11-01T09:00:00Z)"),
    ("criteria set not permitted", "is not accredited for criteria set 'asf-v1'"),
    ("expired list", "expired at 2027-05-15T00:00:00Z"),
    ("list not yet valid", "is not valid yet"),
    ("signed by another key", "is signed by did:key:"),
    ("changed after signing", "signature does not verify"),
    ("rolled back", "older than #5 seen before"),
])
def test_each_refusal_fails_the_trust_step(case, expected):
    cert = make_certificate(CERTIFIER)  # proof created 2026-11-01T09:00:00Z
    entry, owner, seen = certifier(), OWNER, None
    listing = unsigned_list([entry])
    if case == "unknown issuer":
        cert = make_certificate(STRANGER)
    elif case == "key outside its period":
        entry["keys"][0]["validFrom"] = "2027-01-01T00:00:00Z"
    elif case == "removed before the certificate":
        entry["accreditations"][0]["validUntil"] = "2026-10-01T00:00:00Z"
    elif case == "criteria set not permitted":
        entry["accreditations"][0]["criteriaSets"] = ["asf-v2"]
    elif case == "expired list":
        listing["validUntil"] = "2027-05-15T00:00:00Z"
    elif case == "list not yet valid":
        listing["validFrom"] = "2027-07-01T00:00:00Z"
        listing["validUntil"] = "2027-08-01T00:00:00Z"
    elif case == "signed by another key":
        owner = STRANGER
    elif case == "rolled back":
        seen = 5
    document = signed(listing)
    if case == "changed after signing":
        document["credentialSubject"]["certifiers"][0]["accreditations"][0]["criteriaSets"] = ["asf-v1", "asf-v2"]
    report = verify_certificate(cert, trust_list=given(document, owner, seen), at=AT)
    status, detail = step3(report)
    assert status == "FAIL" and expected in detail, detail
    assert not report.valid and report.issuer_listed_name is None


def test_certificate_from_before_a_removal_stays_valid():
    entry = certifier(accreditations=[{"criteriaSets": ["asf-v1"], "validFrom": "2026-01-01T00:00:00Z",
                                       "validUntil": "2027-01-01T00:00:00Z"}])
    report = verify_certificate(make_certificate(CERTIFIER), trust_list=given(signed(unsigned_list([entry]))), at=AT)
    assert report.valid, step3(report)


def test_a_rotated_out_key_within_its_period_passes():
    keys = [key_entry(OLD_KEY, "2026-01-01T00:00:00Z", "2026-12-01T00:00:00Z"),
            key_entry(CERTIFIER, "2026-12-01T00:00:00Z", None)]
    document = signed(unsigned_list([certifier(keys)]))
    old_cert = make_certificate(OLD_KEY)  # created 2026-11-01, inside the old key's period
    assert verify_certificate(old_cert, trust_list=given(document), at=AT).valid
    late = make_certificate(OLD_KEY, valid_from="2027-01-02T00:00:00Z")  # after it was rotated out
    status, detail = step3(verify_certificate(late, trust_list=given(document), at=AT))
    assert status == "FAIL" and "not when the proof was created (2027-01-02T00:00:00Z)" in detail


def test_the_claimed_name_is_compared_with_the_list():
    cert = make_certificate(CERTIFIER)
    named = copy.deepcopy(cert)
    del named["proof"]
    named["issuer"] = {"id": did_of(CERTIFIER), "name": "Falskt Namn AB"}
    from asfverify.certs.issue import sign_credential

    named = sign_credential(named, CERTIFIER.sign, did_of(CERTIFIER), cert["validFrom"])
    report = verify_certificate(named, trust_list=given(signed(unsigned_list([certifier()]))), at=AT)
    # The ledger entry digest no longer matches (the issuer changed), but the trust step speaks to the name.
    assert "the certificate claims 'Falskt Namn AB', the list's name is shown" in step3(report)[1]
    assert report.issuer_listed_name == "Certifieringsorganet AB"
    assert report.as_json()["issuer_name"] == "Certifieringsorganet AB"
    assert report.as_json()["issuer_claimed_name"] == "Falskt Namn AB"


def test_checkpoint_of_a_log_the_list_does_not_name_fails():
    entry = certifier()
    entry["ledger"] = {"origin": "other.example/log", "vkey": format_vkey("other.example/log", raw_public(CERTIFIER))}
    report = verify_certificate(make_certificate(CERTIFIER), trust_list=given(signed(unsigned_list([entry]))), at=AT)
    failed = [s for s in report.steps if s.status == "FAIL"]
    assert [s.name for s in failed] == ["checkpoint signature"]
    assert "is not a log the trust list names" in failed[0].detail


def _bytes(document: dict) -> bytes:
    return json.dumps(document).encode()


def test_strict_parsing_refuses_bad_lists():
    good = signed(unsigned_list([certifier()]))
    text = json.dumps(good)
    overlapping = certifier(accreditations=[
        {"criteriaSets": ["asf-v1"], "validFrom": "2026-01-01T00:00:00Z", "validUntil": "2027-01-01T00:00:00Z"},
        {"criteriaSets": ["asf-v1"], "validFrom": "2026-06-01T00:00:00Z", "validUntil": None}])
    inverted = certifier(accreditations=[
        {"criteriaSets": ["asf-v1"], "validFrom": "2027-01-01T00:00:00Z", "validUntil": "2026-01-01T00:00:00Z"}])
    keys_overlap = certifier([key_entry(OLD_KEY, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
                              key_entry(CERTIFIER, "2026-06-01T00:00:00Z", None)])
    mismatched = certifier([{**key_entry(CERTIFIER, "2026-01-01T00:00:00Z", None),
                             "vkey": format_vkey(ORIGIN, raw_public(STRANGER))}])
    cases = {
        "duplicate JSON key": text.replace('"sequence": 1', '"sequence": 1, "sequence": 2').encode(),
        "floating-point": text.replace('"sequence": 1', '"sequence": 1.5').encode(),
        "unknown cryptosuite": _bytes({**good, "proof": {**good["proof"], "cryptosuite": "eddsa-rdfc-2022"}}),
        "overlaps": _bytes(signed(unsigned_list([overlapping]))),
        "is before validFrom": _bytes(signed(unsigned_list([inverted]))),
        "keys: key z6Mk.* overlaps key": _bytes(signed(unsigned_list([keys_overlap]))),
        "holds another key": _bytes(signed(unsigned_list([mismatched]))),
        "listed for both": _bytes(signed(unsigned_list([certifier(), certifier(org="556987-6542", name="B")]))),
        "validUntil is required": _bytes({**good, "validUntil": None}),
        "unknown property": _bytes({**good, "credentialSubject": {**good["credentialSubject"], "extra": 1}}),
        "sequence must be a positive integer": _bytes(
            {**good, "credentialSubject": {**good["credentialSubject"], "sequence": True}}),
    }
    for expected, data in cases.items():
        with pytest.raises(TrustListError, match=expected):
            parse_trust_list(data)


def test_the_list_verifies_with_the_independent_eddsa_jcs_2022_verifier(tmp_path):
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    script = Path(__file__).parent / "vectors" / "certs" / "independent_verifier.js"
    document = signed(unsigned_list([certifier()]))
    path = tmp_path / "trust-list.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    ok = subprocess.run([node, str(script), str(path)], capture_output=True, text=True)
    assert ok.returncode == 0 and ok.stdout.strip() == f"valid {did_of(OWNER)}", ok.stdout + ok.stderr
    document["credentialSubject"]["certifiers"][0]["name"] = "Någon annan"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    assert subprocess.run([node, str(script), str(path)], capture_output=True).returncode == 1


def test_the_lists_witness_policy_applies_without_a_buyers_policy():
    from asfverify.witness.cosignature import format_cosigner_vkey

    entry = certifier()
    entry["witnessPolicy"] = f"witness w1 {format_cosigner_vkey('w1.example', raw_public(STRANGER))}\nquorum w1\n"
    report = verify_certificate(make_certificate(CERTIFIER), trust_list=given(signed(unsigned_list([entry]))), at=AT)
    failed = [s for s in report.steps if s.status == "FAIL"]
    assert [s.name for s in failed] == ["witness quorum"], [s.line() for s in report.steps]
    assert "trust list" in failed[0].detail
    without = verify_certificate(make_certificate(CERTIFIER), trust_list=given(signed(unsigned_list([certifier()]))), at=AT)
    assert without.valid and any(s.name == "witness quorum" and s.status == "SKIP" for s in without.steps)


def test_a_status_list_signed_after_a_rotation_is_checked_with_the_new_key():
    from test_certs_support import make_status_list

    keys = [key_entry(OLD_KEY, "2026-01-01T00:00:00Z", "2026-12-01T00:00:00Z"),
            key_entry(CERTIFIER, "2026-12-01T00:00:00Z", None)]
    document = signed(unsigned_list([certifier(keys)]))
    cert = make_certificate(OLD_KEY)
    fresh = make_status_list(CERTIFIER, [], valid_from="2027-05-30T00:00:00Z")
    report = verify_certificate(cert, trust_list=given(document), at=AT, status_list=fresh)
    assert report.valid, [s.line() for s in report.steps]
    revoked = make_status_list(CERTIFIER, [0], valid_from="2027-05-30T00:00:00Z")
    report = verify_certificate(cert, trust_list=given(document), at=AT, status_list=revoked)
    assert [s.name for s in report.steps if s.status == "FAIL"] == ["revocation"]
    stranger = make_status_list(STRANGER, [], valid_from="2027-05-30T00:00:00Z")
    report = verify_certificate(cert, trust_list=given(document), at=AT, status_list=stranger)
    assert [s.name for s in report.steps if s.status == "FAIL"] == ["revocation"]


def test_a_rotated_out_key_cannot_vouch_for_a_later_status_list():
    from test_certs_support import make_status_list

    keys = [key_entry(OLD_KEY, "2026-01-01T00:00:00Z", "2026-12-01T00:00:00Z"),
            key_entry(CERTIFIER, "2026-12-01T00:00:00Z", None)]
    document = signed(unsigned_list([certifier(keys)]))
    cert = make_certificate(CERTIFIER, valid_from="2027-01-02T00:00:00Z")
    stale_key = make_status_list(OLD_KEY, [], valid_from="2027-05-30T00:00:00Z")
    report = verify_certificate(cert, trust_list=given(document), at=AT, status_list=stale_key)
    failed = [s for s in report.steps if s.status == "FAIL"]
    assert [s.name for s in failed] == ["revocation"] and "gives the period" in failed[0].detail
