"""From rule hits to one outcome per requirement, with the reason a certifier can check."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..i18n import _, compose, join
from ..privacy import scrub
from ..verifier import excerpt
from .engine import Hit
from .rules import Requirement, Rule


@dataclass
class Decision:
    """An outcome, the hits that decided it and one sentence saying why."""

    outcome: str
    why: str
    deciding: list[Hit] = field(default_factory=list)


SHORT_EXCERPT = 100


def _where(hit: Hit, quote: bool = False) -> str:
    """"rule (page N, § S: “…”)" quoting the document's text (quote=True) or just the matched words."""
    sec = f", {hit.sentence.section}" if hit.sentence.section else ""
    page = _("page {page}", page=hit.sentence.page) if hit.sentence.page else _("the application manifest")
    said = " ".join(hit.words)
    if quote:
        text = " ".join(hit.sentence.text.split())
        said = text if len(text) <= SHORT_EXCERPT else excerpt(hit.sentence.text, hit.start, hit.end, width=30)
        said = scrub(said)
    # compose, not an f-string: the summary keeps its record and reads in another language later (summaries.py).
    return compose("{rule} ({page}{section}: \u201c{said}\u201d)", rule=hit.rule.id, page=page, section=sec, said=said)


def _first_per_rule(hits: list[Hit]) -> list[Hit]:
    seen: set[str] = set()
    out = []
    for h in hits:
        if h.rule.id not in seen:
            seen.add(h.rule.id)
            out.append(h)
    return out


def decide(req: Requirement, rules: list[Rule], hits: list[Hit]) -> Decision:
    """Combine hits: fail > review > pass (all needed facts) > partial/doubt (review) > default."""
    counted = [h for h in hits if h.counted]
    by_effect = {e: _first_per_rule([h for h in counted if h.rule.effect == e]) for e in ("fail", "review", "pass", "doubt")}
    if by_effect["fail"]:
        h = by_effect["fail"]
        return Decision("fail", _("fails by rule {where}: {why}", where=_where(h[0], quote=True), why=_(h[0].rule.explanation)), h)
    if by_effect["review"]:
        h = by_effect["review"]
        return Decision("review", _("needs review by rule {where}: {why}", where=_where(h[0], quote=True),
                                    why=_(h[0].rule.explanation)), h)
    passes = by_effect["pass"]
    facts = {f for h in passes for f in h.rule.facts}
    needs = req.needs or ()
    if passes and all(f in facts for f in needs):
        chosen = _pick_for_facts(passes, needs) if needs else passes
        names = join(", ", (_where(h, quote=len(chosen) == 1) for h in chosen))
        return Decision("pass", _("passes by rule {where}: {why}", where=names, why=_(req.pass_why)), chosen)
    set_aside = _first_per_rule([h for h in hits if not h.counted and h.rule.effect == "pass"])
    if passes:
        missing = [f for f in needs if f not in facts]
        names = join(", ", (_where(h) for h in passes))
        return Decision("review", _("needs review: {rules} matched but nothing shows {facts}; {why}", rules=names,
                                    facts=", ".join(missing), why=_(req.partial_why)), passes + by_effect["doubt"])
    if by_effect["doubt"]:
        doubts = by_effect["doubt"]
        return Decision("review", _("needs review by rule {where}: {why}", where=_where(doubts[0], quote=True),
                                    why=_(doubts[0].rule.explanation)), doubts + set_aside)
    if set_aside:
        first = set_aside[0]
        return Decision("review", _("needs review: rule {where} would pass but was {why}", where=_where(first, quote=True),
                                    why=first.why), set_aside)
    # A fail rule cancelled by a negation ("… är inte tillåten") says something the rules do not read
    # as a pass: a human decides, rather than the requirement falling back to its default.
    negated_fails = _first_per_rule([h for h in hits if h.status == "negated" and h.rule.effect == "fail"])
    if negated_fails:
        first = negated_fails[0]
        return Decision("review", _("needs review: rule {where} would fail but was {why}", where=_where(first, quote=True),
                                    why=first.why), negated_fails)
    return Decision(req.default, _("{why} (no rule of {n} matched)", why=_(req.default_why), n=len(rules)), [])


def _pick_for_facts(passes: list[Hit], needs: tuple[str, ...]) -> list[Hit]:
    """One hit per needed fact, in the order of the facts."""
    out: list[Hit] = []
    for f in needs:
        h = next(h for h in passes if f in h.rule.facts)
        if h not in out:
            out.append(h)
    return out
