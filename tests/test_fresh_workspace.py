"""A certifier's first day: a workspace made by `asfverify init` certifies the bundled example.

The three example plugins (plugins/*.py) ship inside asfverify (asfverify/bundled_plugins/), so no
requirement of asf-v1 is left without a verifier; a copy in the workspace's plugins/ replaces them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from asfverify.cli import cli

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "vagen-framat"
REGISTRY = ROOT / "examples" / "registry.csv"


def _in(ws: Path, *args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, ["--workspace", str(ws), *args], env=env)


def test_bundled_plugins_are_the_example_files() -> None:
    # One source: the bundled modules are the files plugin authors copy, not second copies.
    for stem in ("annual_report", "work_environment", "work_training"):
        bundled = ROOT / "asfverify" / "bundled_plugins" / f"{stem}.py"
        assert bundled.read_bytes() == (ROOT / "plugins" / f"{stem}.py").read_bytes()


def test_every_requirement_is_covered_in_a_fresh_workspace(workspace: Path) -> None:
    result = _in(workspace, "criteria")
    assert result.exit_code == 0, result.output
    assert "NO VERIFIER INSTALLED" not in result.output
    listing = json.loads(_in(workspace, "plugins", "--json").stdout)
    sources = {row["verifier"]: row["source"] for row in listing}
    for verifier in ("annual-report", "work-environment", "work-training"):
        assert sources[verifier].startswith("bundled with asfverify"), sources


def test_fresh_workspace_certifies_the_bundled_example(workspace: Path, tmp_path: Path) -> None:
    assert _in(workspace, "agreements", "import", str(REGISTRY)).exit_code == 0
    result = _in(workspace, "run", "--json", str(EXAMPLE))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["decision"] == "certifiable"
    outcomes = {r["id"]: r["outcome"] for c in data["criteria"] for r in c["requirements"]}
    assert outcomes["C3.market"] == outcomes["C4.accounts"] == outcomes["C6.sam"] == "pass"
    cert = tmp_path / "cert.json"
    issued = _in(workspace, "certify", data["run_id"], "-o", str(cert))
    assert issued.exit_code == 0, issued.output
    checked = _in(workspace, "verify", str(cert), "--trust", str(workspace / "keys" / "ledger.pub"))
    assert checked.exit_code == 0, checked.output


def test_a_local_copy_replaces_the_bundled_plugin(workspace: Path) -> None:
    shutil.copy(ROOT / "plugins" / "annual_report.py", workspace / "plugins" / "my_annual_report.py")
    listing = json.loads(_in(workspace, "plugins", "--json").stdout)
    owners = [row["plugin"] for row in listing if row["verifier"] == "annual-report"]
    assert owners == ["local:my_annual_report"]
    # The other bundled examples stay.
    assert any(row["verifier"] == "work-environment" for row in listing)


def test_asfverify_plugins_selects_bundled_plugins_by_name(workspace: Path) -> None:
    listing = json.loads(_in(workspace, "plugins", "--json", env={"ASFVERIFY_PLUGINS": "work_environment"}).stdout)
    names = {row["verifier"] for row in listing}
    assert "work-environment" in names and "annual-report" not in names


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "no document of kind annual-report in the package"),
        ({"ASFVERIFY_PLUGINS": "work_training,work_environment"}, "no verifier installed for this requirement"),
    ],
)
def test_run_says_why_a_requirement_is_missing(workspace: Path, tmp_path: Path, env, expected) -> None:
    package = tmp_path / "pkg"
    shutil.copytree(EXAMPLE, package)
    manifest = (package / "application.toml").read_text(encoding="utf-8")
    manifest = manifest.replace('[[documents]]\npath = "arsredovisning-2025.pdf"\nkind = "annual-report"\n', "")
    (package / "application.toml").write_text(manifest, encoding="utf-8")
    result = _in(workspace, "run", str(package), env=env)
    assert result.exit_code == 1, result.output
    market = next(line for line in result.stdout.splitlines() if line.strip().startswith("C3.market"))
    assert "missing" in market and expected in market
    data = json.loads(_in(workspace, "run", "--json", str(package), env=env).stdout)
    req = next(r for c in data["criteria"] for r in c["requirements"] if r["id"] == "C3.market")
    assert req["missing"] == ("no-document" if not env else "no-verifier")


def test_a_too_short_run_id_says_the_minimum_prefix(workspace: Path) -> None:
    result = _in(workspace, "status", "1")
    assert result.exit_code == 2 and "at least 4 of its first characters" in result.stderr
    assert "asfverify runs" in result.stderr and result.stderr.count("\n") == 1
