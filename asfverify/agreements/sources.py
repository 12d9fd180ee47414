"""Agreement sources: the built-in registry, plus any a plugin registers (e.g. a union's public search)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from .model import Agreement

if TYPE_CHECKING:
    from ..workspace import Workspace


@runtime_checkable
class AgreementSource(Protocol):
    """What a plugin registers through `register_agreement_sources(register)`.

    `lookup` returns the employer's agreements it knows of — Agreement objects, or dicts with
    org_number, counterparty, agreement, kind, valid_from, valid_to (optional) and reference (optional).
    Returning expired agreements too lets the verifier say that an agreement has ended.
    """

    name: str

    def lookup(self, org_number: str, date: dt.date) -> Iterable[Agreement | dict[str, Any]]: ...


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


def plugin_sources(plugin_manager: Any) -> list[Any]:
    """The sources plugins register through the `register_agreement_sources` hook."""
    if plugin_manager is None:
        return []
    found: list[Any] = []
    plugin_manager.hook.register_agreement_sources(register=found.append)
    return found


def collect_sources(context: Any, extra: Sequence[Any] = ()) -> list[Any]:
    """The registry (when there is a workspace), then plugin sources, then `extra`."""
    sources: list[Any] = []
    workspace = getattr(context, "workspace", None)
    if workspace is not None:
        sources.append(RegistrySource(workspace))
    # The host collects plugin sources once per run (context.agreement_sources); a bare plugin
    # manager is asked through the hook.
    registered = getattr(context, "agreement_sources", None)
    if registered is not None:
        sources.extend(registered)
    else:
        sources.extend(plugin_sources(getattr(context, "plugin_manager", None)))
    sources.extend(extra)
    return sources


def find_agreements(org_number: str, date: dt.date, context: Any, extra: Sequence[Any] = ()) -> Findings:
    """Ask every source about one employer; a failing source is recorded, never fatal."""
    findings = Findings()
    for source in collect_sources(context, extra):
        name = str(getattr(source, "name", type(source).__name__))
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
    raise TypeError(f"agreement source {source!r} returned {type(item).__name__}, not Agreement or dict")
