"""`--lang` before or after the command: `asfverify --lang en run …` and `asfverify run --lang en …`."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from asfverify.cli import COMMANDS, cli

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "vagen-framat"


def _swedish(*args: str):
    return CliRunner().invoke(cli, list(args), env={"ASFVERIFY_LANG": None})


def _every_command() -> list[tuple[str, click.Command]]:
    found = []
    ctx = click.Context(cli)

    def walk(path: str, command: click.Command) -> None:
        found.append((path, command))
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                walk(f"{path} {name}", sub)

    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        assert command is not None
        walk(name, command)
    return found


def test_every_command_and_subcommand_takes_lang() -> None:
    commands = _every_command()
    assert len(commands) > len(COMMANDS)  # the groups' subcommands are covered too
    missing = [path for path, command in commands if not any(p.name == "lang" for p in command.params)]
    assert missing == []


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = tmp_path_factory.mktemp("lang") / "ws"
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(ws)]).exit_code == 0
    assert runner.invoke(cli, ["-w", str(ws), "agreements", "import", str(ROOT / "examples" / "registry.csv")]).exit_code == 0
    return ws


def test_lang_after_the_command(ws: Path) -> None:
    after = _swedish("-w", str(ws), "run", "--lang", "en", str(EXAMPLE))
    assert after.exit_code == 0, after.output
    assert "Decision: certifiable" in after.stdout and "Beslut" not in after.stdout
    # After the arguments too, and in a nested group's subcommand.
    late = _swedish("-w", str(ws), "run", str(EXAMPLE), "--lang=en")
    assert "Decision: certifiable" in late.stdout
    nested = _swedish("-w", str(ws), "ledger", "verify", "--lang", "en")
    assert nested.exit_code == 0 and nested.stdout.startswith("OK: "), nested.output
    # The one given last wins; without any, Swedish.
    both = _swedish("--lang", "en", "-w", str(ws), "run", "--lang", "sv", str(EXAMPLE))
    assert "Beslut: kan certifieras" in both.stdout
    assert "Beslut: kan certifieras" in _swedish("-w", str(ws), "run", str(EXAMPLE)).stdout


def test_lang_after_the_command_words_the_commands_errors(ws: Path) -> None:
    result = _swedish("-w", str(ws), "status", "ffffffffffffffff", "--lang", "en")
    assert result.exit_code == 2 and result.stderr.startswith("Error: ")
    assert _swedish("-w", str(ws), "status", "ffffffffffffffff").stderr.startswith("Fel: ")


@pytest.mark.parametrize("args", [["--lang", "xx", "runs"], ["runs", "--lang", "xx"], ["ledger", "verify", "--lang=de"]])
def test_a_bad_language_is_one_line_and_exit_2(ws: Path, args: list[str]) -> None:
    result = _swedish("-w", str(ws), *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "'--lang'" in lines[0] and "'sv', 'en'" in lines[0], result.stderr
    assert "Traceback" not in result.output


def test_help_of_a_command_lists_lang() -> None:
    result = CliRunner().invoke(cli, ["certify", "--help"])
    assert result.exit_code == 0 and "--lang [sv|en]" in result.stdout
    assert "before or after the command" in result.stdout
