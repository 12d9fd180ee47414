"""asfverify.testing: the helpers plugin authors build their tests on."""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from pathlib import Path

import pytest

from asfverify import BaseVerifier, Evidence, Result, hookimpl, testing


class EchoVerifier(BaseVerifier):
    """Passes C3.market with the first line of each annual report."""

    name = "echo"
    version = "1"
    requirements = ("C3.market",)
    document_kinds = ("annual-report",)

    def verify(self, application, context):
        for doc in application.documents_of("annual-report"):
            pages = doc.pages()
            yield Result("C3.market", "pass", "echo", [Evidence(document=doc.sha256, page=1, excerpt=pages[0].splitlines()[0])], {"pages": len(pages)})


def test_build_package_writes_a_valid_manifest_and_documents(tmp_path: Path) -> None:
    package = testing.build_package(
        tmp_path,
        [
            testing.pdf_document("a/ar.pdf", "annual-report", "Årsredovisning för Åkes ö-café", "Sida två"),
            testing.csv_document("lista.csv", "payroll", [["Anst.nr", "Anställd från"], ["1", "2020-01-01"]], columns={"employee": "Anst.nr"}),
            testing.text_document("not.txt", "other", 'Citat "så" här'),
        ],
        name='Föreningen "Citat" ek. för.',
        reference_date=dt.date(2026, 6, 30),
        legal_form=None,
    )
    manifest = tomllib.loads((package / "application.toml").read_text(encoding="utf-8"))
    assert manifest["organisation"]["name"] == 'Föreningen "Citat" ek. för.'
    assert "legal_form" not in manifest["organisation"]
    assert manifest["documents"][1]["columns"] == {"employee": "Anst.nr"}
    with testing.open_application(package) as app:
        assert app.reference_date == dt.date(2026, 6, 30)
        pages = app.documents_of("annual-report")[0].pages()
        assert len(pages) == 2 and "Åkes ö-café" in pages[0]
        assert app.documents_of("payroll")[0].read_bytes().startswith(b"Anst.nr;")


def test_scanned_document_has_no_text_layer(tmp_path: Path) -> None:
    package = testing.build_package(tmp_path, [testing.scanned_document("scan.pdf", "bylaws", pages=3)])
    with testing.open_application(package) as app:
        assert app.documents[0].pages_without_text() == [1, 2, 3]


def test_run_verifier_and_assert_outcome(tmp_path: Path) -> None:
    package = testing.build_package(tmp_path, [testing.pdf_document("ar.pdf", "annual-report", "Nettoomsättning 100")])
    results = testing.run_verifier(EchoVerifier, package)
    with testing.open_application(package) as app:
        sha = app.documents[0].sha256
    result = testing.assert_outcome(results, "C3.market", "pass", summary="ECHO", evidence="nettoomsättning", page=1, document=sha)
    assert result["verifier"] == "echo" and result["metrics"] == {"pages": 1}
    with pytest.raises(AssertionError, match="expected fail"):
        testing.assert_outcome(results, "C3.market", "fail")
    with pytest.raises(AssertionError, match="no evidence"):
        testing.assert_outcome(results, "C3.market", "pass", evidence="something else")
    with pytest.raises(AssertionError, match="expected one result"):
        testing.assert_outcome(results, "C4.accounts", "pass")


def test_assert_outcome_refuses_float_metrics() -> None:
    with pytest.raises(AssertionError, match="not an integer or string"):
        testing.assert_outcome([Result("C3.market", "pass", "x", metrics={"share": 0.5})], "C3.market", "pass")


def test_run_verifier_refuses_an_undeclared_requirement(tmp_path: Path) -> None:
    class Wrong(EchoVerifier):
        def verify(self, application, context):
            yield Result("C4.accounts", "pass", "not mine")

    package = testing.build_package(tmp_path, [testing.text_document("ar.txt", "annual-report", "x")])
    with pytest.raises(AssertionError, match="undeclared requirement"):
        testing.run_verifier(Wrong(), package)


def test_run_verifier_accepts_the_verifiers_own_new_kind(tmp_path: Path) -> None:
    class Custom(EchoVerifier):
        document_kinds = ("my-kind",)

        def verify(self, application, context):
            yield Result("C3.market", "pass", str(len(application.documents_of("my-kind"))))

    package = testing.build_package(tmp_path, [testing.text_document("m.txt", "my-kind", "x")])
    assert testing.run_verifier(Custom(), package)[0].summary == "1"


def test_load_test_host_registers_plugin_objects_for_that_host_only(tmp_path: Path) -> None:
    class EchoPlugin:
        __name__ = "echo-plugin"

        @hookimpl
        def register_verifiers(self, register):
            register(EchoVerifier())

    host = testing.load_test_host(EchoPlugin())
    assert {r.verifier.name: r.plugin.name for r in host.verifiers}["echo"] == "echo-plugin"
    assert "echo" not in {r.verifier.name for r in testing.load_test_host().verifiers}
    package = testing.build_package(tmp_path, [testing.text_document("ar.txt", "annual-report", "Årsredovisning")])
    report = testing.run_host(package, host)
    testing.assert_outcome(report, "C3.market", "pass", evidence="Årsredovisning")
    assert report.decision in {"needs-review", "rejected"}


def test_load_plugin_imports_like_the_host(tmp_path: Path) -> None:
    path = tmp_path / "mine.py"
    path.write_text("__version__ = '2.0'\n", encoding="utf-8")
    module = testing.load_plugin(path)
    assert module.__name__ == "asfverify_local_plugins.mine" and module.__version__ == "2.0"


def test_load_test_host_leaves_out_installed_plugins_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.metadata
    import sys
    import types

    from asfverify import plugins as host_module

    fake = types.ModuleType("fake_installed_plugin")

    class Installed(EchoVerifier):
        name = "installed-echo"

    fake.register_verifiers = hookimpl(lambda register: register(Installed()))
    monkeypatch.setitem(sys.modules, "fake_installed_plugin", fake)
    entry_point = importlib.metadata.EntryPoint("fake", "fake_installed_plugin", "asfverify")
    monkeypatch.setattr(host_module.importlib.metadata, "entry_points", lambda group=None: [entry_point])

    assert "installed-echo" not in {r.verifier.name for r in testing.load_test_host().verifiers}
    assert "installed-echo" in {r.verifier.name for r in testing.load_test_host(installed=True).verifiers}
    monkeypatch.setenv("ASFVERIFY_PLUGINS", "fake")  # an explicit selection is respected
    assert "installed-echo" in {r.verifier.name for r in testing.load_test_host().verifiers}
    monkeypatch.delenv("ASFVERIFY_PLUGINS")
    testing.load_test_host()
    assert "ASFVERIFY_PLUGINS" not in os.environ  # restored after loading
