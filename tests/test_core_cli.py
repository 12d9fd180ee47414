"""One way into the workspace, and one source for each command's short help."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
from click.testing import CliRunner

from asfverify.cli import COMMANDS, HELP_LINES, cli

PLUGIN = '''
import click
from asfverify import hookimpl


@hookimpl
def register_commands(cli):
    @cli.command(name="hello-plugin")
    def hello():
        """Say hello from the workspace plugin."""
        click.echo("hi")
'''


def _asfverify(*args: str, cwd: Path, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    # A fresh process: the command line asks plugins for commands once per process.
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASFVERIFY_") or k == "ASFVERIFY_LANG"} | (env_extra or {})
    return subprocess.run([sys.executable, "-c", "from asfverify.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=120, env=env, cwd=cwd)


def test_help_with_a_workspace_lists_its_plugin_commands(workspace: Path, tmp_path: Path) -> None:
    (workspace / "plugins" / "hello.py").write_text(PLUGIN, encoding="utf-8")
    # Before: --help was handled before --workspace was read, so ws's plugins were never asked.
    listed = _asfverify("-w", str(workspace), "--help", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert "hello-plugin  Say hello from the workspace plugin." in listed.stdout
    by_env = _asfverify("--help", cwd=tmp_path, env_extra={"ASFVERIFY_WORKSPACE": str(workspace)})
    assert "hello-plugin" in by_env.stdout
    assert "hello-plugin" not in _asfverify("--help", cwd=tmp_path).stdout


def _listed(output: str) -> dict[str, str]:
    section = output[output.index("Commands:"):].splitlines()[1:]
    rows = {}
    for line in section:
        name, _, text = line.strip().partition(" ")
        rows[name] = " ".join(text.split())
    return rows


def test_every_command_has_one_short_help_and_help_agrees_with_it() -> None:
    assert set(COMMANDS) <= set(HELP_LINES), "every command needs its line in HELP_LINES"
    listed = _listed(CliRunner().invoke(cli, ["--help"], terminal_width=400).output)
    ctx = click.Context(cli)
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        assert command is not None
        # The command carries the same line (a command may not declare a different one).
        assert command.short_help == HELP_LINES[name], name
        assert command.get_short_help_str(400) == HELP_LINES[name]
        assert listed[name] == HELP_LINES[name], name
