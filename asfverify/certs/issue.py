"""Issuing, revoking and listing certificates against the workspace ledger.

Order (DESIGN §9): build the credential, append the `certificate` entry holding its digest,
embed `ledgerProof` (entry + tlog-proof), and only then sign the Data Integrity proof over all of it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from ..errors import BadInput, NegativeOutcome
from ..i18n import _, label
from ..ledger.note import read_checkpoint
from ..ledger.tlogproof import format_tlog_proof
from ..outcomes import Decision
from .credential import build_credential, certificate_entry, credential_digest, format_time, issuer_value
from .eddsa_jcs import create_proof, verification_method_for
from .statuslist import status_list_credential

DEFAULT_VALID_DAYS = 730  # two years, Skoopi's certification cycle (DESIGN §2)


def attach_ledger_proof(credential: dict[str, Any], entry: dict[str, Any], tlog_proof: str) -> dict[str, Any]:
    """The credential with its `ledgerProof`; the entry must hold this credential's digest."""
    if entry.get("credential_sha256") != credential_digest(credential):
        raise ValueError(_("the ledger entry does not hold this credential's digest"))
    return {**credential, "ledgerProof": {"type": "TlogInclusion", "entry": entry, "tlogProof": tlog_proof}}


def sign_credential(credential: dict[str, Any], sign: Callable[[bytes], bytes], did: str, created: str) -> dict[str, Any]:
    """Add the eddsa-jcs-2022 proof by the did:key's private key."""
    return create_proof(credential, sign, verification_method_for(did), created)


def status_list_url(ws: Any, purpose: str = "revocation") -> str:
    """Where a status list is published: <publish prefix>/status/<purpose>.json (DESIGN §11).

    Older workspaces without a prefix keep [certificates] status_list_url or the origin-derived URL.
    """
    prefix = ws.publish_prefix if hasattr(ws, "publish_prefix") else None
    if prefix:
        return f"{prefix}/status/{purpose}.json"
    configured = ws.config.get("certificates", {}).get("status_list_url")
    return configured or f"https://{ws.origin}/status-list"


def normalise_cert_id(value: str) -> str:
    """Accept a CERT_ID with or without its urn:uuid: prefix."""
    text = value.strip().lower()
    raw = text[len("urn:uuid:"):] if text.startswith("urn:uuid:") else text
    try:
        return f"urn:uuid:{uuid.UUID(raw)}"
    except ValueError:
        raise BadInput(_("{value!r} is not a certificate id (urn:uuid:…)", value=value)) from None


def _open(ws: Any):
    from ..ledger import open_ledger

    return open_ledger(ws)


def _certificates(ledger: Any) -> list[Any]:
    return list(ledger.entries(kind="certificate"))


def issue_certificate(ws: Any, run_id: str, *, valid_days: int = DEFAULT_VALID_DAYS, now: datetime | None = None,
                      unwitnessed: bool = False, notices: list[str] | None = None) -> dict[str, Any]:
    """Issue the signed certificate of a certifiable run; NegativeOutcome (exit 1) for any other run.

    The private `certificate` ledger entry and the public register entry are written in one
    transaction; the certificate proves the register entry (DESIGN §9, §11) against a register
    checkpoint cosigned by the witnesses of [witnesses] policy, when there is one (DESIGN §12).
    """
    if not 1 <= valid_days <= 3660:
        raise BadInput(_("--valid-days {days}: must be between 1 and 3660", days=valid_days))
    from ..publish.registry import both_logs, store_credential
    from ..publish.statements import certificate_statement
    from ..publish.witnessing import preflight, witness_logs
    from ..runs import load_run

    ws.require_publishing()
    policy = preflight(ws, unwitnessed)
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    valid_from, valid_until = format_time(moment), format_time(moment + timedelta(days=valid_days))
    cert_id = f"urn:uuid:{uuid.uuid4()}"
    list_url = status_list_url(ws)
    from ..issuer import certifier_name

    with both_logs(ws) as (ledger, tx, register, rtx):
        # Inside the write transaction: a review recorded meanwhile cannot slip between the check
        # and the issuance, and concurrent issuances never share a status index.
        run = load_run(ledger, run_id)
        if run.decision != Decision.CERTIFIABLE:
            open_ids = ", ".join(run.open_requirements()) or _("none recorded")
            raise NegativeOutcome(_("run {run} is {decision}, not certifiable; open requirements: {open}",
                                    run=run.run_id, decision=label(run.decision), open=open_ids))
        signer = ledger.signer
        # The certificate names its certifier (issue 15); the trust list says whether that name is right.
        issuer = issuer_value(signer.did, certifier_name(ws))
        status_index = _next_status_index(ledger, register)
        credential = build_credential(
            run, cert_id=cert_id, issuer=issuer, valid_from=valid_from, valid_until=valid_until,
            status_index=status_index, status_list_url=list_url,
        )
        private = certificate_entry(credential, run.run_id, status_index)
        if unwitnessed and policy is not None:
            private["unwitnessed"] = True  # the certifier chose to issue without the witnesses' quorum
        tx.append(private)
        index = rtx.append(certificate_statement(credential, private["credential_sha256"], status_index))
    refused: NegativeOutcome | None = None
    try:
        note = witness_logs(ws, ledger, register, policy, required=policy is not None and not unwitnessed,
                            notices=notices)
    except NegativeOutcome as exc:
        # The register entry is logged whatever the witnesses say, so the credential it names is kept
        # and published (certificates/<uuid>.json must hash to the entry); it is not handed out.
        refused, note = exc, register.checkpoint()
    stored = register.get(index).entry  # as stored: the register adds time and actor
    # The proof must be for the tree the note signs: another issuance may have committed and
    # checkpointed a larger tree since (concurrent certify), so register.size() can be past the note.
    proof = format_tlog_proof(index, register.inclusion_proof(index, read_checkpoint(note).size), note)
    sealed = attach_ledger_proof(credential, stored, proof)
    signed = sign_credential(sealed, signer.sign, signer.did, valid_from)
    import json

    with register.db.conn:
        # Stored as certify -o writes it, so publish copies the bytes (certificates/<uuid>.json).
        store_credential(register, cert_id, index, json.dumps(signed, indent=2, ensure_ascii=False) + "\n")
    if refused is not None:
        raise refused
    return signed


def _next_status_index(ledger: Any, register: Any) -> int:
    """One past the highest status index handed out so far, in either log (call inside the write transaction).

    Both logs count: a ledger rolled back behind the register's back must not hand an index out twice.
    """
    used = [int(e.entry.get("status_index", -1)) for e in _certificates(ledger)]
    used += [int(e.entry.get("status_index", -1)) for e in register.entries(kind="certificate")]
    return max(used, default=-1) + 1


def change_status(ws: Any, cert_id: str, kind: str, reason: str, category: str) -> int:
    """Append a revocation, suspension or reinstatement to the ledger (free text) and register (category).

    Returns the register index. BadInput for an unknown certificate or a change that does not apply
    (revoking twice, suspending a revoked or suspended one, reinstating one not suspended).
    """
    from ..publish.registry import both_logs, current_status, find_certificate
    from ..publish.statements import REASON_CATEGORIES, status_statement

    reason = (reason or "").strip()
    if not reason:
        raise BadInput(_("--{option} must not be empty", option="note" if kind == "reinstatement" else "reason"))
    if kind != "reinstatement" and category not in REASON_CATEGORIES:
        raise BadInput(_("--category {category}: choose one of {choices}", category=category,
                         choices=", ".join(REASON_CATEGORIES)))
    cert_id = normalise_cert_id(cert_id)
    ws.require_publishing()
    with both_logs(ws) as (ledger, tx, register, rtx):  # checked and appended atomically
        entry = find_certificate(register, cert_id)
        status = current_status(register, cert_id)
        if status == "revoked":
            raise BadInput(_("{id}: already revoked", id=cert_id))
        if kind == "suspension" and status == "suspended":
            raise BadInput(_("{id}: already suspended", id=cert_id))
        if kind == "reinstatement" and status != "suspended":
            raise BadInput(_("{id}: not suspended, nothing to reinstate", id=cert_id))
        category = "reinstated" if kind == "reinstatement" else category
        private = {"kind": kind, "cert_id": cert_id, "reason_category": category,
                   ("note" if kind == "reinstatement" else "reason"): reason}
        tx.append(private)
        org = (entry.get("organisation") or {}).get("org_number")
        index = rtx.append(status_statement(kind, cert_id, int(entry["status_index"]), category, org))
    from ..publish.witnessing import policy_of, witness_logs

    witness_logs(ws, ledger, register, policy_of(ws), required=False)
    return index


def revoke_certificate(ws: Any, cert_id: str, reason: str, category: str = "other") -> int:
    """Revoke: a `revocation` entry in the ledger (with the reason) and the register (its category)."""
    return change_status(ws, cert_id, "revocation", reason, category)


def build_status_list(ws: Any, *, now: datetime | None = None, valid_days: int = 31) -> dict[str, Any]:
    """The signed BitstringStatusListCredential with a bit set for every revoked certificate.

    With valid_days the list carries a validUntil: a verifier then refuses a stale list, so an old
    copy cannot hide a later revocation for longer than that.
    """
    ledger = _open(ws)
    index_of = {e.entry["cert_id"]: int(e.entry["status_index"]) for e in _certificates(ledger)}
    revoked = [index_of[e.entry["cert_id"]] for e in ledger.entries(kind="revocation") if e.entry.get("cert_id") in index_of]
    signer = ledger.signer
    started = now or datetime.now(UTC)
    moment = format_time(started)
    if not 1 <= valid_days <= 3660:
        # A list without an end would stay acceptable forever and could hide a later revocation.
        raise BadInput(_("--valid-days {days}: a status list must expire within 1 to 3660 days", days=valid_days))
    until = format_time(started + timedelta(days=valid_days))
    unsigned = status_list_credential(status_list_url(ws), signer.did, revoked, moment, until)
    return sign_credential(unsigned, signer.sign, signer.did, moment)
