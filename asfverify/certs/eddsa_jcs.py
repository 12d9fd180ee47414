"""Data Integrity proofs of cryptosuite eddsa-jcs-2022 (W3C vc-di-eddsa §3.3), create and verify."""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Callable
from typing import Any

from ..errors import VerificationError
from ..i18n import _
from ..jcs import CanonicalJSONError, canonical
from ..multibase import b58decode, b58encode, public_key_from_did

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-jcs-2022"
PURPOSE = "assertionMethod"
# An Ed25519 signature or multikey is under 100 base58 characters.
MAX_MULTIBASE = 128
# XML Schema dateTimeStamp as VC 2.0 uses it: a time zone is required.
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


class ProofError(VerificationError, ValueError):
    """A Data Integrity proof is malformed, of an unknown kind, or does not verify."""


def hash_data(document: dict[str, Any], proof_config: dict[str, Any]) -> bytes:
    """SHA-256(JCS(proof config)) || SHA-256(JCS(document)): the 64 bytes that Ed25519 signs."""
    try:
        config_bytes = canonical(proof_config)
        document_bytes = canonical(document)
    except CanonicalJSONError as exc:
        raise ProofError(_("cannot canonicalise: {reason}", reason=exc)) from None
    return hashlib.sha256(config_bytes).digest() + hashlib.sha256(document_bytes).digest()


def verification_method_for(did: str) -> str:
    """The did:key verification method id: did:key:<mb>#<mb>."""
    return f"{did}#{did[len('did:key:'):]}"


def proof_options(document: dict[str, Any], verification_method: str, created: str, purpose: str = PURPOSE) -> dict[str, Any]:
    """The proof configuration, with the document's @context copied in as the REC advises."""
    options: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": purpose,
    }
    if "@context" in document:
        options["@context"] = copy.deepcopy(document["@context"])
    return options


def create_proof(
    document: dict[str, Any],
    sign: Callable[[bytes], bytes],
    verification_method: str,
    created: str,
    purpose: str = PURPOSE,
) -> dict[str, Any]:
    """A copy of document with a `proof` added; sign is Ed25519 over the 64-byte hash data."""
    if "proof" in document:
        raise ProofError(_("the document already has a proof"))
    if not _DATETIME.match(created):
        raise ProofError(_("created {value!r} is not an XML Schema dateTimeStamp", value=created))
    options = proof_options(document, verification_method, created, purpose)
    signature = sign(hash_data(document, options))
    if len(signature) != 64:
        raise ProofError(_("an Ed25519 signature is 64 bytes"))
    secured = copy.deepcopy(document)
    secured["proof"] = {**options, "proofValue": "z" + b58encode(signature)}
    return secured


def _public_key_of(verification_method: Any) -> bytes:
    if not isinstance(verification_method, str) or not verification_method.startswith("did:key:"):
        raise ProofError(_("proof.verificationMethod must be a did:key (resolved offline)"))
    if len(verification_method) > 2 * MAX_MULTIBASE:
        raise ProofError(_("proof.verificationMethod is far too long for a did:key"))
    did, _hash, fragment = verification_method.partition("#")
    if fragment and fragment != did[len("did:key:"):]:
        raise ProofError(_("proof.verificationMethod fragment does not name the did:key itself"))
    try:
        return public_key_from_did(did)
    except ValueError as exc:
        raise ProofError(_("proof.verificationMethod: {reason}", reason=exc)) from None


def check_proof_shape(proof: Any, purpose: str = PURPOSE) -> None:
    """Reject proofs that are not a single eddsa-jcs-2022 DataIntegrityProof for purpose."""
    if not isinstance(proof, dict):
        raise ProofError(_("proof must be a single JSON object"))
    if proof.get("type") != PROOF_TYPE:
        raise ProofError(_("proof.type {value!r} is not {expected}", value=proof.get("type"), expected=PROOF_TYPE))
    if proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError(_("unknown cryptosuite {value!r} in proof.cryptosuite (only {expected})", value=proof.get("cryptosuite"), expected=CRYPTOSUITE))
    created = proof.get("created")
    if created is not None and (not isinstance(created, str) or not _DATETIME.match(created)):
        raise ProofError(_("proof.created is not an XML Schema dateTimeStamp"))
    if proof.get("proofPurpose") != purpose:
        raise ProofError(_("proof.proofPurpose {value!r} is not {expected}", value=proof.get("proofPurpose"), expected=purpose))
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        raise ProofError(_("proof.proofValue must be a base58btc multibase string ('z…')"))
    if len(value) > MAX_MULTIBASE:  # base58 decoding is quadratic: refuse absurd lengths first
        raise ProofError(_("proof.proofValue is far too long for an Ed25519 signature"))


def verify_proof(secured: dict[str, Any], purpose: str = PURPOSE) -> bytes:
    """Verify the document's eddsa-jcs-2022 proof; return the signer's 32-byte public key."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    if not isinstance(secured, dict):
        raise ProofError(_("the document must be a JSON object"))
    if "proof" not in secured:
        raise ProofError(_("the document has no proof"))
    proof = secured["proof"]
    check_proof_shape(proof, purpose)
    try:
        signature = b58decode(proof["proofValue"][1:])
    except ValueError as exc:
        raise ProofError(_("proof.proofValue: {reason}", reason=exc)) from None
    if len(signature) != 64:
        raise ProofError(_("proof.proofValue does not decode to a 64-byte Ed25519 signature"))
    public_key = _public_key_of(proof.get("verificationMethod"))
    unsecured = {k: v for k, v in secured.items() if k != "proof"}
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    if "@context" in options:
        # REC: the document's @context must start with the proof's, which then replaces it.
        proof_context, doc_context = options["@context"], unsecured.get("@context")
        proof_list = proof_context if isinstance(proof_context, list) else [proof_context]
        doc_list = doc_context if isinstance(doc_context, list) else [doc_context]
        if doc_list[: len(proof_list)] != proof_list:
            raise ProofError(_("the document's @context does not start with the proof's @context"))
        unsecured["@context"] = proof_context
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, hash_data(unsecured, options))
    except InvalidSignature:
        raise ProofError(_("signature does not verify: the credential or its proof was changed")) from None
    return public_key
