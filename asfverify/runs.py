"""A recorded run rebuilt from the ledger: its results, decision and the reviews applied on top."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .errors import BadInput
from .i18n import _
from .model import CriterionOutcome, Review, Run

# The old name of a recorded run; it is the one run model now.
RunState = Run


def resolve_run_id(ledger: Any, given: str) -> str:
    """The full run id for an id or a unique prefix of one (at least 4 characters)."""
    given = given.strip()
    exact = list(ledger.entries(kind="run", run_id=given))
    if exact:
        return given
    if len(given) < 4:
        raise BadInput(_("no run {given!r} in the ledger; give the run id or at least {n} of its first characters "
                          "('asfverify runs' lists them)", given=given, n=4))
    matches = sorted({e.entry["run_id"] for e in ledger.entries(kind="run") if e.entry["run_id"].startswith(given)})
    if not matches:
        raise BadInput(_("no run {given!r} in the ledger ('asfverify runs' lists the recorded runs)", given=given))
    if len(matches) > 1:
        raise BadInput(_("run id prefix {given!r} is ambiguous ({matches}…); give more characters",
                         given=given, matches=", ".join(matches[:3])))
    return matches[0]


def load_run(ledger: Any, run_id: str) -> Run:
    """Rebuild a run from its ledger entries; BadInput when it does not exist."""
    run_id = resolve_run_id(ledger, run_id)
    run = decision = None
    results: list[dict[str, Any]] = []
    reviews: list[Review] = []
    for item in ledger.entries(run_id=run_id):
        entry = item.entry
        kind = entry.get("kind")
        if kind == "run":
            run = (item.index, entry)
        elif kind == "result":
            results.append({k: v for k, v in entry.items() if k not in ("kind", "run_id", "time", "actor")} | {"index": item.index})
        elif kind == "decision":
            decision = (item.index, entry)
        elif kind == "review":
            reviews.append(Review.from_json(entry | {"index": item.index}))
    if run is None or decision is None:
        raise BadInput(_("run {run_id} is incomplete in the ledger (run 'asfverify ledger verify')", run_id=run_id))
    entry = run[1]
    return Run(
        run_id=run_id,
        organisation=entry["organisation"],
        reference_date=entry["reference_date"],
        reference_date_defaulted=bool(entry.get("reference_date_defaulted")),
        criteria_set=entry["criteria"],
        documents=entry["documents"],
        plugins=entry.get("plugins", []),
        results=results,
        machine_criteria=tuple(CriterionOutcome.from_json(c) for c in decision[1]["criteria"]),
        machine_decision=decision[1]["decision"],
        reviews=reviews,
        run_index=run[0],
        decision_index=decision[0],
        time=entry.get("time", ""),
    )


def list_runs(ledger: Any, org_number: str | None = None) -> Iterable[Run]:
    """Every recorded run (optionally of one organisation), oldest first."""
    for item in ledger.entries(kind="run", org_number=org_number):
        yield load_run(ledger, item.entry["run_id"])
