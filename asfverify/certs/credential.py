"""The ASF certificate as a W3C Verifiable Credential 2.0, built from a run's recorded outcome."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from typing import Any

from ..errors import FormatError
from ..jcs import canonical
from .statuslist import V2_CONTEXT, status_entry

CERT_TYPE = "AsfCertificate"
SUBJECT_TYPE = "ArbetsintegrerandeSocialtForetag"
# Properties outside the digest the ledger entry holds: the proof and the ledger proof itself.
UNDIGESTED = ("proof", "ledgerProof")


def format_time(moment: datetime) -> str:
    """UTC dateTimeStamp with seconds precision: 2026-11-27T05:41:50Z."""
    return moment.astimezone(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: Any) -> datetime:
    """A dateTimeStamp (time zone required) as an aware datetime; FormatError (a ValueError) otherwise."""
    if not isinstance(text, str) or "T" not in text:
        raise FormatError(f"{text!r} is not a dateTimeStamp")
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise FormatError(f"{text[:40]!r} is not a dateTimeStamp ({exc})") from None
    if moment.tzinfo is None:
        raise FormatError(f"{text!r} has no time zone")
    return moment


def _get(run: Any, name: str, default: Any = None) -> Any:
    # A RunState object (core) or a plain dict of the same shape (tests, older callers).
    if isinstance(run, dict):
        return run.get(name, default)
    return getattr(run, name, default)


def _requirement(requirement: dict[str, Any]) -> dict[str, Any]:
    item = {"id": requirement["id"], "outcome": requirement["outcome"]}
    if "machine_outcome" in requirement:  # a certifier's recorded review decided it (no names here)
        item["reviewed"] = True
    return item


def _criteria(run: Any) -> list[dict[str, Any]]:
    out = []
    for criterion in _get(run, "criteria", []) or []:
        item = {
            "id": criterion["id"],
            "outcome": criterion["outcome"],
            "required": bool(criterion.get("required", True)),
            "requirements": [_requirement(r) for r in criterion.get("requirements", [])],
        }
        out.append(item)
    return out


def _documents(run: Any) -> list[dict[str, str]]:
    # Kinds and digests only: never paths' contents, never personal data.
    docs = [{"kind": d["kind"], "sha256": d["sha256"]} for d in _get(run, "documents", []) or []]
    return sorted(docs, key=lambda d: (d["kind"], d["sha256"]))


def build_credential(
    run: Any,
    *,
    cert_id: str,
    issuer: str,
    valid_from: str,
    valid_until: str,
    status_index: int,
    status_list_url: str,
) -> dict[str, Any]:
    """The unsigned certificate credential (no proof, no ledgerProof) for a certifiable run."""
    organisation = dict(_get(run, "organisation", {}) or {})
    subject: dict[str, Any] = {
        "type": SUBJECT_TYPE,
        "name": organisation.get("name"),
        "orgNumber": organisation.get("org_number"),
    }
    if organisation.get("legal_form"):
        subject["legalForm"] = organisation["legal_form"]
    subject.update(
        {
            "criteriaSet": _get(run, "criteria_set") or "asf-v1",
            "referenceDate": str(_get(run, "reference_date")),
            "decision": _get(run, "decision"),
            "runId": _get(run, "run_id"),
            "criteria": _criteria(run),
            "documents": _documents(run),
        }
    )
    return {
        "@context": [V2_CONTEXT],
        "id": cert_id,
        "type": ["VerifiableCredential", CERT_TYPE],
        "name": "ASF-certifikat (arbetsintegrerande socialt företag)",
        "description": "Certificate of a work-integrating social enterprise (ASF), criteria set "
        + str(subject["criteriaSet"]),
        "issuer": issuer,
        "validFrom": valid_from,
        "validUntil": valid_until,
        "credentialSubject": subject,
        "credentialStatus": status_entry(status_list_url, status_index),
    }


def credential_digest(credential: dict[str, Any]) -> str:
    """Hex SHA-256 of RFC 8785 of the credential without `proof` and `ledgerProof` (DESIGN §9)."""
    core = {k: v for k, v in credential.items() if k not in UNDIGESTED}
    return hashlib.sha256(canonical(core)).hexdigest()


def certificate_entry(credential: dict[str, Any], run_id: str, status_index: int) -> dict[str, Any]:
    """The `certificate` ledger entry recording an issuance."""
    return {
        "kind": "certificate",
        "run_id": run_id,
        "cert_id": credential["id"],
        "org_number": credential["credentialSubject"]["orgNumber"],
        "credential_sha256": credential_digest(credential),
        "valid_from": credential["validFrom"],
        "valid_until": credential["validUntil"],
        "status_index": status_index,
    }
