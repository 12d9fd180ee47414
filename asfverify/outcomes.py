"""The run's vocabulary as types: result and requirement outcomes, and the application's decision.

They are `StrEnum`s, so a member *is* its string: `Outcome.PASS == "pass"`, JSON and the ledger see
the same strings as before, and `click.Choice(Decision.values())` offers exactly these. Each member
carries its labels: `symbol` for the terminal, `sv`/`en` for the evidence report, and
`certificate_sv`/`certificate_en` for the certificate page.
"""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    """A result's outcome (pass, fail, review, error) or a requirement's/criterion's (pass, fail, review, missing)."""

    PASS = "pass"
    FAIL = "fail"
    REVIEW = "review"
    MISSING = "missing"
    ERROR = "error"

    @property
    def symbol(self) -> str:
        """How the terminal output shows it: a failure stands out in capitals."""
        return "FAIL" if self is Outcome.FAIL else self.value

    @property
    def sv(self) -> str:
        return _OUTCOME_LABELS[self][0]

    @property
    def en(self) -> str:
        return _OUTCOME_LABELS[self][1]

    @property
    def certificate_sv(self) -> str:
        return _OUTCOME_CERTIFICATE[self][0]

    @property
    def certificate_en(self) -> str:
        return _OUTCOME_CERTIFICATE[self][1]

    @classmethod
    def values(cls) -> list[str]:
        return [m.value for m in cls]


# Worst first: a criterion takes the first of these that any of its requirements has (DESIGN §3).
CRITERION_ORDER: tuple[Outcome, ...] = (Outcome.FAIL, Outcome.REVIEW, Outcome.MISSING, Outcome.PASS)
# What a certifier's review may set a requirement to.
REVIEW_OUTCOMES: tuple[Outcome, ...] = (Outcome.PASS, Outcome.FAIL)


class Decision(StrEnum):
    """The application's decision: certifiable only when every required criterion passes."""

    CERTIFIABLE = "certifiable"
    NEEDS_REVIEW = "needs-review"
    REJECTED = "rejected"

    @property
    def sv(self) -> str:
        return _DECISION_LABELS[self][0]

    @property
    def en(self) -> str:
        return _DECISION_LABELS[self][1]

    @classmethod
    def values(cls) -> list[str]:
        return [m.value for m in cls]


_OUTCOME_LABELS = {
    Outcome.PASS: ("godkänt", "pass"),
    Outcome.FAIL: ("underkänt", "fail"),
    Outcome.REVIEW: ("granskas", "review"),
    Outcome.MISSING: ("saknas", "missing"),
    Outcome.ERROR: ("fel", "error"),
}
_OUTCOME_CERTIFICATE = {
    Outcome.PASS: ("Uppfyllt", "met"),
    Outcome.FAIL: ("Ej uppfyllt", "not met"),
    Outcome.REVIEW: ("Granskas", "under review"),
    Outcome.MISSING: ("Saknas", "missing"),
    Outcome.ERROR: ("Fel", "error"),
}
_DECISION_LABELS = {
    Decision.CERTIFIABLE: ("kan certifieras", "certifiable"),
    Decision.NEEDS_REVIEW: ("behöver granskning", "needs review"),
    Decision.REJECTED: ("avslås", "rejected"),
}
