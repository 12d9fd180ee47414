"""eddsa-jcs-2022: the W3C test vector byte for byte, and tamper detection."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from asfverify.certs.eddsa_jcs import ProofError, create_proof, hash_data, proof_options, verify_proof
from asfverify.jcs import canonical
from asfverify.multibase import ED25519_PRIV_HEADER, b58decode, ed25519_from_multibase

VECTORS = Path(__file__).parent / "vectors" / "certs"


def _text(name: str) -> str:
    return (VECTORS / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def vector_key() -> Ed25519PrivateKey:
    pair = json.loads(_text("keyPair.json"))
    raw = b58decode(pair["privateKeyMultibase"][1:])
    assert raw[:2] == ED25519_PRIV_HEADER
    key = Ed25519PrivateKey.from_private_bytes(raw[2:])
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    assert public == ed25519_from_multibase(pair["publicKeyMultibase"])
    return key


@pytest.fixture(scope="module")
def unsigned() -> dict:
    return json.loads(_text("unsigned.json"))


VM = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
CREATED = "2023-02-24T23:36:38Z"


def test_canonical_document_and_proof_config_match_the_vector(unsigned):
    assert canonical(unsigned).decode("utf-8") == _text("canonDocJCS.txt")
    options = proof_options(unsigned, VM, CREATED)
    assert options == json.loads(_text("proofConfigJCS.json"))
    assert canonical(options).decode("utf-8") == _text("proofCanonJCS.txt")


def test_hashes_match_the_vector(unsigned):
    options = proof_options(unsigned, VM, CREATED)
    assert hashlib.sha256(canonical(unsigned)).hexdigest() == _text("docHashJCS.txt")
    assert hashlib.sha256(canonical(options)).hexdigest() == _text("proofHashJCS.txt")
    # Proof-options hash first, then the document hash.
    assert hash_data(unsigned, options).hex() == _text("combinedHashJCS.txt")


def test_signature_and_proof_value_match_the_vector(unsigned, vector_key):
    secured = create_proof(unsigned, vector_key.sign, VM, CREATED)
    assert b58decode(secured["proof"]["proofValue"][1:]).hex() == _text("sigHexJCS.txt")
    assert secured["proof"]["proofValue"] == _text("sigBTC58JCS.txt")
    assert secured == json.loads(_text("signedJCS.json"))


def test_the_signed_vector_verifies(vector_key):
    signed = json.loads(_text("signedJCS.json"))
    public = verify_proof(signed)
    assert public == ed25519_from_multibase("z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2")


def _mutations():
    yield "subject", lambda d: d["credentialSubject"].__setitem__("alumniOf", "Another School")
    yield "issuer", lambda d: d.__setitem__("issuer", "https://vc.example/issuers/9999")
    yield "validFrom", lambda d: d.__setitem__("validFrom", "2023-01-02T00:00:00Z")
    yield "context", lambda d: d["@context"].__setitem__(1, "https://example.org/other")
    yield "context-in-proof", lambda d: d["proof"]["@context"].pop()
    yield "created", lambda d: d["proof"].__setitem__("created", "2023-02-24T23:36:39Z")
    yield "purpose", lambda d: d["proof"].__setitem__("proofPurpose", "authentication")
    yield "cryptosuite", lambda d: d["proof"].__setitem__("cryptosuite", "eddsa-rdfc-2022")
    yield "type", lambda d: d["proof"].__setitem__("type", "Ed25519Signature2020")
    yield "proofValue", lambda d: d["proof"].__setitem__("proofValue", d["proof"]["proofValue"][:-2] + "11")
    yield "vm-other-key", lambda d: d["proof"].__setitem__(
        "verificationMethod", "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    )
    yield "vm-fragment", lambda d: d["proof"].__setitem__("verificationMethod", VM.split("#")[0] + "#key-2")
    yield "extra-property", lambda d: d.__setitem__("name2", "x")
    yield "no-proof", lambda d: d.pop("proof")
    yield "proof-list", lambda d: d.__setitem__("proof", [d["proof"]])


@pytest.mark.parametrize("name,mutate", list(_mutations()), ids=[n for n, _ in _mutations()])
def test_every_mutation_breaks_the_proof(name, mutate):
    signed = json.loads(_text("signedJCS.json"))
    verify_proof(copy.deepcopy(signed))
    mutate(signed)
    with pytest.raises(ProofError):
        verify_proof(signed)


def test_create_refuses_a_bad_created_time(unsigned, vector_key):
    with pytest.raises(ProofError):
        create_proof(unsigned, vector_key.sign, VM, "2023-02-24 23:36:38")


def test_an_appended_context_is_allowed_by_the_rec_but_replaced_before_hashing():
    # vc-di-eddsa: the document's @context must *start with* the proof's; the certificate
    # verifier (verify.py) is stricter and requires them equal.
    signed = json.loads(_text("signedJCS.json"))
    signed["@context"].append("https://example.org/extra")
    verify_proof(signed)
