"""The commands' own words in Swedish (the default language), through the CLI.

The rest of the suite pins ASFVERIFY_LANG=en (conftest.py); these tests unset it, so they read what a
certifier reads on a fresh machine. `--json` output keeps its codes in every language.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from asfverify.cli import cli

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "vagen-framat"


def sv(*args: str) -> Result:
    """The CLI in the default language (ASFVERIFY_LANG unset)."""
    return CliRunner().invoke(cli, list(args), env={"ASFVERIFY_LANG": None})


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = tmp_path_factory.mktemp("sv-cli") / "ws"
    init = sv("init", str(ws), "--certifier", "Certifieringsorganet AB", "--org-number", "556677-8899",
              "--publish-prefix", "https://certifier.example/asf")
    assert init.exit_code == 0, init.output
    return ws


@pytest.fixture(scope="module")
def run_id(ws: Path) -> str:
    # Without the agreement registry C6.agreement needs review: the certifier decides it.
    result = sv("-w", str(ws), "run", "--json", str(EXAMPLE))
    data = json.loads(result.stdout)
    assert data["decision"] == "needs-review"
    return data["run_id"]


def test_status_after_a_review_leads_with_the_decision_in_swedish(ws: Path, run_id: str) -> None:
    review = sv("-w", str(ws), "review", run_id, "C6.agreement", "--pass", "--note", "Avtalet kontrollerat hos Fremia")
    assert review.exit_code == 0, review.output
    assert f"Granskning av C6.agreement i körning {run_id} registrerad: godkänt (liggarpost" in review.stdout
    assert "Beslut nu: kan certifieras" in review.stdout
    status = sv("-w", str(ws), "status", run_id)
    assert status.exit_code == 0, status.output
    line = next(x for x in status.stdout.splitlines() if x.strip().startswith("C6.agreement"))
    assert "Beslutat av Certifieringsorganet AB" in line and "Ersatt maskinbedömning (granskas)" in line
    assert "granskning: C6.agreement godkänt av Certifieringsorganet AB" in status.stdout
    assert "\nBeslut: kan certifieras\n" in status.stdout
    # The same in English, and --json keeps the codes.
    en = sv("--lang", "en", "-w", str(ws), "status", run_id)
    assert "review: C6.agreement pass by Certifieringsorganet AB" in en.stdout
    assert json.loads(sv("-w", str(ws), "status", "--json", run_id).stdout)["decision"] == "certifiable"


def test_runs_and_explain_speak_swedish(ws: Path, run_id: str) -> None:
    runs = sv("-w", str(ws), "runs")
    assert run_id in runs.stdout and "kan certifieras" in runs.stdout and "(1 granskning)" in runs.stdout
    explain = sv("-w", str(ws), "explain", run_id, "C6.sam")
    assert explain.exit_code == 0, explain.output
    assert "(insticksmodul work_environment), liggarpost" in explain.stdout
    assert "Varför: Ett krav är godkänt när det har resultat och alla är godkända" in explain.stdout


def test_errors_start_with_fel_and_name_the_fix(ws: Path, run_id: str) -> None:
    short = sv("-w", str(ws), "status", run_id[:2])
    assert short.exit_code == 2
    assert short.stderr == (f"Fel: ingen körning '{run_id[:2]}' i liggaren; ange körningens id eller minst 4 av dess "
                            "första tecken ('asfverify runs' listar dem)\n")
    unknown = sv("-w", str(ws), "review", run_id, "C9.nothing", "--pass", "--note", "x")
    assert unknown.exit_code == 2 and unknown.stderr.startswith(f"Fel: körning {run_id} har inget krav 'C9.nothing'")
    both = sv("-w", str(ws), "review", run_id, "C1.purpose", "--pass", "--fail", "--note", "x")
    assert both.exit_code == 2
    assert both.stderr == "Fel: --pass och --fail utesluter varandra; ange ett av dem (se 'cli review --help')\n"
    typo = sv("stauts")
    assert typo.exit_code == 2 and typo.stderr.startswith("Fel: Kommandot 'stauts' finns inte. Menade du 'status'?")


def test_the_batch_summary_is_swedish(ws: Path, tmp_path: Path) -> None:
    import shutil

    for name in ("a", "b"):
        shutil.copytree(EXAMPLE, tmp_path / name)
    result = sv("-w", str(ws), "run", str(tmp_path / "a"), str(tmp_path / "b"))
    assert "Sammanfattning: 2 ansökningar · kan certifieras 0 · behöver granskning 2 · avslås 0 · fel 0" in result.stdout
    assert "kriterium" in result.stdout and "UNDERKÄNT" in result.stdout
