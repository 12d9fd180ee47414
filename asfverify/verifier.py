"""The public API a verifier plugin works with: what it declares, what it sees, what it returns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol, runtime_checkable

if TYPE_CHECKING:
    from .agreements.model import Agreement
    from .workspace import Workspace

OUTCOMES = ("pass", "fail", "review", "error")
EXCERPT_MAX = 300


@dataclass(frozen=True)
class Evidence:
    """Where a result comes from: a document digest, a page (1-based) and a short excerpt."""

    document: str | None = None
    page: int | None = None
    excerpt: str = ""
    rule: str | None = None
    matched: tuple[str, ...] = ()
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"document": self.document, "page": self.page, "excerpt": self.excerpt[:EXCERPT_MAX]}
        if self.rule:
            out["rule"] = self.rule
        if self.matched:
            out["matched"] = list(self.matched)
        if self.note:
            out["note"] = self.note
        return out


@dataclass
class Result:
    """One verifier's outcome for one requirement."""

    requirement: str
    outcome: str
    summary: str
    evidence: list[Evidence] = field(default_factory=list)
    # Integers and strings only (no floats: results are signed as RFC 8785 JSON).
    metrics: dict[str, Any] = field(default_factory=dict)
    # Every rule tried, for `asfverify explain`: [{"rule", "matched", "page", "excerpt", "effect"}].
    trace: list[dict[str, Any]] = field(default_factory=list)
    # Filled in by the host.
    verifier: str = ""
    version: str = ""
    plugin: str = ""

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            from .i18n import _

            raise ValueError(_("outcome must be one of {outcomes}, not {outcome!r}", outcomes=", ".join(OUTCOMES), outcome=self.outcome))

    def to_dict(self) -> dict[str, Any]:
        out = {
            "verifier": self.verifier,
            "version": self.version,
            "plugin": self.plugin,
            "requirement": self.requirement,
            "outcome": self.outcome,
            "summary": self.summary,
            "evidence": [e.to_dict() for e in self.evidence],
            "metrics": dict(self.metrics),
        }
        if self.trace:
            out["trace"] = list(self.trace)
        return out


class Document(Protocol):
    """A read-only view of one submitted document."""

    path: str  # relative to the package
    kind: str
    sha256: str
    size: int
    options: dict[str, Any]  # extra manifest keys, e.g. {"columns": {...}, "sheet": "Blad1"}

    def open(self) -> BinaryIO: ...
    def read_bytes(self) -> bytes: ...
    def pages(self) -> list[str]: ...
    def tables(self) -> list[list[list[str | None]]]: ...
    def tables_with_pages(self) -> list[tuple[int, list[list[str | None]]]]: ...
    def pages_without_text(self) -> list[int]: ...
    @property
    def is_pdf(self) -> bool: ...


@dataclass(frozen=True)
class Organisation:
    name: str
    org_number: str  # NNNNNN-NNNN
    legal_form: str | None = None


class Application(Protocol):
    """A read-only view of the package being verified."""

    @property
    def organisation(self) -> Organisation: ...
    @property
    def reference_date(self) -> dt.date: ...
    @property
    def criteria(self) -> str: ...
    @property
    def documents(self) -> Sequence[Document]: ...

    def documents_of(self, *kinds: str) -> Sequence[Document]: ...


@runtime_checkable
class AgreementSource(Protocol):
    """What a plugin registers through `register_agreement_sources(register)`.

    `lookup` returns the employer's agreements it knows of — Agreement objects, or dicts with
    org_number, counterparty, agreement, kind, valid_from, valid_to (optional) and reference (optional).
    Returning expired agreements too lets the verifier say that an agreement has ended.
    """

    @property
    def name(self) -> str: ...

    def lookup(self, org_number: str, date: dt.date) -> Iterable[Agreement | dict[str, Any]]: ...


class Context(Protocol):
    """What the host offers a verifier besides the application."""

    @property
    def workspace(self) -> Workspace | None: ...
    @property
    def policy(self) -> Mapping[str, Any]:  # the criteria set's [policy] table
        ...
    @property
    def agreement_sources(self) -> Sequence[AgreementSource]:  # what plugins registered, in load order
        ...

    def pseudonymise(self, value: str) -> str: ...


@runtime_checkable
class Verifier(Protocol):
    """A verifier: declares what it decides and what it reads, and returns results."""

    # Read-only members, so a class attribute of a narrower type (requirements = ("C1.x",)) fits.
    @property
    def name(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def requirements(self) -> Sequence[str]: ...
    @property
    def document_kinds(self) -> Sequence[str]: ...

    def verify(self, application: Application, context: Context) -> Iterable[Result]: ...


class BaseVerifier:
    """Convenience base: subclasses set the class attributes and implement verify()."""

    name: str = ""
    version: str = "0"
    requirements: Sequence[str] = ()
    document_kinds: Sequence[str] = ()
    # When True the verifier also runs with no document of its kinds (e.g. a registry lookup).
    runs_without_documents: bool = False

    def verify(self, application: Application, context: Context) -> Iterable[Result]:  # pragma: no cover
        raise NotImplementedError


def excerpt(text: str, start: int, end: int, width: int = 90) -> str:
    """A short one-line excerpt around text[start:end]."""
    lo = max(0, start - width)
    hi = min(len(text), end + width)
    snippet = " ".join(text[lo:hi].split())
    return ("…" if lo > 0 else "") + snippet + ("…" if hi < len(text) else "")
