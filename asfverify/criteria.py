"""Criteria sets as data, and the aggregation of results into requirement, criterion and decision outcomes."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import BadInput
from .i18n import _
from .model import CriterionOutcome, RequirementOutcome
from .outcomes import CRITERION_ORDER, Decision, Outcome


@dataclass(frozen=True)
class Requirement:
    id: str
    evidence: str = ""
    document_kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class Criterion:
    id: str
    sv: str
    en: str
    requirements: tuple[Requirement, ...]
    required: bool = True
    source: str = "criteria file"


@dataclass(frozen=True)
class CriteriaSet:
    id: str
    title: str
    criteria: tuple[Criterion, ...]
    policy: Mapping[str, Any] = field(default_factory=dict)
    validity_days: int = 730

    def requirement_ids(self) -> list[str]:
        return [r.id for c in self.criteria for r in c.requirements]

    def with_extra(self, extra: Iterable[Criterion]) -> CriteriaSet:
        known = {c.id for c in self.criteria}
        added = tuple(c for c in extra if c.id not in known)
        return CriteriaSet(self.id, self.title, self.criteria + added, self.policy, self.validity_days)


def _criterion(raw: Mapping[str, Any], where: str, source: str = "criteria file") -> Criterion:
    try:
        requirements = tuple(
            Requirement(id=r["id"], evidence=r.get("evidence", ""), document_kinds=tuple(r.get("document_kinds", ())))
            for r in raw["requirements"]
        )
        return Criterion(
            id=raw["id"],
            sv=raw.get("sv", ""),
            en=raw.get("en", ""),
            requirements=requirements,
            required=bool(raw.get("required", True)),
            source=source,
        )
    except (KeyError, TypeError) as exc:
        raise BadInput(_("{where}: criterion needs 'id' and 'requirements' with ids ({problem})", where=where, problem=exc)) from None


def criterion_from_dict(raw: Mapping[str, Any], source: str) -> Criterion:
    """A criterion a plugin registers through register_criteria."""
    return _criterion(raw, _("plugin {source}", source=source), source)


def parse(text: str, where: str) -> CriteriaSet:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(_("{where}: invalid TOML: {problem}", where=where, problem=exc)) from None
    if "id" not in raw or "criteria" not in raw:
        raise BadInput(_("{where}: a criteria set needs 'id' and [[criteria]]", where=where))
    return CriteriaSet(
        id=raw["id"],
        title=raw.get("title", raw["id"]),
        criteria=tuple(_criterion(c, where) for c in raw["criteria"]),
        policy=raw.get("policy", {}),
        validity_days=int(raw.get("validity_days", 730)),
    )


def load(set_id: str, search: Iterable[Path] = ()) -> CriteriaSet:
    """The criteria set `set_id`: from a workspace criteria folder first, then the package's own."""
    for folder in search:
        candidate = Path(folder) / f"{set_id}.toml"
        if candidate.is_file():
            return parse(candidate.read_text(encoding="utf-8"), str(candidate))
    packaged = resources.files("asfverify") / "data" / f"{set_id}.toml"
    if packaged.is_file():
        return parse(packaged.read_text(encoding="utf-8"), f"asfverify/data/{set_id}.toml")
    raise BadInput(_("unknown criteria set {id!r} (looked in the workspace criteria folder and the package)", id=set_id))


def requirement_outcome(outcomes: Iterable[str]) -> Outcome:
    """pass if results exist and all pass; fail if any fails; review if any is review or error; else missing."""
    seen = list(outcomes)
    if not seen:
        return Outcome.MISSING
    if Outcome.FAIL in seen:
        return Outcome.FAIL
    if Outcome.REVIEW in seen or Outcome.ERROR in seen:
        return Outcome.REVIEW
    return Outcome.PASS


def criterion_outcome(requirement_outcomes: Iterable[str]) -> Outcome:
    seen = set(requirement_outcomes)
    for outcome in CRITERION_ORDER:
        if outcome in seen:
            return outcome
    return Outcome.MISSING


def decide(criteria: Iterable[CriterionOutcome | Mapping[str, Any]]) -> Decision:
    """certifiable if every required criterion passes, rejected if one fails, else needs-review.

    Takes the run model's criteria (or their JSON form, {"outcome", "required"}).
    """
    required = [
        c.outcome if isinstance(c, CriterionOutcome) else c["outcome"]
        for c in criteria
        if (c.required if isinstance(c, CriterionOutcome) else c.get("required", True))
    ]
    if Outcome.FAIL in required:
        return Decision.REJECTED
    if required and all(o == Outcome.PASS for o in required):
        return Decision.CERTIFIABLE
    return Decision.NEEDS_REVIEW


def aggregate(
    criteria_set: CriteriaSet, results: Iterable[Mapping[str, Any]]
) -> tuple[tuple[CriterionOutcome, ...], Decision]:
    """The machine's per-criterion outcomes (with requirements) and decision; reviews come later
    (model.apply_reviews)."""
    by_requirement: dict[str, list[str]] = {}
    for result in results:
        by_requirement.setdefault(result["requirement"], []).append(result["outcome"])
    out = []
    for criterion in criteria_set.criteria:
        requirements = tuple(
            RequirementOutcome(requirement.id, requirement_outcome(by_requirement.get(requirement.id, [])))
            for requirement in criterion.requirements
        )
        out.append(CriterionOutcome(criterion.id, criterion_outcome(r.outcome for r in requirements),
                                    requirements, criterion.required))
    return tuple(out), decide(out)
