"""No personnummer, in any form, leaves the payroll verifier: not in output, results, ledger or caches."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))
from stdnum import luhn
from test_payroll_helpers import package, run_payroll, write_csv, write_pdf, write_xlsx  # noqa: E402

from asfverify.cli import cli  # noqa: E402
from asfverify.payroll.identity import normalise_personal_number  # noqa: E402


def _luhn_digit(nine: str) -> str:
    return luhn.calc_check_digit(nine)


def personnummer(born: dt.date, serial: int, coordination: bool = False) -> str:
    """A synthetic, Luhn-valid 12-digit number (birth numbers 980–989 as in the samples)."""
    day = born.day + (60 if coordination else 0)
    nine = f"{born:%y%m}{day:02d}{serial:03d}"
    return f"{born.year}{nine[2:]}{_luhn_digit(nine)}"


def forms(twelve: str) -> list[str]:
    """Every way a payroll export writes the number: 10, 11, 12 and 13 characters, '-' or '+'."""
    if int(twelve[:4]) <= dt.date.today().year - 100:
        # 100 or older: '+' marks the century; ten bare digits would be read as someone born this century.
        return [twelve, f"{twelve[:8]}-{twelve[8:]}", f"{twelve[2:8]}+{twelve[8:]}"]
    return [twelve, f"{twelve[:8]}-{twelve[8:]}", twelve[2:], f"{twelve[2:8]}-{twelve[8:]}"]


def people(count: int) -> list[str]:
    out = []
    for i in range(count):
        year = 1920 if i == 5 else 1945 + (i * 7) % 60  # one person over 100
        born = dt.date(year, 1 + i % 12, 1 + (i * 5) % 28)
        out.append(personnummer(born, 980 + i % 10, coordination=(i % 4 == 3)))
    return out


PEOPLE = people(24)
EVERY_FORM = sorted({f for p in PEOPLE for f in forms(p)} | {f"{p[2:8]}+{p[8:]}" for p in PEOPLE})


def test_fixture_numbers_are_valid_in_every_form() -> None:
    assert any(int(p[6:8]) > 60 for p in PEOPLE)  # samordningsnummer are among them
    assert any("+" in f for f in EVERY_FORM)
    for person in PEOPLE:
        for form in forms(person):
            assert normalise_personal_number(form) == person, form
        assert {len(f) for f in forms(person)} <= {10, 11, 12, 13}
    assert {len(f) for p in PEOPLE for f in forms(p)} == {10, 11, 12, 13}


def _rows() -> list[list[str]]:
    """Each person listed in every form (the same person four times), half of them eligible."""
    rows = []
    for i, person in enumerate(PEOPLE):
        for form in forms(person):
            rows.append([form, "2020-01-01", "", "Lönebidrag" if i % 2 == 0 else "Ingen", "100"])
    rows.append(["19680823-9881", "2020-01-01", "", "LB", "100"])  # invalid check digit
    return rows


def _assert_clean(blob: bytes | str, where: str) -> None:
    data = blob.encode("utf-8") if isinstance(blob, str) else blob
    for form in EVERY_FORM + ["19680823-9881", "6808239881"]:
        assert form.encode() not in data, f"{form} found in {where}"
        assert form.encode("utf-16-le") not in data, f"{form} (UTF-16) found in {where}"


HEADER = ["Personnummer", "Anställningsdatum", "Slutdatum", "Stödform", "Omfattning"]


def test_verifier_result_holds_no_personal_number(tmp_path: Path) -> None:
    result = run_payroll(write_csv(tmp_path / "l.csv", _rows(), header=HEADER))
    assert result.metrics["employees"] == len(PEOPLE)  # every form of one number is one person
    assert result.metrics["eligible"] == len(PEOPLE) // 2
    assert result.metrics["duplicate_rows"] == sum(len(forms(p)) - 1 for p in PEOPLE)
    assert result.outcome == "review"
    assert f"1 row with invalid personnummer (row {len(_rows()) + 1})" in result.summary
    _assert_clean(json.dumps(result.to_dict(), ensure_ascii=False), "the result")


def test_personal_numbers_in_an_anstallningsnummer_column_are_still_pseudonymised(tmp_path: Path) -> None:
    rows = [[p, "2020-01-01", "", "LB", "100"] for p in PEOPLE]
    result = run_payroll(write_csv(tmp_path / "l.csv", rows))
    assert result.metrics["personal_numbers_validated"] == len(PEOPLE)
    _assert_clean(json.dumps(result.to_dict(), ensure_ascii=False), "the result")


def test_only_pseudonyms_reach_the_key_function(tmp_path: Path) -> None:
    from test_payroll_helpers import FakeApplication, FakeContext, FakeDocument

    from asfverify.verifiers.payroll import PayrollVerifier

    context = FakeContext()
    doc = FakeDocument(write_csv(tmp_path / "l.csv", _rows(), header=HEADER))
    list(PayrollVerifier().verify(FakeApplication([doc]), context))
    # The verifier hands the normalised 12-digit number to the host's HMAC and nothing else.
    assert set(context.seen) == set(PEOPLE)


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_end_to_end_through_asfverify_run(tmp_path: Path, fmt: str) -> None:
    runner = CliRunner()
    ws = tmp_path / "ws"
    assert runner.invoke(cli, ["init", str(ws)]).exit_code == 0
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    rows = _rows()
    if fmt == "csv":
        payroll = write_csv(pkg / "anstallda.csv", rows, header=HEADER)
    elif fmt == "xlsx":
        payroll = write_xlsx(pkg / "anstallda.xlsx", rows, header=HEADER)
    else:
        payroll = write_pdf(pkg / "anstallda.pdf", rows, header=HEADER)
    package(pkg, payroll)

    run = runner.invoke(cli, ["--workspace", str(ws), "run", str(pkg), "--json"])
    assert run.exit_code in (0, 1), run.output + run.stderr
    _assert_clean(run.stdout, "stdout")
    _assert_clean(run.stderr, "stderr")
    report = json.loads(run.stdout)
    (c2,) = [r for r in report["results"] if r["requirement"] == "C2.ratio"]
    assert c2["metrics"]["employees"] == len(PEOPLE), c2["summary"]
    assert c2["metrics"]["eligible"] == len(PEOPLE) // 2
    assert c2["outcome"] == "review"  # the invalid number

    explain = runner.invoke(cli, ["--workspace", str(ws), "explain", report["run_id"], "C2.ratio", "--json"])
    assert explain.exit_code == 0, explain.output
    _assert_clean(explain.stdout, "explain")
    html = tmp_path / "report.html"
    assert runner.invoke(cli, ["--workspace", str(ws), "report", report["run_id"], "-o", str(html)]).exit_code == 0
    _assert_clean(html.read_bytes(), "the HTML report")

    for path in _files(ws):  # ledger.db, its -wal, text caches, keys …
        _assert_clean(path.read_bytes(), str(path.relative_to(ws)))
    assert any(p.name.startswith("ledger.db") for p in _files(ws))


def test_the_search_finds_numbers_where_they_are(tmp_path: Path) -> None:
    """Control: the leak search above does see the numbers in the list itself, in every format."""
    for form in forms(PEOPLE[0]):
        with pytest.raises(AssertionError):
            _assert_clean(f"x;{form};y", "a control")
    payroll = write_xlsx(tmp_path / "l.xlsx", _rows(), header=HEADER)
    import zipfile

    with zipfile.ZipFile(payroll) as zf:
        with pytest.raises(AssertionError):
            _assert_clean(b"".join(zf.read(n) for n in zf.namelist()), "the workbook")


def test_people_not_employed_on_the_day_are_never_pseudonymised(tmp_path: Path) -> None:
    from test_payroll_helpers import FakeApplication, FakeContext, FakeDocument

    from asfverify.verifiers.payroll import PayrollVerifier

    rows = [[PEOPLE[0], "2020-01-01", "", "LB", "100"],          # employed
            [PEOPLE[1], "2020-01-01", "2024-01-01", "LB", "100"],  # left before
            [PEOPLE[2], "2027-01-01", "", "LB", "100"]]            # hired after
    context = FakeContext()
    doc = FakeDocument(write_csv(tmp_path / "l.csv", rows, header=HEADER))
    (result,) = PayrollVerifier().verify(FakeApplication([doc]), context)
    assert context.seen == [PEOPLE[0]]
    assert result.metrics["personal_numbers_validated"] == 3  # all validated; only one pseudonymised
