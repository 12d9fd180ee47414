"""review, status, runs, explain: the certifier's view of recorded runs."""

from __future__ import annotations

import json
from typing import Any

import click

from ..errors import BadInput, NegativeOutcome
from ..i18n import _, label, language
from ..outcomes import Decision, Outcome
from ..summaries import text as summary_text
from . import current_ledger, current_workspace, pass_ledger_readonly


@click.command()
@click.argument("run_id", metavar="RUN")
@click.argument("requirement")
@click.option("--pass", "passed", is_flag=True, help="The requirement is met.")
@click.option("--fail", "failed", is_flag=True, help="The requirement is not met.")
@click.option("--note", required=True, help="Why: what the reviewer saw (recorded in the ledger; no personal data).")
@click.option("--as", "reviewer", help="Reviewer's name (default: the workspace's certifier).")
@click.option("--json", "as_json", is_flag=True, help="Machine output: {run_id, requirement, outcome, ledger_entry, decision}.")
@click.pass_context
def review(ctx: click.Context, run_id: str, requirement: str, passed: bool, failed: bool, note: str,
           reviewer: str | None, as_json: bool) -> None:
    """Record a certifier's decision on REQUIREMENT of RUN (replaces the machine outcome)."""
    from ..runs import load_run

    if passed and failed:
        raise click.UsageError(_("--pass and --fail exclude each other; say one"), ctx=ctx)
    if not (passed or failed):
        raise BadInput(_("say --pass or --fail"))
    outcome = Outcome.PASS if passed else Outcome.FAIL
    if not note.strip():
        raise BadInput(_("--note must say why"))
    ws = current_workspace(ctx)
    ledger = current_ledger(ctx)
    state = load_run(ledger, run_id)
    if requirement not in state.requirement_ids():
        raise BadInput(_no_requirement(state.run_id, requirement, state.requirement_ids()))
    entry = {
        "kind": "review",
        "run_id": state.run_id,
        "requirement": requirement,
        "outcome": outcome,
        "note": note.strip(),  # the ledger masks personnummer in every entry before signing
        "reviewer": reviewer or ws.actor,
    }
    receipt = ledger.append([entry])
    state = load_run(ledger, state.run_id)
    if as_json:
        from .. import console

        console.echo_json({"run_id": state.run_id, "requirement": requirement, "outcome": outcome,
                           "ledger_entry": receipt.first, "decision": state.decision})
        return
    click.echo(_("Recorded review of {requirement} in run {run_id}: {outcome} (ledger entry {entry}).",
                 requirement=requirement, run_id=state.run_id, outcome=_word(outcome), entry=receipt.first))
    click.echo(_("Decision now: {decision}", decision=_word(state.decision)))


@click.command()
@click.argument("run_id", metavar="RUN")
@click.option("--json", "as_json", is_flag=True, help="Machine output.")
@pass_ledger_readonly
def status(ledger: Any, run_id: str, as_json: bool) -> None:
    """Show RUN with its recorded reviews applied. Exit 0 when certifiable, else 1."""
    from ..output import render_run
    from ..runs import load_run

    state = load_run(ledger, run_id)
    if as_json:
        click.echo(json.dumps(state.status_json(), ensure_ascii=False, indent=2))
    else:
        from .. import console

        click.echo(render_run(state, columns=console.width(), colour=console.colour_enabled()))
        for r in state.reviews:
            click.echo("  " + _("review: {requirement} {outcome} by {reviewer} ({time}): {note}", requirement=r.requirement,
                                outcome=_word(r.outcome), reviewer=r.reviewer, time=r.time, note=r.note))
        open_items = state.open_requirements()
        if open_items:
            click.echo("  " + _("open: {requirements}", requirements=", ".join(open_items)))
    if state.decision != Decision.CERTIFIABLE:
        raise NegativeOutcome()  # the decision is shown above


@click.command()
@click.option("--org", "org_number", help="Only runs of this organisation number (NNNNNN-NNNN).")
@click.option("--decision", type=click.Choice(Decision.values()), help="Only runs with this decision (after reviews).")
@click.option("--json", "as_json", is_flag=True, help="Machine output.")
@pass_ledger_readonly
def runs(ledger: Any, org_number: str | None, decision: str | None, as_json: bool) -> None:
    """List recorded runs, oldest first."""
    from ..application import normalise_org_number
    from ..runs import list_runs

    if org_number:
        org_number = normalise_org_number(org_number, "--org")
    rows = []
    for state in list_runs(ledger, org_number):
        if decision and state.decision != decision:
            continue
        rows.append({
            "run_id": state.run_id,
            "time": state.time,
            "org_number": state.organisation.get("org_number"),
            "name": state.organisation.get("name"),
            "decision": state.decision,
            "reviews": len(state.reviews),
        })
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo(_("No runs."))
    width = 13 if language() == "en" else 19  # the longest decision word and a space
    for row in rows:
        reviewed = ""
        if row["reviews"]:
            reviewed = " " + (_("(1 review)") if row["reviews"] == 1 else _("({n} reviews)", n=row["reviews"]))
        click.echo(f"{row['run_id']}  {row['time']}  {row['org_number']}  {_word(str(row['decision'])):<{width}}{row['name']}{reviewed}")




def _rules_text() -> str:
    return _("A requirement passes when it has results and all pass; fails when any result fails; "
             "needs review when any result is review or error; is missing when no verifier produced a result.")


def _word(value: str) -> str:
    """An outcome or decision as its word: the code in English (as before), the Swedish word in Swedish."""
    return value if language() == "en" else label(value)


def _no_requirement(run_id: str, requirement: str, ids: list[str]) -> str:
    return _("run {run_id} has no requirement {requirement!r} (it has {ids})", run_id=run_id, requirement=requirement,
             ids=", ".join(ids))


@click.command()
@click.argument("run_id", metavar="RUN")
@click.argument("requirement")
@click.option("--json", "as_json", is_flag=True, help="Machine output.")
@pass_ledger_readonly
def explain(ledger: Any, run_id: str, requirement: str, as_json: bool) -> None:
    """Show for REQUIREMENT of RUN every rule tried, what matched where, and why the outcome follows."""
    from ..runs import load_run

    state = load_run(ledger, run_id)
    if requirement not in state.requirement_ids():
        raise BadInput(_no_requirement(state.run_id, requirement, state.requirement_ids()))
    results = state.results_for(requirement)
    final = state.requirement(requirement)
    reviews = state.reviews_of(requirement)
    if as_json:
        click.echo(json.dumps({"run_id": state.run_id, "requirement": requirement, "outcome": final.to_json(),
                               "results": [dict(r) for r in results], "reviews": [r.to_json() for r in reviews]},
                              ensure_ascii=False, indent=2))
        return
    click.echo(_("{requirement} in run {run_id} ({name}): {outcome}", requirement=requirement, run_id=state.run_id,
                 name=state.organisation.get("name"), outcome=_word(final.outcome)))
    if not results:
        from ..output import missing_text

        click.echo("  " + _("No verifier produced a result for it, so it is missing: {why}.", why=missing_text(final)))
    for result in results:
        click.echo("\n  " + _("{verifier} {version} (plugin {plugin}), ledger entry {entry}: {outcome}",
                               verifier=result["verifier"], version=result["version"], plugin=result["plugin"],
                               entry=result["index"], outcome=_word(result["outcome"])))
        click.echo(f"  {summary_text(result)}")  # in the reader's language (summaries.py)
        for ev in result.get("evidence", []):
            where = _("page {page}", page=ev["page"]) if ev.get("page") else _("document")
            doc = (ev.get("document") or "")[:12]
            rule = f" [{ev['rule']}]" if ev.get("rule") else ""
            click.echo("    " + _("evidence{rule} {doc} {where}: {excerpt}", rule=rule, doc=doc, where=where,
                                  excerpt=ev.get("excerpt", "")))
        trace = result.get("trace") or []
        if trace:
            click.echo("    " + _("rules tried:"))
        for step in trace:
            mark = _("matched") if step.get("matched") else _("no match")
            page = " " + _("p.{page}", page=step["page"]) if step.get("page") else ""
            words = " " + _("words: {words}", words=", ".join(step["words"])) if step.get("words") else ""
            effect = f" -> {step['effect']}" if step.get("effect") and step.get("effect") != "none" else ""
            click.echo(f"      {step.get('rule', '?'):<28}{mark}{page}{effect}{words}")
            if step.get("excerpt") and (step.get("matched") or step.get("page")):
                click.echo(f"          “{step['excerpt']}”")
            if step.get("why"):
                click.echo(f"          {step['why']}")
            if step.get("clause") and step.get("matched") is not None and (step.get("page") or step.get("matched")):
                subject = "; " + _("subject: {subject}", subject=step["subject"]) if step.get("subject") else ""
                decided = _("decided by {rule}: ", rule=step["decided_by"]) if step.get("decided_by") else ""
                click.echo("          " + decided + _("clause: “{clause}”", clause=step["clause"]) + subject)
    click.echo("\n  " + _("Why: {rules}", rules=_rules_text()))
    for r in reviews:
        click.echo("  " + _("Review by {reviewer} ({time}): {outcome} — {note}", reviewer=r.reviewer, time=r.time,
                            outcome=_word(r.outcome), note=r.note))
    if final.reviewed:
        click.echo("  " + _("The latest review replaces the machine outcome {machine} with {outcome}.",
                            machine=_word(final.machine_outcome or ""), outcome=_word(final.outcome)))
