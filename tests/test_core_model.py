"""The run model: one typed run from aggregation to rendering, and batches that keep their host."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from asfverify import hookimpl, testing
from asfverify.batch import verify_many
from asfverify.limits import Limits
from asfverify.model import CriterionOutcome, RequirementOutcome, Review, Run, apply_reviews
from asfverify.outcomes import Decision, Outcome
from asfverify.verifier import BaseVerifier, Evidence, Result


class StampVerifier(BaseVerifier):
    """Passes C3.market for any package: a plugin only this host has."""

    name = "stamp"
    version = "7"
    requirements = ("C3.market",)
    document_kinds = ()
    runs_without_documents = True

    def verify(self, application, context):
        yield Result("C3.market", "pass", "stamped", [Evidence(document=None, page=None, excerpt="stamp")])


class StampPlugin:
    __name__ = "stamp-plugin"

    @hookimpl
    def register_verifiers(self, register):
        register(StampVerifier())


@pytest.mark.parametrize("jobs", [1, 2])
def test_parallel_runs_use_the_host_they_are_given(tmp_path: Path, jobs: int) -> None:
    # Before: workers reloaded plugins from scratch, so the extra plugin vanished at jobs=2.
    host = testing.load_test_host(StampPlugin())
    sources = [str(testing.build_package(tmp_path / f"p{i}")) for i in range(3)]
    outcomes = list(verify_many(sources, ws=None, host=host, limits=Limits(), jobs=jobs))
    assert [o.error for o in outcomes] == [None, None, None]
    for outcome in outcomes:
        assert outcome.report is not None
        stamps = [r for r in outcome.report.results if r["verifier"] == "stamp"]
        assert [(r["plugin"], r["summary"]) for r in stamps] == [("stamp-plugin", "stamped")]


def _criteria() -> tuple[CriterionOutcome, ...]:
    return (
        CriterionOutcome("C1", Outcome.PASS, (RequirementOutcome("C1.purpose", Outcome.PASS),)),
        CriterionOutcome("C6", Outcome.REVIEW, (RequirementOutcome("C6.agreement", Outcome.PASS),
                                                RequirementOutcome("C6.sam", Outcome.REVIEW))),
        CriterionOutcome("Q1", Outcome.FAIL, (RequirementOutcome("Q1.plan", Outcome.FAIL),), required=False),
    )


def test_reviews_apply_in_one_place_and_the_latest_wins() -> None:
    reviews = [Review("C6.sam", Outcome.FAIL, "first", "Anna", index=9), Review("C6.sam", Outcome.PASS, "then", "Bo", index=10)]
    criteria = apply_reviews(_criteria(), reviews)
    sam = criteria[1].requirements[1]
    assert (sam.outcome, sam.machine_outcome, sam.review.reviewer) == (Outcome.PASS, Outcome.REVIEW, "Bo")
    assert criteria[1].outcome == Outcome.PASS
    assert sam.to_json() == {"id": "C6.sam", "outcome": "pass", "machine_outcome": "review", "reviewed_by": "Bo",
                             "review_note": "then", "review_index": 10}
    # JSON round trip, as the ledger's decision entry and status --json carry it.
    assert RequirementOutcome.from_json(sam.to_json()) == sam
    assert CriterionOutcome.from_json(criteria[0].to_json()) == criteria[0]


def test_a_run_is_one_frozen_view_with_its_reviews_applied() -> None:
    run = Run(run_id="r1", organisation={"name": "X", "org_number": "769612-3459"}, reference_date="2026-10-31",
              criteria_set="asf-v1", documents=[], plugins=[], results=[], machine_criteria=_criteria())
    assert run.machine_decision == Decision.NEEDS_REVIEW == run.decision  # Q1 is informative
    reviewed = dataclasses.replace(run, reviews=(Review("C6.sam", Outcome.PASS, "ok", "Bo"),))
    assert reviewed.decision == Decision.CERTIFIABLE and reviewed.machine_decision == Decision.NEEDS_REVIEW
    assert reviewed.open_requirements() == [] and run.open_requirements() == ["C6.sam (review)"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        run.run_id = "other"  # type: ignore[misc]
    # The decision entry records the machine's view; reviews are their own entries.
    entries = reviewed.ledger_entries("0")
    assert entries[-1]["decision"] == "needs-review"
    assert entries[-1]["criteria"][1]["requirements"][1] == {"id": "C6.sam", "outcome": "review"}
