"""Running every verifier over an application and aggregating the outcome (no I/O beyond reading)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from . import __version__, application, criteria, resultcheck
from .errors import DocumentError
from .limits import Limits
from .plugins import Host, RegisteredVerifier
from .privacy import scrub_strict
from .verifier import Result
from .workspace import Workspace


@dataclass
class RunContext:
    """What a verifier gets besides the application (asfverify.verifier.Context)."""

    workspace: Workspace | None
    policy: Mapping[str, Any]
    host: Host | None = None
    _key: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)

    @property
    def plugin_manager(self):
        return self.host.pm if self.host else None

    @property
    def agreement_sources(self) -> list[Any]:
        return [source for source, _info in self.host.agreement_sources] if self.host else []

    def pseudonymise(self, value: str) -> str:
        """A keyed pseudonym (HMAC-SHA256 with the workspace secret) for a personal identifier."""
        return hmac.new(self._key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:24]


def make_context(ws: Workspace | None, policy: Mapping[str, Any], host: Host | None) -> RunContext:
    ctx = RunContext(workspace=ws, policy=policy, host=host)
    if ws is not None:
        ctx._key = ws.secret("pseudonym")
    return ctx


def _error(registered: RegisteredVerifier, requirement: str, summary: str) -> Result:
    v = registered.verifier
    return Result(requirement, "error", scrub_strict(summary), verifier=v.name, version=str(v.version), plugin=registered.plugin.name)


def run_verifiers(app: application.Application, host: Host, ctx: RunContext) -> list[dict[str, Any]]:
    """Every applicable verifier's results; one verifier failing becomes `error` results, the rest run."""
    results: list[dict[str, Any]] = []
    for registered in host.verifiers:
        verifier = registered.verifier
        kinds = tuple(verifier.document_kinds)
        if kinds and not app.documents_of(*kinds) and not getattr(verifier, "runs_without_documents", False):
            continue
        declared = set(verifier.requirements)
        try:
            produced = list(verifier.verify(app, ctx) or [])
        except DocumentError as exc:
            produced = [_error(registered, r, f"Document could not be read: {exc}") for r in verifier.requirements]
        except Exception as exc:
            produced = [
                _error(registered, r, f"Verifier {verifier.name} (plugin {registered.plugin.name}) raised {type(exc).__name__}: {exc}")
                for r in verifier.requirements
            ]
        results.extend(_screened(registered, produced, declared))
    return results


def _screened(registered: RegisteredVerifier, produced: list[Any], declared: set[str]) -> list[dict[str, Any]]:
    """Every result through the host's contract check (resultcheck); a violation becomes an error result
    for the requirement concerned (or each declared one), attributed to the plugin, and the run goes on."""
    v = registered.verifier
    who = f"Verifier {v.name} (plugin {registered.plugin.name})"
    out: list[dict[str, Any]] = []
    for result in produced:
        try:
            out.append(resultcheck.screen(result, declared, verifier=v.name, version=str(v.version),
                                          plugin=registered.plugin.name).data)
        except resultcheck.ResultViolation as exc:
            requirement = getattr(result, "requirement", None)
            targets = [requirement] if isinstance(requirement, str) and requirement in declared else sorted(declared)
            out.extend(_error(registered, r, f"{who} broke the result contract: {exc}").to_dict() for r in targets)
    return out


@dataclass
class RunReport:
    """One package's verification, ready to be recorded and printed."""

    run_id: str
    application: dict[str, Any]
    criteria_set: str
    criteria: list[dict[str, Any]]
    decision: str
    results: list[dict[str, Any]]
    plugins: list[dict[str, str]]
    ledger: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        out = {
            "run_id": self.run_id,
            "decision": self.decision,
            "application": self.application,
            "criteria": self.criteria,
            "results": self.results,
        }
        if self.ledger is not None:
            out["ledger"] = self.ledger
        return out

    def ledger_entries(self) -> list[dict[str, Any]]:
        """The run, each result and the decision, as ledger entries (digests and outcomes only)."""
        app = self.application
        entries: list[dict[str, Any]] = [
            {
                "kind": "run",
                "run_id": self.run_id,
                "organisation": app["organisation"],
                "reference_date": app["reference_date"],
                "criteria": self.criteria_set,
                "documents": app["documents"],
                "plugins": self.plugins,
                "asfverify_version": __version__,
            }
        ]
        for result in self.results:
            entries.append({"kind": "result", "run_id": self.run_id, **result})
        entries.append({"kind": "decision", "run_id": self.run_id, "decision": self.decision, "criteria": self.criteria})
        return entries


def explain_missing(outcomes: list[dict[str, Any]], host: Host, app: application.Application) -> None:
    """Say why each missing requirement has no result, so the certifier knows what to do next.

    `missing` is "no-verifier" (install or write a plugin), "no-document" with the document `kinds`
    its verifiers read (add such a document to the package) or "no-result" (a verifier ran and said
    nothing about it).
    """
    kinds_for: dict[str, list[str]] = {}
    for registered in host.verifiers:
        for requirement in registered.verifier.requirements:
            kinds = kinds_for.setdefault(requirement, [])
            kinds.extend(k for k in registered.verifier.document_kinds if k not in kinds)
    for criterion in outcomes:
        for requirement in criterion["requirements"]:
            if requirement["outcome"] != "missing":
                continue
            kinds = kinds_for.get(requirement["id"])
            if kinds is None:
                requirement["missing"] = "no-verifier"
            elif kinds and not app.documents_of(*kinds):
                requirement["missing"] = "no-document"
                requirement["kinds"] = list(kinds)
            else:
                requirement["missing"] = "no-result"


def new_run_id() -> str:
    return uuid.uuid4().hex[:16]


def verify_package(
    source: str | Path,
    *,
    ws: Workspace | None,
    host: Host,
    limits: Limits | None = None,
) -> RunReport:
    """Load, validate and verify one package (PackageError for a bad one); nothing is recorded here."""
    from .textcache import TextCache

    cache = TextCache(ws.root / "cache.db") if ws is not None else None
    with application.load(source, limits=limits, extra_kinds=host.document_kinds, cache=cache) as app:
        search = [ws.criteria_dir] if ws is not None else []
        criteria_set = criteria.load(app.criteria, search).with_extra(host.criteria)
        ctx = make_context(ws, criteria_set.policy, host)
        results = run_verifiers(app, host, ctx)
        outcomes, decision = criteria.aggregate(criteria_set, results)
        explain_missing(outcomes, host, app)
        plugins = [{"name": info.name, "version": info.version} for _name, info in sorted(host.plugins.items())]
        return RunReport(
            run_id=new_run_id(),
            application=app.describe(),
            criteria_set=criteria_set.id,
            criteria=outcomes,
            decision=decision,
            results=results,
            plugins=plugins,
        )
