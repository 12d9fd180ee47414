"""Without fork (Windows, macOS), batch workers are spawned: they load exactly the caller's plugins
from their specs (issue 12 point 5 on every platform), or the batch is refused naming the plugin."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
from test_core_model import StampPlugin

from asfverify import hookimpl, testing
from asfverify.batch import verify_many
from asfverify.errors import BadInput
from asfverify.limits import Limits

LOCAL_PLUGIN = '''
from asfverify import BaseVerifier, Evidence, Result, hookimpl

__version__ = "3.1"


class LocalVerifier(BaseVerifier):
    name = "local-stamp"
    version = "3"
    requirements = ("C1.purpose",)
    document_kinds = ()
    runs_without_documents = True

    def verify(self, application, context):
        yield Result("C1.purpose", "pass", "stamped locally", [Evidence(document=None, page=None, excerpt="x")])


@hookimpl
def register_verifiers(register):
    register(LocalVerifier())
'''


def _signature(outcomes) -> list:
    """What a run records about its plugins and results, per package (the run ids aside)."""
    out = []
    for outcome in outcomes:
        assert outcome.error is None, outcome.error
        run = outcome.report
        out.append((outcome.source, sorted((p["name"], p["version"]) for p in run.plugins),
                    sorted((r["plugin"], r["verifier"], r["requirement"], r["outcome"], r["summary"]) for r in run.results)))
    return sorted(out)


@pytest.fixture()
def spawn_only(monkeypatch):
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])


def test_spawned_workers_run_the_callers_host(tmp_path: Path, spawn_only) -> None:
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "localstamp.py").write_text(LOCAL_PLUGIN, encoding="utf-8")
    host = testing.load_test_host(StampPlugin(), plugins_dir=plugins)
    sources = [str(testing.build_package(tmp_path / f"p{i}")) for i in range(3)]
    serial = _signature(verify_many(sources, ws=None, host=host, limits=Limits(), jobs=1))
    spawned = _signature(verify_many(sources, ws=None, host=host, limits=Limits(), jobs=2))
    assert spawned == serial
    names = {plugin for _source, plugins_, _results in spawned for plugin, _version in plugins_}
    assert {"stamp-plugin", "local:localstamp"} <= names
    results = spawned[0][2]
    assert ("stamp-plugin", "stamp", "C3.market", "pass", "stamped") in results
    assert ("local:localstamp", "local-stamp", "C1.purpose", "pass", "stamped locally") in results


def test_a_plugin_that_cannot_be_sent_is_refused_naming_it(tmp_path: Path, spawn_only) -> None:
    class Unsendable:  # defined inside a function: a new process cannot import it
        __name__ = "unsendable-plugin"

        @hookimpl
        def register_verifiers(self, register):
            pass

    host = testing.load_test_host(Unsendable())
    sources = [str(testing.build_package(tmp_path / f"p{i}")) for i in range(2)]
    with pytest.raises(BadInput, match=r"plugin unsendable-plugin cannot be sent to a worker process .*--jobs 1"):
        list(verify_many(sources, ws=None, host=host, limits=Limits(), jobs=2))
    assert len(list(verify_many(sources, ws=None, host=host, limits=Limits(), jobs=1))) == 2  # one job still runs
