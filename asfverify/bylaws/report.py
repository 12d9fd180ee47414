"""Assess one set of bylaws documents: sentences -> hits -> decisions -> results with evidence and trace."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..i18n import _, compose, language
from ..outcomes import Outcome
from ..privacy import scrub
from ..verifier import EXCERPT_MAX, Evidence, Result
from .decide import Decision, decide
from .engine import Hit, scan_sentence, scan_split, split_rules
from .rules import Rule, RuleSet
from .structure import legal_form_of_text
from .text import Sentence, sentences
from .words import tokens

MAX_TRACE_HITS_PER_RULE = 5
FORM_SENTENCES = 80  # sentences read for the document's own legal-form words


def document_sentences(pages: Sequence[str], sha256: str) -> list[Sentence]:
    """Sentences of one document (thin wrapper kept for the benchmark and tests)."""
    return sentences(list(pages), sha256)


def manifest_sentence(name: str, legal_form: str | None) -> Sentence:
    """The organisation's name and legal form as a pseudo-sentence (page 0) for manifest rules."""
    return Sentence(text=f"{name}. {legal_form or ''}".strip(), page=0, section="application.toml", document="")


def _evidence(hit: Hit) -> Evidence:
    return Evidence(
        document=hit.sentence.document or None,
        page=hit.sentence.page or None,
        excerpt=hit.excerpt(),
        rule=hit.rule.id,
        matched=hit.words,
        note=hit.sentence.section,
    )


def _trace_entry(rule: Rule, hit: Hit | None) -> dict[str, Any]:
    if hit is None:
        return {"rule": rule.id, "requirement": rule.requirement, "matched": False, "page": None, "excerpt": "",
                "words": [], "effect": "none", "why": _("no sentence matched; looks for {why}", why=_(rule.explanation)),
                "patterns": list(rule.patterns)}
    return {
        "rule": rule.id,
        "requirement": rule.requirement,
        "matched": hit.counted,
        "page": hit.sentence.page or None,
        "section": hit.sentence.section,
        "excerpt": hit.excerpt(),
        "words": list(hit.words),
        "effect": rule.effect if hit.counted else "none",
        "why": hit.why if hit.counted else f"{hit.why} — {_(rule.explanation)}",
        "clause": scrub(" ".join(hit.clause.split()))[:EXCERPT_MAX],
        "subject": hit.subject,
    }


def trace(rules: list[Rule], hits: list[Hit], decision: Decision) -> list[dict[str, Any]]:
    """Every rule tried (one entry per hit, a few per rule at most), then the decision and why."""
    out: list[dict[str, Any]] = []
    for rule in rules:
        mine = [h for h in hits if h.rule.id == rule.id]
        if not mine:
            out.append(_trace_entry(rule, None))
        for h in mine[:MAX_TRACE_HITS_PER_RULE]:
            out.append(_trace_entry(rule, h))
    first = decision.deciding[0] if decision.deciding else None
    out.append({"rule": "decision", "requirement": rules[0].requirement if rules else "", "matched": True,
                "page": None, "excerpt": "", "words": [], "effect": decision.outcome, "why": decision.why,
                # The clause and subject of the hit that decided, beside its rule (explain shows them).
                "decided_by": first.rule.id if first else "",
                "clause": scrub(" ".join(first.clause.split()))[:EXCERPT_MAX] if first else "",
                "subject": first.subject if first else ""})
    return out


def _summary(requirement: str, decision: Decision) -> str:
    # compose, not an f-string: the summary keeps its record and reads in another language later (summaries.py).
    end = "" if str(decision.why).endswith(".") else "."
    return compose("{requirement} {why}" + end, requirement=requirement, why=decision.why)


def document_form(rs: RuleSet, all_sentences: Sequence[Sentence]) -> str:
    """The legal-form family the documents call themselves by ("stiftelse", "förening", "bolag") or ""."""
    words = {fam: f.self_words for fam, f in rs.legal_forms.items() if f.self_words}
    if not words:
        return ""
    # A document names itself in its opening sections (firma, ändamål): the first sentences suffice.
    ids = [[rs.lexicon.ids(t) for t in tokens(s.text, rs.spelling)] for s in all_sentences[:FORM_SENTENCES]]
    return legal_form_of_text(words, ids)


def assess(
    rs: RuleSet,
    docs: Sequence[tuple[str, Sequence[str], Sequence[int]]],
    manifest: Sentence | None = None,
    requirements: Sequence[str] | None = None,
    legal_form: str | None = None,
    policy: Mapping[str, Any] | None = None,
) -> list[Result]:
    """Results for the requirements, from (sha256, pages, pages without text) of each document.

    `legal_form` is application.toml's; `policy` the criteria set's [policy] (its `bylaws_defaults`
    give the outcome per legal form when no rule decides).
    """
    reqs = list(rs.requirements) if requirements is None else list(requirements)
    all_sentences = [s for sha, pages, _ in docs for s in document_sentences(pages, sha)]
    declared = rs.family(legal_form)
    described = document_form(rs, all_sentences)
    form = declared or described
    rules_by_req = {r: rs.for_requirement(r) for r in reqs}
    active = [rule for r in reqs for rule in rules_by_req[r]]
    hits: list[Hit] = []
    pattern_rules, appointment_rules = split_rules(active, form)
    for s in all_sentences:
        hits.extend(scan_split(rs, pattern_rules, appointment_rules, s, form))
    if manifest is not None:
        hits.extend(scan_sentence(rs, [r for r in active if r.manifest], manifest, form))
    unread = [(sha, list(missing), len(pages)) for sha, pages, missing in docs if missing]
    results = []
    for req in reqs:
        rules = rules_by_req[req]
        mine = [h for h in hits if h.rule.requirement == req]
        decision = decide(rs.requirements[req], rules, mine)
        decision = _by_legal_form(rs, req, decision, mine, form, legal_form, policy)
        if declared and described and declared != described and decision.outcome == "pass" and req in rs.form_checked:
            decision = Decision("review", _("needs review: application.toml says {legal_form}, but the document calls "
                                            "itself a {described}'s; on the text: pass — {why}", legal_form=legal_form,
                                            described=described, why=decision.why), decision.deciding)
        # An explicit fail stands whatever the unread pages say; anything else needs a human.
        if unread and not (decision.outcome == "fail" and decision.deciding):
            decision = _unread(decision, unread, bool(all_sentences))
        evidence = [_evidence(h) for h in decision.deciding]
        if not evidence:
            evidence = [Evidence(document=sha, page=None, excerpt="",
                                 note=_("no rule of {requirement} matched in {n} page(s)", requirement=req, n=len(p)))
                        for sha, p, _missing in docs]
        if unread:
            evidence += [Evidence(document=sha, page=pg, excerpt="", note=_("no text layer")) for sha, miss, _n in unread
                         for pg in miss[:5]]
        results.append(Result(
            requirement=req,
            outcome=decision.outcome,
            summary=_summary(req, decision),
            evidence=evidence,
            metrics={"sentences": len(all_sentences), "rules": len(rules), "rules_version": rs.version,
                     "rules_sha256": rs.digest},
            trace=trace(rules, mine, decision),
        ))
    return results


def _by_legal_form(rs: RuleSet, req: str, decision: Decision, hits: list[Hit], form: str,
                   legal_form: str | None, policy: Mapping[str, Any] | None) -> Decision:
    """What the legal form allows: forced outcomes, facts a pass also needs, defaults without a clause."""
    fam = rs.legal_forms.get(form)
    if fam is not None and req in fam.outcomes and decision.outcome != "fail":
        outcome, why = fam.outcomes[req]
        text = (_("fails as a {form}: {why}", form=form, why=_(why)) if outcome == "fail"
                else _("needs review as a {form}: {why}", form=form, why=_(why)))
        return Decision(outcome, text, decision.deciding)
    if fam is not None and req in fam.needs_also and decision.outcome == "pass":
        facts, why = fam.needs_also[req]
        have = {f for h in hits if h.counted for f in h.rule.facts}
        if not all(f in have for f in facts):
            return Decision("review", _("needs review as a {form}: {why}", form=form, why=_(why)), decision.deciding)
    defaults = ((policy or {}).get("bylaws_defaults") or {}).get(req) or {}
    if decision.deciding or not defaults:
        return decision
    rule = defaults.get((legal_form or "").strip().casefold())
    if rule is None:
        return decision
    lock = [h for h in hits if h.counted and "asset-lock" in h.rule.facts]
    if rule == "review-if-asset-lock":
        if not lock:
            return decision
        return Decision("review", _("needs review: no clause bars dividends, but as a {legal_form} whose dissolution "
                                    "clause sends the assets to its purpose (policy bylaws_defaults) a certifier decides",
                                    legal_form=legal_form), lock[:1])
    if rule in ("fail", "review") and rule != decision.outcome:
        return Decision(rule, _("{why}; for a {legal_form} the criteria policy (bylaws_defaults) makes this {outcome}",
                                why=decision.why, legal_form=legal_form, outcome=_outcome_word(rule)), [])
    return decision


def _outcome_word(outcome: str) -> str:
    """An outcome as a word inside a sentence: "fail" in English, "underkänt" in Swedish."""
    return outcome if language() == "en" or outcome not in Outcome.values() else Outcome(outcome).sv


def _unread(decision: Decision, unread: list[tuple[str, list[int], int]], any_text: bool) -> Decision:
    """Without a text layer the machine cannot know what the pages say: a human reads them."""
    pages = sum(len(m) for _, m, _ in unread)
    if not any_text:
        why = _("cannot be read: the document has no text layer (scanned?), a certifier must read it")
    else:
        why = _("needs review: {pages} page(s) have no text layer (scanned?), so what they say is unknown; "
                "on the text there is: {outcome} — {why}", pages=pages, outcome=_outcome_word(decision.outcome), why=decision.why)
    return Decision("review", why, decision.deciding)
