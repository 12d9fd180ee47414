"""The run model: one typed view of a run, from aggregation to every renderer.

A fresh run (runner.verify_package) and a recorded one (runs.load_run) are the same `Run`; reviews
are applied in one place (`apply_reviews`); JSON exists only at the edges: `Run.ledger_entries()`
for the ledger, `Run.run_json()` / `Run.status_json()` for `--json`, and `from_json` when reading
the ledger back. Results stay the recorded result records (the JSON objects the ledger signs, with
personal data already scrubbed) because that is what they are everywhere they travel.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from .outcomes import Decision, Outcome

ResultRecord = Mapping[str, Any]


@dataclass(frozen=True)
class Review:
    """A certifier's recorded decision on one requirement (a `review` ledger entry)."""

    requirement: str
    outcome: Outcome
    note: str = ""
    reviewer: str = ""
    time: str = ""
    index: int | None = None

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Review:
        return cls(
            requirement=str(raw.get("requirement")),
            outcome=Outcome(str(raw.get("outcome"))),
            note=raw.get("note") or "",
            reviewer=raw.get("reviewer") or "",
            time=raw.get("time") or "",
            index=raw.get("index"),
        )

    def to_json(self) -> dict[str, Any]:
        return {"requirement": self.requirement, "outcome": self.outcome, "note": self.note,
                "reviewer": self.reviewer, "time": self.time, "index": self.index}


@dataclass(frozen=True)
class RequirementOutcome:
    """One requirement's outcome; `review` is set when a certifier's review replaced the machine's."""

    id: str
    outcome: Outcome
    review: Review | None = None
    machine_outcome: Outcome | None = None
    # Why a `missing` requirement has no result: no-verifier, no-document (with kinds) or no-result.
    missing: str | None = None
    kinds: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> RequirementOutcome:
        """The inverse of to_json (a reviewed requirement keeps its review)."""
        review = machine = None
        if "machine_outcome" in raw:
            review = Review(requirement=str(raw["id"]), outcome=Outcome(raw["outcome"]),
                            note=raw.get("review_note") or "", reviewer=raw.get("reviewed_by") or "",
                            index=raw.get("review_index"))
            machine = Outcome(raw["machine_outcome"])
        return cls(id=str(raw["id"]), outcome=Outcome(raw["outcome"]), review=review, machine_outcome=machine,
                   missing=raw.get("missing"), kinds=tuple(raw.get("kinds") or ()))

    @property
    def reviewed(self) -> bool:
        return self.review is not None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "outcome": self.outcome}
        if self.missing is not None:
            out["missing"] = self.missing
            if self.kinds:
                out["kinds"] = list(self.kinds)
        if self.review is not None:
            out["machine_outcome"] = self.machine_outcome
            out["reviewed_by"] = self.review.reviewer
            out["review_note"] = self.review.note
            out["review_index"] = self.review.index
        return out


@dataclass(frozen=True)
class CriterionOutcome:
    """A criterion's outcome: the worst of its requirements' (DESIGN §3)."""

    id: str
    outcome: Outcome
    requirements: tuple[RequirementOutcome, ...]
    required: bool = True

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> CriterionOutcome:
        return cls(id=str(raw["id"]), outcome=Outcome(raw["outcome"]), required=bool(raw.get("required", True)),
                   requirements=tuple(RequirementOutcome.from_json(r) for r in raw["requirements"]))

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "outcome": self.outcome, "required": self.required,
                "requirements": [r.to_json() for r in self.requirements]}


def apply_reviews(criteria: Iterable[CriterionOutcome], reviews: Iterable[Review]) -> tuple[CriterionOutcome, ...]:
    """The criteria with the latest review of each requirement replacing its machine outcome.

    The one place reviews are applied: `asfverify status`, `report`, `certify` and `runs` all see this.
    """
    from .criteria import criterion_outcome

    latest = {r.requirement: r for r in reviews}
    out = []
    for criterion in criteria:
        requirements = tuple(
            replace(r, outcome=latest[r.id].outcome, review=latest[r.id], machine_outcome=r.outcome)
            if r.id in latest else r
            for r in criterion.requirements
        )
        out.append(replace(criterion, requirements=requirements,
                           outcome=criterion_outcome(r.outcome for r in requirements)))
    return tuple(out)


@dataclass(frozen=True)
class Receipt:
    """Where a fresh run went in the ledger: entries first..last, and the checkpoint after them."""

    first: int
    last: int
    checkpoint: str


@dataclass(frozen=True)
class Run:
    """One run: what was verified, every result, the machine's outcome and the reviews on top of it."""

    run_id: str
    organisation: Mapping[str, Any]
    reference_date: str
    criteria_set: str
    documents: Sequence[Mapping[str, Any]]
    plugins: Sequence[Mapping[str, Any]]
    results: Sequence[ResultRecord]
    machine_criteria: Sequence[CriterionOutcome]
    reviews: Sequence[Review] = ()
    # From the ledger: indexes of the run and decision entries, and the run entry's time.
    run_index: int = -1
    decision_index: int = -1
    time: str = ""
    # The decision the machine recorded (computed from machine_criteria when not given).
    machine_decision: Decision | None = None
    # A fresh run once appended to the ledger.
    receipt: Receipt | None = None
    # application.toml gave no reference_date, so the day of the run was used (shown wherever the date is).
    reference_date_defaulted: bool = False

    def __post_init__(self) -> None:
        # Accept the JSON shapes too (tests and older callers build a run from dicts).
        fix = object.__setattr__
        fix(self, "machine_criteria", tuple(
            c if isinstance(c, CriterionOutcome) else CriterionOutcome.from_json(c) for c in self.machine_criteria))
        fix(self, "reviews", tuple(r if isinstance(r, Review) else Review.from_json(r) for r in self.reviews))
        fix(self, "results", tuple(self.results))
        fix(self, "documents", tuple(self.documents))
        fix(self, "plugins", tuple(self.plugins))
        if self.machine_decision is None:
            from .criteria import decide

            fix(self, "machine_decision", decide(self.machine_criteria))
        else:
            fix(self, "machine_decision", Decision(self.machine_decision))

    @cached_property
    def criteria(self) -> tuple[CriterionOutcome, ...]:
        """Per-criterion outcomes with the latest review of each requirement applied."""
        return apply_reviews(self.machine_criteria, self.reviews)

    @property
    def decision(self) -> Decision:
        from .criteria import decide

        return decide(self.criteria)

    @property
    def application(self) -> dict[str, Any]:
        """The application as `run --json` and the ledger's run entry describe it."""
        return {"organisation": dict(self.organisation), "reference_date": self.reference_date,
                **({"reference_date_defaulted": True} if self.reference_date_defaulted else {}),
                "criteria": self.criteria_set, "documents": [dict(d) for d in self.documents]}

    def requirement_ids(self) -> list[str]:
        return [r.id for c in self.machine_criteria for r in c.requirements]

    def requirement(self, requirement_id: str) -> RequirementOutcome:
        """The requirement's outcome after reviews (KeyError when the run has no such requirement)."""
        for criterion in self.criteria:
            for requirement in criterion.requirements:
                if requirement.id == requirement_id:
                    return requirement
        raise KeyError(requirement_id)

    def open_requirements(self) -> list[str]:
        """Required requirements whose outcome (after reviews) is not pass."""
        return [
            f"{r.id} ({r.outcome})"
            for c in self.criteria
            if c.required
            for r in c.requirements
            if r.outcome != Outcome.PASS
        ]

    def results_for(self, requirement: str) -> list[ResultRecord]:
        return [r for r in self.results if r["requirement"] == requirement]

    def reviews_of(self, requirement: str) -> list[Review]:
        return [r for r in self.reviews if r.requirement == requirement]

    def recorded(self, receipt: Receipt) -> Run:
        return replace(self, receipt=receipt)

    # ------------------------------------------------------------ edges

    def ledger_entries(self, asfverify_version: str) -> list[dict[str, Any]]:
        """The run, each result and the decision, as ledger entries (digests and outcomes only)."""
        entries: list[dict[str, Any]] = [
            {
                "kind": "run",
                "run_id": self.run_id,
                "organisation": dict(self.organisation),
                "reference_date": self.reference_date,
                **({"reference_date_defaulted": True} if self.reference_date_defaulted else {}),
                "criteria": self.criteria_set,
                "documents": [dict(d) for d in self.documents],
                "plugins": [dict(p) for p in self.plugins],
                "asfverify_version": asfverify_version,
            }
        ]
        for result in self.results:
            entries.append({"kind": "result", "run_id": self.run_id, **result})
        entries.append({"kind": "decision", "run_id": self.run_id, "decision": self.machine_decision,
                        "criteria": [c.to_json() for c in self.machine_criteria]})
        return entries

    def run_json(self) -> dict[str, Any]:
        """`run --json` (DESIGN §5): a fresh run, its machine outcome, and where it went in the ledger."""
        out: dict[str, Any] = {
            "run_id": self.run_id,
            "decision": self.decision,
            "application": self.application,
            "criteria": [c.to_json() for c in self.criteria],
            "results": [dict(r) for r in self.results],
        }
        if self.receipt is not None:
            out["ledger"] = {"first": self.receipt.first, "last": self.receipt.last, "checkpoint": self.receipt.checkpoint}
        return out

    def status_json(self) -> dict[str, Any]:
        """`status --json`: a recorded run with its reviews applied."""
        return {
            "run_id": self.run_id,
            "decision": self.decision,
            "machine_decision": self.machine_decision,
            "application": self.application,
            "criteria": [c.to_json() for c in self.criteria],
            "results": [dict(r) for r in self.results],
            "reviews": [r.to_json() for r in self.reviews],
            "ledger": {"run": self.run_index, "decision": self.decision_index},
        }
