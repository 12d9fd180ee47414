"""A recorded run rebuilt from the ledger: its results, decision and the reviews applied on top."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Iterable

from .criteria import criterion_outcome, decide
from .errors import BadInput


@dataclass
class RunState:
    run_id: str
    organisation: dict[str, Any]
    reference_date: str
    criteria_set: str
    documents: list[dict[str, Any]]
    plugins: list[dict[str, Any]]
    results: list[dict[str, Any]]
    machine_criteria: list[dict[str, Any]]
    machine_decision: str
    reviews: list[dict[str, Any]] = field(default_factory=list)
    run_index: int = -1
    decision_index: int = -1
    time: str = ""

    @property
    def criteria(self) -> list[dict[str, Any]]:
        """Per-criterion outcomes with the latest review of each requirement applied."""
        latest = {r["requirement"]: r for r in self.reviews}
        out = copy.deepcopy(self.machine_criteria)
        for criterion in out:
            for requirement in criterion["requirements"]:
                review = latest.get(requirement["id"])
                if review is not None:
                    requirement["machine_outcome"] = requirement["outcome"]
                    requirement["outcome"] = review["outcome"]
                    requirement["reviewed_by"] = review.get("reviewer", "")
                    requirement["review_note"] = review.get("note", "")
                    requirement["review_index"] = review.get("index")
            criterion["outcome"] = criterion_outcome(r["outcome"] for r in criterion["requirements"])
        return out

    @property
    def decision(self) -> str:
        return decide(self.criteria)

    def requirement_ids(self) -> list[str]:
        return [r["id"] for c in self.machine_criteria for r in c["requirements"]]

    def open_requirements(self) -> list[str]:
        """Required requirements whose outcome (after reviews) is not pass."""
        return [
            f"{r['id']} ({r['outcome']})"
            for c in self.criteria
            if c.get("required", True)
            for r in c["requirements"]
            if r["outcome"] != "pass"
        ]

    def results_for(self, requirement: str) -> list[dict[str, Any]]:
        return [r for r in self.results if r["requirement"] == requirement]

    def to_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "decision": self.decision,
            "machine_decision": self.machine_decision,
            "application": {
                "organisation": self.organisation,
                "reference_date": self.reference_date,
                "criteria": self.criteria_set,
                "documents": self.documents,
            },
            "criteria": self.criteria,
            "results": self.results,
            "reviews": self.reviews,
            "ledger": {"run": self.run_index, "decision": self.decision_index},
        }


def resolve_run_id(ledger: Any, given: str) -> str:
    """The full run id for an id or a unique prefix of one (at least 4 characters)."""
    given = given.strip()
    exact = list(ledger.entries(kind="run", run_id=given))
    if exact:
        return given
    if len(given) < 4:
        raise BadInput(f"no run {given!r} in the ledger")
    matches = sorted({e.entry["run_id"] for e in ledger.entries(kind="run") if e.entry["run_id"].startswith(given)})
    if not matches:
        raise BadInput(f"no run {given!r} in the ledger")
    if len(matches) > 1:
        raise BadInput(f"run id prefix {given!r} is ambiguous ({', '.join(matches[:3])}…)")
    return matches[0]


def load_run(ledger: Any, run_id: str) -> RunState:
    """Rebuild a run from its ledger entries; BadInput when it does not exist."""
    run_id = resolve_run_id(ledger, run_id)
    run = decision = None
    results: list[dict[str, Any]] = []
    reviews: list[dict[str, Any]] = []
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
            reviews.append({k: entry.get(k) for k in ("requirement", "outcome", "note", "reviewer", "time")} | {"index": item.index})
    if run is None or decision is None:
        raise BadInput(f"run {run_id} is incomplete in the ledger")
    entry = run[1]
    return RunState(
        run_id=run_id,
        organisation=entry["organisation"],
        reference_date=entry["reference_date"],
        criteria_set=entry["criteria"],
        documents=entry["documents"],
        plugins=entry.get("plugins", []),
        results=results,
        machine_criteria=decision[1]["criteria"],
        machine_decision=decision[1]["decision"],
        reviews=reviews,
        run_index=run[0],
        decision_index=decision[0],
        time=entry.get("time", ""),
    )


def list_runs(ledger: Any, org_number: str | None = None) -> Iterable[RunState]:
    """Every recorded run (optionally of one organisation), oldest first."""
    for item in ledger.entries(kind="run", org_number=org_number):
        yield load_run(ledger, item.entry["run_id"])
