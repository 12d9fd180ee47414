"""Swedish by default (issue 18 point 3) for the witness, the published site's monitor, and the
hostile-input guards: each message through the CLI, with ASFVERIFY_LANG unset as a certifier has it."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from asfverify.cli import cli


def _swedish(*args: str):
    return CliRunner().invoke(cli, list(args), env={"ASFVERIFY_LANG": None})


def _english(*args: str):
    return CliRunner().invoke(cli, list(args), env={"ASFVERIFY_LANG": "en"})


def _one_line(result) -> str:
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    return lines[0]


def test_a_bad_policy_file_is_refused_in_swedish_naming_the_line(tmp_path: Path) -> None:
    policy = tmp_path / "witness-policy.txt"
    policy.write_text("witness W1 nonsense\nquorum W1\n")
    result = _swedish("monitor", str(tmp_path / "site"), "--policy", str(policy))
    assert result.exit_code == 2
    line = _one_line(result)
    assert f"policyn {policy} rad 1: vittnesnyckel:" in line, line
    english = _english("monitor", str(tmp_path / "site"), "--policy", str(policy))
    assert english.exit_code == 2 and f"policy {policy} line 1: witness key:" in _one_line(english)

    policy.write_text("quorum W9\n")
    line = _one_line(_swedish("monitor", str(tmp_path / "site"), "--policy", str(policy)))
    assert "rad 1: kvorumet 'W9' är inte definierat på en tidigare rad" in line, line
    line = _one_line(_swedish("monitor", str(tmp_path / "site"), "--policy", str(tmp_path / "missing.txt")))
    assert "kan inte läsas" in line, line


def test_witness_init_refuses_an_existing_witness_in_swedish(tmp_path: Path) -> None:
    folder = tmp_path / "w"
    assert _swedish("witness", "init", str(folder), "--name", "witness.example/w1").exit_code == 0
    again = _swedish("witness", "init", str(folder), "--name", "witness.example/w1")
    assert again.exit_code == 2
    assert "innehåller redan ett vittne; dess nyckel skrivs inte över" in _one_line(again)
