"""`asfverify plugin new NAME`: files from the templates, a test that passes as generated, bad input refused."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from asfverify.cli import cli
from asfverify.commands.plugin import render_plugin


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    assert CliRunner().invoke(cli, ["init", str(root)]).exit_code == 0
    return root


def invoke(ws: Path, *args: str):
    return CliRunner().invoke(cli, ["--workspace", str(ws), *args])


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_writes_module_and_test_into_the_workspace_plugins_folder(ws: Path) -> None:
    result = invoke(ws, "plugin", "new", "board-decision")
    assert result.exit_code == 0, result.output
    assert (ws / "plugins" / "board_decision.py").is_file()
    assert (ws / "plugins" / "tests" / "test_board_decision.py").is_file()
    assert "Wrote" in result.output and "pytest" in result.output


def test_the_generated_plugin_is_listed_by_asfverify_plugins(ws: Path) -> None:
    assert invoke(ws, "plugin", "new", "board-decision").exit_code == 0
    result = invoke(ws, "plugins", "--json")
    assert result.exit_code == 0, result.output
    rows = {row["verifier"]: row for row in json.loads(result.output)}
    assert rows["board-decision"]["requirements"] == ["board-decision.document"]
    assert rows["board-decision"]["plugin"] == "local:board_decision"


@pytest.mark.slow
def test_the_generated_test_passes_as_generated(ws: Path) -> None:
    assert invoke(ws, "plugin", "new", "board_decision").exit_code == 0
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(ws), str(ws / "plugins" / "tests")],
        cwd=ws, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 passed" in done.stdout


@pytest.mark.parametrize("name", ["Bad", "9lives", "two--dashes", "trailing-", "with space", "ä-plugin", "x" * 41, "class", "test-thing", "payroll"])
def test_bad_names_exit_2_and_write_nothing(ws: Path, name: str) -> None:
    before = snapshot(ws / "plugins")
    result = invoke(ws, "plugin", "new", name)
    assert result.exit_code == 2
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    assert snapshot(ws / "plugins") == before


def test_an_existing_plugin_is_not_overwritten_without_force(ws: Path) -> None:
    assert invoke(ws, "plugin", "new", "board-decision").exit_code == 0
    module = ws / "plugins" / "board_decision.py"
    module.write_text("# my edits\n", encoding="utf-8")
    result = invoke(ws, "plugin", "new", "board-decision")
    assert result.exit_code == 2 and "already exists" in result.output and "--force" in result.output
    assert module.read_text(encoding="utf-8") == "# my edits\n"
    assert invoke(ws, "plugin", "new", "board-decision", "--force").exit_code == 0
    assert "class BoardDecisionVerifier" in module.read_text(encoding="utf-8")


def test_an_existing_test_file_alone_also_blocks_and_nothing_is_written(ws: Path) -> None:
    tests = ws / "plugins" / "tests"
    tests.mkdir()
    (tests / "test_board_decision.py").write_text("# keep\n", encoding="utf-8")
    assert invoke(ws, "plugin", "new", "board-decision").exit_code == 2
    assert not (ws / "plugins" / "board_decision.py").exists()


def test_a_workspace_without_a_plugins_folder_is_refused(ws: Path) -> None:
    config = ws / "asfverify.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('plugins = "plugins"', ""), encoding="utf-8")
    result = invoke(ws, "plugin", "new", "board-decision")
    assert result.exit_code == 2 and "names no plugins folder" in result.output
    assert not (ws / "plugins" / "board_decision.py").exists()


def test_no_workspace_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["plugin", "new", "board-decision"])
    assert result.exit_code == 2 and result.output.startswith("Error: ")
    assert not list(tmp_path.iterdir())


def test_help() -> None:
    result = CliRunner().invoke(cli, ["plugin", "new", "--help"])
    assert result.exit_code == 0 and "NAME" in result.output


def test_render_is_valid_python_with_the_names_filled_in() -> None:
    files = render_plugin("board-decision")
    assert set(files) == {"board_decision.py", "tests/test_board_decision.py"}
    for text in files.values():
        compile(text, "generated", "exec")
        assert "${" not in text
    assert 'KIND = "board-decision"' in files["board_decision.py"]
    assert '"required": False' in files["board_decision.py"]
