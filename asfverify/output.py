"""Human-readable rendering of runs and batch summaries."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .i18n import _, label, language
from .model import RequirementOutcome, Run
from .outcomes import Decision, Outcome
from .summaries import text as summary_text

SYMBOL = {o.value: o.symbol for o in Outcome}


def requirement_summaries(results: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for r in results:
        out.setdefault(r["requirement"], []).append(summary_text(r))  # in the reader's language (summaries.py)
    return out


def missing_text(requirement: RequirementOutcome) -> str:
    """Why a requirement has no result, pointing at the fix (see runner.explain_missing)."""
    reason = requirement.missing
    if reason == "no-verifier":
        return _("no verifier installed for this requirement (see 'asfverify plugins'; docs/plugins.md shows how to add one)")
    if reason == "no-document":
        kinds = _(" or ").join(requirement.kinds)
        return _("no document of kind {kinds} in the package (add one to application.toml)", kinds=kinds)
    if reason == "no-result":
        return _("its verifier ran but gave no result for it")
    return _("no verifier produced a result")


def reference_date_text(run: Run) -> str:
    """The reference date, saying when it is the day of the run because application.toml gave none."""
    if not run.reference_date_defaulted:
        return str(run.reference_date)
    return _("{date} (today: application.toml sets no reference_date; add reference_date = YYYY-MM-DD under [application])",
             date=run.reference_date)


def requirement_text(req: RequirementOutcome, summaries: Mapping[str, list[str]]) -> str:
    """What a requirement's line says: a review in force first, with the machine's finding marked superseded."""
    machine = "; ".join(summaries.get(req.id, [])) or missing_text(req)
    review = req.review
    if review is None:
        return machine
    decided = _("Decided by {reviewer} ({time}): {outcome} — {note}.", reviewer=review.reviewer or "?",
                time=review.time or "?", outcome=label(review.outcome), note=review.note)
    return decided + " " + _("Superseded machine finding ({outcome}): {summary}",
                             outcome=label(req.machine_outcome or Outcome.MISSING), summary=machine)


def render_run(run: Run, *, columns: int | None = None, colour: bool = False) -> str:
    """One line per criterion (outcome and summary), its requirements beneath, the decision last.

    `columns` wraps each summary under its own first word (console.width()); `colour` colours the
    outcome words (console.colour_enabled()). The defaults give plain, unwrapped lines.
    """
    from .console import hang

    pad = 8 if language() == "en" else 10  # UNDERKÄNT is nine letters

    def word(outcome: Outcome, _pad: int) -> str:
        padded = f"{label(outcome):<{pad}}"
        return click_style(padded, outcome) if colour else padded

    org = run.organisation
    lines = [hang("", _("{name} ({org_number}) · reference date {date} · run {run_id}", name=org["name"],
                        org_number=org["org_number"], date=reference_date_text(run), run_id=run.run_id), columns)]
    summaries = requirement_summaries(run.results)
    for criterion in run.criteria:
        info = "" if criterion.required else "  " + _("(informative)")
        reqs = criterion.requirements
        if len(reqs) == 1:
            first = requirement_text(reqs[0], summaries)
        else:
            first = ", ".join(f"{r.id} {label(r.outcome)}" for r in reqs)
        lines.append(hang(f"  {criterion.id:<4} {word(criterion.outcome, 8)}", first + info, columns))
        if len(reqs) > 1:
            for req in reqs:
                text = requirement_text(req, summaries)
                lines.append(hang(f"      {req.id:<15} {word(req.outcome, 8)}", text, columns))
    if run.receipt is not None:  # a fresh run just recorded
        receipt = run.receipt
        lines.append("  " + _("Ledger entries {first}–{last} recorded; checkpoint size {size}.",
                                first=receipt.first, last=receipt.last, size=receipt.last + 1))
    elif run.run_index >= 0:  # a run read back from the ledger
        lines.append("  " + _("Ledger: run entry {run}, decision entry {decision}.", run=run.run_index, decision=run.decision_index))
    decision = label(run.decision)
    decision = click_style(decision, run.decision, bold=True) if colour else decision
    lines.append(_("Decision: {decision}", decision=decision))
    return "\n".join(lines)


def click_style(text: str, outcome: str, *, bold: bool = False) -> str:
    """`text` in the colour of `outcome` (console.COLOURS); the caller decides whether colour is on."""
    import click

    from .console import COLOURS

    return click.style(text, fg=COLOURS.get(outcome), bold=bold)


def render_summary(runs: Sequence[Run], errors: Sequence[tuple[str, str]]) -> str:
    """The batch summary: decisions, per-criterion outcome counts, and packages that could not be run."""
    decisions = {d.value: 0 for d in Decision}
    per_criterion: dict[str, dict[str, int]] = {}
    for run in runs:
        decisions[run.decision] += 1
        for criterion in run.criteria:
            counts = per_criterion.setdefault(criterion.id, {o.value: 0 for o in Outcome if o is not Outcome.ERROR})
            counts[criterion.outcome] = counts.get(criterion.outcome, 0) + 1
    # Each column as wide as its (translated) heading, at least the English layout's width.
    heads = {o: o if language() == "en" else label(o) for o in ("pass", "fail", "review", "missing")}
    widths = {o: max(w, len(heads[o]) + 2) for o, w in (("pass", 6), ("fail", 6), ("review", 8), ("missing", 9))}
    lines = [
        _("Summary: {total} packages · certifiable {certifiable} · needs review {review} · rejected {rejected} · "
          "errors {errors}", total=len(runs) + len(errors), certifiable=decisions["certifiable"],
          review=decisions["needs-review"], rejected=decisions["rejected"], errors=len(errors)),
        "",
        "  " + f"{_('criterion'):<10}" + "".join(f"{heads[o]:>{w}}" for o, w in widths.items()),
    ]
    for cid, counts in per_criterion.items():
        lines.append(f"  {cid:<10}" + "".join(f"{counts[o]:>{w}}" for o, w in widths.items()))
    for source, message in errors:
        lines.append("  " + _("error: {source}: {problem}", source=source, problem=message))
    return "\n".join(lines)
