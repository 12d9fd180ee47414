"""A plugin host as something another process can load: the specs of every plugin registered in it.

A forked worker inherits the caller's host as it is. A spawned one (Windows; macOS by default) starts
empty, so batch.py sends it `host_specs(host)` — for each plugin the name the host gave it, its
PluginInfo and how to load it again (an importable module, a plugin file, or a pickled object) — and
the worker's `load_specs` registers the same plugins, under the same names, in the same order. A
plugin that cannot be sent this way (an object of a class defined inside a function, say) is refused
with a BadInput naming it, rather than silently left out of the worker's runs.
"""

from __future__ import annotations

import importlib
import importlib.util
import pickle
import types
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .errors import BadInput
from .i18n import _
from .plugins import BUILTIN, GROUP, Host, PluginInfo, load_host

LOCAL_MODULES = "asfverify_local_plugins."  # plugins.load_module_from_path's module names


@dataclass(frozen=True)
class PluginSpec:
    """One registered plugin: its name in the host, its info, and one way to load it again."""

    name: str
    info: PluginInfo
    module: str | None = None  # an importable module
    path: str | None = None  # a plugin file (a workspace's plugins/x.py)
    pickled: bytes | None = None  # an object with @hookimpl methods


def _importable(name: str) -> bool:
    if name == "__main__" or name.startswith(LOCAL_MODULES):
        return False
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _spec(name: str, plugin: Any, info: PluginInfo) -> PluginSpec:
    if isinstance(plugin, types.ModuleType):
        if _importable(plugin.__name__):
            return PluginSpec(name, info, module=plugin.__name__)
        file = getattr(plugin, "__file__", None)
        if file and Path(file).is_file():
            return PluginSpec(name, info, path=str(Path(file).resolve()))
    elif _importable(type(plugin).__module__):
        try:
            return PluginSpec(name, info, pickled=pickle.dumps(plugin))
        except Exception as exc:  # pickle raises several types (PicklingError, TypeError, AttributeError)
            raise BadInput(_("plugin {name} cannot be sent to a worker process started without fork ({reason}); "
                             "use --jobs 1, or make it picklable", name=name,
                             reason=f"{type(exc).__name__}: {exc}")) from None
    raise BadInput(_("plugin {name} cannot be sent to a worker process started without fork (it is defined in "
                     "{where}, which a new process cannot import); use --jobs 1, or put it in a module or a "
                     "plugin file", name=name, where=getattr(plugin, "__module__", None) or type(plugin).__module__))


def host_specs(host: Host) -> tuple[PluginSpec, ...]:
    """Every plugin of the host but the built-ins, in registration order; BadInput for one that cannot be sent."""
    specs = []
    for name, plugin in host.pm.list_name_plugin():
        if plugin is None or name == BUILTIN:  # blocked, or registered by every host anyway
            continue
        info = host.plugins.get(name) or PluginInfo(name, "?", "registered")
        specs.append(_spec(name, plugin, info))
    return tuple(specs)


def _load(spec: PluginSpec) -> Any:
    if spec.module is not None:
        return importlib.import_module(spec.module)
    if spec.path is not None:
        from .plugins import load_module_from_path

        return load_module_from_path(Path(spec.path))
    assert spec.pickled is not None
    return pickle.loads(spec.pickled)  # noqa: S301 - our own parent process pickled it a moment ago


def _named(name: str, version: str, plugin: Any) -> types.SimpleNamespace:
    """The plugin's hook implementations under the name the caller's host gave it (plugins.py names an
    extra plugin by its __name__ or class, which for a plugin file or an entry point differs)."""
    marker = f"{GROUP}_impl"  # what asfverify.hookimpl sets on a hook implementation
    hooks = {attr: getattr(plugin, attr) for attr in dir(plugin) if hasattr(getattr(plugin, attr, None), marker)}
    return types.SimpleNamespace(__name__=name, __version__=version, **hooks)


def load_specs(specs: tuple[PluginSpec, ...]) -> Host:
    """A host with exactly the plugins of `specs` (and the built-ins), each with its original info."""
    host = load_host(None, extra_plugins=[_named(s.name, s.info.version, _load(s)) for s in specs],
                     entry_points=False, bundled=False)
    infos = {s.name: s.info for s in specs}
    host.plugins.update({name: infos[name] for name in host.plugins if name in infos})
    host.verifiers[:] = [replace(r, plugin=infos.get(r.plugin.name, r.plugin)) for r in host.verifiers]
    host.agreement_sources[:] = [(source, infos.get(info.name, info)) for source, info in host.agreement_sources]
    return host
