"""Payroll lists in every accepted format (CSV variants, XLSX, PDF), and unreadable files as clear errors."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_payroll_helpers import FakeDocument, package, run_payroll, write_csv, write_pdf, write_xlsx  # noqa: E402

from asfverify.testing import run_verifier  # noqa: E402
from asfverify.verifiers.payroll import PayrollVerifier  # noqa: E402

# 5 people on 2026-10-31, 3 eligible; one left before, one hired after.
ROWS = [
    ["101", "2019-03-01", "", "Lönebidrag för trygghet i anställning", "100"],
    ["102", "2020-05-17", "", "Nystartsjobb", "62,5"],
    ["103", "2021-01-04", "", "", "50"],
    ["104", "2022-08-15", "", "Introduktionsjobb", "75"],
    ["105", "2023-09-01", "", "Ingen", "100"],
    ["106", "2018-02-01", "2025-12-31", "Nystartsjobb", "100"],
    ["107", "2026-11-15", "", "Nystartsjobb", "100"],
]


def assert_counts(result, employees: int = 5, eligible: int = 3, outcome: str = "pass") -> None:
    assert result.outcome == outcome, result.summary
    assert result.metrics["employees"] == employees
    assert result.metrics["eligible"] == eligible


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp1252"])
def test_csv_delimiters_and_encodings(tmp_path: Path, delimiter: str, encoding: str) -> None:
    rows = [[c.replace(",", ".") for c in r] for r in ROWS] if delimiter == "," else ROWS
    result = run_payroll(write_csv(tmp_path / "list.csv", rows, delimiter=delimiter, encoding=encoding))
    assert_counts(result)
    label = {"utf-8-sig": "UTF-8 with BOM", "utf-8": "UTF-8", "cp1252": "Windows-1252"}[encoding]
    assert label in result.evidence[0].excerpt
    assert "Stödform vid anställning" in result.evidence[0].excerpt  # the header decoded correctly


def test_csv_utf8_at_the_top_and_windows_1252_further_down(tmp_path: Path) -> None:
    # 70 KiB of ASCII rows before the first å: the sniffed head says UTF-8, the rest is Windows-1252.
    filler = [[str(1000 + i), "2020-01-01", "2020-01-02", "Ingen", "100"] for i in range(2500)]
    path = write_csv(tmp_path / "list.csv", filler + ROWS, encoding="cp1252", header=["Anst.nr", "Startdatum", "Slutdatum", "Stodform", "Omfattning"])
    assert path.stat().st_size > 70_000
    result = run_payroll(path)
    assert_counts(result)
    assert "Windows-1252" in result.evidence[0].excerpt


def test_csv_utf16_unicode_text_export(tmp_path: Path) -> None:
    result = run_payroll(write_csv(tmp_path / "list.txt", ROWS, delimiter="\t", encoding="utf-16"))
    assert_counts(result)


def test_csv_title_lines_and_blank_rows_around_the_list(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    lines = ["Personallista;;;;", "Utskriven 2026-11-01;;;;", ";;;;", ";".join(
        ["Anst.nr", "Anställningsdatum", "Slutdatum", "Stödform vid anställning", "Sysselsättningsgrad"])]
    lines += [";".join(r) for r in ROWS[:3]] + [";;;;", ""] + [";".join(r) for r in ROWS[3:]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_payroll(path)
    assert_counts(result)
    assert result.metrics["rows_skipped"] == 2


def test_csv_quoted_fields_with_delimiters_inside(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text('Anst.nr;Befattning;Startdatum;Stödform\n1;"Kock; deltid";2020-01-01;"Lönebidrag; LB"\n'
                    '2;"Städ";2020-01-01;Ingen\n', encoding="utf-8")
    assert_counts(run_payroll(path), employees=2, eligible=1, outcome="fail")


def test_xlsx_with_date_cells_numbers_and_title_rows(tmp_path: Path) -> None:
    rows = [[int(r[0]), dt.datetime.fromisoformat(r[1]), dt.datetime.fromisoformat(r[2]) if r[2] else None,
             r[3] or None, float(r[4].replace(",", "."))] for r in ROWS]
    path = write_xlsx(tmp_path / "list.xlsx", rows, before=[["Personallista 2026"], []])
    result = run_payroll(path)
    assert_counts(result)
    assert "XLSX" in result.evidence[0].excerpt
    assert result.metrics["fte_employees"] == "3.875"  # 100 + 62.5 + 50 + 75 + 100 %


def test_xlsx_percent_formatted_rates(tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "list.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Anställningsnummer", "Startdatum", "Lönestöd", "Omfattning"])
    ws.append(["A1", dt.date(2020, 1, 1), "LB", 0.5])
    ws.append(["A2", dt.date(2020, 1, 1), "Ingen", 1])
    for row in ws.iter_rows(min_row=2):
        row[3].number_format = "0%"
    wb.save(path)
    result = run_payroll(path)
    assert result.metrics["fte_ratio"] == "0.5/1.5"
    assert result.metrics["fte_percent"] == "33"


def test_xlsx_named_sheet(tmp_path: Path) -> None:
    rows = [[r[0], r[1], r[2], r[3], r[4]] for r in ROWS]
    path = write_xlsx(tmp_path / "list.xlsx", rows, sheet="Anställda")
    # Put the list on the second sheet: the first one is a cover sheet.
    import openpyxl

    wb = openpyxl.load_workbook(path)
    cover = wb.create_sheet("Försättsblad", 0)
    cover.append(["Försättsblad"])
    wb.save(path)
    assert_counts(run_payroll(path))  # the cover sheet has no header: the list's sheet is found
    assert_counts(run_payroll(path, sheet="Anställda"))
    assert run_payroll(path, sheet="Försättsblad").outcome == "error"
    missing = run_payroll(path, sheet="Personal")
    assert missing.outcome == "error"
    assert "no sheet 'Personal'" in missing.summary and "'Anställda'" in missing.summary


def test_pdf_table_over_several_pages_with_repeated_headers(tmp_path: Path) -> None:
    rows = [[str(500 + i), f"2020-02-{i % 28 + 1:02d}", "", "Nystartsjobb" if i % 3 else "Ingen", "100"] for i in range(70)]
    pdf = write_pdf(tmp_path / "lista.pdf", rows)
    (result,) = run_verifier(PayrollVerifier, package(tmp_path, pdf))
    assert result.outcome == "pass", result.summary
    assert result.metrics["employees"] == 70
    assert result.metrics["eligible"] == 46
    assert result.metrics["rows"] == 70  # the headings repeated on later pages are not rows
    assert result.evidence[0].page == 1
    assert "PDF" in result.evidence[0].excerpt


def test_pdf_scanned_without_text_is_review(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 50, style="F")  # an image-like page with no text
    path = tmp_path / "skannad.pdf"
    pdf.output(str(path))
    (result,) = run_verifier(PayrollVerifier, package(tmp_path, path))
    assert result.outcome == "review"
    assert "no text layer" in result.summary


def test_pdf_without_the_list_table_names_what_is_missing(tmp_path: Path) -> None:
    pdf = write_pdf(tmp_path / "lista.pdf", [["Kock", "3"]], header=["Befattning", "Antal"])
    (result,) = run_verifier(PayrollVerifier, package(tmp_path, pdf))
    assert result.outcome == "error"
    assert "anställningsnummer" in result.summary


def test_format_is_read_from_content_not_name(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "list.xlsx", [list(r) for r in ROWS])
    renamed = path.rename(tmp_path / "list.csv")
    assert_counts(run_payroll(renamed))


# ---- unreadable files: one clear error result, never a traceback ----------------------------------

def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "list.csv").write_bytes(b"")
    result = run_payroll(tmp_path / "list.csv")
    assert result.outcome == "error"
    assert result.summary == "list.csv is empty."


def test_only_blank_lines(tmp_path: Path) -> None:
    (tmp_path / "list.csv").write_text("\n\n;;;\n", encoding="utf-8")
    result = run_payroll(tmp_path / "list.csv")
    assert result.outcome == "error"
    assert "has no rows" in result.summary


@pytest.mark.parametrize("content", [
    bytes(range(256)) * 40,  # random-looking binary
    b"\x89PNG\r\n\x1a\n" + bytes(2000),  # an image
    b"Anst.nr;Startdatum;Stodform\n1;2020-01-01;LB\n" + b"\x00\x01\x02" * 10,  # NUL bytes in a text-looking file
])
def test_binary_file_named_csv(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "list.csv").write_bytes(content)
    result = run_payroll(tmp_path / "list.csv")
    assert result.outcome == "error"
    assert "binary" in result.summary


def test_nul_bytes_after_the_sniffed_head(tmp_path: Path) -> None:
    rows = [[str(i), "2020-01-01", "", "LB", "100"] for i in range(3000)]
    path = write_csv(tmp_path / "list.csv", rows)
    path.write_bytes(path.read_bytes() + b"9999;2020\x00-01-01;;LB;100\r\n")
    result = run_payroll(path)
    assert result.outcome == "error"
    assert "NUL" in result.summary


def test_neither_utf8_nor_windows_1252(tmp_path: Path) -> None:
    # 0x81 and 0x8D are undefined in Windows-1252 and invalid as UTF-8 here.
    (tmp_path / "list.csv").write_bytes(b"Anst.nr;Startdatum;St\x81dform\n1;2020-01-01;L\x8db\n")
    result = run_payroll(tmp_path / "list.csv")
    assert result.outcome == "error"
    assert "neither UTF-8 nor Windows-1252" in result.summary


def test_corrupt_xlsx(tmp_path: Path) -> None:
    (tmp_path / "list.xlsx").write_bytes(b"PK\x03\x04" + b"garbage" * 100)
    result = run_payroll(tmp_path / "list.xlsx")
    assert result.outcome == "error"
    assert "not a readable XLSX workbook" in result.summary


def test_missing_columns_names_expected_and_found(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "list.csv", [["Anna", "2020-01-01"]], header=["Namn", "Startdatum"])
    result = run_payroll(path)
    assert result.outcome == "error"
    assert "missing column employee" in result.summary
    assert "'anst.nr'" in result.summary and "subsidy" in result.summary and "eligible" in result.summary
    assert "headers found: 'Namn', 'Startdatum'" in result.summary
    assert "Anna" not in result.summary


def test_headerless_list_does_not_echo_its_first_row(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "list.csv", [["Anna Andersson", "19680823-9880", "2020-01-01", "LB"]], header=None)
    result = run_payroll(path)
    assert result.outcome == "error"
    assert "none of them a known header" in result.summary
    assert "Anna" not in result.summary and "9880" not in result.summary


def test_duplicate_header_names(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "list.csv", [["1", "2020-01-01", "2021-01-01", "LB"]],
                     header=["Anst.nr", "Startdatum", "Startdatum", "Stödform"])
    result = run_payroll(path)
    assert result.outcome == "error"
    assert "duplicate header 'Startdatum' (columns 2, 3)" in result.summary


def test_two_candidate_hire_date_columns_ask_for_the_manifest_mapping(tmp_path: Path) -> None:
    header = ["Anst.nr", "Anställningsdatum", "Startdatum", "Stödform"]
    path = write_csv(tmp_path / "list.csv", [["1", "2020-01-01", "2024-01-01", "LB"]], header=header)
    result = run_payroll(path)
    assert result.outcome == "error"
    assert "columns" in result.summary and "'Anställningsdatum'" in result.summary
    mapped = run_payroll(path, columns={"hire_date": "Anställningsdatum"})
    assert mapped.outcome == "pass" and mapped.metrics["employees"] == 1


def test_manifest_columns_mapping_for_unusual_headers(tmp_path: Path) -> None:
    header = ["Löpnummer", "Första arbetsdag", "Sista arbetsdag", "AF-stöd", "Procent"]
    path = write_csv(tmp_path / "list.csv", ROWS, header=header)
    assert run_payroll(path).outcome == "error"
    columns = {"employee": "Löpnummer", "hire_date": "första arbetsdag", "end_date": "Sista arbetsdag",
               "subsidy": "AF-stöd", "rate": "Procent"}
    assert_counts(run_payroll(path, columns=columns))


def test_manifest_column_that_is_not_there(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "list.csv", ROWS)
    result = run_payroll(path, columns={"subsidy": "Stöd enligt AF"})
    assert result.outcome == "error"
    assert "subsidy = 'Stöd enligt AF' (from the manifest's columns)" in result.summary


def test_error_through_the_host_is_one_result_with_the_digest(tmp_path: Path) -> None:
    (tmp_path / "list.csv").write_bytes(bytes(range(256)) * 4)
    (result,) = run_verifier(PayrollVerifier, package(tmp_path, tmp_path / "list.csv"))
    assert result.outcome == "error"
    assert result.evidence[0].document == FakeDocument(tmp_path / "list.csv").sha256


def test_an_unexpected_failure_names_only_its_type(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from asfverify.payroll import tally

    def boom(*_args, **_kwargs):
        raise ValueError("cell '19680823-9880 Anna Andersson' is odd")

    monkeypatch.setattr(tally, "parse_flag", boom)
    path = write_csv(tmp_path / "l.csv", [["1", "2020-01-01", "ja"]], header=["Anst.nr", "Startdatum", "Berättigad"])
    result = run_payroll(path)
    assert result.outcome == "error"
    assert result.summary == "l.csv could not be read (ValueError)."


def test_pdf_with_text_but_no_ruled_table_is_review(tmp_path: Path) -> None:
    from fpdf import FPDF
    from test_payroll_helpers import HEADER

    regular = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    pdf = FPDF()
    pdf.add_page()
    if regular.exists():
        pdf.add_font("dejavu", "", str(regular))
        pdf.set_font("dejavu", size=9)
    else:
        pdf.set_font("helvetica", size=9)
    for values in [HEADER, *ROWS]:
        pdf.cell(text="   ".join(values))
        pdf.ln(6)
    path = tmp_path / "lista.pdf"
    pdf.output(str(path))
    (result,) = run_verifier(PayrollVerifier, package(tmp_path, path))
    assert result.outcome == "review"
    assert "no ruled table" in result.summary
