"""The verifiers' own words in Swedish (the default) through the CLI: bylaws, payroll and agreement texts.

The rest of the suite pins ASFVERIFY_LANG=en and asserts the English; these runs unset it.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from asfverify.cli import cli
from asfverify.testing import build_package, pdf_document

STADGAR = (
    "Stadgar för Testkooperativet ekonomisk förening\n"
    "§ 2 Ändamål. Föreningen har till ändamål att anställa människor med funktionsnedsättning.\n"
    "§ 6 Styrelse. Styrelsen väljs av föreningsstämman.\n"
    "§ 12 Vinstdisposition. Vinstutdelning får ske till medlemmarna.\n"
)


def _swedish(ws: Path, *args: str):
    return CliRunner().invoke(cli, ["-w", str(ws), *args], env={"ASFVERIFY_LANG": None})


def _run_json(ws: Path, package: Path) -> dict:
    result = _swedish(ws, "run", "--json", "--jobs", "1", str(package))
    assert result.exit_code in (0, 1), result.output
    out = json.loads(result.stdout)
    return out[0] if isinstance(out, list) else out


def test_a_failing_bylaws_rule_is_explained_in_swedish(workspace: Path, tmp_path: Path) -> None:
    package = build_package(tmp_path / "pkg", [pdf_document("stadgar.pdf", "bylaws", STADGAR)])
    result = _swedish(workspace, "run", "--jobs", "1", str(package))
    line = next(x for x in result.stdout.splitlines() if x.split()[:1] == ["C4.bylaws"] or "C4.bylaws " in x[:24])
    assert "underkänt enligt regel C4.dividend-allowed (sida 1" in line, line
    assert "en bestämmelse tillåter vinstutdelning (vinstutdelning får ske)" in line
    assert "fails by rule" not in result.stdout
    # explain reads the same rules in Swedish: every rule tried, and the decision's why.
    run = _run_json(workspace, package)
    explained = _swedish(workspace, "explain", run["run_id"], "C4.bylaws")
    assert explained.exit_code == 0, explained.output
    assert "ingen mening träffade; regeln söker en uttrycklig bestämmelse om förbud mot vinstutdelning" in explained.stdout
    assert "looks for" not in explained.stdout
    # English on request, unchanged.
    english = CliRunner().invoke(cli, ["--lang", "en", "-w", str(workspace), "run", "--jobs", "1", str(package)])
    assert "fails by rule C4.dividend-allowed (page 1" in english.stdout
