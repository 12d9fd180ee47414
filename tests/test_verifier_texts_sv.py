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
    assert "ingen mening träffade; regeln söker: en uttrycklig bestämmelse om förbud mot vinstutdelning" in explained.stdout
    assert "looks for" not in explained.stdout
    # English on request, unchanged.
    english = CliRunner().invoke(cli, ["--lang", "en", "-w", str(workspace), "run", "--jobs", "1", str(package)])
    assert "fails by rule C4.dividend-allowed (page 1" in english.stdout


EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "vagen-framat"


def test_unreadable_payroll_dates_are_explained_in_swedish(workspace: Path, tmp_path: Path) -> None:
    import re
    import shutil

    package = tmp_path / "pkg"
    shutil.copytree(EXAMPLE, package)
    listing = package / "anstallda-2026-10-31.csv"
    text = listing.read_text(encoding="utf-8-sig")
    listing.write_text(re.sub(r"(\d{4})-(\d{2})-(\d{2})", r"\3/\2/\1", text), encoding="utf-8")
    result = _swedish(workspace, "run", "--jobs", "1", str(package))
    assert result.exit_code in (0, 1), result.output
    line = next(x for x in result.stdout.splitlines() if x.split()[:1] == ["C2"])
    # How many rows, what the dates must look like, and how to map another column: in Swedish, on one line.
    assert re.search(r"\d+ av \d+ rader kunde inte läsas, så andelen berättigade anställda den 2026-10-31 är okänd", line), line
    assert "datum läses som ÅÅÅÅ-MM-DD" in line and "mappa dess rubrik med `columns = { hire_date = \"…\" }`" in line
    assert "tvetydigt anställningsdatum" in line or "oläsligt anställningsdatum" in line
    assert "rows could not be read" not in result.stdout and "Ingen i lönelistan" not in line


def test_a_failing_payroll_ratio_is_swedish(workspace: Path, tmp_path: Path) -> None:
    from asfverify.testing import csv_document

    rows = [("Anst.nr", "Anställningsdatum", "Stödform"), ("1", "2024-01-10", "Lönebidrag"),
            ("2", "2024-02-01", ""), ("3", "2024-03-01", "")]
    package = build_package(tmp_path / "pkg", [csv_document("lista.csv", "payroll", rows)])
    result = _swedish(workspace, "run", "--jobs", "1", str(package))
    line = next(x for x in result.stdout.splitlines() if x.split()[:1] == ["C2"])
    assert "UNDERKÄNT" in line and "1 av 3 anställda den" in line and "(33 %) var berättigade till lönestöd vid anställningen; 51 % krävs." in line


def test_a_missing_collective_agreement_is_swedish(workspace: Path, tmp_path: Path) -> None:
    package = build_package(tmp_path / "pkg", [pdf_document("stadgar.pdf", "bylaws", STADGAR)])
    result = _swedish(workspace, "run", "--jobs", "1", str(package))
    line = next(x for x in result.stdout.splitlines() if "C6.agreement" in x.split()[:1])
    assert "Inget kollektivavtal: ingen post i registret för" in line and "och inget avtalsdokument." in line, line


def test_explain_of_the_example_has_no_english_sentence(workspace: Path) -> None:
    import re

    english = re.compile(r"\b(the|is|are|was|were|of|and|no|not|has|have|with|for|by|from|this|which)\b")
    ids = re.compile(r"\b[CQ]\d+(?:\.[\w-]+)?")  # requirement and rule ids are identifiers, not prose
    root = Path(__file__).resolve().parents[1]
    imported = _swedish(workspace, "agreements", "import", str(root / "examples" / "registry.csv"))
    assert imported.exit_code == 0, imported.output
    run = _run_json(workspace, EXAMPLE)
    assert run["decision"] == "certifiable"
    checked = 0
    for requirement in ("C1.purpose", "C2.ratio", "C3.identity", "C3.governance", "C4.bylaws", "C5.democracy", "C6.agreement"):
        explained = _swedish(workspace, "explain", run["run_id"], requirement)
        assert explained.exit_code == 0, explained.output
        for line in explained.stdout.splitlines():
            assert not english.search(ids.sub("", line)), line
            checked += 1
    assert checked > 60  # every rule tried, its excerpt, why, clause and subject


def test_an_english_payroll_summary_reads_in_swedish_later(workspace: Path) -> None:
    english = CliRunner().invoke(cli, ["--lang", "en", "-w", str(workspace), "run", "--json", "--jobs", "1", str(EXAMPLE)])
    run = json.loads(english.stdout)
    status = _swedish(workspace, "status", run["run_id"])
    line = next(x for x in status.stdout.splitlines() if x.split()[:1] == ["C2"])
    assert "8 av 12 anställda den 2026-10-31 (66 %) var berättigade till lönestöd vid anställningen; 51 % krävs." in line
