"""Every hook is documented in docs/plugins.md with its signature, has a test here, and its example runs.

The test_hook_<name> tests run the hook's example from the docs as a workspace plugin, so the
documentation is tested code (datasette's approach).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pluggy
import pytest
from click.testing import CliRunner

from asfverify import hookspecs, testing
from asfverify.cli import cli
from asfverify.errors import PackageError

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "plugins.md"


def hook_names() -> list[str]:
    pm = pluggy.PluginManager("asfverify")
    pm.add_hookspecs(hookspecs)
    return sorted(name for name in dir(pm.hook) if not name.startswith("_"))


def signature(name: str) -> str:
    pm = pluggy.PluginManager("asfverify")
    pm.add_hookspecs(hookspecs)
    return f"{name}({', '.join(getattr(pm.hook, name).spec.argnames)})"


def example(name: str) -> str:
    """The first python block in the docs section of hook `name`."""
    text = DOCS.read_text(encoding="utf-8")
    start = text.index(f"### {signature(name)}")
    end = text.find("\n### ", start + 1)
    section = text[start: end if end > 0 else len(text)]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, f"no python example for {name} in docs/plugins.md"
    return match.group(1)


def plugins_folder(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / "plugins"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "example.py").write_text(example(name), encoding="utf-8")
    return folder


@pytest.mark.parametrize("name", hook_names())
def test_hook_is_documented_with_its_signature(name: str) -> None:
    assert f"### {signature(name)}" in DOCS.read_text(encoding="utf-8"), f"document {signature(name)} in docs/plugins.md"


@pytest.mark.parametrize("name", hook_names())
def test_hook_has_a_test(name: str) -> None:
    sources = "".join(p.read_text(encoding="utf-8") for p in Path(__file__).parent.glob("test_plugin_*.py"))
    assert f"def test_hook_{name}(" in sources, f"add test_hook_{name} to tests/test_plugin_*.py"


def test_hook_register_verifiers(tmp_path: Path) -> None:
    host = testing.load_test_host(plugins_dir=plugins_folder(tmp_path, "register_verifiers"))
    registered = {r.verifier.name: r.plugin.name for r in host.verifiers}
    assert registered["auditor-signed"] == "local:example"
    package = testing.build_package(tmp_path / "pkg", [
        testing.pdf_document("ar.pdf", "annual-report", "Årsredovisning", "Revisionsberättelse\nVi har granskat årsredovisningen."),
    ])
    report = testing.run_host(package, host)
    result = testing.assert_outcome(report, "C3.market", "pass", evidence="revisionsberättelse", page=2)
    assert result["verifier"] == "auditor-signed" and result["plugin"] == "local:example"


def test_hook_register_criteria(tmp_path: Path) -> None:
    host = testing.load_test_host(plugins_dir=plugins_folder(tmp_path, "register_criteria"))
    assert [c.id for c in host.criteria] == ["Q9"]
    report = testing.run_host(testing.build_package(tmp_path / "pkg"), host)
    q9 = next(c for c in report.criteria if c["id"] == "Q9")
    assert q9 == {"id": "Q9", "outcome": "missing", "required": False, "requirements": [{"id": "Q9.report", "outcome": "missing", "missing": "no-verifier"}]}


def test_hook_register_document_kinds(tmp_path: Path) -> None:
    package = testing.build_package(tmp_path / "pkg", [testing.text_document("impact.txt", "impact-report", "Social nytta 2025")])
    with pytest.raises(PackageError, match="unknown kind 'impact-report'"):
        testing.run_host(package, testing.load_test_host())
    host = testing.load_test_host(plugins_dir=plugins_folder(tmp_path, "register_document_kinds"))
    assert host.document_kinds["impact-report"] == "the organisation's yearly social-impact report"
    report = testing.run_host(package, host)
    assert report.application["documents"][0]["kind"] == "impact-report"


def test_hook_register_agreement_sources(tmp_path: Path) -> None:
    host = testing.load_test_host(plugins_dir=plugins_folder(tmp_path, "register_agreement_sources"))
    assert [source.name for source, _info in host.agreement_sources] == ["example-union"]
    ours = testing.build_package(tmp_path / "ours", org_number="769612-3459")
    testing.assert_outcome(testing.run_host(ours, host), "C6.agreement", "pass")
    theirs = testing.build_package(tmp_path / "theirs", org_number="556987-6542", legal_form="aktiebolag")
    assert testing.results_for(testing.run_host(theirs, host), "C6.agreement")[0]["outcome"] != "pass"


def test_hook_register_commands(tmp_path: Path) -> None:
    code = example("register_commands")
    # The hook itself: the example adds a command to any click group it is given.
    pm = pluggy.PluginManager("asfverify")
    pm.add_hookspecs(hookspecs)
    module = type(pluggy)("example_commands")
    exec(compile(code, "example_commands", "exec"), module.__dict__)
    pm.register(module)
    group = click.Group()
    pm.hook.register_commands(cli=group)
    assert CliRunner().invoke(group, ["hello-plugin", "Anna"]).output == "Hej, Anna!\n"

    # Through asfverify's own command line, from a workspace plugin. A fresh process, because the
    # command line asks plugins for commands once per process.
    ws = tmp_path / "ws"
    assert CliRunner().invoke(cli, ["init", str(ws)]).exit_code == 0
    (ws / "plugins" / "example.py").write_text(code, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASFVERIFY_") or k == "ASFVERIFY_LANG"}
    done = subprocess.run(
        [sys.executable, "-c", "from asfverify.cli import main; main()", "--workspace", str(ws), "hello-plugin", "Anna"],
        capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Hej, Anna!\n"


def test_docs_testing_example_runs(tmp_path: Path) -> None:
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index("## Testing plugins"):]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    namespace = {"__file__": str(ROOT / "plugins" / "tests" / "test_from_docs.py"), "__name__": "docs_example"}
    exec(compile(code, "docs/plugins.md", "exec"), namespace)
    namespace["test_a_dividend_fails_c4"](tmp_path)


def test_docs_cover_loading_packaging_and_conduct() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for needed in (
        "[project.entry-points.asfverify]", "ASFVERIFY_PLUGINS", 'plugins = "plugins"', "asfverify plugin new",
        "No network", "No writing outside its cache", "No personal data", "asfverify.testing", "required = False",
    ):
        assert needed in text, needed


def test_asfverify_plugins_selects_local_plugins_by_stem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = ROOT / "plugins"
    monkeypatch.setenv("ASFVERIFY_PLUGINS", "annual_report")
    names = {r.verifier.name for r in testing.load_test_host(plugins_dir=folder).verifiers}
    assert "annual-report" in names and "work-environment" not in names
    monkeypatch.setenv("ASFVERIFY_PLUGINS", "")
    names = {r.verifier.name for r in testing.load_test_host(plugins_dir=folder).verifiers}
    assert not names & {"annual-report", "work-environment", "work-training"}
    assert "identity" in names  # built-ins always load


def test_a_misspelt_hook_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "typo.py").write_text(
        "from asfverify import hookimpl\n\n@hookimpl\ndef register_verifier(register):\n    pass\n", encoding="utf-8"
    )
    from asfverify.errors import BadInput

    with pytest.raises(BadInput, match="typo"):
        testing.load_test_host(plugins_dir=folder)
