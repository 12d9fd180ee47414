"""C6.agreement: the employer has a collective agreement — from the registry, a plugin source, or a document."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..agreements.model import Agreement
from ..agreements.orgnumbers import find_org_numbers, normalise, redact_personal_numbers
from ..agreements.parties import Parties, default_parties, workspace_parties
from ..agreements.sources import Findings, find_agreements
from ..errors import DocumentError
from ..i18n import N_, _
from ..verifier import Application, BaseVerifier, Context, Document, Evidence, Result, excerpt

REQUIREMENT = "C6.agreement"

# Document readings, from strongest to weakest evidence.
CANDIDATE = "candidate"  # names the applicant's org number and an agreement
APPLICANT_ONLY = "applicant-only"  # names the applicant's org number, no agreement wording recognised
NAME_ONLY = "no-org-number"  # agreement wording, but no org number at all
NO_TEXT = "no-text"  # scanned or empty: a human must read it
OTHER_ORG = "other-organisation"  # names other org numbers, never the applicant's
NOTHING = "no-agreement"  # neither an org number nor agreement wording
NEEDS_HUMAN = (CANDIDATE, APPLICANT_ONLY, NAME_ONLY, NO_TEXT)


@dataclass
class Reading:
    """What one collective-agreement document shows."""

    document: Document
    status: str
    evidence: list[Evidence] = field(default_factory=list)
    other_numbers: list[str] = field(default_factory=list)
    parties: list[str] = field(default_factory=list)
    asf: bool = False
    label: str = N_("An agreement document")  # how the summary names it (an English key, translated where shown)


class AgreementVerifier(BaseVerifier):
    """Decides C6.agreement from agreement sources first, then from submitted agreement documents."""

    name = "agreement"
    version = "1.0"
    requirements = (REQUIREMENT,)
    document_kinds = ("collective-agreement",)
    # The registry alone can decide, so the host runs this even without an agreement document.
    runs_without_documents = True

    def __init__(self, extra_sources: Sequence[Any] = (), parties: Parties | None = None):
        self.extra_sources = tuple(extra_sources)
        self.parties = parties

    def verify(self, application: Application, context: Context) -> Iterable[Result]:
        # A workspace may extend the recognised parties ([agreements] parties = "file.toml").
        known = self.parties or workspace_parties(getattr(context, "workspace", None))
        org = normalise(application.organisation.org_number) or application.organisation.org_number
        day = application.reference_date
        findings = find_agreements(org, day, context, self.extra_sources)
        documents = list(application.documents_of(*self.document_kinds))
        valid = [a for a in findings.agreements if a.valid_on(day)]
        readings = self._read_all(documents, org, known, strict=not valid)
        return [self._decide(org, day, findings, valid, readings, known)]

    # ------------------------------------------------------------ reading documents

    def _read_all(self, documents: list[Document], org: str, known: Parties, *, strict: bool) -> list[Reading]:
        readings = []
        for doc in documents:
            try:
                readings.append(self.read(doc, org, known))
            except DocumentError:
                if strict:  # nothing else decides: the host reports the unreadable document as an error
                    raise
            except Exception as exc:  # noqa: BLE001 - an unreadable document must not hide a registry pass
                if strict:
                    raise DocumentError(_("{path}: cannot read: {problem}", path=doc.path, problem=exc)) from exc
        return readings

    def read(self, doc: Document, org: str, known: Parties | None = None) -> Reading:
        """Classify one agreement document against the applicant's org number."""
        known = known or self.parties or default_parties()
        pages = doc.pages()
        if not any(p.strip() for p in pages):
            return Reading(doc, NO_TEXT, [Evidence(doc.sha256, 1, "", rule="no-text", note=_("no text layer; read it by hand"))])
        applicant: list[Evidence] = []
        others: list[str] = []
        other_evidence: list[Evidence] = []
        terms: list[Evidence] = []
        named: list[str] = []
        asf = agreement_term = membership = hang = False
        for number, text in enumerate(pages, start=1):
            for found in find_org_numbers(text):
                if found.number == org:
                    applicant.append(self._evidence(doc, number, text, found.start, found.end, "applicant-org-number", (found.number,)))
                elif found.number not in others:
                    others.append(found.number)
                    if not other_evidence:
                        other_evidence.append(self._evidence(doc, number, text, found.start, found.end, "other-org-number", (found.number,)))
            for match in known.find_parties(text):
                if match.party and match.party.name not in named:
                    named.append(match.party.name)
            asf_hit = known.asf_agreement(text)
            agreement_terms = known.agreement_terms(text)
            membership_terms = known.membership_terms(text)
            asf = asf or asf_hit is not None
            agreement_term = agreement_term or bool(agreement_terms)
            hang = hang or any(t.text.casefold().startswith(("hängavtal", "hangavtal")) for t in agreement_terms)
            membership = membership or bool(membership_terms)
            first = ([asf_hit] if asf_hit else []) or agreement_terms or membership_terms
            if first and not terms:
                terms.append(self._evidence(doc, number, text, first[0].start, first[0].end, "agreement-wording", (" ".join(first[0].text.split()),)))
        employer_named = any(p.kind == "employer" and p.name in named for p in known.parties)
        # Membership wording counts only with a recognised employer organisation (not e.g. a union member card).
        agreement = asf or agreement_term or (membership and employer_named)
        if applicant:
            status = CANDIDATE if agreement else APPLICANT_ONLY
            evidence = applicant[:1] + (terms[:1] if agreement else [])
        elif others:
            status = OTHER_ORG
            evidence = other_evidence
        elif agreement:
            status = NAME_ONLY
            evidence = terms[:1]
        else:
            status = NOTHING
            evidence = [Evidence(doc.sha256, None, "", rule="no-agreement-wording")]
        label = N_("A hängavtal") if hang else N_("A membership certificate") if membership and employer_named else N_("An agreement document")
        return Reading(doc, status, evidence, others, named, asf, label)

    @staticmethod
    def _evidence(doc: Document, page: int, text: str, start: int, end: int, rule: str, matched: tuple[str, ...]) -> Evidence:
        return Evidence(doc.sha256, page, redact_personal_numbers(excerpt(text, start, end)), rule=rule, matched=matched)

    # ------------------------------------------------------------ deciding

    def _decide(
        self,
        org: str,
        day: dt.date,
        findings: Findings,
        valid: list[Agreement],
        readings: list[Reading],
        known: Parties,
    ) -> Result:
        trace = self._trace(findings, valid, readings, day)
        asf = any(self._is_asf(a, known) for a in valid) or any(r.asf for r in readings if r.status == CANDIDATE)
        asf_note = _(" — the {name}", name=known.asf_agreement_name) if asf else ""
        metrics = {
            "agreements_found": len(findings.agreements),
            "valid_on_reference_date": len(valid),
            "documents": len(readings),
        }
        if valid:
            best = next((a for a in valid if self._is_asf(a, known)), valid[0])
            evidence = [self._agreement_evidence(a) for a in valid]
            evidence += [e for r in readings if r.status == CANDIDATE for e in r.evidence]
            summary = _("{agreement} is in force on {day} (source: {source}){asf}.", agreement=self._describe(best, known, first=True),
                        day=day.isoformat(), source=_source_name(best.source), asf=asf_note)
            return Result(REQUIREMENT, "pass", summary, evidence, metrics, trace)

        expired = sorted((a for a in findings.agreements if a.expired_before(day)), key=lambda a: a.valid_to or day)
        future = [a for a in findings.agreements if a.valid_from > day]
        human = sorted((r for r in readings if r.status in NEEDS_HUMAN), key=lambda r: NEEDS_HUMAN.index(r.status))
        if human:
            reading = human[0]
            parties = f" ({', '.join(reading.parties)})" if reading.parties else ""
            summary = {
                CANDIDATE: _("{document} names the applicant's organisation number and a collective agreement{parties}; "
                             "check it by hand", document=_(reading.label), parties=parties),
                APPLICANT_ONLY: _("A document names the applicant's organisation number but no recognised collective "
                                  "agreement; check it by hand"),
                NAME_ONLY: _("A document names a collective agreement but no organisation number; check by hand that it "
                             "is the applicant's"),
                NO_TEXT: _("The agreement document has no text layer; read it by hand"),
            }[reading.status]
            if expired:
                summary += _("; the {agreement} ended {date}", agreement=self._describe(expired[-1], known),
                             date=expired[-1].valid_to.isoformat())  # type: ignore[union-attr]
            evidence = [e for r in human for e in r.evidence] + [self._agreement_evidence(a) for a in expired + future]
            return Result(REQUIREMENT, "review", summary + asf_note + ".", evidence, metrics, trace)

        if findings.errors:
            names = ", ".join(sorted({name for name, _ in findings.errors}))
            summary = _("No valid collective agreement found, but agreement source(s) {names} could not be asked; "
                        "check by hand.", names=names)
            evidence = [Evidence(None, None, f"{name}: {why}", rule="source-error") for name, why in findings.errors]
            return Result(REQUIREMENT, "review", summary, evidence, metrics, trace)

        evidence = [self._agreement_evidence(a) for a in expired + future]
        others = [r for r in readings if r.status == OTHER_ORG]
        if others:
            numbers = sorted({n for r in others for n in r.other_numbers})
            summary = _("The agreement document names organisation number {numbers}, not the applicant's {org}",
                        numbers=", ".join(numbers[:3]), org=org)
            evidence = [e for r in others for e in r.evidence] + evidence
        elif expired:
            last = expired[-1]
            summary = _("The {agreement} ended {date}, before the reference date {day}, and there is no newer evidence",
                        agreement=self._describe(last, known), date=last.valid_to.isoformat(),  # type: ignore[union-attr]
                        day=day.isoformat())
        elif future:
            summary = _("The {agreement} starts {date}, after the reference date {day}", agreement=self._describe(future[0], known),
                        date=future[0].valid_from.isoformat(), day=day.isoformat())
        elif readings:
            summary = _("The agreement document shows no collective agreement and there is no registry entry")
            evidence = [e for r in readings for e in r.evidence]
        else:
            summary = _("No collective agreement: no registry entry for {org} and no agreement document", org=org)
        return Result(REQUIREMENT, "fail", summary + ".", evidence, metrics, trace)

    @staticmethod
    def _is_asf(agreement: Agreement, known: Parties) -> bool:
        return known.asf_agreement(agreement.agreement) is not None

    @staticmethod
    def _describe(agreement: Agreement, known: Parties, first: bool = False) -> str:
        """'membership of Fremia'; `first`: at the start of a sentence, a message of its own (so the
        summary keeps its record and reads in another language later)."""
        party = known.by_name(agreement.counterparty)
        who = party.name if party else agreement.counterparty
        if agreement.kind == "hängavtal":
            return _("Hängavtal with {who}", who=who) if first else _("hängavtal with {who}", who=who)
        return _("Membership of {who}", who=who) if first else _("membership of {who}", who=who)

    @staticmethod
    def _agreement_evidence(agreement: Agreement) -> Evidence:
        ref = agreement.reference
        if agreement.source == "registry":
            digest = str(ref.get("file_sha256", ""))
            index = ref.get("import")
            where = _("ledger entry {index}", index=index) if index is not None else _("unledgered import")
            note = _("registry import {where}: {file} (sha256 {digest}…), row {row}", where=where,
                     file=ref.get("file_name", "?"), digest=digest[:16], row=ref.get("row", "?"))
        else:
            details = ", ".join(f"{k}={v}" for k, v in sorted(ref.items()))
            note = _("source {source}", source=agreement.source) + (f": {details}" if details else "")
        text = _("{counterparty}: {agreement} ({kind}), valid {validity}", counterparty=agreement.counterparty,
                 agreement=agreement.agreement, kind=agreement.kind, validity=agreement.validity)
        return Evidence(None, None, text, rule=f"source:{agreement.source}", matched=(agreement.counterparty,), note=note)

    @staticmethod
    def _trace(findings: Findings, valid: list[Agreement], readings: list[Reading], day: dt.date) -> list[dict[str, Any]]:
        trace: list[dict[str, Any]] = []
        for source in findings.sources:
            mine = [a for a in findings.agreements if a.source == source]
            trace.append({
                "rule": f"source:{source}",
                "matched": [f"{a.counterparty} {a.validity}" for a in mine],
                "page": None,
                "excerpt": "",
                "effect": "pass" if any(a in valid for a in mine) else _("none valid on {day}", day=day.isoformat()),
            })
        for name, why in findings.errors:
            trace.append({"rule": f"source:{name}", "matched": [], "page": None, "excerpt": why, "effect": _("source failed")})
        for reading in readings:
            first = reading.evidence[0] if reading.evidence else Evidence()
            trace.append({
                "rule": f"document:{reading.status}",
                "matched": list(first.matched),
                "page": first.page,
                "excerpt": first.excerpt,
                "effect": f"{'review' if reading.status in NEEDS_HUMAN else 'fail'}: {reading.document.path}",
            })
        return trace


def _source_name(source: str) -> str:
    """The built-in registry in the current language; a plugin source by its own name."""
    return _("registry") if source == "registry" else source


