"""The C2.ratio rules: who counts on the reference date, who is eligible, when a human must look."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
from test_payroll_helpers import run_payroll, write_csv  # noqa: E402

from asfverify.payroll.subsidy import ELIGIBLE, NOT_ELIGIBLE, UNKNOWN, SubsidyMatcher  # noqa: E402

REF = dt.date(2026, 10, 31)


def row(emp: str, hire: str, end: str = "", subsidy: str = "", rate: str = "100") -> list[str]:
    return [emp, hire, end, subsidy, rate]


def test_reference_date_boundaries(tmp_path: Path) -> None:
    rows = [
        row("1", "2026-10-31", subsidy="LB"),           # hired on the day: counts
        row("2", "2020-01-01", "2026-10-31", "LB"),     # ends on the day: still employed
        row("3", "2020-01-01", "2026-10-30", "LB"),     # ended the day before: not counted
        row("4", "2026-11-01", subsidy="LB"),           # hired the day after: not counted
        row("5", "2020-01-01", "2027-06-30", ""),       # ends later: counts
    ]
    result = run_payroll(write_csv(tmp_path / "l.csv", rows))
    assert result.metrics["employees"] == 3
    assert result.metrics["eligible"] == 2
    assert result.metrics["ended_before_reference_date"] == 1
    assert result.metrics["hired_after_reference_date"] == 1


def test_several_periods_use_the_one_covering_the_reference_date(tmp_path: Path) -> None:
    rows = [
        row("7", "2015-01-01", "2018-12-31", "Lönebidrag"),  # earlier period with subsidy
        row("7", "2019-06-01", "", "Ingen"),                 # the current one, without
        row("8", "2016-01-01", "2017-01-01", ""),
        row("8", "2021-03-01", "", "Nystartsjobb"),
        row("8", "2027-01-01", "", "Ingen"),                 # a future period does not matter
    ]
    result = run_payroll(write_csv(tmp_path / "l.csv", rows))
    assert result.metrics["employees"] == 2
    assert result.metrics["eligible"] == 1


def test_each_person_counted_once(tmp_path: Path) -> None:
    rows = [row("9", "2020-01-01", subsidy="LB", rate="50"), row("9", "2020-01-01", subsidy="LB", rate="50"),
            row(" 9 ", "2020-01-01", subsidy="LB", rate="50"), row("10", "2020-01-01", rate="100")]
    result = run_payroll(write_csv(tmp_path / "l.csv", rows))
    assert result.metrics["employees"] == 2
    assert result.metrics["duplicate_rows"] == 2
    assert result.metrics["fte_employees"] == "1.5"  # a row listed twice is one period


def test_concurrent_periods_earliest_hiring_decides_and_rates_add_up(tmp_path: Path) -> None:
    rows = [row("11", "2019-01-01", subsidy="Nystartsjobb", rate="50"), row("11", "2022-01-01", subsidy="Ingen", rate="25")]
    result = run_payroll(write_csv(tmp_path / "l.csv", rows))
    assert (result.metrics["employees"], result.metrics["eligible"]) == (1, 1)
    assert result.metrics["fte_employees"] == "0.75"


@pytest.mark.parametrize("eligible, employees, outcome", [
    (51, 100, "pass"), (50, 100, "fail"), (2, 3, "pass"), (1, 2, "fail"), (1, 1, "pass"), (0, 1, "fail"),
])
def test_threshold_is_exact_integer_arithmetic(tmp_path: Path, eligible: int, employees: int, outcome: str) -> None:
    rows = [row(str(i), "2020-01-01", subsidy="LB" if i < eligible else "") for i in range(employees)]
    result = run_payroll(write_csv(tmp_path / "l.csv", rows))
    assert result.outcome == outcome
    assert result.metrics["ratio"] == f"{eligible}/{employees}"
    assert result.metrics["percent"] == str(eligible * 100 // employees)


def test_policy_threshold_and_lou_share(tmp_path: Path) -> None:
    rows = [row(str(i), "2020-01-01", subsidy="LB" if i < 4 else "") for i in range(10)]
    path = write_csv(tmp_path / "l.csv", rows)
    default = run_payroll(path)
    assert default.outcome == "fail" and default.metrics["lou_30_percent_met"] == "yes"
    lenient = run_payroll(path, policy={"threshold_percent": 40, "lou_share_percent": 45})
    assert lenient.outcome == "pass" and lenient.metrics["lou_45_percent_met"] == "no"
    assert "40 % required" in lenient.summary


def test_zero_employees_fails(tmp_path: Path) -> None:
    result = run_payroll(write_csv(tmp_path / "l.csv", [row("1", "2027-01-01", subsidy="LB")]))
    assert result.outcome == "fail"
    assert result.metrics["employees"] == 0
    assert "No employee" in result.summary


def test_header_only_fails_with_zero_employees(tmp_path: Path) -> None:
    result = run_payroll(write_csv(tmp_path / "l.csv", []))
    assert result.outcome == "fail"
    assert result.metrics["rows"] == 0 and result.metrics["employees"] == 0


def test_unknown_subsidy_is_review_naming_value_and_rows(tmp_path: Path) -> None:
    rows = [row("1", "2020-01-01", subsidy="LB"), row("2", "2020-01-01", subsidy="Stöd från kommunen"),
            row("3", "2020-01-01", subsidy="Stöd från kommunen"), row("4", "2020-01-01", subsidy="Nystartsjobb"),
            row("5", "2025-01-01", "2025-06-01", "Okänt stöd")]  # not employed on the day: irrelevant
    result = run_payroll(write_csv(tmp_path / "l.csv", rows))
    assert result.outcome == "review"
    assert "'Stöd från kommunen' (2 rows)" in result.summary
    assert "Okänt" not in result.summary
    assert result.metrics["eligible_unknown"] == 2
    assert result.metrics["eligible"] == 2


def test_unknown_value_that_looks_personal_is_not_quoted(tmp_path: Path) -> None:
    rows = [row("1", "2020-01-01", subsidy="19680823-9880"), row("2", "2020-01-01", subsidy="LB")]
    result = run_payroll(write_csv(tmp_path / "l.csv", rows))
    assert result.outcome == "review"
    assert "9880" not in result.summary and "680823" not in result.summary


def test_a_name_in_the_subsidy_column_is_not_quoted(tmp_path: Path) -> None:
    rows = [row("1", "2020-01-01", subsidy="Anna Andersson"), row("2", "2020-01-01", subsidy="Bo Ek"), row("3", "2020-01-01", subsidy="LB")]
    result = run_payroll(write_csv(tmp_path / "l.csv", rows))
    assert result.outcome == "review"
    assert "Anna" not in result.summary and "Bo Ek" not in result.summary
    assert "2 other row(s)" in result.summary or "2 row(s) with an unknown" in result.summary


def test_many_distinct_unknown_values_are_counted_not_quoted(tmp_path: Path) -> None:
    names = ["Anna Berg", "Bo Ek", "Cecilia Ås", "David Lund", "Eva Strand", "Fredrik Holm"]
    rows = [row(str(i), "2020-01-01", subsidy=name) for i, name in enumerate(names)]
    result = run_payroll(write_csv(tmp_path / "l.csv", rows))
    assert result.outcome == "review"
    assert "6 row(s) with an unknown subsidy" in result.summary
    assert not any(name in result.summary for name in names)


@pytest.mark.parametrize("value", ["EJ", "Ej lönebidrag", "ingen LB"])
def test_ambiguous_or_negated_subsidy_is_review(tmp_path: Path, value: str) -> None:
    result = run_payroll(write_csv(tmp_path / "l.csv", [row("1", "2020-01-01", subsidy=value)]))
    assert result.outcome == "review"


def test_unreadable_dates_are_review_naming_row_numbers_only(tmp_path: Path) -> None:
    rows = [row("1", "2020-01-01", subsidy="LB"), row("2", "01/02/2020", subsidy="LB"),  # mixed formats
            row("3", "20200301", subsidy="LB"), row("4", "2020-02-30", subsidy="LB"),
            row("5", "2020-01-01", "31.12.2030", "LB"), row("6", "", subsidy="LB"), row("7", "2021-01-01", "2020-01-01")]
    result = run_payroll(write_csv(tmp_path / "l.csv", rows))
    assert result.outcome == "review"
    # 01/02/2020 is 1 February or 2 January: named by row, with the forms that are read.
    assert "1 row with an ambiguous hire date" in result.summary and "(row 3)" in result.summary
    assert "1 row with unreadable hire date (row 5)" in result.summary
    assert "1 row with empty hire date (row 7)" in result.summary
    assert "1 row with end date before hire date (row 8)" in result.summary
    assert "dates are read as YYYY-MM-DD, YYYYMMDD" in result.summary
    assert "01/02/2020" not in result.summary
    assert result.metrics["rows_unreadable"] == 4
    assert result.metrics["employees"] == 3  # rows 2, 4 and 6 (31.12.2030 is read, day first)
    # The summary leads with what could not be read, not with a ratio over the readable rows.
    assert result.summary.startswith("4 of 7 rows could not be read")


def test_many_unreadable_rows_are_summarised(tmp_path: Path) -> None:
    rows = [row(str(i), "bad") for i in range(40)]
    result = run_payroll(write_csv(tmp_path / "l.csv", rows))
    assert "40 rows with unreadable hire date (row 2, row 3" in result.summary
    assert "and 30 more" in result.summary


@pytest.mark.parametrize("yes", ["ja", "Ja", "JA", "yes", "1", "x", "X", "true"])
@pytest.mark.parametrize("no", ["nej", "Nej", "no", "0", "", "false"])
def test_eligible_flag_values(tmp_path: Path, yes: str, no: str) -> None:
    header = ["Anställningsnummer", "Startdatum", "Lönestödsberättigad"]
    path = write_csv(tmp_path / "l.csv", [["a", "2020-01-01", yes], ["b", "2020-01-01", no], ["c", "2020-01-01", yes]], header=header)
    result = run_payroll(path)
    assert (result.outcome, result.metrics["eligible"], result.metrics["employees"]) == ("pass", 2, 3)


def test_unknown_eligible_flag_is_review(tmp_path: Path) -> None:
    header = ["Anställningsnummer", "Startdatum", "Berättigad lönestöd"]
    path = write_csv(tmp_path / "l.csv", [["a", "2020-01-01", "kanske"], ["b", "2020-01-01", "ja"]], header=header)
    result = run_payroll(path)
    assert result.outcome == "review"
    assert "'kanske' (1 row)" in result.summary


def test_flag_and_subsidy_columns_together(tmp_path: Path) -> None:
    header = ["Anst.nr", "Startdatum", "Stödform", "Berättigad lönestöd"]
    rows = [["1", "2020-01-01", "", "ja"], ["2", "2020-01-01", "Nystartsjobb", "nej"], ["3", "2020-01-01", "Ingen", "nej"]]
    result = run_payroll(write_csv(tmp_path / "l.csv", rows, header=header))
    assert (result.metrics["employees"], result.metrics["eligible"]) == (3, 2)


def test_fte_ratio_is_exact(tmp_path: Path) -> None:
    rows = [row("1", "2020-01-01", subsidy="LB", rate="33,3333"), row("2", "2020-01-01", rate="66.6667"),
            row("3", "2020-01-01", subsidy="SA", rate="100 %")]
    result = run_payroll(write_csv(tmp_path / "l.csv", rows))
    assert result.metrics["fte_ratio"] == "1.333333/2"
    assert result.metrics["fte_percent"] == "66"
    assert not any(isinstance(v, float) for v in result.metrics.values())


def test_unreadable_rate_leaves_fte_out_but_counts_the_person(tmp_path: Path) -> None:
    rows = [row("1", "2020-01-01", subsidy="LB", rate="heltid"), row("2", "2020-01-01", subsidy="LB"),
            row("3", "2020-01-01", subsidy="")]
    result = run_payroll(write_csv(tmp_path / "l.csv", rows))
    assert result.outcome == "pass"
    assert result.metrics["rate_unreadable_rows"] == 1
    assert "fte_ratio" not in result.metrics


def test_no_rate_column_no_fte(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [["1", "2020-01-01", "LB"]], header=["Anst.nr", "Startdatum", "Stödform"])
    assert "fte_ratio" not in run_payroll(path).metrics


def test_policy_vocabulary_replaces_the_default(tmp_path: Path) -> None:
    # The narrow reading: only lönebidrag counts; nystartsjobb is known but not eligible.
    policy = {"threshold_percent": 51, "subsidy_forms": [
        {"name": "Lönebidrag för anställning", "aliases": ["LB", "lönebidrag"]},
        {"name": "Nystartsjobb", "aliases": ["NSJ"], "eligible": False},
    ]}
    rows = [row("1", "2020-01-01", subsidy="LB"), row("2", "2020-01-01", subsidy="NSJ"), row("3", "2020-01-01", subsidy="Introduktionsjobb")]
    result = run_payroll(write_csv(tmp_path / "l.csv", rows), policy=policy)
    assert result.outcome == "review"  # introduktionsjobb is unknown to this vocabulary
    assert (result.metrics["eligible"], result.metrics["eligible_unknown"]) == (1, 1)


def test_bad_policy_is_an_error_result(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [row("1", "2020-01-01", subsidy="LB")])
    assert run_payroll(path, policy={"threshold_percent": "lots"}).outcome == "error"
    assert run_payroll(path, policy={"subsidy_forms": [{"aliases": ["x"]}]}).outcome == "error"


def test_several_payroll_documents_count_people_once(tmp_path: Path) -> None:
    a = write_csv(tmp_path / "a.csv", [row("1", "2020-01-01", subsidy="LB"), row("2", "2020-01-01")])
    b = write_csv(tmp_path / "b.csv", [row("2", "2020-01-01"), row("3", "2020-01-01", subsidy="bad value"), row("4", "x")])
    result = run_payroll(a, b)
    assert result.metrics["employees"] == 3
    assert len(result.evidence) == 2
    assert "b.csv row 4" in result.summary


@pytest.mark.parametrize("value, expected", [
    ("Lönebidrag för utveckling i anställning", ELIGIBLE), ("LB utv", ELIGIBLE), ("lb-utv.", ELIGIBLE),
    ("Utvecklingsanställning", ELIGIBLE), ("Trygghetsanställning", ELIGIBLE), ("LÖNEBIDRAG", ELIGIBLE),
    ("lonebidrag", ELIGIBLE), ("OSA", ELIGIBLE), ("Skyddat arbete hos offentlig arbetsgivare", ELIGIBLE),
    ("NSJ", ELIGIBLE), ("Nystartsjobb", ELIGIBLE), ("Introduktionsjobb", ELIGIBLE), ("SA", ELIGIBLE),
    ("Särskilt anställningsstöd", ELIGIBLE), ("Sarskilt anstallningsstod", ELIGIBLE), ("ET", ELIGIBLE),
    ("Extratjänst", ELIGIBLE), ("YA", ELIGIBLE), ("Yrkesintroduktion", ELIGIBLE), ("Etableringsjobb", ELIGIBLE),
    ("Instegsjobb", ELIGIBLE), ("Lönebidrag (beslut 2021-03-01)", ELIGIBLE), ("Samhall", ELIGIBLE),
    ("Ingen", NOT_ELIGIBLE), ("-", NOT_ELIGIBLE), ("", NOT_ELIGIBLE), ("nej", NOT_ELIGIBLE), ("None", NOT_ELIGIBLE),
    ("EJ", UNKNOWN), ("Ej lönebidrag", UNKNOWN), ("Bidrag", UNKNOWN), ("Praktik", UNKNOWN),
])
def test_subsidy_vocabulary(value: str, expected: str) -> None:
    assert SubsidyMatcher().classify(value)[0] == expected


# ---- a model check: the verifier agrees with a plain reading of the rules ---------------------------

_person = st.sampled_from([str(i) for i in range(12)])
_date = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2028, 12, 31))
_subsidy = st.sampled_from(["", "Ingen", "LB", "Nystartsjobb", "Trygghetsanställning", "-"])
_row = st.tuples(_person, _date, st.one_of(st.none(), _date), _subsidy)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_row, max_size=25))
def test_matches_a_plain_model(tmp_path: Path, rows: list[tuple[str, dt.date, dt.date | None, str]]) -> None:
    rows = [r for r in rows if r[2] is None or r[2] >= r[1]]
    covering: dict[str, list[tuple[dt.date, str]]] = {}
    for emp, hire, end, subsidy in rows:
        if hire <= REF and (end is None or end >= REF):
            covering.setdefault(emp, []).append((hire, subsidy))
    eligible = 0
    for periods in covering.values():
        first = min(p[0] for p in periods)
        if any(p[1] in ("LB", "Nystartsjobb", "Trygghetsanställning") for p in periods if p[0] == first):
            eligible += 1
    path = write_csv(tmp_path / "model.csv", [row(e, h.isoformat(), end.isoformat() if end else "", s) for e, h, end, s in rows])
    result = run_payroll(path)
    assert (result.metrics["employees"], result.metrics["eligible"]) == (len(covering), eligible)
    n = len(covering)
    if n >= 2 and eligible == n:
        assert result.outcome == "review"  # everyone subsidised: a list of decisions, not of the staff?
    else:
        assert result.outcome == ("pass" if n and eligible * 100 >= 51 * n else "fail")


def test_totals_row_below_the_list_is_not_a_person(tmp_path: Path) -> None:
    rows = [row("1", "2020-01-01", subsidy="LB"), row("2", "2020-01-01", subsidy="LB"), row("3", "2020-01-01", subsidy=""),
            ["Summa", "2", "", "", "200"],
            ["Totalt antal anställda: 2", "", "", "", ""]]
    result = run_payroll(write_csv(tmp_path / "l.csv", rows))
    assert result.outcome == "pass"
    assert result.metrics["rows_skipped"] == 2


def test_vocabulary_toml_block_round_trips() -> None:
    import tomllib

    from asfverify.payroll.vocabulary import DEFAULT_SUBSIDY_FORMS, NO_SUBSIDY_VALUES, vocabulary_toml

    parsed = tomllib.loads(vocabulary_toml())
    assert parsed["subsidy_forms"] == [dict(f) for f in DEFAULT_SUBSIDY_FORMS]
    assert tuple(parsed["no_subsidy_values"]) == NO_SUBSIDY_VALUES
    matcher = SubsidyMatcher(parsed["subsidy_forms"], parsed["no_subsidy_values"])
    assert matcher.classify("LB utv")[0] == ELIGIBLE and matcher.classify("Ingen")[0] == NOT_ELIGIBLE


def test_the_shipped_criteria_policy_reads_every_form_broadly() -> None:
    from asfverify import criteria
    from asfverify.payroll.vocabulary import DEFAULT_SUBSIDY_FORMS

    policy = criteria.load("asf-v1").policy
    matcher = SubsidyMatcher(policy.get("subsidy_forms"), policy.get("no_subsidy_values"))
    for form in DEFAULT_SUBSIDY_FORMS:
        assert matcher.classify(form["name"])[0] == ELIGIBLE, form["name"]
    assert policy.get("threshold_percent", 51) == 51


def test_rates_written_as_fractions_of_full_time(tmp_path: Path) -> None:
    rows = [row("1", "2020-01-01", subsidy="LB", rate="0,75"), row("2", "2020-01-01", rate="1"), row("3", "2020-01-01", subsidy="SA", rate="0.5")]
    result = run_payroll(write_csv(tmp_path / "l.csv", rows))
    assert result.metrics["fte_employees"] == "2.25"
    assert result.metrics["fte_ratio"] == "1.25/2.25"
