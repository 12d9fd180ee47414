"""`asfverify example [DIR]`: the bundled example, copied from the installed package into the certifier's folder.

The example is package data (asfverify/examples, a link to the repository's examples/ folder), so a
certifier with only the wheel can run it; scripts/check_wheel.sh does that from a real wheel.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from click.testing import CliRunner

from asfverify.cli import cli
from asfverify.commands.example import SOURCE

ROOT = Path(__file__).resolve().parents[1]


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_package_data_is_the_repository_examples_folder() -> None:
    # One source: asfverify/examples is a link to examples/, not a second copy that could drift.
    link = ROOT / "asfverify" / "examples"
    assert link.is_symlink() and os.readlink(link) == "../examples"
    assert SOURCE.resolve() == (ROOT / "examples").resolve()


def test_example_copies_the_package_and_registry_and_they_certify(tmp_path: Path) -> None:
    runner = CliRunner()
    ws = tmp_path / "ws"
    assert runner.invoke(cli, ["init", str(ws)]).exit_code == 0
    target = tmp_path / "mine"
    copied = runner.invoke(cli, ["-w", str(ws), "example", str(target)], env={"ASFVERIFY_LANG": None})
    assert copied.exit_code == 0, copied.output
    # Swedish by default, and the next commands spelled out with the paths just written.
    assert copied.stdout.startswith("Exemplet kopierat till ")
    assert f"asfverify agreements import {target / 'registry.csv'}" in copied.stdout
    assert f"asfverify run {target / 'vagen-framat'}" in copied.stdout
    assert "asfverify init" not in copied.stdout  # a workspace exists already
    assert _files(target) == _files(ROOT / "examples")
    assert runner.invoke(cli, ["-w", str(ws), "agreements", "import", str(target / "registry.csv")]).exit_code == 0
    result = runner.invoke(cli, ["-w", str(ws), "run", str(target / "vagen-framat")], env={"ASFVERIFY_LANG": None})
    assert result.exit_code == 0, result.output
    assert "Beslut: kan certifieras" in result.stdout


def test_example_json_and_the_init_step_without_a_workspace(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ASFVERIFY_WORKSPACE", raising=False)
    result = CliRunner().invoke(cli, ["example", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["directory"] == "example" and data["packages"] == ["example/vagen-framat"]
    assert data["registry"] == "example/registry.csv" and data["files"] == len(_files(ROOT / "examples"))
    assert data["next"] == ["asfverify init .", "asfverify agreements import example/registry.csv",
                            "asfverify run example/vagen-framat"]
    assert (tmp_path / "example" / "vagen-framat" / "application.toml").is_file()


def test_example_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "ex"
    (target / "vagen-framat").mkdir(parents=True)
    (target / "vagen-framat" / "mine.txt").write_text("the certifier's own", encoding="utf-8")
    result = CliRunner().invoke(cli, ["example", str(target)])
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0 and "vagen-framat already exists" in result.stderr
    assert "asfverify example DIR" in result.stderr
    # Nothing was written: not even the registry beside the folder that blocked the copy.
    assert sorted(p.name for p in target.iterdir()) == ["vagen-framat"]
    assert _files(target) == {"vagen-framat/mine.txt": b"the certifier's own"}


def test_example_into_a_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x", encoding="utf-8")
    result = CliRunner().invoke(cli, ["example", str(target)])
    assert result.exit_code == 2 and "is a file" in result.stderr and result.stderr.count("\n") == 1
    assert target.read_text(encoding="utf-8") == "x"
