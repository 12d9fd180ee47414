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


def test_certify_confirms_in_swedish(ws: Path, run_id: str, tmp_path: Path) -> None:
    sv("-w", str(ws), "review", run_id, "C6.agreement", "--pass", "--note", "Avtalet kontrollerat hos Fremia")
    out = tmp_path / "certifikat.json"
    result = sv("-w", str(ws), "certify", run_id, "-o", str(out), "--html", str(tmp_path / "certifikat.html"))
    assert result.exit_code == 0, result.output
    cert = json.loads(out.read_text(encoding="utf-8"))
    lines = result.stdout.splitlines()
    assert lines[0] == f"Certifikat {cert['id']} för Vägen Framåt ekonomisk förening (769612-3459)"
    assert lines[1].startswith(f"  giltigt {cert['validFrom']} .. {cert['validUntil']}; skrivet till {out}")
    assert lines[2] == f"  utskriftsbart certifikat: {tmp_path / 'certifikat.html'}"
    assert lines[3].startswith(f"  kontrollera: asfverify verify {out} --trust did:key:")
    missing = sv("-w", str(ws), "certify", run_id, "-o", str(tmp_path / "nej" / "x.json"))
    assert missing.exit_code == 2
    assert missing.stderr == (f"Fel: -o {tmp_path / 'nej' / 'x.json'}: mappen {tmp_path / 'nej'} finns inte; "
                              f"skapa den först (mkdir -p {tmp_path / 'nej'})\n")
    # verify's frame: a failing certificate ends on the Swedish summary line.
    bad = sv("verify", str(out))
    assert bad.exit_code == 1 and bad.stderr.startswith(f"Fel: {out}: certifikatet är INTE giltigt (")


def test_report_confirms_in_swedish_and_stays_bilingual(ws: Path, run_id: str, tmp_path: Path) -> None:
    target = tmp_path / "rapport.html"
    result = sv("-w", str(ws), "report", run_id, "-o", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Skrev {target}\n" and result.stderr == ""
    page = target.read_text(encoding="utf-8")
    assert "Referensdag" in page and "Liggare" in page and "insticksmodul" in page
    # The page's own words are Swedish first, English beneath, whatever --lang says.
    en = sv("--lang", "en", "-w", str(ws), "report", run_id, "-o", str(tmp_path / "en.html"))
    assert en.stdout == f"Wrote {tmp_path / 'en.html'}\n"
    english = (tmp_path / "en.html").read_text(encoding="utf-8")
    assert 'Referensdag <span class="en" lang="en">reference date</span>' in english
    assert 'Referensdag <span class="en" lang="en">reference date</span>' in page
    folder = sv("-w", str(ws), "report", run_id, "-o", str(tmp_path))
    assert folder.exit_code == 2 and folder.stderr == f"Fel: {tmp_path}: är en mapp; ange ett filnamn som rapport.html\n"


def test_init_agreements_and_keys_speak_swedish(tmp_path: Path) -> None:
    ws = tmp_path / "ny"
    init = sv("init", str(ws))
    assert init.exit_code == 0, init.output
    assert init.stdout.splitlines()[0] == f"Arbetsytan är klar i {ws.resolve()}"
    assert "  liggaren" in init.stdout and "  nycklar" in init.stdout
    empty = sv("-w", str(ws), "agreements", "list")
    assert empty.stdout == "Avtalsregistret är tomt; lägg till avtal med 'asfverify agreements import FIL'\n"
    imported = sv("-w", str(ws), "agreements", "import", str(ROOT / "examples" / "registry.csv"))
    assert imported.exit_code == 0 and imported.stdout.startswith("Importerade ")
    none = sv("-w", str(ws), "agreements", "lookup", "556036-0793")
    assert none.exit_code == 1 and none.stdout == "Inget kollektivavtal är känt för 556036-0793\n"
    shown = sv("-w", str(ws), "keys", "show")
    assert shown.stdout.startswith("nyckel ") and "(aktuell; " in shown.stdout.splitlines()[0]


def test_doctor_lines_are_swedish_and_json_keeps_codes(ws: Path) -> None:
    result = sv("-w", str(ws), "doctor")
    assert "OK: certifierarens namn: Certifieringsorganet AB" in result.stdout
    assert "VARNING: förtroendelista: inte kontrollerat: ange --trust-list FIL --trust-list-key NYCKEL" in result.stdout
    data = json.loads(sv("-w", str(ws), "doctor", "--json").stdout)
    assert {"check": "certifier name", "status": "OK", "detail": "Certifieringsorganet AB"} in data
