"""The annual-report plugin on reports in real layouts (issue 17): other names for distributions,
dividends received, net sales under other headings, the sales share, and Bolagsverket's iXBRL report."""

from __future__ import annotations

from pathlib import Path

import pytest

from asfverify import testing

PLUGIN_FILE = Path(__file__).resolve().parents[1] / "annual_report.py"
plugin = testing.load_plugin(PLUGIN_FILE)

CARRIED = """Förslag till vinstdisposition
Till föreningsstämmans förfogande står följande vinstmedel (kr):
Summa 486 539
Styrelsen föreslår att vinstmedlen disponeras så att
i ny räkning balanseras 486 539
"""


def results(tmp_path: Path, *pages: str) -> dict:
    package = testing.build_package(tmp_path / "pkg", [testing.pdf_document("arsredovisning.pdf", plugin.KIND, *pages)])
    return {r.requirement: r for r in testing.run_verifier(plugin.AnnualReportVerifier(), package)}


@pytest.mark.parametrize("clause", [
    "Styrelsen föreslår att föreningsstämman beslutar om efterlikvid till medlemmarna med 120 000 kr.",
    "Föreningsstämman beslutade om gottgörelse till medlemmarna om 45 000 kr.",
    "Styrelsen föreslår en återbäring till medlemmarna på 2 procent av deras inköp, 310 000 kr.",
])
def test_distributions_under_other_names_fail_c4_accounts(tmp_path, clause):
    got = results(tmp_path, CARRIED + "\n" + clause + "\n")
    assert got["C4.accounts"].outcome == "fail", got["C4.accounts"].summary


def test_dividends_received_in_a_note_are_income_not_a_distribution(tmp_path):
    notes = ("Noter\nNot 3 Resultat från övriga värdepapper\nUtdelning på aktier 12 400\n"
             "Erhållna utdelningar från bostadsföretaget 3 100\n")
    got = results(tmp_path, CARRIED, notes)
    assert got["C4.accounts"].outcome == "pass", got["C4.accounts"].summary


def test_net_sales_under_another_heading_and_the_share_of_income(tmp_path):
    statement = ("Resultaträkning (kr)\nNot 2025-01-01–2025-12-31\nRörelsens intäkter\n"
                 "Försäljning av varor och tjänster 2 310 000\nErhållna bidrag 1 120 000\n"
                 "Summa rörelsens intäkter 3 430 000\nPersonalkostnader -3 100 000\n")
    got = results(tmp_path, statement, CARRIED)
    market = got["C3.market"]
    assert market.outcome == "pass", market.summary
    assert market.metrics["net_sales_sek"] == 2_310_000 and market.metrics["income_total_sek"] == 3_430_000
    assert market.metrics["sales_share_percent"] == 67


def test_an_organisation_living_on_grants_is_review_with_both_figures(tmp_path):
    statement = ("Resultaträkning (kr)\nNot 2025-01-01–2025-12-31\nIntäkter\nNettoomsättning 84 500\n"
                 "Erhållna bidrag 3 770 000\nPersonalkostnader -3 500 000\n")
    market = results(tmp_path, statement, CARRIED)["C3.market"]
    assert market.outcome == "review"
    assert "84 500 kr" in market.summary and "3 854 500 kr" in market.summary and "(2 %)" in market.summary
    assert "min_sales_share_percent" in market.summary
    assert market.metrics["sales_share_percent"] == 2


def test_income_without_a_sales_line_is_review_naming_the_income(tmp_path):
    statement = "Resultaträkning (kr)\nNot 2025-01-01–2025-12-31\nRörelsens intäkter 2 500 000\nPersonalkostnader -2 100 000\n"
    market = results(tmp_path, statement, CARRIED)["C3.market"]
    assert market.outcome == "review" and "2 500 000 kr" in market.summary and "grants" in market.summary


def test_the_share_is_policy_in_the_criteria_file(tmp_path):
    from asfverify import criteria

    policy = criteria.load("asf-v1").policy["annual_report"]
    assert policy["min_sales_share_percent"] == 25
    assert "efterlikvid" in policy["distribution_words"] and "utdelning på aktier" in policy["received_phrases"]
    statement = ("Resultaträkning (kr)\nNot 2025-01-01–2025-12-31\nNettoomsättning 300 000\nErhållna bidrag 700 000\n")
    package = testing.build_package(tmp_path / "pkg", [testing.pdf_document("ar.pdf", plugin.KIND, statement, CARRIED)])
    stricter = dict(criteria.load("asf-v1").policy)
    stricter["annual_report"] = {**policy, "min_sales_share_percent": 50}
    (market, _) = testing.run_verifier(plugin.AnnualReportVerifier(), package, policy=stricter)
    assert market.outcome == "review" and market.metrics["min_sales_share_percent"] == 50
    (market, _) = testing.run_verifier(plugin.AnnualReportVerifier(), package)
    assert market.outcome == "pass"


IXBRL = """<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:ix="http://www.xbrl.org/2013/inlineXBRL"
      xmlns:xbrli="http://www.xbrl.org/2003/instance" xmlns:se-gen-base="http://www.taxonomier.se/se/fr/gen-base/2021-10-31"
      xmlns:ixt="http://www.xbrl.org/inlineXBRL/transformation/2010-04-20">
<head><title>Årsredovisning</title></head>
<body>
<div style="display:none"><ix:header><ix:resources>
  <xbrli:context id="period0"><xbrli:entity><xbrli:identifier scheme="http://www.bolagsverket.se">7696123459</xbrli:identifier></xbrli:entity>
    <xbrli:period><xbrli:startDate>2025-01-01</xbrli:startDate><xbrli:endDate>2025-12-31</xbrli:endDate></xbrli:period></xbrli:context>
  <xbrli:context id="period1"><xbrli:entity><xbrli:identifier scheme="http://www.bolagsverket.se">7696123459</xbrli:identifier></xbrli:entity>
    <xbrli:period><xbrli:startDate>2024-01-01</xbrli:startDate><xbrli:endDate>2024-12-31</xbrli:endDate></xbrli:period></xbrli:context>
  <xbrli:context id="balans0"><xbrli:entity><xbrli:identifier scheme="http://www.bolagsverket.se">7696123459</xbrli:identifier></xbrli:entity>
    <xbrli:period><xbrli:instant>2025-12-31</xbrli:instant></xbrli:period></xbrli:context>
</ix:resources></ix:header></div>
<table>
<tr><td>Nettoomsättning</td>
  <td><ix:nonFraction name="se-gen-base:Nettoomsattning" contextRef="period0" unitRef="SEK" decimals="-3" scale="3" format="ixt:numspacecomma">6 842</ix:nonFraction></td>
  <td><ix:nonFraction name="se-gen-base:Nettoomsattning" contextRef="period1" unitRef="SEK" decimals="-3" scale="3" format="ixt:numspacecomma">6 105</ix:nonFraction></td></tr>
<tr><td>Övriga rörelseintäkter</td>
  <td><ix:nonFraction name="se-gen-base:OvrigaRorelseintakter" contextRef="period0" unitRef="SEK" decimals="-3" scale="3" format="ixt:numspacecomma">3 204</ix:nonFraction></td></tr>
<tr><td>Balanseras i ny räkning</td>
  <td><ix:nonFraction name="se-gen-base:ForslagDispositionBalanserasINyRakning" contextRef="balans0" unitRef="SEK" decimals="0" scale="0" format="ixt:numspacecomma">486 539</ix:nonFraction></td></tr>
DIVIDEND_ROW
</table>
</body></html>
"""


def ixbrl_results(tmp_path: Path, dividend_row: str = "") -> dict:
    content = IXBRL.replace("DIVIDEND_ROW", dividend_row).encode("utf-8")
    package = testing.build_package(tmp_path / "pkg", [testing.file_document("arsredovisning.xhtml", plugin.KIND, content)])
    return {r.requirement: r for r in testing.run_verifier(plugin.AnnualReportVerifier(), package)}


def test_bolagsverkets_digital_report_is_read_from_its_tagged_facts(tmp_path):
    got = ixbrl_results(tmp_path)
    market, accounts = got["C3.market"], got["C4.accounts"]
    assert market.outcome == "pass", market.summary
    assert market.metrics["net_sales_sek"] == 6_842_000  # the current period's fact, scale 3
    assert market.metrics["income_total_sek"] == 10_046_000
    assert accounts.outcome == "pass", accounts.summary
    # Evidence quotes the fact, never raw markup.
    excerpt = market.evidence[0].excerpt
    assert excerpt.startswith("se-gen-base:Nettoomsattning = 6 842 (6 842 000 kr, period ending 2025-12-31)")
    assert "<" not in excerpt and "ix:" not in excerpt


def test_a_tagged_proposed_dividend_fails_c4_accounts(tmp_path):
    row = ('<tr><td>Utdelning</td><td><ix:nonFraction name="se-gen-base:ForslagDispositionUtdelning" contextRef="balans0" '
           'unitRef="SEK" decimals="0" scale="0" format="ixt:numspacecomma">200 000</ix:nonFraction></td></tr>')
    accounts = ixbrl_results(tmp_path, row)["C4.accounts"]
    assert accounts.outcome == "fail"
    assert "se-gen-base:ForslagDispositionUtdelning = 200 000" in accounts.summary


def test_a_digital_report_with_an_entity_bomb_is_an_error_not_a_hang(tmp_path):
    bomb = ('<?xml version="1.0"?><!DOCTYPE html [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
            '<html xmlns:ix="http://www.xbrl.org/2013/inlineXBRL"><body><ix:nonFraction name="x">&b;</ix:nonFraction></body></html>')
    package = testing.build_package(tmp_path / "pkg", [testing.file_document("ar.xhtml", plugin.KIND, bomb.encode())])
    out = testing.run_verifier(plugin.AnnualReportVerifier(), package)
    assert {r.outcome for r in out} == {"error"} and "forbidden XML constructs" in out[0].summary
