"""The hooks asfverify calls on plugins. Each takes a `register` callback (llm's pattern).

The callbacks are typed with the plugin API's protocols (asfverify.verifier): the host checks what it
is given against them when the plugin loads and names the plugin when something does not fit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import click
from pluggy import HookimplMarker, HookspecMarker

if TYPE_CHECKING:
    from .kinds import DocumentKind, DocumentOption
    from .verifier import AgreementSource, Verifier

hookspec = HookspecMarker("asfverify")
hookimpl = HookimplMarker("asfverify")


class RegisterKind(Protocol):
    """The `register` of register_document_kinds: a kind's name, description and options, or a DocumentKind."""

    def __call__(self, kind: str | DocumentKind, description: str = "", options: Sequence[DocumentOption] = ()) -> None: ...


@hookspec
def register_verifiers(register: Callable[[Verifier], None]) -> None:
    """Register verifier objects (asfverify.verifier.Verifier): register(MyVerifier())."""


@hookspec
def register_criteria(register: Callable[[Mapping[str, Any]], None]) -> None:
    """Add criteria to every criteria set: register({"id": "Q1", "required": False, ...})."""


@hookspec
def register_document_kinds(register: RegisterKind) -> None:
    """Allow further document kinds in application.toml: register("kind", "description", options=[...])."""


@hookspec
def register_agreement_sources(register: Callable[[AgreementSource], None]) -> None:
    """Register collective-agreement sources (asfverify.verifier.AgreementSource): objects with
    .name and .lookup(org_number, date)."""


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add commands to the asfverify command line."""
