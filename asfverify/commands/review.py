"""review, status, runs, explain: the certifier's view of recorded runs."""

from __future__ import annotations

import json
from typing import Any

import click

from ..errors import BadInput, NegativeOutcome
from ..outcomes import Decision, Outcome
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
        raise click.UsageError("--pass and --fail exclude each other; say one", ctx=ctx)
    if not (passed or failed):
        raise BadInput("say --pass or --fail")
    outcome = Outcome.PASS if passed else Outcome.FAIL
    if not note.strip():
        raise BadInput("--note must say why")
    ws = current_workspace(ctx)
    ledger = current_ledger(ctx)
    state = load_run(ledger, run_id)
    if requirement not in state.requirement_ids():
        raise BadInput(f"run {state.run_id} has no requirement {requirement!r} (it has {', '.join(state.requirement_ids())})")
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
    click.echo(f"Recorded review of {requirement} in run {state.run_id}: {outcome} (ledger entry {receipt.first}).")
    click.echo(f"Decision now: {state.decision}")


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
            click.echo(f"  review: {r.requirement} {r.outcome} by {r.reviewer} ({r.time}): {r.note}")
        open_items = state.open_requirements()
        if open_items:
            click.echo(f"  open: {', '.join(open_items)}")
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
        click.echo("No runs.")
    for row in rows:
        reviewed = f" ({row['reviews']} reviews)" if row["reviews"] else ""
        click.echo(f"{row['run_id']}  {row['time']}  {row['org_number']}  {row['decision']:<13}{row['name']}{reviewed}")


RULES_TEXT = (
    "A requirement passes when it has results and all pass; fails when any result fails; "
    "needs review when any result is review or error; is missing when no verifier produced a result."
)


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
        raise BadInput(f"run {state.run_id} has no requirement {requirement!r} (it has {', '.join(state.requirement_ids())})")
    results = state.results_for(requirement)
    final = state.requirement(requirement)
    reviews = state.reviews_of(requirement)
    if as_json:
        click.echo(json.dumps({"run_id": state.run_id, "requirement": requirement, "outcome": final.to_json(),
                               "results": [dict(r) for r in results], "reviews": [r.to_json() for r in reviews]},
                              ensure_ascii=False, indent=2))
        return
    click.echo(f"{requirement} in run {state.run_id} ({state.organisation.get('name')}): {final.outcome}")
    if not results:
        from ..output import missing_text

        click.echo(f"  No verifier produced a result for it, so it is missing: {missing_text(final)}.")
    for result in results:
        click.echo(f"\n  {result['verifier']} {result['version']} (plugin {result['plugin']}), ledger entry {result['index']}: {result['outcome']}")
        click.echo(f"  {result['summary']}")
        for ev in result.get("evidence", []):
            where = f"page {ev['page']}" if ev.get("page") else "document"
            doc = (ev.get("document") or "")[:12]
            rule = f" [{ev['rule']}]" if ev.get("rule") else ""
            click.echo(f"    evidence{rule} {doc} {where}: {ev.get('excerpt', '')}")
        trace = result.get("trace") or []
        if trace:
            click.echo("    rules tried:")
        for step in trace:
            mark = "matched" if step.get("matched") else "no match"
            page = f" p.{step['page']}" if step.get("page") else ""
            words = f" words: {', '.join(step['words'])}" if step.get("words") else ""
            effect = f" -> {step['effect']}" if step.get("effect") and step.get("effect") != "none" else ""
            click.echo(f"      {step.get('rule', '?'):<28}{mark}{page}{effect}{words}")
            if step.get("excerpt") and (step.get("matched") or step.get("page")):
                click.echo(f"          “{step['excerpt']}”")
            if step.get("why"):
                click.echo(f"          {step['why']}")
            if step.get("clause") and step.get("matched") is not None and (step.get("page") or step.get("matched")):
                subject = f"; subject: {step['subject']}" if step.get("subject") else ""
                decided = f"decided by {step['decided_by']}: " if step.get("decided_by") else ""
                click.echo(f"          {decided}clause: “{step['clause']}”{subject}")
    click.echo(f"\n  Why: {RULES_TEXT}")
    for r in reviews:
        click.echo(f"  Review by {r.reviewer} ({r.time}): {r.outcome} — {r.note}")
    if final.reviewed:
        click.echo(f"  The latest review replaces the machine outcome {final.machine_outcome} with {final.outcome}.")
