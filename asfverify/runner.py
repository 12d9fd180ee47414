"""Running every verifier over an application and aggregating the outcome (no I/O beyond reading)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import application, criteria, resultcheck
from .errors import DocumentError
from .i18n import _
from .limits import Limits
from .model import CriterionOutcome, RequirementOutcome, Run
from .outcomes import Outcome
from .plugins import Host, RegisteredVerifier
from .privacy import scrub_strict
from .verifier import AgreementSource, Result
from .workspace import Workspace


@dataclass
class RunContext:
    """What a verifier gets besides the application (asfverify.verifier.Context)."""

    workspace: Workspace | None
    policy: Mapping[str, Any]
    host: Host | None = None
    _key: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)

    @property
    def plugin_manager(self) -> Any:
        """Deprecated: the raw plugin manager, which bypasses the host's attribution and isolation."""
        warnings.warn("context.plugin_manager is deprecated and will be removed: use context.agreement_sources "
                      "for agreement sources", DeprecationWarning, stacklevel=2)
        return self.host.pm if self.host else None

    @property
    def agreement_sources(self) -> list[AgreementSource]:
        """The agreement sources plugins registered (collected once, when the host loaded)."""
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
            produced = [_error(registered, r, _("Document could not be read: {error}", error=exc)) for r in verifier.requirements]
        except Exception as exc:
            produced = [
                _error(registered, r, _("Verifier {verifier} (plugin {plugin}) raised {error_type}: {error}", verifier=verifier.name,
                                        plugin=registered.plugin.name, error_type=type(exc).__name__, error=exc))
                for r in verifier.requirements
            ]
        results.extend(_screened(registered, produced, declared))
    return results


def _screened(registered: RegisteredVerifier, produced: list[Any], declared: set[str]) -> list[dict[str, Any]]:
    """Every result through the host's contract check (resultcheck); a violation becomes an error result
    for the requirement concerned (or each declared one), attributed to the plugin, and the run goes on."""
    v = registered.verifier
    out: list[dict[str, Any]] = []
    for result in produced:
        try:
            out.append(resultcheck.screen(result, declared, verifier=v.name, version=str(v.version),
                                          plugin=registered.plugin.name).data)
        except resultcheck.ResultViolation as exc:
            requirement = getattr(result, "requirement", None)
            targets = [requirement] if isinstance(requirement, str) and requirement in declared else sorted(declared)
            summary = _("Verifier {verifier} (plugin {plugin}) broke the result contract: {error}",
                        verifier=v.name, plugin=registered.plugin.name, error=exc)
            out.extend(_error(registered, r, summary).to_dict() for r in targets)
    return out


# The run a package's verification produces is the one run model (asfverify.model.Run).
RunReport = Run


def explain_missing(
    outcomes: Iterable[CriterionOutcome], host: Host, app: application.Application
) -> tuple[CriterionOutcome, ...]:
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

    def explained(requirement: RequirementOutcome) -> RequirementOutcome:
        if requirement.outcome != Outcome.MISSING:
            return requirement
        kinds = kinds_for.get(requirement.id)
        if kinds is None:
            return replace(requirement, missing="no-verifier")
        if kinds and not app.documents_of(*kinds):
            return replace(requirement, missing="no-document", kinds=tuple(kinds))
        return replace(requirement, missing="no-result")

    return tuple(replace(c, requirements=tuple(explained(r) for r in c.requirements)) for c in outcomes)


def new_run_id() -> str:
    return uuid.uuid4().hex[:16]


def verify_package(
    source: str | Path,
    *,
    ws: Workspace | None,
    host: Host,
    limits: Limits | None = None,
) -> Run:
    """Load, validate and verify one package (PackageError for a bad one); nothing is recorded here."""
    from .textcache import TextCache

    cache = TextCache(ws.root / "cache.db") if ws is not None else None
    with application.load(source, limits=limits, extra_kinds=host.kinds.values(), cache=cache) as app:
        search = [ws.criteria_dir] if ws is not None else []
        criteria_set = criteria.load(app.criteria, search).with_extra(host.criteria)
        ctx = make_context(ws, criteria_set.policy, host)
        results = run_verifiers(app, host, ctx)
        outcomes, decision = criteria.aggregate(criteria_set, results)
        plugins = [{"name": info.name, "version": info.version} for _name, info in sorted(host.plugins.items())]
        described = app.describe()
        return Run(
            run_id=new_run_id(),
            organisation=described["organisation"],
            reference_date=described["reference_date"],
            reference_date_defaulted=bool(described.get("reference_date_defaulted")),
            criteria_set=criteria_set.id,
            documents=described["documents"],
            plugins=plugins,
            results=results,
            machine_criteria=explain_missing(outcomes, host, app),
            machine_decision=decision,
        )
