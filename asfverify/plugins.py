"""The plugin host: built-ins, installed entry points (group `asfverify`) and the workspace plugins/ folder."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy

from . import __version__, hookspecs
from .criteria import Criterion, criterion_from_dict
from .errors import BadInput
from .i18n import _
from .kinds import DocumentKind, DocumentOption, as_kind, core_kinds
from .verifier import AgreementSource, Verifier

GROUP = "asfverify"
ENV_LOAD = "ASFVERIFY_PLUGINS"  # comma list of plugin names to load ("" = none besides the built-ins)
BUILTIN = "asfverify.builtin"
LOCAL_PREFIX = "local:"
BUNDLED_SOURCE = "bundled with asfverify"


@dataclass
class PluginInfo:
    name: str
    version: str
    source: str  # "builtin" | "bundled with asfverify (plugins/x.py)" | "entry point (dist)" | "workspace: path"

    @property
    def bundled(self) -> bool:
        """One of the example plugins shipped inside asfverify (replaced by a plugin of the same verifier name)."""
        return self.source.startswith(BUNDLED_SOURCE)


@dataclass
class RegisteredVerifier:
    verifier: Verifier
    plugin: PluginInfo


@dataclass
class Host:
    """A loaded plugin manager and everything the plugins registered."""

    pm: pluggy.PluginManager
    plugins: dict[str, PluginInfo] = field(default_factory=dict)
    verifiers: list[RegisteredVerifier] = field(default_factory=list)
    criteria: list[Criterion] = field(default_factory=list)
    # The document kinds plugins registered, with the options each accepts (asfverify.kinds).
    kinds: dict[str, DocumentKind] = field(default_factory=dict)
    agreement_sources: list[tuple[AgreementSource, PluginInfo]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def document_kinds(self) -> dict[str, str]:
        """{kind: description} of the kinds plugins registered."""
        return {name: kind.description for name, kind in self.kinds.items()}


def _allowed() -> set[str] | None:
    raw = os.environ.get(ENV_LOAD)
    if raw is None:
        return None
    return {name.strip() for name in raw.split(",") if name.strip()}


def load_module_from_path(path: Path) -> ModuleType:
    """Import a plugin module from a file as the host does: module asfverify_local_plugins.<stem>."""
    name = f"asfverify_local_plugins.{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise BadInput(_("plugin {path}: cannot be loaded", path=path))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        sys.modules.pop(name, None)
        raise BadInput(_("plugin {name}: fails to import: {error_type}: {exc}", name=path.name, error_type=type(exc).__name__, exc=exc)) from None
    return module


def get_plugin_manager(
    plugins_dir: Path | None = None,
    *,
    extra_plugins: Sequence[Any] = (),
    entry_points: bool = True,
    bundled: bool | None = None,
) -> tuple[pluggy.PluginManager, dict[str, PluginInfo]]:
    """A fresh plugin manager with built-ins, allowed entry points, local plugin modules, extra objects
    and the bundled example plugins.

    `extra_plugins` (modules or objects with @hookimpl functions) and `entry_points=False` are for
    tests and embedding: a test can load exactly the plugins it names. `bundled` defaults to
    `entry_points`: the example plugins shipped with asfverify load wherever installed plugins do.
    """
    from . import verifiers as builtin_verifiers

    pm = pluggy.PluginManager(GROUP)
    pm.add_hookspecs(hookspecs)
    infos: dict[str, PluginInfo] = {}
    pm.register(builtin_verifiers, name=BUILTIN)
    infos[BUILTIN] = PluginInfo(BUILTIN, __version__, "builtin")
    allowed = _allowed()

    for ep in importlib.metadata.entry_points(group=GROUP) if entry_points else ():
        if allowed is not None and ep.name not in allowed:
            continue
        if pm.get_plugin(ep.name) is not None or pm.is_blocked(ep.name):
            continue
        try:
            plugin = ep.load()
        except Exception as exc:
            raise BadInput(_("plugin {name}: fails to import: {error_type}: {exc}", name=ep.name, error_type=type(exc).__name__, exc=exc)) from None
        _register(pm, plugin, ep.name)
        dist = ep.dist
        infos[ep.name] = PluginInfo(ep.name, dist.version if dist else "?", f"entry point ({dist.name if dist else '?'})")

    if plugins_dir is not None and plugins_dir.is_dir():
        for path in sorted(plugins_dir.glob("*.py")):
            if path.name.startswith(("_", "test_")):
                continue
            if allowed is not None and path.stem not in allowed:
                continue
            name = LOCAL_PREFIX + path.stem
            module = load_module_from_path(path)
            _register(pm, module, name)
            infos[name] = PluginInfo(name, str(getattr(module, "__version__", "local")), f"workspace: {path}")

    for plugin in extra_plugins:
        name = getattr(plugin, "__name__", None) or type(plugin).__name__
        _register(pm, plugin, name)
        infos[name] = PluginInfo(name, str(getattr(plugin, "__version__", "extra")), "extra")

    if entry_points if bundled is None else bundled:
        _register_bundled(pm, infos, allowed)

    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise BadInput(_("plugin {value}: {exc}", value=pm.get_name(exc.plugin) or exc.plugin, exc=exc)) from None
    return pm, infos


def _register_bundled(pm: pluggy.PluginManager, infos: dict[str, PluginInfo], allowed: set[str] | None) -> None:
    """The example plugins shipped inside asfverify, so that every requirement of asf-v1 is covered.

    They are plugins like any other (ASFVERIFY_PLUGINS selects them by name) and yield to an installed
    or local plugin of the same name; one with the same verifier name replaces them in load_host.
    """
    from .bundled_plugins import BUNDLED

    taken = {name.removeprefix(LOCAL_PREFIX) for name in infos}
    for stem in BUNDLED:
        if (allowed is not None and stem not in allowed) or stem in taken or pm.is_blocked(stem):
            continue
        module = importlib.import_module(f"asfverify.bundled_plugins.{stem}")
        _register(pm, module, stem)
        infos[stem] = PluginInfo(stem, str(getattr(module, "__version__", __version__)), f"{BUNDLED_SOURCE} (plugins/{stem}.py)")


def _register(pm: pluggy.PluginManager, plugin: Any, name: str) -> None:
    try:
        pm.register(plugin, name=name)
    except pluggy.PluginValidationError as exc:
        raise BadInput(_("plugin {name}: {exc}", name=name, exc=exc)) from None
    except ValueError as exc:
        raise BadInput(_("plugin {name}: {exc}", name=name, exc=exc)) from None


def _each_impl(pm: pluggy.PluginManager, hook_name: str):
    """(plugin name, impl) for every implementation of a hook, so each call can be attributed."""
    caller = getattr(pm.hook, hook_name)
    for impl in caller.get_hookimpls():
        yield impl.plugin_name, impl


def _check_verifier(verifier: object, plugin: str) -> Verifier:
    """The verifier, checked against the Verifier protocol; BadInput naming the plugin otherwise."""
    if not isinstance(verifier, Verifier) or not callable(getattr(verifier, "verify", None)):
        missing = [a for a in ("name", "version", "requirements", "document_kinds") if not hasattr(verifier, a)]
        raise BadInput(_("plugin {plugin}: verifier {verifier!r} lacks {value} (see asfverify.verifier.Verifier)",
                         plugin=plugin, verifier=verifier, value=', '.join(missing) or 'verify()'))
    if not verifier.name or not isinstance(verifier.name, str):
        raise BadInput(_("plugin {plugin}: a verifier needs a non-empty string name", plugin=plugin))
    if not verifier.requirements:
        raise BadInput(_("plugin {plugin}: verifier {name} declares no requirements", plugin=plugin, name=verifier.name))
    return verifier


def _check_source(source: object, plugin: str) -> AgreementSource:
    """The agreement source, checked against the AgreementSource protocol."""
    if not isinstance(source, AgreementSource) or not callable(getattr(source, "lookup", None)):
        missing = "name" if not hasattr(source, "name") else "lookup()"
        raise BadInput(_("plugin {plugin}: agreement source {source!r} lacks {missing} (see asfverify.verifier.AgreementSource)",
                         plugin=plugin, source=source, missing=missing))
    return source


def collect_agreement_sources(
    pm: pluggy.PluginManager, infos: dict[str, PluginInfo] | None = None, warnings: list[str] | None = None
) -> list[tuple[AgreementSource, PluginInfo]]:
    """Every agreement source plugins register, each attributed to its plugin; a plugin whose hook
    raises is skipped with a warning, so it cannot stop the others."""
    infos = infos or {}
    found: list[tuple[AgreementSource, PluginInfo]] = []
    for plugin_name, impl in _each_impl(pm, "register_agreement_sources"):
        info = infos.get(plugin_name) or PluginInfo(plugin_name, "?", "registered")

        def register_source(source: object, _info: PluginInfo = info) -> None:
            found.append((_check_source(source, _info.name), _info))

        _call(impl, warnings if warnings is not None else [], plugin_name, register=register_source)
    return found


def load_host(
    plugins_dir: Path | None = None,
    *,
    extra_plugins: Sequence[Any] = (),
    entry_points: bool = True,
    bundled: bool | None = None,
) -> Host:
    """Load plugins and collect what each one registers, recording which plugin registered what."""
    pm, infos = get_plugin_manager(plugins_dir, extra_plugins=extra_plugins, entry_points=entry_points, bundled=bundled)
    host = Host(pm=pm, plugins=infos)
    names: dict[str, str] = {}
    offered: list[tuple[str, list[RegisteredVerifier]]] = []

    for plugin_name, impl in _each_impl(pm, "register_verifiers"):
        info = infos.get(plugin_name) or PluginInfo(plugin_name, "?", "registered")
        mine: list[RegisteredVerifier] = []

        def register(verifier: object, _plugin: str = plugin_name, _info: PluginInfo = info,
                     _mine: list[RegisteredVerifier] = mine) -> None:
            _mine.append(RegisteredVerifier(_check_verifier(verifier, _plugin), _info))

        _call(impl, host.warnings, plugin_name, register=register)
        offered.append((plugin_name, mine))

    # A bundled example yields to any other plugin registering a verifier of the same name (a
    # certifier's edited copy in plugins/, say): the whole bundled plugin is dropped, hooks and all.
    others = {r.verifier.name for name, regs in offered if not infos.get(name, PluginInfo(name, "?", "")).bundled for r in regs}
    for plugin_name, regs in offered:
        info = infos.get(plugin_name)  # type: ignore[assignment]
        if info is not None and info.bundled and any(r.verifier.name in others for r in regs):
            pm.unregister(name=plugin_name)
            del infos[plugin_name]
            continue
        for registered in regs:
            name = registered.verifier.name
            if name in names:
                raise BadInput(_("plugin {plugin_name}: verifier name {name!r} is already used by {names}",
                                 plugin_name=plugin_name, name=name, names=names[name]))
            names[name] = plugin_name
            host.verifiers.append(registered)

    for plugin_name, impl in _each_impl(pm, "register_criteria"):
        def register_criterion(raw: dict[str, Any], _plugin: str = plugin_name) -> None:
            host.criteria.append(criterion_from_dict(raw, _plugin))

        _call(impl, host.warnings, plugin_name, register=register_criterion)

    core = {kind.name for kind in core_kinds()}
    for plugin_name, impl in _each_impl(pm, "register_document_kinds"):
        def register_kind(kind: str | DocumentKind, description: str = "", options: Sequence[DocumentOption] = (),
                          _plugin: str = plugin_name) -> None:
            try:
                registered = as_kind(kind, description or _("added by {plugin}", plugin=_plugin), options, _plugin)
            except TypeError as exc:
                raise BadInput(_("plugin {plugin}: {exc}", plugin=_plugin, exc=exc)) from None
            if registered.personal_data:
                raise BadInput(_("plugin {plugin}: only a built-in document kind may be marked personal_data", plugin=_plugin))
            if registered.name in core:
                if registered.options:
                    raise BadInput(_("plugin {plugin}: document kind {name!r} is built in; its options cannot be changed",
                                     plugin=_plugin, name=registered.name))
                return
            host.kinds[registered.name] = registered

        _call(impl, host.warnings, plugin_name, register=register_kind)

    host.agreement_sources = collect_agreement_sources(pm, infos, host.warnings)
    return host


def _call(impl: Any, warnings: list[str], plugin_name: str, **kwargs: Callable[..., None]) -> None:
    try:
        impl.function(**{k: v for k, v in kwargs.items() if k in impl.argnames})
    except BadInput:
        raise
    except Exception as exc:
        # A plugin that cannot even register must not stop the others; its requirements show as missing.
        warnings.append(_("plugin {plugin}: {hook} raised {error_type}: {error}", plugin=plugin_name, hook=impl.function.__name__,
                          error_type=type(exc).__name__, error=exc))
