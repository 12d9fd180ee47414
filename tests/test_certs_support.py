"""Shared builders for the certificate tests: keys, a hand-made signed log, certificates (no tests here)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from asfverify.certs.credential import build_credential, certificate_entry
from asfverify.certs.issue import attach_ledger_proof, sign_credential
from asfverify.certs.statuslist import status_list_credential
from asfverify.jcs import canonical
from asfverify.ledger import merkle
from asfverify.ledger.note import format_checkpoint, sign_note
from asfverify.ledger.tlogproof import format_tlog_proof
from asfverify.multibase import did_key

ORIGIN = "test.asfverify.local/0123456789ab"
LIST_URL = f"https://{ORIGIN}/status-list"
CERT_ID = "urn:uuid:0f8d2a4e-3b7c-4f1e-9a6d-5c2b1e0f9a77"

RUN: dict[str, Any] = {
    "run_id": "run-7f3a",
    "organisation": {"name": "Vägen Framåt ekonomisk förening", "org_number": "769612-3459",
                     "legal_form": "ekonomisk förening"},
    "reference_date": "2026-10-31",
    "criteria_set": "asf-v1",
    "decision": "certifiable",
    "documents": [
        {"path": "stadgar.pdf", "kind": "bylaws", "sha256": "a" * 64},
        {"path": "anstallda.csv", "kind": "payroll", "sha256": "b" * 64},
    ],
    "criteria": [
        {"id": "C1", "outcome": "pass", "required": True, "requirements": [{"id": "C1.purpose", "outcome": "pass"}]},
        {"id": "C2", "outcome": "pass", "required": True, "requirements": [{"id": "C2.ratio", "outcome": "pass"}]},
        {"id": "C3", "outcome": "pass", "required": True, "requirements": [
            {"id": "C3.identity", "outcome": "pass"}, {"id": "C3.governance", "outcome": "pass"},
            {"id": "C3.market", "outcome": "pass"}]},
    ],
}


def raw_public(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def did_of(key: Ed25519PrivateKey) -> str:
    return did_key(raw_public(key))


class HandLog:
    """A tiny in-memory RFC 6962 log with C2SP checkpoints, standing in for the ledger."""

    def __init__(self, key: Ed25519PrivateKey, origin: str = ORIGIN):
        self.key, self.origin, self.entries = key, origin, []

    def append(self, entry: dict) -> int:
        self.entries.append(entry)
        return len(self.entries) - 1

    def tlog_proof(self, index: int) -> str:
        leaves = [merkle.leaf_hash(canonical(e)) for e in self.entries]
        size = len(leaves)
        path = merkle.inclusion_path(index, size, lambda a, b: merkle.root_of(leaves[a:b]))
        text = format_checkpoint(self.origin, size, merkle.root_of(leaves))
        note = sign_note(text, self.origin, raw_public(self.key), self.key.sign)
        return format_tlog_proof(index, path, note)


def make_certificate(
    key: Ed25519PrivateKey,
    *,
    valid_from: str = "2026-11-01T09:00:00Z",
    valid_until: str = "2028-11-01T09:00:00Z",
    status_index: int = 0,
    log: HandLog | None = None,
    before: int = 5,
    after: int = 2,
    cert_id: str = CERT_ID,
) -> dict:
    """A signed certificate whose issuance entry sits among other entries of a hand-made log."""
    log = log or HandLog(key)
    for i in range(before):
        log.append({"kind": "note", "n": i})
    credential = build_credential(RUN, cert_id=cert_id, issuer=did_of(key), valid_from=valid_from,
                                  valid_until=valid_until, status_index=status_index, status_list_url=LIST_URL)
    index = log.append(certificate_entry(credential, RUN["run_id"], status_index))
    for i in range(after):
        log.append({"kind": "note", "after": i})
    sealed = attach_ledger_proof(credential, log.entries[index], log.tlog_proof(index))
    return sign_credential(sealed, key.sign, did_of(key), valid_from)


def make_status_list(key: Ed25519PrivateKey, revoked: list[int], valid_from: str = "2027-01-01T00:00:00Z",
                     valid_until: str | None = "2027-12-31T00:00:00Z") -> dict:
    unsigned = status_list_credential(LIST_URL, did_of(key), revoked, valid_from, valid_until)
    return sign_credential(unsigned, key.sign, did_of(key), valid_from)


AT = datetime(2027, 6, 1, tzinfo=UTC)
