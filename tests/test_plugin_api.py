"""The typed plugin API: registered objects are checked against the protocols, the context carries the
agreement sources, and the raw plugin manager keeps working only with a deprecation warning."""

from __future__ import annotations

import datetime as dt
import warnings
from types import SimpleNamespace

import pluggy
import pytest

from asfverify import BaseVerifier, Result, hookimpl, hookspecs, testing
from asfverify.agreements.sources import collect_sources, plugin_sources
from asfverify.errors import BadInput
from asfverify.runner import make_context
from asfverify.verifier import AgreementSource, Verifier


class Union:
    name = "union-list"

    def lookup(self, org_number: str, date: dt.date) -> list[dict]:
        return []


class Registers:
    """A plugin registering one agreement source."""

    __name__ = "registers"

    @hookimpl
    def register_agreement_sources(self, register):
        register(Union())


class Raises:
    __name__ = "raises"

    @hookimpl
    def register_agreement_sources(self, register):
        raise RuntimeError("cannot reach the union")


def test_the_context_carries_the_sources_the_host_collected_with_their_plugin() -> None:
    host = testing.load_test_host(Registers(), Raises())
    assert [(type(s).__name__, info.name) for s, info in host.agreement_sources] == [("Union", "registers")]
    assert any("raises" in w and "cannot reach the union" in w for w in host.warnings)
    context = make_context(None, {}, host)
    assert [s.name for s in context.agreement_sources] == ["union-list"]
    assert all(isinstance(s, AgreementSource) for s in context.agreement_sources)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the current path warns about nothing
        assert [s.name for s in collect_sources(context)] == ["union-list"]


def test_reading_context_plugin_manager_still_works_with_a_deprecation_warning() -> None:
    host = testing.load_test_host(Registers())
    context = make_context(None, {}, host)
    with pytest.warns(DeprecationWarning, match="context.plugin_manager is deprecated"):
        assert context.plugin_manager is host.pm


def test_a_context_with_only_a_plugin_manager_is_attributed_and_isolated_with_a_warning() -> None:
    pm = pluggy.PluginManager("asfverify")
    pm.add_hookspecs(hookspecs)
    pm.register(Raises(), name="raises")
    pm.register(Registers(), name="registers")
    old_style = SimpleNamespace(workspace=None, policy={}, plugin_manager=pm)
    with pytest.warns(DeprecationWarning, match="plugin_manager but no agreement_sources"):
        sources = collect_sources(old_style)
    # The raising plugin no longer aborts the lookup, as calling the hook on the manager did.
    assert [s.name for s in sources] == ["union-list"]
    with pytest.warns(DeprecationWarning, match="context.agreement_sources"):
        assert [s.name for s in plugin_sources(pm)] == ["union-list"]


class NoVerify:
    name = "half"
    version = "1"
    requirements = ("C1.x",)
    document_kinds = ()


class Nameless(BaseVerifier):
    version = "1"
    requirements = ("C1.x",)

    def verify(self, application, context):
        yield Result("C1.x", "pass", "ok")


def _registering(obj: object, hook: str = "register_verifiers") -> object:
    class Plugin:
        __name__ = "faulty-plugin"

    def impl(register):
        register(obj)

    impl.__name__ = hook
    setattr(Plugin, hook, staticmethod(hookimpl(impl)))
    return Plugin()


@pytest.mark.parametrize(
    "obj, needle",
    [
        (NoVerify(), "verifier .* lacks verify\\(\\)"),
        (object(), "verifier .* lacks name, version, requirements, document_kinds"),
        (Nameless(), "a verifier needs a non-empty string name"),
    ],
)
def test_a_registered_verifier_is_checked_against_the_protocol_naming_the_plugin(obj, needle) -> None:
    assert not isinstance(obj, Verifier) or isinstance(obj, Nameless)
    with pytest.raises(BadInput, match=f"^plugin faulty-plugin: {needle}"):
        testing.load_test_host(_registering(obj))


def test_a_registered_agreement_source_is_checked_against_the_protocol() -> None:
    with pytest.raises(BadInput, match="^plugin faulty-plugin: agreement source .* lacks lookup\\(\\)"):
        testing.load_test_host(_registering(SimpleNamespace(name="x"), "register_agreement_sources"))
    with pytest.raises(BadInput, match="lacks name"):
        testing.load_test_host(_registering(SimpleNamespace(lookup=lambda o, d: []), "register_agreement_sources"))
