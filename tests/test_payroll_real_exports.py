"""Payroll lists as real systems write them (issue 17): dates, Excel damage, decision lists, PAXml, LOU facts.

Every case goes through a real application package and the payroll verifier, as `asfverify run` does.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from asfverify.payroll.values import AmbiguousDate, parse_date
from asfverify.testing import build_package, csv_document, file_document, run_verifier
from asfverify.verifiers.payroll import PayrollVerifier

HEADER = ["Anst.nr", "Anställningsdatum", "Slutdatum", "Stödform"]


def c2(tmp_path: Path, *documents) -> object:
    package = build_package(tmp_path / "pkg", list(documents))
    (result,) = run_verifier(PayrollVerifier, package)
    return result


def staff(rows, header=HEADER, **options):
    return csv_document("anstallda.csv", "payroll", [header, *rows], **options)


# ---- dates -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["01.03.2024", "1.3.2024", "2024-3-1", "2024/03/01", "2024-03-01 00:00:00",
                                  "2024-03-01", "20240301"])
def test_every_unambiguous_date_form_is_read(text):
    assert parse_date(text) == dt.date(2024, 3, 1)


def test_day_and_month_order_is_read_only_when_certain():
    assert parse_date("13/03/2024") == dt.date(2024, 3, 13)
    assert parse_date("03/03/2024") == dt.date(2024, 3, 3)
    with pytest.raises(AmbiguousDate):
        parse_date("01/03/2024")


def test_dates_from_a_swedish_export_are_counted(tmp_path):
    rows = [["1", "01.03.2024", "", "Lönebidrag"], ["2", "1.3.2024", "", "Nystartsjobb"],
            ["3", "2024-3-1", "", ""], ["4", "2024/03/01", "", "Introduktionsjobb"], ["5", "2024-03-01 00:00:00", "", ""]]
    result = c2(tmp_path, staff(rows))
    assert result.outcome == "pass"
    assert result.metrics["employees"] == 5 and result.metrics["eligible"] == 3


def test_an_ambiguous_date_is_review_naming_rows_and_accepted_forms(tmp_path):
    rows = [["1", "2020-01-01", "", "LB"], ["2", "01/03/2024", "", "LB"], ["3", "2020-01-01", "", ""],
            ["4", "05/06/2021", "", ""]]
    result = c2(tmp_path, staff(rows))
    assert result.outcome == "review"
    assert "2 rows with an ambiguous hire date" in result.summary and "(row 3, row 5)" in result.summary
    assert "YYYY-MM-DD" in result.summary and "D.M.YYYY" in result.summary
    assert "01/03/2024" not in result.summary  # rows are named by number, never by content
    # Unreadable rows lead the summary: no ratio over the readable subset comes first.
    assert result.summary.startswith("2 of 4 rows could not be read, so the share of eligible employees")


# ---- Excel damage ------------------------------------------------------------------------------------

def test_a_personnummer_that_lost_its_leading_zero_is_restored(tmp_path):
    # 050505-…: born 2005, a numeric Excel cell drops the leading zero (9 digits left).
    from stdnum import luhn

    def pnr(base9: str) -> str:
        return base9 + luhn.calc_check_digit(base9)

    first, second = pnr("050505123"), pnr("030303456")
    rows = [[first.lstrip("0"), "2020-01-01", "", "LB"], [second.lstrip("0"), "2020-01-01", "", ""],
            [first, "2020-01-01", "", "LB"]]  # the same person again, written with the zero
    result = c2(tmp_path, staff(rows, header=["Personnummer", "Anställningsdatum", "Slutdatum", "Stödform"]))
    assert result.metrics["rows_unreadable"] == 0
    assert result.metrics["employees"] == 2 and result.metrics["duplicate_rows"] == 1
    assert result.metrics["personal_numbers_validated"] == 3
    assert first.lstrip("0") not in result.summary and first not in str(result.metrics)


def test_a_yes_no_column_headed_with_a_subsidy_name_is_an_eligibility_flag(tmp_path):
    rows = [["1", "2020-01-01", "Ja"], ["2", "2020-01-01", "Nej"], ["3", "2020-01-01", "ja"]]
    result = c2(tmp_path, staff(rows, header=["Anst.nr", "Anställningsdatum", "Lönebidrag"]))
    assert result.outcome == "pass", result.summary
    assert result.metrics["eligible"] == 2 and result.metrics["eligible_unknown"] == 0


def test_arbetsformedlingens_current_subsidy_names_are_specific_forms(tmp_path):
    names = ["Lönestöd för utveckling i anställning", "Lönestöd för skyddat arbete hos offentlig arbetsgivare",
             "Lönestöd för trygghet i anställning", "Skyddat arbete hos Samhall", "Introduktionsjobb", "Nystartsjobb"]
    rows = [[str(i), "2020-01-01", "", name] for i, name in enumerate(names)] + [["99", "2020-01-01", "", ""]]
    result = c2(tmp_path, staff(rows))
    assert result.outcome == "pass", result.summary
    assert result.metrics["eligible"] == len(names) and result.metrics["eligible_unknown"] == 0


# ---- lists that are not the staff ----------------------------------------------------------------------

def test_a_list_where_everyone_is_subsidised_is_review_saying_why(tmp_path):
    rows = [["1", "2020-01-01", "", "LB"], ["2", "2021-01-01", "", "Nystartsjobb"], ["3", "2022-01-01", "", "LB"]]
    result = c2(tmp_path, staff(rows))
    assert result.outcome == "review"
    assert "every one of the 3 people on the list is subsidised" in result.summary
    assert "complete staff" in result.summary and "subsidy-decisions" in result.summary


def test_a_list_of_decisions_submitted_as_the_payroll_is_review(tmp_path):
    header = ["Anst.nr", "Anställningsdatum", "Stödform", "Beslutsdatum", "Stödperiod"]
    rows = [["1", "2020-01-01", "LB", "2019-12-01", "2020-01-01–2021-12-31"],
            ["2", "2021-01-01", "Nystartsjobb", "2020-12-01", "2021"], ["3", "2021-01-01", "", "", ""]]
    result = c2(tmp_path, staff(rows, header=header))
    assert result.outcome == "review"
    assert "reads as a list of subsidy decisions" in result.summary and "'Beslutsdatum'" in result.summary


def test_an_employee_list_joined_to_a_separate_decisions_list(tmp_path):
    employees = csv_document("personal.csv", "payroll", [["Anst.nr", "Anställningsdatum", "Slutdatum"],
                             ["1", "2020-01-01", ""], ["2", "2020-01-01", ""], ["3", "2021-05-01", ""],
                             ["4", "2019-01-01", "2022-12-31"]])
    decisions = csv_document("beslut.csv", "subsidy-decisions", [["Anst.nr", "Stödform", "Beslutsdatum"],
                             ["1", "Lönestöd för utveckling i anställning", "2019-12-01"],
                             ["3", "Nystartsjobb", "2021-04-10"], ["4", "LB", "2018-12-01"], ["9", "LB", "2023-01-01"]])
    result = c2(tmp_path, employees, decisions)
    assert result.outcome == "pass", result.summary
    assert (result.metrics["employees"], result.metrics["eligible"]) == (3, 2)
    assert result.metrics["join_matched"] == 2
    assert result.metrics["join_employees_without_decision"] == 1
    assert result.metrics["join_decisions_without_employee"] == 2  # employee 4 left, 9 is not on the list
    assert "joined to the subsidy-decisions list by employee id: 2 matched" in result.summary


# ---- unusable lists say what they found, what was expected, and how to map --------------------------

def test_an_unusable_list_names_found_and_expected_headers_and_the_columns_mapping(tmp_path):
    result = c2(tmp_path, staff([["1", "2020-01-01", "LB"]], header=["Nr", "Började", "Stöd"]))
    assert result.outcome == "error"
    assert "headers found: 'Nr', 'Började', 'Stöd'" in result.summary
    assert "hire_date" in result.summary and "columns = {" in result.summary and "application.toml" in result.summary


# ---- PAXml -------------------------------------------------------------------------------------------

PAXML = """<?xml version="1.0" encoding="UTF-8"?>
<paxml xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="http://www.paxml.se/2.2/paxml.xsd">
  <header><version>2.2</version><format>LÖNIN</format><foretagnamn>Exempel ek. för.</foretagnamn></header>
  <personal>
    <person anstid="11"><fornamn>A</fornamn><anstdatum>2020-01-01</anstdatum></person>
    <person anstid="12"><fornamn>B</fornamn><anstdatum>2021-02-01</anstdatum><sysselsattningsgrad>75</sysselsattningsgrad></person>
    <person anstid="13"><fornamn>C</fornamn><anstdatum>2018-01-01</anstdatum><slutdatum>2020-06-30</slutdatum></person>
    <person anstid="14"><fornamn>D</fornamn><anstdatum>2022-03-01</anstdatum></person>
  </personal>
</paxml>
"""


def test_paxml_personnel_records_are_read_and_joined_to_the_decisions(tmp_path):
    decisions = csv_document("beslut.csv", "subsidy-decisions", [["anstid", "Stödform"], ["11", "Lönebidrag"],
                             ["12", "Nystartsjobb"]])
    result = c2(tmp_path, file_document("personal.xml", "payroll", PAXML.encode()), decisions)
    assert result.outcome == "pass", result.summary
    assert (result.metrics["employees"], result.metrics["eligible"]) == (3, 2)
    assert "PAXML" in result.evidence[-1].excerpt


def test_paxml_without_a_decisions_list_says_it_is_paxml(tmp_path):
    result = c2(tmp_path, file_document("personal.xml", "payroll", PAXML.encode()))
    assert result.outcome == "error"
    assert "is a PAXml personnel file, not a CSV" in result.summary and "subsidy-decisions" in result.summary


def test_paxml_with_an_entity_bomb_is_refused(tmp_path):
    bomb = ('<?xml version="1.0"?><!DOCTYPE paxml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
            '<paxml><personal><person anstid="&b;"><anstdatum>2020-01-01</anstdatum></person></personal></paxml>')
    decisions = csv_document("beslut.csv", "subsidy-decisions", [["anstid", "Stödform"], ["1", "LB"]])
    result = c2(tmp_path, file_document("personal.xml", "payroll", bomb.encode()), decisions)
    assert result.outcome == "error" and "forbidden XML constructs" in result.summary


# ---- LOU 4 kap. 18 § -----------------------------------------------------------------------------------

def test_lou_facts_count_everyone_employed_in_any_form(tmp_path):
    rows = [["1", "2020-01-01", "", "LB"], ["2", "2020-01-01", "", ""], ["3", "2020-01-01", "", ""],
            ["4", "2020-01-01", "", "Nystartsjobb"]]
    training = csv_document("deltagare.csv", "work-training", [["Deltagare", "Plan", "Handledare", "Senaste uppföljning"],
                            ["D1", "ja", "Handledare A", "2026-09-01"], ["D2", "ja", "Handledare A", "2026-09-15"]])
    package = build_package(tmp_path / "pkg", [staff(rows), training])
    (result,) = run_verifier(PayrollVerifier, package, extra_kinds=["work-training"])
    m = result.metrics
    assert (m["employees"], m["eligible"]) == (4, 2)  # C2 counts employees only: 50 %, below 51 %
    assert result.outcome == "fail"
    assert (m["lou_people"], m["lou_target_group"], m["lou_work_training_participants"]) == (6, 4, 2)
    assert m["lou_percent"] == 66 and m["lou_30_percent_met"] == "yes"
    assert all(isinstance(m[k], int) for k in ("lou_people", "lou_target_group", "lou_percent"))


def test_lou_facts_without_a_participant_list_are_the_employees(tmp_path):
    rows = [["1", "2020-01-01", "", "LB"], ["2", "2020-01-01", "", ""], ["3", "2020-01-01", "", ""]]
    result = c2(tmp_path, staff(rows))
    assert (result.metrics["lou_people"], result.metrics["lou_target_group"], result.metrics["lou_percent"]) == (3, 1, 33)
