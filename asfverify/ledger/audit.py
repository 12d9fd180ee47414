"""`asfverify ledger verify` as one list of numbered steps: the ledger as a log (verify.LEDGER_STEPS,
1 to 7), then the register (8 to 10). The first failure ends the run; the report names its step.

    1 keys                    4 checkpoint roots        7 append-only triggers     10 public statements
    2 entries                 5 trusted checkpoints     8 register
    3 checkpoint signatures   6 subtree hashes          9 ledger anchors

Step 5 takes the --checkpoint notes and the latest witnessed checkpoint the workspace kept; step 8
runs the log steps over the register, against its own latest witnessed checkpoint.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..i18n import _
from .verify import LEDGER_STEPS, LogCheck, Skip, StepFailed, StepFunction, StepResult, VerifyReport, report_of, run_steps

if TYPE_CHECKING:
    from .store import Ledger


@dataclass
class Audit:
    """What the steps share: the ledger, its snapshot, and the register once step 8 has opened it."""

    ledger: Ledger
    log: LogCheck
    jobs: int | None = None
    register: Ledger | None = None
    register_report: VerifyReport | None = None
    anchors: int = 0


def _register(audit: Audit) -> str | Skip:
    from ..publish.checks import has_register, verify_register_log

    if not has_register(audit.ledger.db.conn):
        return Skip(_("register: empty (nothing certified or published yet)"))
    audit.register, report = verify_register_log(audit.ledger, audit.jobs)
    audit.register_report = report
    failed = report.failed
    if failed is not None:
        raise StepFailed(_("register: {problem} (its step {number}, {name})",
                           problem=failed.detail, number=failed.number, name=step_label(failed.name)))
    return _("register: {detail}", detail=report.verified())


def _anchors(audit: Audit) -> str | Skip:
    from ..publish.checks import check_anchors

    if audit.register is None:
        return Skip(_("no register"))
    audit.anchors = check_anchors(audit.ledger, audit.register)
    return _("{n} ledger-anchor(s) match the ledger", n=audit.anchors)


def _statements(audit: Audit) -> str | Skip:
    from ..publish.checks import check_statements

    if audit.register is None:
        return Skip(_("no register"))
    check_statements(audit.ledger)
    return _("every public statement has its ledger entry")


def step_label(name: str) -> str:
    """A step's name for a person, in the current language (--json keeps the English name as an identifier)."""
    labels = {
        "keys": _("keys"), "entries": _("entries"), "checkpoint signatures": _("checkpoint signatures"),
        "checkpoint roots": _("checkpoint roots"), "trusted checkpoints": _("trusted checkpoints"),
        "subtree hashes": _("subtree hashes"), "append-only triggers": _("append-only triggers"),
        "register": _("register"), "ledger anchors": _("ledger anchors"), "public statements": _("public statements"),
    }
    return labels.get(name, name)


def _on_log(check: StepFunction) -> StepFunction:
    return lambda audit: check(audit.log)


STEPS: list[tuple[str, StepFunction]] = [
    *((name, _on_log(check)) for name, check in LEDGER_STEPS),
    ("register", _register),
    ("ledger anchors", _anchors),
    ("public statements", _statements),
]


@dataclass(frozen=True)
class AuditReport:
    """Every step of `ledger verify`, and the ledger's own report (counts for the summary line)."""

    ledger: VerifyReport
    steps: list[StepResult]

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.steps)

    @property
    def failed(self) -> StepResult | None:
        return next((s for s in self.steps if not s.ok), None)

    def failure(self) -> str:
        """The one line naming the failed step and why."""
        failed = self.failed
        assert failed is not None
        return _("ledger verification failed at step {number} ({name}): {problem}",
                 number=failed.number, name=step_label(failed.name), problem=failed.detail)

    def register_lines(self) -> list[str]:
        """The register's part of a passing verification (empty, or the log and its anchors)."""
        by_name = {s.name: s for s in self.steps}
        register = by_name["register"]
        if register.status != "OK":
            return [register.detail]
        return [register.detail, _("register: {anchors}; {statements}", anchors=by_name["ledger anchors"].detail,
                                   statements=by_name["public statements"].detail)]

    def lines(self) -> list[str]:
        """What a passing `ledger verify` prints: the ledger's summary, then the register's."""
        return [self.ledger.summary()] + [_("OK: {detail}", detail=line) for line in self.register_lines()]

    def as_json(self) -> dict[str, Any]:
        failed = self.failed
        return {"ok": self.ok, "size": self.ledger.size, "checkpoints": self.ledger.checkpoints,
                "keys": self.ledger.keys, "bad_index": failed.index if failed else None,
                "problem": failed.detail if failed else None,
                "failed_step": {"step": failed.number, "name": failed.name} if failed else None,
                "steps": [s.as_json() for s in self.steps],
                "register": self.register_lines() if failed is None else []}


def audit_ledger(ledger: Ledger, trusted_checkpoints: Sequence[str] = (), jobs: int | None = None) -> AuditReport:
    """Run every step of `ledger verify`; never raises for tampering (the report says which step failed)."""
    from ..keys import public_keys
    from ..publish.checks import witnessed_notes

    # The latest witnessed ledger checkpoint the workspace kept counts as a trusted one (issue 14).
    trusted = list(trusted_checkpoints) + witnessed_notes(ledger.db.conn, "ledger")
    log = LogCheck.read(ledger.db.conn, ledger.origin, public_keys(ledger.ws.keys_dir), trusted, jobs, ledger.tables)
    audit = Audit(ledger, log, jobs)
    steps = run_steps(STEPS, audit)
    return AuditReport(report_of(log, steps[:len(LEDGER_STEPS)]), steps)
