"""The work-environment plugin: C6.sam from the written SAM documents (AFS 2023:1)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from asfverify import testing

PLUGIN_FILE = Path(__file__).resolve().parents[1] / "work_environment.py"
plugin = testing.load_plugin(PLUGIN_FILE)

POLICY = "1. Arbetsmiljöpolicy\nAntagen av styrelsen {policy}.\nVi ska ha en arbetsmiljö där alla kan arbeta säkert.\n"
RISK = "2. Undersökning och riskbedömning\nRiskbedömning av verksamheten genomfördes {risk} av verksamhetschef och skyddsombud.\n"
PLAN = "3. Handlingsplan\nRisk/brist Åtgärd Ansvarig Klart senast\nTunga lyft Lyftvagn Anna Bergqvist 2026-12-31\n"
FOLLOWUP = "4. Årlig uppföljning\nDen årliga uppföljningen genomfördes {followup} och dokumenterades i protokoll.\n"


def sam(*, revised: str | None = "2026-04-02", policy="2026-01-20", risk="2026-03-18", followup="2026-02-10", parts=("policy", "risk", "plan", "followup")) -> str:
    text = "Systematiskt arbetsmiljöarbete\n"
    if revised:
        text += f"Dokumentet revideras årligen. Senast reviderat {revised}.\n"
    blocks = {"policy": POLICY, "risk": RISK, "plan": PLAN, "followup": FOLLOWUP}
    return text + "".join(blocks[p].format(policy=policy, risk=risk, followup=followup) for p in parts)


def run(tmp_path: Path, *documents: testing.DocumentSpec, reference_date: dt.date = dt.date(2026, 10, 31)):
    package = testing.build_package(tmp_path, list(documents), reference_date=reference_date)
    return testing.run_verifier(plugin.WorkEnvironmentVerifier(), package)


def doc(*pages: str, path: str = "sam.pdf") -> testing.DocumentSpec:
    return testing.pdf_document(path, plugin.KIND, *pages)


def test_all_four_parts_recent_pass(tmp_path: Path) -> None:
    results = run(tmp_path, doc(sam()))
    result = testing.assert_outcome(results, "C6.sam", "pass", summary="riskbedömning 2026-03-18", evidence="genomfördes 2026-03-18", page=1)
    assert result["metrics"]["parts_found"] == 4
    assert result["metrics"]["cutoff"] == "2025-07-31"
    assert {ev["rule"] for ev in result["evidence"]} == {"sam-policy", "sam-risk", "sam-plan", "sam-followup"}


def test_the_plan_is_dated_by_the_document_and_its_deadlines_do_not_count(tmp_path: Path) -> None:
    result = testing.assert_outcome(run(tmp_path, doc(sam())), "C6.sam", "pass", summary="handlingsplan 2026-04-02")
    # The action plan's rows name responsible people; the excerpt is the dated sentence instead.
    assert all("Bergqvist" not in ev["excerpt"] for ev in result["evidence"])


def test_a_missing_part_fails_and_is_named(tmp_path: Path) -> None:
    results = run(tmp_path, doc(sam(parts=("policy", "risk", "followup"))))
    testing.assert_outcome(results, "C6.sam", "fail", summary="missing: handlingsplan")


def test_a_risk_assessment_older_than_15_months_fails(tmp_path: Path) -> None:
    results = run(tmp_path, doc(sam(risk="2025-03-01")))
    testing.assert_outcome(results, "C6.sam", "fail", summary="riskbedömning (2025-03-01)")


def test_a_document_revision_does_not_redo_an_old_follow_up(tmp_path: Path) -> None:
    results = run(tmp_path, doc(sam(followup="2024-11-02")))
    testing.assert_outcome(results, "C6.sam", "fail", summary="årlig uppföljning (2024-11-02)")


def test_exactly_15_months_is_still_recent(tmp_path: Path) -> None:
    testing.assert_outcome(run(tmp_path, doc(sam(risk="2025-07-31"))), "C6.sam", "pass")


def test_one_day_over_15_months_is_too_old(tmp_path: Path) -> None:
    testing.assert_outcome(run(tmp_path, doc(sam(risk="2025-07-30"))), "C6.sam", "fail", summary="before 2025-07-31")


def test_undated_parts_are_review(tmp_path: Path) -> None:
    text = (
        "Systematiskt arbetsmiljöarbete\n1. Arbetsmiljöpolicy\nVi arbetar säkert.\n2. Riskbedömning\nRiskerna bedöms varje år.\n"
        "3. Handlingsplan\nÅtgärder förs in här.\n4. Årlig uppföljning\nArbetet följs upp varje år.\n"
    )
    result = testing.assert_outcome(run(tmp_path, doc(text)), "C6.sam", "review", summary="no date was found for: arbetsmiljöpolicy, riskbedömning")
    assert result["metrics"]["parts_found"] == 4


def test_dates_after_the_reference_date_do_not_date_a_part(tmp_path: Path) -> None:
    results = run(tmp_path, doc(sam(revised=None, risk="2027-01-15")))
    testing.assert_outcome(results, "C6.sam", "review", summary="riskbedömning")


def test_missing_beats_undated(tmp_path: Path) -> None:
    text = "Systematiskt arbetsmiljöarbete\n1. Arbetsmiljöpolicy\nVi arbetar säkert.\n2. Riskbedömning\nRiskerna bedöms.\n"
    testing.assert_outcome(run(tmp_path, doc(text)), "C6.sam", "fail", summary="undated: arbetsmiljöpolicy")


def test_one_file_per_part_and_swedish_long_dates(tmp_path: Path) -> None:
    results = run(
        tmp_path,
        doc("Arbetsmiljöpolicy\nPolicyn antogs av styrelsen den 20 januari 2026.", path="policy.pdf"),
        doc("Riskbedömning\nRiskbedömningen genomfördes den 18 mars 2026.", path="risk.pdf"),
        doc("Handlingsplan\nUpprättad 2026-03-20.\nÅtgärd Ansvarig Klart senast", path="plan.pdf"),
        doc("Protokoll\nÅrlig uppföljning av det systematiska arbetsmiljöarbetet hölls 2026-02-10.", path="uppfoljning.pdf"),
    )
    result = testing.assert_outcome(results, "C6.sam", "pass", summary="arbetsmiljöpolicy 2026-01-20")
    assert len({ev["document"] for ev in result["evidence"]}) == 4


def test_a_part_named_only_in_a_dated_sentence_counts(tmp_path: Path) -> None:
    text = (
        "Arbetsmiljöpolicy\nAntagen 2026-01-20.\n\nRiskbedömningen gjordes 2026-03-18 tillsammans med skyddsombudet.\n\n"
        "Handlingsplanen upprättades 2026-03-25.\n\nDen årliga uppföljningen genomfördes 2026-02-10."
    )
    testing.assert_outcome(run(tmp_path, doc(text)), "C6.sam", "pass")


def test_a_date_broken_over_two_lines_is_joined() -> None:
    text = plugin.Text(["Uppföljningen genomfördes 2026-02-\n10 och dokumenterades."]).text
    assert "2026-02-10" in text


@pytest.mark.parametrize(
    ("day", "expected"),
    [(dt.date(2026, 10, 31), dt.date(2025, 7, 31)), (dt.date(2026, 5, 31), dt.date(2025, 2, 28)), (dt.date(2026, 3, 15), dt.date(2024, 12, 15))],
)
def test_months_before(day: dt.date, expected: dt.date) -> None:
    assert plugin.months_before(day, 15) == expected


def test_a_scan_is_review_no_text_layer(tmp_path: Path) -> None:
    results = run(tmp_path, testing.scanned_document("sam.pdf", plugin.KIND))
    testing.assert_outcome(results, "C6.sam", "review", summary="no text layer")


def test_a_text_file_works_too(tmp_path: Path) -> None:
    results = run(tmp_path, testing.text_document("sam.txt", plugin.KIND, sam()))
    testing.assert_outcome(results, "C6.sam", "pass")


def test_the_most_recent_of_several_sections_counts(tmp_path: Path) -> None:
    old = "0. Riskbedömning 2024\nRiskbedömningen för 2024 genomfördes 2024-03-01.\n"
    text = sam().replace("1. Arbetsmiljöpolicy", old + "1. Arbetsmiljöpolicy")
    assert text.index("2024-03-01") < text.index("2026-03-18")
    testing.assert_outcome(run(tmp_path, doc(text)), "C6.sam", "pass", summary="riskbedömning 2026-03-18")
