"""One version number, read from one place, and a changelog entry for it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from click.testing import CliRunner

import asfverify
from asfverify.cli import cli

ROOT = Path(__file__).resolve().parents[1]


def test_pyproject_reads_the_version_from_the_package() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "asfverify.__version__"}


def test_version_option_and_changelog_agree() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and asfverify.__version__ in result.output
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in changelog
    assert re.search(rf"^## \[{re.escape(asfverify.__version__)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", changelog, re.M)
