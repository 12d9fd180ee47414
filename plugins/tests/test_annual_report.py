"""The annual-report plugin: C3.market (net sales) and C4.accounts (appropriation of profit)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asfverify import testing

PLUGIN_FILE = Path(__file__).resolve().parents[1] / "annual_report.py"
plugin = testing.load_plugin(PLUGIN_FILE)

INCOME_STATEMENT = """Resultaträkning (kr)
Not 2025-01-01–2025-12-31
Nettoomsättning 2 6 842 100
Övriga rörelseintäkter 1 3 204 600
Årets resultat 74 239
"""
CARRIED_FORWARD = """Förslag till vinstdisposition
Till föreningsstämmans förfogande står följande vinstmedel (kr):
Balanserat resultat 412 300
Årets resultat 74 239
Summa 486 539
Styrelsen föreslår att vinstmedlen disponeras så att
i ny räkning balanseras 486 539
"""
DIVIDEND = """Förslag till vinstdisposition
Till årsstämmans förfogande står följande vinstmedel (kr):
Summa 685 858
Styrelsen föreslår att vinstmedlen disponeras så att
utdelas till aktieägarna 200 000
balanseras i ny räkning 485 858
"""


def run(tmp_path: Path, *pages: str):
    package = testing.build_package(tmp_path, [testing.pdf_document("arsredovisning.pdf", plugin.KIND, *pages)])
    return testing.run_verifier(plugin.AnnualReportVerifier(), package), package


@pytest.mark.parametrize(
    ("text", "kronor"),
    [
        ("1 234 567 kr", 1234567),
        ("1 234,5 tkr", 1234500),
        ("1\u00a0234\u00a0567", 1234567),
        ("−42 000", -42000),
        ("- 42 000", -42000),
        ("–1 900", -1900),
        ("(1 900)", -1900),
        ("(1 234,5) tkr", -1234500),
        ("2,5 mkr", 2500000),
        ("6842100", 6842100),
        ("−", 0),
        ("12 345,67", 12346),
    ],
)
def test_parse_amount_reads_swedish_formats(text: str, kronor: int) -> None:
    assert plugin.parse_amount(text) == kronor


@pytest.mark.parametrize("text", ["", "kr", "1 23 456", "12 3456", "(1 900", "abc"])
def test_parse_amount_refuses_what_is_not_one_amount(text: str) -> None:
    assert plugin.parse_amount(text) is None


def test_net_sales_from_the_income_statement_skip_the_note_column(tmp_path: Path) -> None:
    results, package = run(tmp_path, CARRIED_FORWARD, INCOME_STATEMENT)
    with testing.open_application(package) as app:
        sha = app.documents[0].sha256
    result = testing.assert_outcome(results, "C3.market", "pass", summary="6 842 100 kr", evidence="Nettoomsättning 2 6 842 100", page=2, document=sha)
    assert result["metrics"] == {"net_sales_sek": 6842100, "income_total_sek": 10046700, "sales_share_percent": 68,
                                 "min_sales_share_percent": 25}


def test_net_sales_in_a_multi_year_overview_take_the_current_year(tmp_path: Path) -> None:
    results, _ = run(tmp_path, "Flerårsöversikt (tkr)\n2025 2024 2023\nNettoomsättning 6 842 6 105 5 512\nSoliditet (%) 41 39 37\n")
    result = testing.assert_outcome(results, "C3.market", "pass")
    assert result["metrics"]["net_sales_sek"] == 6842000


@pytest.mark.parametrize(
    ("statement", "kronor"),
    [
        ("Resultaträkning\nBelopp i kr Not 2025 2024\nNettoomsättning 3 842 100 610 551\n", 842100),
        ("Flerårsöversikt (tkr)\n2025 2024 2023\nNettoomsättning 842 610 551\n", 842000),
        ("Resultaträkning (kr)\n2025-01-01\n-2025-12-31\nNettoomsättning 6 842 100 6 105 000\n", 6842100),
    ],
)
def test_columns_decide_where_one_figure_ends(tmp_path: Path, statement: str, kronor: int) -> None:
    results, _ = run(tmp_path, statement)
    assert testing.assert_outcome(results, "C3.market", "pass")["metrics"]["net_sales_sek"] == kronor


def test_net_sales_with_a_unit_and_decimals(tmp_path: Path) -> None:
    results, _ = run(tmp_path, "Nettoomsättning: 1 234,5 tkr\n")
    assert testing.assert_outcome(results, "C3.market", "pass")["metrics"]["net_sales_sek"] == 1234500


@pytest.mark.parametrize("figure", ["−12 000", "(12 000)", "0", "-"])
def test_net_sales_not_positive_fail(tmp_path: Path, figure: str) -> None:
    results, _ = run(tmp_path, f"Resultaträkning (kr)\nNettoomsättning {figure}\n")
    testing.assert_outcome(results, "C3.market", "fail", summary="no revenue from sales")


def test_no_net_sales_is_review(tmp_path: Path) -> None:
    results, _ = run(tmp_path, "Förvaltningsberättelse\nFöreningen bedriver café.\n")
    testing.assert_outcome(results, "C3.market", "review", summary="No net sales")


def test_net_sales_without_a_readable_figure_is_review_with_the_line(tmp_path: Path) -> None:
    results, _ = run(tmp_path, "Nettoomsättning se not 3\n")
    testing.assert_outcome(results, "C3.market", "review", evidence="Nettoomsättning se not 3")


def test_result_carried_forward_passes_c4(tmp_path: Path) -> None:
    results, _ = run(tmp_path, CARRIED_FORWARD)
    testing.assert_outcome(results, "C4.accounts", "pass", evidence="i ny räkning balanseras 486 539", page=1)


def test_proposed_dividend_fails_c4(tmp_path: Path) -> None:
    results, _ = run(tmp_path, DIVIDEND)
    testing.assert_outcome(results, "C4.accounts", "fail", summary="dividend", evidence="utdelas till aktieägarna 200 000", page=1)


@pytest.mark.parametrize(
    "text",
    [
        "Disposition av resultat\nStyrelsen föreslår att 50 000 kr delas ut till medlemmarna och att resterande belopp balanseras i ny räkning.",
        "Förslag till vinstdisposition\nÅterbäring till medlemmarna 30 000\nI ny räkning balanseras 120 000\n",
        "Förslag till resultatdisposition\nStyrelsen föreslår en utdelning om 2 kr per aktie.",
        "Förändring av eget kapital\nLämnad utdelning -150 000\n",
        "Förslag till vinstdisposition\nStyrelsen föreslår att utdelning ska lämnas med 2 kr per aktie.",
    ],
)
def test_dividends_in_other_words_fail_c4(tmp_path: Path, text: str) -> None:
    results, _ = run(tmp_path, text)
    testing.assert_outcome(results, "C4.accounts", "fail")


@pytest.mark.parametrize(
    "text",
    [
        "Förslag till vinstdisposition\nIngen utdelning föreslås. Hela resultatet balanseras i ny räkning.",
        "Förslag till vinstdisposition\nUtdelning 0\nBalanseras i ny räkning 10 000\n",
        "Bolaget är ett aktiebolag med särskild vinstutdelningsbegränsning.\nStyrelsen föreslår att ansamlad förlust balanseras i ny räkning.",
        "Förslag till behandling av förlust\nStyrelsen föreslår att årets förlust −12 400 kr balanseras i ny räkning.",
        "Resultat från andelar\nErhållen utdelning 5 000\nUtdelning från dotterbolag 3 000\n\nFörslag till vinstdisposition\nI ny räkning balanseras 8 000\n",
        "Enligt bolagsordningen får ingen vinst delas ut; utdelning kan endast ske vid likvidation.\nFörslag till vinstdisposition\nI ny räkning balanseras 8 000\n",
    ],
)
def test_no_dividend_and_carried_forward_pass_c4(tmp_path: Path, text: str) -> None:
    results, _ = run(tmp_path, text)
    testing.assert_outcome(results, "C4.accounts", "pass")


def test_appropriation_that_does_not_say_where_the_result_goes_is_review(tmp_path: Path) -> None:
    results, _ = run(tmp_path, "Förslag till vinstdisposition\nStyrelsen föreslår att vinstmedlen disponeras enligt stämmans beslut.\n")
    testing.assert_outcome(results, "C4.accounts", "review", summary="does not say")


def test_no_appropriation_is_review(tmp_path: Path) -> None:
    results, _ = run(tmp_path, INCOME_STATEMENT)
    testing.assert_outcome(results, "C4.accounts", "review", summary="No proposed appropriation")


def test_scanned_report_is_review_no_text_layer(tmp_path: Path) -> None:
    package = testing.build_package(tmp_path, [testing.scanned_document("skannad.pdf", plugin.KIND, pages=2)])
    results = testing.run_verifier(plugin.AnnualReportVerifier(), package)
    for requirement in ("C3.market", "C4.accounts"):
        result = testing.assert_outcome(results, requirement, "review", summary="no text layer")
        assert result["evidence"][0]["note"] == "no text layer"


def test_a_scan_beside_a_readable_report_does_not_hide_it(tmp_path: Path) -> None:
    package = testing.build_package(tmp_path, [
        testing.scanned_document("bilaga.pdf", plugin.KIND),
        testing.pdf_document("arsredovisning.pdf", plugin.KIND, CARRIED_FORWARD, INCOME_STATEMENT),
    ])
    results = testing.run_verifier(plugin.AnnualReportVerifier(), package)
    testing.assert_outcome(results, "C3.market", "pass")
    testing.assert_outcome(results, "C4.accounts", "pass")


def test_excerpts_leave_out_the_signatures(tmp_path: Path) -> None:
    results, _ = run(tmp_path, CARRIED_FORWARD + "Underskrifter\nMaria Lindqvist Johan Ekström\n", INCOME_STATEMENT)
    for result in results:
        for ev in result.evidence:
            assert "Lindqvist" not in ev.excerpt


def test_the_host_loads_it_from_the_plugins_folder(tmp_path: Path, plugins_dir: Path) -> None:
    host = testing.load_test_host(plugins_dir=plugins_dir)
    registered = {r.verifier.name: r.plugin.name for r in host.verifiers}
    assert registered["annual-report"] == "local:annual_report"
    package = testing.build_package(tmp_path, [testing.pdf_document("ar.pdf", "annual-report", DIVIDEND, INCOME_STATEMENT)])
    report = testing.run_host(package, host)
    c4 = next(c for c in report.criteria if c["id"] == "C4")
    assert {r["id"]: r["outcome"] for r in c4["requirements"]}["C4.accounts"] == "fail"
    assert report.decision == "rejected"


def test_a_partly_scanned_report_names_the_pages_without_text(tmp_path: Path) -> None:
    package = testing.build_package(tmp_path, [
        testing.pdf_document("ar.pdf", plugin.KIND, INCOME_STATEMENT, ""),
    ])
    results = testing.run_verifier(plugin.AnnualReportVerifier(), package)
    testing.assert_outcome(results, "C3.market", "pass")
    testing.assert_outcome(results, "C4.accounts", "review", summary="Pages without a text layer: ar.pdf p. 2")


def _swedish(n: int, sep: str) -> str:
    return f"{abs(n):,}".replace(",", sep)


@given(st.integers(min_value=-10**12, max_value=10**12), st.sampled_from([" ", "\u00a0", "\u202f"]), st.sampled_from(["minus", "paren", "dash"]), st.booleans())
def test_parse_amount_round_trips_any_amount(n: int, sep: str, style: str, unit: bool) -> None:
    body = _swedish(n, sep)
    if n < 0:
        body = {"minus": "\u2212" + body, "paren": f"({body})", "dash": "-" + body}[style]
    assert plugin.parse_amount(body + (" kr" if unit else "")) == n


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=9))
def test_parse_amount_thousands_with_a_decimal(whole: int, tenth: int) -> None:
    assert plugin.parse_amount(f"{_swedish(whole, ' ')},{tenth} tkr") == whole * 1000 + tenth * 100
