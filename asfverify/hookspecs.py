"""The hooks asfverify calls on plugins. Each takes a `register` callback (llm's pattern)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from pluggy import HookimplMarker, HookspecMarker

hookspec = HookspecMarker("asfverify")
hookimpl = HookimplMarker("asfverify")


@hookspec
def register_verifiers(register: Callable[[Any], None]) -> None:
    """Register verifier objects: register(MyVerifier())."""


@hookspec
def register_criteria(register: Callable[[dict[str, Any]], None]) -> None:
    """Add criteria to every criteria set: register({"id": "Q1", "required": False, ...})."""


@hookspec
def register_document_kinds(register: Callable[[str, str], None]) -> None:
    """Allow further document kinds in application.toml: register("kind", "description")."""


@hookspec
def register_agreement_sources(register: Callable[[Any], None]) -> None:
    """Register collective-agreement sources: objects with .name and .lookup(org_number, date)."""


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add commands to the asfverify command line."""
