"""Status list bitstrings, trust-key parsing, the HTML rendering and hostile inputs."""

from __future__ import annotations

import base64
import gzip
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st
from test_certs_support import AT, did_of, make_certificate, raw_public

from asfverify.certs.html import render_html
from asfverify.certs.statuslist import MIN_ENTRIES, StatusListError, decode_list, encode_list, is_set
from asfverify.certs.trust import parse_trust
from asfverify.certs.verify import load_document, verify_certificate
from asfverify.errors import BadInput
from asfverify.keys import public_pem
from asfverify.ledger.note import format_vkey


@settings(max_examples=40, deadline=None)
@given(st.sets(st.integers(min_value=0, max_value=MIN_ENTRIES - 1), max_size=50))
def test_status_list_round_trip(revoked):
    bits = decode_list(encode_list(revoked))
    assert len(bits) * 8 == MIN_ENTRIES
    for index in list(revoked)[:10]:
        assert is_set(bits, index)
    assert sum(bin(b).count("1") for b in bits) == len(revoked)


def test_status_list_layout_follows_the_spec():
    encoded = encode_list([0, 9])
    assert encoded.startswith("u") and "=" not in encoded and "+" not in encoded and "/" not in encoded
    raw = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert raw[0] == 0x80 and raw[1] == 0x40  # index 0 is the first byte's most significant bit
    assert encode_list([0, 9]) == encoded  # reproducible (gzip mtime 0)
    assert len(decode_list(encode_list([MIN_ENTRIES + 5]))) * 8 >= MIN_ENTRIES + 6


@pytest.mark.parametrize(
    "encoded",
    [
        None,
        "H4sI",  # no multibase prefix
        "u!!!!",
        "u" + base64.urlsafe_b64encode(b"not gzip").decode(),
        "u" + base64.urlsafe_b64encode(gzip.compress(b"\x00" * 100)).decode(),  # too short
        "u" + base64.urlsafe_b64encode(gzip.compress(b"\x00" * 32 * 1024 * 1024)).decode(),  # inflates too far
        "u" + base64.urlsafe_b64encode(gzip.compress(b"\x00" * (MIN_ENTRIES // 8))[:-6]).decode(),  # truncated
    ],
)
def test_malformed_status_lists_are_refused(encoded):
    with pytest.raises(StatusListError):
        decode_list(encoded)


def test_out_of_range_status_index():
    with pytest.raises(StatusListError):
        is_set(decode_list(encode_list([])), MIN_ENTRIES)


def test_trust_keys_in_every_form(tmp_path):
    key = Ed25519PrivateKey.generate()
    public = raw_public(key)
    pem = tmp_path / "issuer.pem"
    pem.write_text(public_pem(public))
    vkey_file = tmp_path / "issuer.vkey"
    vkey_file.write_text(format_vkey("example.org/log", public) + "\n")
    did_file = tmp_path / "issuer.did"
    did_file.write_text(did_of(key) + "\n")
    for value in (str(pem), str(vkey_file), str(did_file), did_of(key), format_vkey("example.org/log", public)):
        assert parse_trust(value).public_key == public, value
    assert parse_trust(str(vkey_file)).name == "example.org/log"


@pytest.mark.parametrize(
    "value",
    ["did:key:z6Mk", "did:key:zzzz", "log+abcd+AAAA", "log+00000000+" + base64.b64encode(b"\x01" + b"\x00" * 32).decode()],
)
def test_bad_trust_keys_are_bad_input(value):
    with pytest.raises(BadInput) as info:
        parse_trust(value)
    assert "\n" not in str(info.value)


def test_a_non_ed25519_pem_is_refused(tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    pem = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    path = tmp_path / "ec.pem"
    path.write_bytes(pem)
    with pytest.raises(BadInput, match="Ed25519"):
        parse_trust(str(path))


def test_html_escapes_everything_from_the_credential():
    key = Ed25519PrivateKey.generate()
    cert = make_certificate(key)
    cert["credentialSubject"]["name"] = "<script>alert(1)</script> & Co"
    html = render_html(cert, "x.json")
    assert "<script>alert" not in html and "&lt;script&gt;" in html and "&amp; Co" in html
    assert "C1.purpose" in html and cert["validUntil"] in html


def test_hostile_documents_are_one_line_problems():
    with pytest.raises(ValueError, match="nested too deeply"):
        load_document(b"[" * 200_000 + b"]" * 200_000)
    doc, problem = load_document(b'{"a": NaN}')
    assert problem and "NaN" in problem
    key = Ed25519PrivateKey.generate()
    cert = make_certificate(key)
    cert["proof"]["proofValue"] = "z" + "2" * 100_000
    report = verify_certificate(cert, [], at=AT)
    assert report.steps[0].status == "FAIL" and "too long" in report.steps[0].detail
    nested = make_certificate(key)
    deep: list = []
    for _ in range(5000):
        deep = [deep]
    nested["credentialSubject"]["deep"] = deep
    report = verify_certificate(nested, [], at=AT)
    assert report.steps[0].status == "FAIL" and len(report.steps) == 1
    json.dumps(report.as_json())
