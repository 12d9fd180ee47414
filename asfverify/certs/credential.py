"""The ASF certificate as a W3C Verifiable Credential 2.0, built from a run's recorded outcome."""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from ..errors import FormatError
from ..i18n import _
from ..jcs import canonical
from ..model import RequirementOutcome, Run
from .statuslist import V2_CONTEXT, status_entry

CERT_TYPE = "AsfCertificate"
SUBJECT_TYPE = "ArbetsintegrerandeSocialtForetag"
# The asfverify JSON-LD context (asfverify/contexts/asf-v1.jsonld, also published as contexts/asf-v1.jsonld):
# one stable IRI for every certifier, so the same term means the same thing in every certificate.
ASF_CONTEXT = "https://w3id.org/asfverify/contexts/asf-v1.jsonld"
# Criterion and requirement ids are absolute IRIs under this base (a bare "C1.purpose" is a relative IRI).
CRITERIA_BASE = "https://w3id.org/asfverify/criteria/"
LOU_REFERENCE = "LOU (2016:1145) 4 kap. 18 §"
# Properties outside the digest the ledger entry holds: the proof and the ledger proof itself.
UNDIGESTED = ("proof", "ledgerProof")


def format_time(moment: datetime) -> str:
    """UTC dateTimeStamp with seconds precision: 2026-11-27T05:41:50Z."""
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: Any) -> datetime:
    """A dateTimeStamp (time zone required) as an aware datetime; FormatError (a ValueError) otherwise."""
    if not isinstance(text, str) or "T" not in text:
        raise FormatError(_("{value!r} is not a date-time with time zone (YYYY-MM-DDTHH:MM:SSZ)", value=text))
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise FormatError(_("{value!r} is not a date-time with time zone ({reason})", value=text[:40], reason=exc)) from None
    if moment.tzinfo is None:
        raise FormatError(_("{value!r} has no time zone (end it with Z or +01:00)", value=text))
    return moment


def issuer_id(credential: Any) -> str | None:
    """The issuer's id: `issuer` itself (older certificates) or `issuer.id` (from issue 15 on)."""
    issuer = credential.get("issuer") if isinstance(credential, dict) else None
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def issuer_name(credential: Any) -> str | None:
    """The certifier name the credential claims for itself (`issuer.name`), if any."""
    issuer = credential.get("issuer") if isinstance(credential, dict) else None
    name = issuer.get("name") if isinstance(issuer, dict) else None
    return name if isinstance(name, str) else None


def issuer_value(did: str, name: str | None) -> str | dict[str, str]:
    """`issuer` as certificates carry it: {"id", "name"} when the certifier has a name, else the did."""
    return {"id": did, "name": name} if name else did


def _typed(run: Run | Mapping[str, Any]) -> Run:
    """The run as the run model; a plain dict of `status --json`'s shape still works, deprecated."""
    if isinstance(run, Run):
        return run
    warnings.warn("build_credential() takes an asfverify.model.Run; a dict is deprecated",
                  DeprecationWarning, stacklevel=3)
    return Run(
        run_id=str(run.get("run_id")),
        organisation=run.get("organisation") or {},
        reference_date=str(run.get("reference_date")),
        criteria_set=run.get("criteria_set") or "asf-v1",
        documents=run.get("documents") or [],
        plugins=run.get("plugins") or [],
        results=[r for r in run.get("results") or [] if isinstance(r, Mapping)],
        machine_criteria=run.get("criteria") or [],
        machine_decision=run.get("machine_decision") or run.get("decision"),
    )


def criterion_iri(criteria_set: str, code: str) -> str:
    """The absolute IRI of a criterion or requirement: …/criteria/asf-v1#C1.purpose."""
    return f"{CRITERIA_BASE}{criteria_set}#{code}"


def criterion_code(item: dict[str, Any]) -> str:
    """The short code (C1, C1.purpose) of a criterion or requirement, in new and older certificates alike."""
    code = item.get("code")
    if isinstance(code, str):
        return code
    ident = str(item.get("id", ""))
    return ident.rsplit("#", 1)[-1] if ident.startswith(CRITERIA_BASE) else ident


def _requirement(requirement: RequirementOutcome, criteria_set: str) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": criterion_iri(criteria_set, requirement.id),
        "type": "AsfRequirement",
        "code": requirement.id,
        "outcome": requirement.outcome,
    }
    # A certifier's recorded review decided it (no names, no notes here): the buyer sees which
    # outcomes a human judged rather than the verifiers.
    item["decidedBy"] = "review" if requirement.reviewed else "automated"
    if requirement.reviewed:
        item["reviewed"] = True
    return item


def _criteria(run: Run, criteria_set: str) -> list[dict[str, Any]]:
    out = []
    for criterion in run.criteria:
        item = {
            "id": criterion_iri(criteria_set, criterion.id),
            "type": "AsfCriterion",
            "code": criterion.id,
            "outcome": criterion.outcome,
            "required": criterion.required,
            "requirements": [_requirement(r, criteria_set) for r in criterion.requirements],
        }
        out.append(item)
    return out


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _lou_facts(run: Run, criteria: list[dict[str, Any]]) -> dict[str, Any]:
    """LOU 4 kap. 18 § facts a buyer maps to the reserved-contract rule (integers only, no floats).

    purposeMet follows C1 (the bylaws' integration purpose); the counts come from the payroll
    result's metrics (people employed on the reference date, those in the target group), so the
    buyer can compare the share with the 30 % of andelskravet.
    """
    facts: dict[str, Any] = {"type": "Lou4Kap18Facts", "lawReference": LOU_REFERENCE,
                             "referenceDate": run.reference_date}
    purpose = next((c for c in criteria if c["code"] == "C1"), None)
    if purpose is not None:
        facts["purpose"] = "social-and-vocational-integration"
        facts["purposeMet"] = purpose["outcome"] == "pass"
    payroll = [r for r in run.results if r.get("requirement") == "C2.ratio"]
    metrics = payroll[-1].get("metrics") if payroll else None
    if isinstance(metrics, dict):
        # The judge's LOU-specific counts win when a newer payroll verifier records them.
        employed = _count(metrics.get("lou_people_employed", metrics.get("employees")))
        target = _count(metrics.get("lou_people_in_target_group", metrics.get("eligible")))
        if employed and target is not None and target <= employed:
            facts["peopleEmployed"] = employed
            facts["peopleInTargetGroup"] = target
            facts["sharePercent"] = target * 100 // employed  # rounded down: never overstates the share
    return facts


def _documents(run: Run) -> list[dict[str, str]]:
    # Kinds and digests only: never paths' contents, never personal data.
    docs = [{"type": "EvidenceDocument", "kind": d["kind"], "sha256": d["sha256"]} for d in run.documents]
    return sorted(docs, key=lambda d: (d["kind"], d["sha256"]))


def build_credential(
    run: Run | Mapping[str, Any],
    *,
    cert_id: str,
    issuer: str | dict[str, str],
    valid_from: str,
    valid_until: str,
    status_index: int,
    status_list_url: str,
) -> dict[str, Any]:
    """The unsigned certificate credential (no proof, no ledgerProof) for a certifiable run."""
    run = _typed(run)
    organisation = dict(run.organisation)
    subject: dict[str, Any] = {
        "type": SUBJECT_TYPE,
        "name": organisation.get("name"),
        "orgNumber": organisation.get("org_number"),
    }
    if organisation.get("legal_form"):
        subject["legalForm"] = organisation["legal_form"]
    criteria_set = run.criteria_set or "asf-v1"
    criteria = _criteria(run, criteria_set)
    subject.update(
        {
            "criteriaSet": criteria_set,
            "referenceDate": run.reference_date,
            "decision": run.decision,
            "runId": run.run_id,
            "criteria": criteria,
            "documents": _documents(run),
            "louFacts": _lou_facts(run, criteria),
        }
    )
    return {
        "@context": [V2_CONTEXT, ASF_CONTEXT],
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
