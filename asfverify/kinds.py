"""Document kinds and the options each accepts in application.toml ([[documents]] tables).

A kind says what a document is (`kind = "payroll"`) and which further keys its table may hold
(`columns`, `sheet`, …), each with its type and the one-line message for a wrong value. The core
kinds are defined here; a plugin adds its own through `register_document_kinds(register)`, with
options if it reads any (`register("work-training", "…", options=[DocumentOption("sheet")])`). The
package loader (asfverify.application) only applies these schemas: it knows no kind or option by
name.
"""

from __future__ import annotations

import builtins
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import PackageError
from .i18n import _

# Keys every [[documents]] table may hold, whatever its kind.
BASE_KEYS = frozenset({"path", "kind", "description"})


@dataclass(frozen=True)
class DocumentOption:
    """One key a document kind accepts in its [[documents]] table, and how its value is checked.

    `type` is the TOML value's Python type (str, int, bool, list or dict); `values` the type of each
    item of an array or each value of a table; `keys` the keys a table may hold (anything else is
    "unknown key", naming the allowed ones); `validate` a further check returning False for a bad
    value. `message` is the one-line error for a wrong value (default: "<name> must be a <type>").
    """

    name: str
    type: builtins.type = str
    message: str = ""
    description: str = ""
    values: builtins.type | None = None
    keys: tuple[str, ...] | None = None
    validate: Callable[[Any], bool] | None = None

    def check(self, value: Any, where: str) -> Any:
        """The value as the document's option, or PackageError naming the document and the key."""
        typed = isinstance(value, self.type) and not (self.type is int and isinstance(value, bool))
        if typed and self.values is not None and isinstance(value, list | dict):
            items = value.values() if isinstance(value, dict) else value
            typed = all(isinstance(item, self.values) for item in items)
        if not typed or (self.validate is not None and not self.validate(value)):
            raise PackageError(f"{where}: {self.message or self._default_message()}")
        if self.keys is not None and isinstance(value, dict):
            unknown(value, set(self.keys), f"{where} {self.name}")
        return dict(value) if isinstance(value, dict) else list(value) if isinstance(value, list) else value

    def _default_message(self) -> str:
        if self.type is str:
            return _("{key} must be a string", key=self.name)
        if self.type is int:
            return _("{key} must be an integer", key=self.name)
        if self.type is bool:
            return _("{key} must be true or false", key=self.name)
        if self.type is list:
            return _("{key} must be an array", key=self.name)
        if self.type is dict:
            return _("{key} must be a table", key=self.name)
        return _("{key} must be of type {type}", key=self.name, type=self.type.__name__)


@dataclass(frozen=True)
class DocumentKind:
    """A value of `kind` in application.toml, what it is, and the options its table accepts."""

    name: str
    description: str = ""
    options: tuple[DocumentOption, ...] = field(default_factory=tuple)
    plugin: str = ""  # who registered it ("" for a core kind)
    # A list of employees whose own reader validates and pseudonymises the identifiers (core kinds only):
    # its text is never written to the text cache and personal numbers in it are not masked for it.
    personal_data: bool = False

    @property
    def keys(self) -> frozenset[str]:
        return BASE_KEYS | {option.name for option in self.options}

    def parse_options(self, table: Mapping[str, Any], where: str) -> dict[str, Any]:
        """The document's options (its keys besides path and kind), each checked by its schema."""
        unknown(table, set(self.keys), where)
        found: dict[str, Any] = {}
        if "description" in table:
            found["description"] = DESCRIPTION.check(table["description"], where)
        for option in self.options:
            if option.name in table:
                found[option.name] = option.check(table[option.name], where)
        return found


DESCRIPTION = DocumentOption("description", str, description="a free-text note on the document")


def unknown(keys: Iterable[str], allowed: set[str], where: str) -> None:
    """PackageError for the first key outside `allowed`, listing the allowed ones."""
    extra = sorted(set(keys) - allowed)
    if extra:
        raise PackageError(_("{where}: unknown key {key!r} (allowed: {allowed})",
                             where=where, key=extra[0], allowed=", ".join(sorted(allowed))))


def _list_options() -> tuple[DocumentOption, ...]:
    """What a list read as a table (payroll, subsidy decisions) accepts: a column mapping and a sheet."""
    from .payroll.headers import FIELDS

    return (
        DocumentOption("columns", dict, _("columns must map field names to header strings"), values=str, keys=FIELDS,
                       description="field = header, for headers asfverify does not recognise"),
        DocumentOption("sheet", str, description="the worksheet of an XLSX workbook to read"),
    )


def core_kinds() -> tuple[DocumentKind, ...]:
    """The kinds asfverify itself defines (built per call: messages follow the current language)."""
    lists = _list_options()
    return (
        DocumentKind("bylaws", "stadgar or bolagsordning"),
        DocumentKind("policy", "a board's policy decision"),
        DocumentKind("payroll", "employee list from the payroll system", lists, personal_data=True),
        DocumentKind("subsidy-decisions",
                     "list of Arbetsförmedlingen subsidy decisions (employee id + form), joined to the payroll", lists),
        DocumentKind("collective-agreement", "membership certificate or hängavtal"),
        DocumentKind("other", "anything else"),
    )


def as_kind(kind: str | DocumentKind, description: str = "", options: Sequence[DocumentOption] = (),
            plugin: str = "") -> DocumentKind:
    """A registration (a DocumentKind, or a name with its description and options) as a DocumentKind."""
    if isinstance(kind, DocumentKind):
        return kind
    if not isinstance(kind, str) or not kind:
        raise TypeError(_("a document kind is a non-empty string or a DocumentKind"))
    checked = tuple(options)
    for option in checked:
        if not isinstance(option, DocumentOption):
            raise TypeError(_("option {option!r} of kind {kind!r} is not an asfverify DocumentOption",
                              option=option, kind=kind))
        if option.name in BASE_KEYS:
            raise TypeError(_("option {option!r} of kind {kind!r} is a key every document has",
                              option=option.name, kind=kind))
    return DocumentKind(kind, description, checked, plugin)


@functools.cache
def criteria_kinds(set_id: str = "asf-v1") -> tuple[str, ...]:
    """The kinds the packaged criteria set names as evidence for its requirements.

    They are known even without a plugin that registers them (the bundled examples do, with their
    descriptions): a package made for asf-v1 loads where a certifier turned the examples off
    (ASFVERIFY_PLUGINS), and its requirements then show as missing, with the reason.
    """
    from . import criteria

    named: list[str] = []
    for criterion in criteria.load(set_id).criteria:
        for requirement in criterion.requirements:
            named += [k for k in requirement.document_kinds if k not in named]
    return tuple(named)


def kinds_of_module(module: Any, plugin: str) -> list[DocumentKind]:
    """The kinds a plugin module registers through its register_document_kinds hook (none without one)."""
    hook = getattr(module, "register_document_kinds", None)
    found: list[DocumentKind] = []
    if not callable(hook):
        return found

    def register(kind: str | DocumentKind, description: str = "", options: Sequence[DocumentOption] = ()) -> None:
        found.append(as_kind(kind, description, options, plugin))

    hook(register=register)
    return found


def known_kinds(extra: Iterable[str | DocumentKind] = ()) -> dict[str, DocumentKind]:
    """Every kind a package may list: core, those asf-v1 names, then `extra` (a host's registrations).

    A core kind keeps its own schema; a bare name for a kind already known adds nothing, so a test
    naming a verifier's kinds does not wipe their options.
    """
    kinds = {k.name: k for k in core_kinds()}
    core = set(kinds)
    for kind in [*criteria_kinds(), *extra]:
        if isinstance(kind, str):
            kinds.setdefault(kind, DocumentKind(kind))
        elif kind.name not in core:
            kinds[kind.name] = kind
    return kinds
