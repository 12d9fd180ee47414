"""The public statements the register holds (DESIGN §11), and nothing else.

Each builder takes only the public facts it needs, so nothing private (run contents, review notes,
free-text reasons, payroll figures) can reach the register by accident.
"""

from __future__ import annotations

import base64
from typing import Any

KINDS = ("certificate", "revocation", "suspension", "reinstatement", "key", "status-list", "ledger-anchor")
# Public reason categories of revocations and suspensions; the free-text reason stays in the ledger.
REASON_CATEGORIES = ("criteria-not-met", "incorrect-information", "holder-request", "ceased-operations",
                     "under-investigation", "other")
STATUS_PURPOSES = ("revocation", "suspension")


def certificate_statement(credential: dict[str, Any], digest: str, status_index: int) -> dict[str, Any]:
    """The register's `certificate` entry: the credential digest (DESIGN §9) and its public summary."""
    subject = credential["credentialSubject"]
    return {
        "kind": "certificate",
        "cert_id": credential["id"],
        "organisation": {"name": subject.get("name"), "org_number": subject.get("orgNumber")},
        "criteria_set": subject.get("criteriaSet"),
        "credential_sha256": digest,
        "valid_from": credential["validFrom"],
        "valid_until": credential["validUntil"],
        "status_index": status_index,
    }


def status_statement(kind: str, cert_id: str, status_index: int, category: str,
                     org_number: str | None = None) -> dict[str, Any]:
    """A `revocation`, `suspension` or `reinstatement` entry: id, index, public reason category."""
    if kind not in ("revocation", "suspension", "reinstatement"):
        raise ValueError(kind)
    if category not in REASON_CATEGORIES + ("reinstated",):
        raise ValueError(category)
    entry: dict[str, Any] = {"kind": kind, "cert_id": cert_id, "status_index": status_index,
                             "reason_category": category}
    if org_number:
        entry["org_number"] = org_number
    return entry


def key_statement(public_key: bytes, key_id: str, did: str, vkey: str, action: str = "introduce") -> dict[str, Any]:
    """A `key` entry introducing the workspace key that signs the register (rotation: see ledger.rotation)."""
    return {"kind": "key", "action": action, "key_id": key_id, "did": did, "vkey": vkey,
            "public_key": base64.b64encode(public_key).decode()}


def status_list_statement(purpose: str, url: str, sha256: str, valid_from: str, valid_until: str | None) -> dict[str, Any]:
    return {"kind": "status-list", "purpose": purpose, "url": url, "sha256": sha256,
            "valid_from": valid_from, "valid_until": valid_until}


def ledger_anchor_statement(origin: str, size: int, root: bytes) -> dict[str, Any]:
    return {"kind": "ledger-anchor", "origin": origin, "size": size, "root": base64.b64encode(root).decode()}
