"""Shared fixtures: an isolated environment, a fresh workspace, and package/PDF builders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Tests assert English text; Swedish (the default) is tested explicitly (tests/test_i18n.py). Set at
# session start so subprocesses inherit it too.
os.environ["ASFVERIFY_LANG"] = "en"
from click.testing import CliRunner

from asfverify.cli import cli

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never see the developer's workspace, plugin selection or key passphrase."""
    for name in ("ASFVERIFY_WORKSPACE", "ASFVERIFY_PLUGINS", "ASFVERIFY_KEY_PASSPHRASE", "ASFVERIFY_DEBUG"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def workspace(tmp_path: Path, runner: CliRunner) -> Path:
    ws = tmp_path / "ws"
    result = runner.invoke(cli, ["init", str(ws)])
    assert result.exit_code == 0, result.output
    return ws


@pytest.fixture
def invoke(runner: CliRunner, workspace: Path):
    """Run the CLI in the test workspace."""

    def _invoke(*args: str, input: str | None = None):
        return runner.invoke(cli, ["--workspace", str(workspace), *args], input=input)

    return _invoke
