"""The work-training plugin: informative criterion Q1, its document kind and its verifier."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from asfverify import testing
from asfverify.errors import PackageError

PLUGINS = Path(__file__).resolve().parents[1]
plugin = testing.load_plugin(PLUGINS / "work_training.py")

GOOD = """Kvalitetsbeskrivning för arbetsträning

Varje deltagare har en individuell plan som tas fram tillsammans med deltagaren inom två veckor.
Alla deltagare har en namngiven handledare. Handledare för caféet: Anna Svensson.
Uppföljning av planen sker minst var tredje månad, och oftare vid behov.
"""


def run(tmp_path: Path, text: str):
    package = testing.build_package(tmp_path, [testing.pdf_document("arbetstraning.pdf", plugin.KIND, text)])
    return testing.run_verifier(plugin.WorkTrainingVerifier(), package)


def test_a_complete_description_passes_all_three(tmp_path: Path) -> None:
    results = run(tmp_path, GOOD)
    testing.assert_outcome(results, "Q1.plan", "pass", evidence="individuell plan", page=1)
    testing.assert_outcome(results, "Q1.supervisor", "pass", evidence="namngiven handledare")
    result = testing.assert_outcome(results, "Q1.followup", "pass", evidence="var tredje månad")
    assert result["metrics"] == {"followup_interval_days": 90}


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Handledare: Anna Svensson.", 1),
        ("Anna Svensson är handledare i caféet och Per-Olof Ek är deltagarnas handledare i verkstaden.", 2),
    ],
)
def test_a_handledare_name_never_reaches_the_results(tmp_path: Path, text: str, count: int) -> None:
    results = run(tmp_path, "Varje deltagare har en individuell plan.\n" + text + "\nUppföljning varje månad.")
    result = testing.assert_outcome(results, "Q1.supervisor", "pass", evidence="[namn]")
    assert result["metrics"] == {"named_supervisors": count}
    for r in results:
        for name in ("Svensson", "Olof"):
            assert name not in r.summary and all(name not in ev.excerpt for ev in r.evidence)


@pytest.mark.parametrize(
    ("sentence", "outcome", "days"),
    [
        ("Uppföljning sker varannan vecka.", "pass", 14),
        ("Planen följs upp fyra gånger per år.", "pass", 91),
        ("Uppföljning sker var sjätte månad.", "fail", 180),
        ("Planen följs upp två gånger om året.", "fail", 182),
        ("Årlig uppföljning av planen.", "fail", 365),
    ],
)
def test_follow_up_interval(tmp_path: Path, sentence: str, outcome: str, days: int) -> None:
    results = run(tmp_path, "Varje deltagare har en individuell plan.\n" + sentence)
    assert testing.assert_outcome(results, "Q1.followup", outcome)["metrics"]["followup_interval_days"] == days


def test_follow_up_without_a_frequency_is_review(tmp_path: Path) -> None:
    testing.assert_outcome(run(tmp_path, "Planen följs upp regelbundet."), "Q1.followup", "review")


def test_plans_only_when_needed_are_review_and_no_handledare_fails(tmp_path: Path) -> None:
    results = run(tmp_path, "Deltagare kan få en individuell plan vid behov.\nUppföljning sker varje månad.")
    testing.assert_outcome(results, "Q1.plan", "review")
    testing.assert_outcome(results, "Q1.supervisor", "fail")


def test_handledare_in_general_is_review(tmp_path: Path) -> None:
    testing.assert_outcome(run(tmp_path, "Våra handledare stöttar deltagarna."), "Q1.supervisor", "review")


def test_nothing_about_plans_or_follow_up_fails(tmp_path: Path) -> None:
    results = run(tmp_path, "Vi driver ett café.")
    testing.assert_outcome(results, "Q1.plan", "fail")
    testing.assert_outcome(results, "Q1.followup", "fail")


def test_a_scan_is_review(tmp_path: Path) -> None:
    package = testing.build_package(tmp_path, [testing.scanned_document("skannad.pdf", plugin.KIND)])
    results = testing.run_verifier(plugin.WorkTrainingVerifier(), package)
    for requirement in plugin.WorkTrainingVerifier.requirements:
        testing.assert_outcome(results, requirement, "review", summary="no text layer")


def test_the_kind_exists_only_with_the_plugin(tmp_path: Path) -> None:
    package = testing.build_package(tmp_path, [testing.text_document("q.txt", "work-training", GOOD)])
    with pytest.raises(PackageError, match="unknown kind 'work-training'"):
        testing.run_host(package, testing.load_test_host())
    host = testing.load_test_host(plugins_dir=PLUGINS)
    assert "work-training" in host.document_kinds
    assert testing.run_host(package, host).decision in {"needs-review", "rejected"}


def test_q1_is_informative_and_never_changes_the_decision(tmp_path: Path) -> None:
    bad = testing.build_package(tmp_path / "bad", [testing.text_document("q.txt", "work-training", "Vi driver ett café.")])
    good = testing.build_package(tmp_path / "good", [testing.text_document("q.txt", "work-training", GOOD)])
    host = testing.load_test_host(plugins_dir=PLUGINS)
    bad_report, good_report = testing.run_host(bad, host), testing.run_host(good, host)
    q1_bad = next(c for c in bad_report.criteria if c["id"] == "Q1")
    q1_good = next(c for c in good_report.criteria if c["id"] == "Q1")
    assert q1_bad["required"] is False and q1_bad["outcome"] == "fail"
    assert q1_good["outcome"] == "pass"
    assert [r["id"] for r in q1_good["requirements"]] == ["Q1.plan", "Q1.supervisor", "Q1.followup"]
    assert bad_report.decision == good_report.decision  # Q1 is shown, never decisive


def test_the_packaged_distribution_is_this_module() -> None:
    dist = PLUGINS / "packaged" / "asfverify-work-training"
    project = tomllib.loads((dist / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["version"] == plugin.__version__
    module = project["project"]["entry-points"]["asfverify"]["work_training"]
    assert (dist / module / "__init__.py").read_bytes() == (PLUGINS / "work_training.py").read_bytes()
    # Its Swedish catalogue ships with it, as package data beside the module.
    assert (dist / module / "__init__.sv.po").read_bytes() == (PLUGINS / "work_training.sv.po").read_bytes()
    assert "*.po" in project["tool"]["setuptools"]["package-data"][module]


HEADER = ["Deltagare", "Individuell plan", "Handledare", "Senaste uppföljning"]


def run_list(tmp_path: Path, rows, *, pdf: bool = False):
    spec = (testing.pdf_table_document("deltagare.pdf", plugin.KIND, [HEADER, *rows]) if pdf
            else testing.csv_document("deltagare.csv", plugin.KIND, [HEADER, *rows]))
    package = testing.build_package(tmp_path, [spec])
    return testing.run_verifier(plugin.WorkTrainingVerifier(), package)


def test_a_participant_list_where_everyone_qualifies_passes(tmp_path: Path) -> None:
    results = run_list(tmp_path, [["D1", "ja", "Anna Svensson", "2026-10-01"], ["D2", "2026-02-01", "Per Ek", "2026-08-15"]])
    assert testing.assert_outcome(results, "Q1.plan", "pass", summary="All 2 participants")["metrics"] == {"participants": 2, "with_plan": 2}
    testing.assert_outcome(results, "Q1.supervisor", "pass", evidence="participant list: 2 rows")
    testing.assert_outcome(results, "Q1.followup", "pass", summary="within 92 days before 2026-10-31")


def test_a_participant_list_names_rows_not_people(tmp_path: Path) -> None:
    results = run_list(tmp_path, [
        ["199001011234", "ja", "Anna Svensson", "2026-10-01"],
        ["D2", "nej", "", "2026-05-01"],
        ["D3", "ja", "saknas", ""],
    ])
    testing.assert_outcome(results, "Q1.plan", "fail", summary="1 of 3 participants have no individual plan (rows 3)")
    testing.assert_outcome(results, "Q1.supervisor", "fail", summary="2 of 3 participants have no named handledare (rows 3, 4)")
    result = testing.assert_outcome(results, "Q1.followup", "fail", summary="rows 3, 4")
    assert result["metrics"] == {"participants": 3, "followed_up": 1}
    for r in results:
        text = r.summary + " ".join(ev.excerpt for ev in r.evidence)
        assert "199001011234" not in text and "Svensson" not in text


def test_an_unreadable_follow_up_date_is_review(tmp_path: Path) -> None:
    results = run_list(tmp_path, [["D1", "ja", "Anna Svensson", "i höstas"]])
    testing.assert_outcome(results, "Q1.followup", "review", summary="cannot be read (rows 2)")


def test_a_list_without_a_follow_up_column_is_review_for_it(tmp_path: Path) -> None:
    package = testing.build_package(tmp_path, [testing.csv_document("d.csv", plugin.KIND, [["Deltagar-id", "Plan", "Handledare"], ["D1", "ja", "Anna Svensson"]])])
    results = testing.run_verifier(plugin.WorkTrainingVerifier(), package)
    testing.assert_outcome(results, "Q1.plan", "pass")
    testing.assert_outcome(results, "Q1.followup", "review", summary="no latest follow-up column")


def test_a_participant_list_in_a_pdf_table(tmp_path: Path) -> None:
    results = run_list(tmp_path, [["D1", "ja", "Åsa Öberg", "2026-09-30"], ["D2", "ja", "Per Ek", "2026-07-01"]], pdf=True)
    testing.assert_outcome(results, "Q1.plan", "pass")
    testing.assert_outcome(results, "Q1.followup", "fail", summary="1 of 2 participants were not followed up", evidence="participant list", page=1)
