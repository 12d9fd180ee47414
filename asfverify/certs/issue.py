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
from ..outcomes import Decision
from .credential import build_credential, certificate_entry, credential_digest, format_time, issuer_value
from .eddsa_jcs import create_proof, verification_method_for
from .statuslist import status_list_credential

DEFAULT_VALID_DAYS = 730  # two years, Skoopi's certification cycle (DESIGN §2)


def attach_ledger_proof(credential: dict[str, Any], entry: dict[str, Any], tlog_proof: str) -> dict[str, Any]:
    """The credential with its `ledgerProof`; the entry must hold this credential's digest."""
    if entry.get("credential_sha256") != credential_digest(credential):
        raise ValueError("the ledger entry does not hold this credential's digest")
    return {**credential, "ledgerProof": {"type": "TlogInclusion", "entry": entry, "tlogProof": tlog_proof}}


def sign_credential(credential: dict[str, Any], sign: Callable[[bytes], bytes], did: str, created: str) -> dict[str, Any]:
    """Add the eddsa-jcs-2022 proof by the did:key's private key."""
    return create_proof(credential, sign, verification_method_for(did), created)


def status_list_url(ws: Any) -> str:
    """Where the status list is published: [certificates] status_list_url, else derived from the origin."""
    configured = ws.config.get("certificates", {}).get("status_list_url")
    return configured or f"https://{ws.origin}/status-list"


def normalise_cert_id(value: str) -> str:
    """Accept a CERT_ID with or without its urn:uuid: prefix."""
    text = value.strip().lower()
    raw = text[len("urn:uuid:"):] if text.startswith("urn:uuid:") else text
    try:
        return f"urn:uuid:{uuid.UUID(raw)}"
    except ValueError:
        raise BadInput(f"{value!r} is not a certificate id (urn:uuid:…)") from None


def _open(ws: Any):
    from ..ledger import open_ledger

    return open_ledger(ws)


def _certificates(ledger: Any) -> list[Any]:
    return list(ledger.entries(kind="certificate"))


def issue_certificate(ws: Any, run_id: str, *, valid_days: int = DEFAULT_VALID_DAYS, now: datetime | None = None) -> dict[str, Any]:
    """Issue the signed certificate of a certifiable run; NegativeOutcome (exit 1) for any other run."""
    if not 1 <= valid_days <= 3660:
        raise BadInput(f"--valid-days {valid_days}: must be between 1 and 3660")
    from ..runs import load_run

    ledger = _open(ws)
    signer = ledger.signer
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    valid_from, valid_until = format_time(moment), format_time(moment + timedelta(days=valid_days))
    cert_id = f"urn:uuid:{uuid.uuid4()}"
    list_url = status_list_url(ws)
    from ..issuer import certifier_name

    # The certificate names its certifier (issue 15); the trust list says whether that name is right.
    issuer = issuer_value(signer.did, certifier_name(ws))
    with ledger.transaction() as tx:
        # Inside the write transaction: a review recorded meanwhile cannot slip between the check
        # and the issuance, and concurrent issuances never share a status index.
        run = load_run(ledger, run_id)
        if run.decision != Decision.CERTIFIABLE:
            open_ids = ", ".join(run.open_requirements()) or "none recorded"
            raise NegativeOutcome(f"run {run.run_id} is {run.decision}, not certifiable; open requirements: {open_ids}")
        status_index = _next_status_index(ledger)
        credential = build_credential(
            run, cert_id=cert_id, issuer=issuer, valid_from=valid_from, valid_until=valid_until,
            status_index=status_index, status_list_url=list_url,
        )
        index = tx.append(certificate_entry(credential, run.run_id, status_index))
    stored = ledger.get(index).entry  # as stored: the ledger adds time and actor
    sealed = attach_ledger_proof(credential, stored, ledger.tlog_proof(index))
    return sign_credential(sealed, signer.sign, signer.did, valid_from)


def _next_status_index(ledger: Any) -> int:
    """One past the highest status index handed out so far (call inside the write transaction)."""
    used = [int(e.entry.get("status_index", -1)) for e in _certificates(ledger)]
    return max(used, default=-1) + 1


def revoke_certificate(ws: Any, cert_id: str, reason: str) -> int:
    """Append a `revocation` entry; returns its ledger index. BadInput for unknown or revoked ids."""
    reason = (reason or "").strip()
    if not reason:
        raise BadInput("--reason must not be empty")
    cert_id = normalise_cert_id(cert_id)
    ledger = _open(ws)
    with ledger.transaction() as tx:  # checked and appended atomically
        if not any(e.entry.get("cert_id") == cert_id for e in _certificates(ledger)):
            raise BadInput(f"{cert_id}: no such certificate in this ledger")
        if any(e.entry.get("cert_id") == cert_id for e in ledger.entries(kind="revocation")):
            raise BadInput(f"{cert_id}: already revoked")
        return tx.append({"kind": "revocation", "cert_id": cert_id, "reason": reason})


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
        raise BadInput(f"--valid-days {valid_days}: a status list must expire within 1 to 3660 days")
    until = format_time(started + timedelta(days=valid_days))
    unsigned = status_list_credential(status_list_url(ws), signer.did, revoked, moment, until)
    return sign_credential(unsigned, signer.sign, signer.did, moment)
