"""Agreement sources: the built-in registry, plus any a plugin registers (e.g. a union's public search)."""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ..i18n import _
from ..verifier import AgreementSource, Context
from .model import Agreement

if TYPE_CHECKING:
    from ..workspace import Workspace


class RegistrySource:
    """The workspace's own registry (`asfverify agreements import`)."""

    name = "registry"

    def __init__(self, workspace: Workspace):
        self.workspace = workspace

    def lookup(self, org_number: str, date: dt.date) -> list[Agreement]:
        """All registry entries of the employer, whatever their dates (the verifier judges validity)."""
        from .registry import lookup

        db = self.workspace.db()
        try:
            return lookup(db, org_number)
        finally:
            db.close()


@dataclass
class Findings:
    """What every source said about one employer: agreements found and sources that failed."""

    agreements: list[Agreement] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (source name, one-line reason)
    sources: list[str] = field(default_factory=list)


def plugin_sources(plugin_manager: Any) -> list[AgreementSource]:
    """Deprecated: the sources plugins register, asked of a bare plugin manager.

    The host collects them once per load, attributed and isolated (`Host.agreement_sources`,
    `Context.agreement_sources`); this remains for callers written before that.
    """
    warnings.warn(
        "asking a plugin manager for agreement sources is deprecated: use context.agreement_sources "
        "(asfverify.plugins.load_host collects them)", DeprecationWarning, stacklevel=2)
    return _sources_of(plugin_manager)


def _sources_of(plugin_manager: Any) -> list[AgreementSource]:
    if plugin_manager is None:
        return []
    from ..plugins import collect_agreement_sources

    return [source for source, _info in collect_agreement_sources(plugin_manager)]


def collect_sources(context: Context, extra: Sequence[AgreementSource] = ()) -> list[AgreementSource]:
    """The registry (when there is a workspace), then the sources plugins registered, then `extra`."""
    sources: list[AgreementSource] = []
    if context.workspace is not None:
        sources.append(RegistrySource(context.workspace))
    try:
        sources.extend(context.agreement_sources)
    except AttributeError:
        # A context written before Context.agreement_sources, carrying the raw plugin manager
        # (deprecated): its sources are collected as the host would, attributed and isolated.
        plugin_manager = getattr(context, "plugin_manager", None)
        if plugin_manager is not None:
            warnings.warn(
                "a context with plugin_manager but no agreement_sources is deprecated: give the context "
                "agreement_sources (asfverify.runner.make_context does)", DeprecationWarning, stacklevel=3)
        sources.extend(_sources_of(plugin_manager))
    sources.extend(extra)
    return sources


def find_agreements(org_number: str, date: dt.date, context: Context, extra: Sequence[AgreementSource] = ()) -> Findings:
    """Ask every source about one employer; a failing source is recorded, never fatal."""
    findings = Findings()
    for source in collect_sources(context, extra):
        name = str(source.name)
        findings.sources.append(name)
        try:
            for item in source.lookup(org_number, date) or ():
                agreement = _as_agreement(item, name)
                # Each hit records which source gave it; a source may only speak about this employer.
                if agreement.org_number == org_number:
                    findings.agreements.append(agreement)
        except Exception as exc:  # a plugin's bug or an unreachable service: report, carry on
            findings.errors.append((name, f"{type(exc).__name__}: {exc}".splitlines()[0][:200]))
    return findings


def _as_agreement(item: Any, source: str) -> Agreement:
    if isinstance(item, Agreement):
        return item if item.source == source else replace(item, source=source)
    if isinstance(item, dict):
        return Agreement.from_mapping(item, source=source)
    raise TypeError(_("agreement source {source!r} returned {error_type}, not Agreement or dict", source=source,
                      error_type=type(item).__name__))
