"""The collective-agreement registry: CSV validation, all-or-nothing ledgered import, lookups, CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from asfverify import workspace
from asfverify.agreements import registry
from asfverify.cli import cli
from asfverify.errors import BadInput
from asfverify.ledger import open_ledger

# The shared samples beside the repository; the tests that need them skip in a clone without them.
SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples"
needs_samples = pytest.mark.skipif(not SAMPLES.exists(), reason="shared samples not present")
HEADER = "org_number;counterparty;agreement;kind;valid_from;valid_to\n"
GOOD = (
    HEADER
    + "769612-3459;Fremia;Kollektivavtal för arbetsintegrerande sociala företag (ASF-avtalet) Fremia–Kommunal;medlemskap;2019-09-01;\n"
    + "5567413090;Kommunal;Hängavtal till ASF-avtalet;hängavtal;2020-03-01;2023-02-28\n"
)


@pytest.fixture
def ws(tmp_path: Path) -> workspace.Workspace:
    return workspace.init(tmp_path / "ws", certifier="Test Certifier")


def write(tmp_path: Path, text: str | bytes, name: str = "registry.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def state(ws: workspace.Workspace) -> tuple[int, int, int]:
    """(ledger entries, imports, agreement rows): what an import may change."""
    db = ws.db()
    try:
        return (
            open_ledger(ws).size(),
            db["agreement_imports"].count,
            db["agreements"].count,
        )
    finally:
        db.close()


def invoke(ws: workspace.Workspace, *args: str):
    return CliRunner().invoke(cli, ["--workspace", str(ws.root), "agreements", *args])


# ---------------------------------------------------------------- parsing


def test_parse_good_file_normalises_numbers_and_kinds() -> None:
    rows = registry.parse_registry(GOOD.encode(), "r.csv")
    assert [r.org_number for r in rows] == ["769612-3459", "556741-3090"]
    assert rows[0].valid_to is None and rows[1].valid_to == "2023-02-28"
    assert [r.number for r in rows] == [2, 3]  # the header is row 1


def test_parse_accepts_bom_crlf_trailing_blank_lines_and_unaccented_kind() -> None:
    text = "\ufeff" + GOOD.replace("\n", "\r\n").replace("hängavtal;2020", "HANGAVTAL;2020") + "\r\n\r\n"
    rows = registry.parse_registry(text.encode(), "r.csv")
    assert len(rows) == 2 and rows[1].kind == "hängavtal"


def test_parse_accepts_comma_separated_and_missing_valid_to_column() -> None:
    text = "org_number,counterparty,agreement,kind,valid_from\n769612-3459,Fremia,ASF-avtalet,medlemskap,2019-09-01\n"
    (row,) = registry.parse_registry(text.encode(), "r.csv")
    assert row.counterparty == "Fremia" and row.valid_to is None


@pytest.mark.parametrize(
    "line, reason",
    [
        ("769612-3458;Fremia;ASF;medlemskap;2019-09-01;", "org_number: wrong check digit"),
        ("76961-23459;Fremia;ASF;medlemskap;2019-09-01;", "org_number: not NNNNNN-NNNN or 10 digits"),
        ("16769612-3459;Fremia;ASF;medlemskap;2019-09-01;", "org_number: not NNNNNN-NNNN"),
        ("850412-1234;Fremia;ASF;medlemskap;2019-09-01;", "personnummer"),
        ("402000-0008;Fremia;ASF;medlemskap;2019-09-01;", "group digit 4 is not assigned"),
        (";Fremia;ASF;medlemskap;2019-09-01;", "org_number"),
        ("769612-3459;;ASF;medlemskap;2019-09-01;", "counterparty is empty"),
        ("769612-3459;Fremia;;medlemskap;2019-09-01;", "agreement is empty"),
        ("769612-3459;Fremia;AS\x00F;medlemskap;2019-09-01;", "agreement contains a control character"),
        ("769612-3459;Fremia;ASF;anställning;2019-09-01;", "kind must be medlemskap or hängavtal"),
        ("769612-3459;Fremia;ASF;medlemskap;;", "valid_from is empty"),
        ("769612-3459;Fremia;ASF;medlemskap;2019/09/01;", "valid_from is not a YYYY-MM-DD date"),
        ("769612-3459;Fremia;ASF;medlemskap;20190901;", "valid_from is not a YYYY-MM-DD date"),
        ("769612-3459;Fremia;ASF;medlemskap;2019-02-30;", "valid_from is not a valid date"),
        ("769612-3459;Fremia;ASF;medlemskap;2019-09-01;2019-08-31", "valid_to is before valid_from"),
        ("769612-3459;Fremia;ASF;medlemskap;2019-09-01;31.12.2020", "valid_to is not a YYYY-MM-DD date"),
        ("769612-3459;Fremia;ASF;medlemskap;2019-09-01", "5 fields, expected 6"),
        ("769612-3459;Fremia;ASF;medlemskap;2019-09-01;;extra", "7 fields, expected 6"),
    ],
)
def test_each_kind_of_bad_row_is_named_by_row_number(line: str, reason: str) -> None:
    text = GOOD + line + "\n"
    with pytest.raises(BadInput) as err:
        registry.parse_registry(text.encode(), "r.csv")
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith("r.csv: 1 bad row: row 4 (")
    assert reason in message and message.endswith("nothing imported")


def test_many_bad_rows_name_the_first_few_and_count_the_rest() -> None:
    text = HEADER + "".join("123;X;Y;medlemskap;2020-01-01;\n" for _ in range(8))
    with pytest.raises(BadInput) as err:
        registry.parse_registry(text.encode(), "r.csv")
    message = str(err.value)
    assert "8 bad rows" in message and "row 2 (" in message and "row 6 (" in message
    assert "row 7 (" not in message and "and 3 more" in message


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "empty file"),
        (b"  \n\n", "empty file"),
        (HEADER.encode(), "no agreement rows"),
        (GOOD.encode("utf-16"), "not UTF-8"),
        ((b"org_number;motpart;agreement;kind;valid_from\n"), "unknown column 'motpart'"),
        (b"org_number;agreement;kind;valid_from\n", "lacks column 'counterparty'"),
        (b"org_number;org_number;counterparty;agreement;kind;valid_from\n", "twice"),
        (GOOD.encode() + b'769618-4022;Fremia;"' + b"x" * 200_000, "not readable as CSV near line 4"),
    ],
)
def test_bad_files_are_rejected_with_one_line(data: bytes, reason: str) -> None:
    with pytest.raises(BadInput) as err:
        registry.parse_registry(data, "r.csv")
    assert reason in str(err.value) and "\n" not in str(err.value)


def test_windows_1252_file_is_rejected_with_the_byte_and_offset() -> None:
    with pytest.raises(BadInput, match=r"not UTF-8 text \(byte 0xf6 at offset \d+\)"):
        registry.parse_registry(GOOD.encode("cp1252", errors="replace"), "r.csv")


# ---------------------------------------------------------------- importing


def test_import_writes_rows_and_one_ledger_entry_in_one_go(ws, tmp_path) -> None:
    path = write(tmp_path, GOOD)
    report = registry.import_file(ws, path)
    assert (report.rows, report.already_imported) == (2, False)
    assert report.receipt["first"] == report.receipt["last"] == report.ledger_index
    assert state(ws) == (1, 1, 2)
    entry = open_ledger(ws).get(report.ledger_index).entry
    assert entry["kind"] == "registry-import"
    assert (entry["file_sha256"], entry["rows"], entry["file_name"]) == (report.file_sha256, 2, "registry.csv")
    db = ws.db()
    (agreement,) = registry.lookup(db, "769612-3459")
    assert agreement.reference == {
        "import": report.ledger_index,
        "file_sha256": report.file_sha256,
        "file_name": "registry.csv",
        "row": 2,
    }


def test_reimporting_the_same_file_is_a_no_op(ws, tmp_path) -> None:
    path = write(tmp_path, GOOD)
    first = registry.import_file(ws, path)
    again = registry.import_file(ws, write(tmp_path, GOOD, "renamed.csv"))
    assert again.already_imported and again.ledger_index == first.ledger_index and again.receipt == {}
    assert state(ws) == (1, 1, 2)


def test_a_changed_file_is_a_new_import_with_its_own_entry(ws, tmp_path) -> None:
    registry.import_file(ws, write(tmp_path, GOOD))
    newer = GOOD + "769618-4022;Fremia;ASF-avtalet;medlemskap;2021-01-01;\n"
    report = registry.import_file(ws, write(tmp_path, newer, "registry-2.csv"))
    assert report.ledger_index == 1 and report.rows == 3
    assert state(ws) == (2, 2, 5)


def test_concurrent_imports_of_one_file_write_it_once(ws, tmp_path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    path = write(tmp_path, GOOD)
    with ThreadPoolExecutor(4) as pool:
        reports = list(pool.map(lambda _: registry.import_file(ws, path), range(4)))
    assert sorted(r.already_imported for r in reports) == [False, True, True, True]
    assert state(ws) == (1, 1, 2)
    assert open_ledger(ws).verify().ok


def test_bad_file_changes_nothing(ws, tmp_path) -> None:
    registry.import_file(ws, write(tmp_path, GOOD, "first.csv"))
    before = state(ws)
    bad = GOOD + "769618-4022;Fremia;ASF-avtalet;medlemskap;2021-01-01;\n" + "769618-4023;Fremia;X;medlemskap;2021-01-01;\n"
    with pytest.raises(BadInput, match="row 5"):
        registry.import_file(ws, write(tmp_path, bad, "bad.csv"))
    assert state(ws) == before


def test_failure_while_writing_rolls_back_rows_and_ledger_entry(ws, tmp_path, monkeypatch) -> None:
    def broken(db, rows, **kwargs):
        db.conn.execute(
            "INSERT INTO agreement_imports (file_sha256, file_name, rows, imported_at) VALUES ('x', 'x', 1, 'now')"
        )
        raise RuntimeError("disk full")

    monkeypatch.setattr(registry, "store_rows", broken)
    with pytest.raises(RuntimeError):
        registry.import_file(ws, write(tmp_path, GOOD))
    assert state(ws) == (0, 0, 0)


def test_missing_file_is_bad_input(ws, tmp_path) -> None:
    with pytest.raises(BadInput, match="cannot read"):
        registry.import_file(ws, tmp_path / "nope.csv")


# ---------------------------------------------------------------- lookups


@pytest.fixture
def db(ws, tmp_path):
    text = GOOD + "769612-3459;Arbetsgivaralliansen;Allmänna villkor;medlemskap;2015-01-01;2019-08-31\n"
    registry.import_file(ws, write(tmp_path, text))
    db = ws.db()
    yield db
    db.close()


@pytest.mark.parametrize(
    "day, expected",
    [
        ("2020-02-29", []),  # before the hängavtal starts
        ("2020-03-01", ["Kommunal"]),  # first day (inclusive)
        ("2023-02-28", ["Kommunal"]),  # last day (inclusive)
        ("2023-03-01", []),  # the day after it ended
    ],
)
def test_lookup_respects_valid_from_and_valid_to(db, day: str, expected: list[str]) -> None:
    found = registry.lookup(db, "556741-3090", dt.date.fromisoformat(day))
    assert [a.counterparty for a in found] == expected


def test_lookup_open_ended_and_history(db) -> None:
    assert [a.counterparty for a in registry.lookup(db, "7696123459", dt.date(2030, 1, 1))] == ["Fremia"]
    assert [a.counterparty for a in registry.lookup(db, "769612-3459", dt.date(2019, 8, 31))] == ["Arbetsgivaralliansen"]
    # Without a date: every entry, newest first.
    assert [a.counterparty for a in registry.lookup(db, "769612-3459")] == ["Fremia", "Arbetsgivaralliansen"]


def test_lookup_rejects_a_bad_number(db) -> None:
    with pytest.raises(BadInput, match="not a valid organisation number"):
        registry.lookup(db, "769612-3458")


def test_lookup_uses_the_org_number_index(db) -> None:
    plan = db.conn.execute(
        "EXPLAIN QUERY PLAN " + registry._SELECT + " WHERE a.org_number = ?", ["769612-3459"]
    ).fetchall()
    assert any("USING INDEX" in row[-1] and "org_number" in row[-1] for row in plan)


# ---------------------------------------------------------------- command line


@needs_samples
def test_cli_import_lookup_list(ws) -> None:
    result = invoke(ws, "import", str(SAMPLES / "registry.csv"))
    assert result.exit_code == 0, result.output
    assert "Imported 4 agreements from registry.csv" in result.output
    again = invoke(ws, "import", str(SAMPLES / "registry.csv"), "--json")
    assert again.exit_code == 0 and json.loads(again.output)["already_imported"] is True

    found = invoke(ws, "lookup", "769612-3459", "--date", "2026-10-31", "--json")
    assert found.exit_code == 0
    (hit,) = json.loads(found.output)
    assert hit["counterparty"] == "Fremia" and hit["reference"]["import"] == 0

    expired = invoke(ws, "lookup", "556741-3090", "--date", "2026-10-31")
    assert expired.exit_code == 1 and "No collective agreement in force on 2026-10-31" in expired.output
    history = invoke(ws, "lookup", "5567413090")
    assert history.exit_code == 0 and "2020-03-01 – 2023-02-28" in history.output

    listed = invoke(ws, "list", "--json")
    assert listed.exit_code == 0 and len(json.loads(listed.output)) == 4
    assert "212000-0142" in invoke(ws, "list").output


def test_cli_bad_file_exits_2_with_one_line_and_writes_nothing(ws, tmp_path) -> None:
    bad = write(tmp_path, HEADER + "769612-3459;Fremia;ASF;medlemskap;2019-09-01;2019-01-01\n")
    result = CliRunner().invoke(cli, ["--workspace", str(ws.root), "agreements", "import", str(bad)])
    assert result.exit_code == 2
    assert result.stderr.strip() == "Error: registry.csv: 1 bad row: row 2 (valid_to is before valid_from); nothing imported"
    assert state(ws) == (0, 0, 0)


@pytest.mark.parametrize(
    "args, message",
    [
        (["lookup", "12345"], "ORGNR is not a valid organisation number (not NNNNNN-NNNN or 10 digits)"),
        (["lookup", "769612-3459", "--date", "31/10/2026"], "Invalid value for '--date'"),
        (["import", "/nonexistent/registry.csv"], "cannot read"),
    ],
)
def test_cli_bad_arguments_exit_2(ws, args: list[str], message: str) -> None:
    result = invoke(ws, *args)
    assert result.exit_code == 2 and message in result.stderr


def test_cli_lookup_never_echoes_a_personnummer(ws) -> None:
    result = invoke(ws, "lookup", "850412-1234")
    assert result.exit_code == 2 and "a personnummer" in result.stderr
    assert "850412" not in result.output + result.stderr


def test_cli_lookup_with_plugin_sources(ws) -> None:
    (ws.plugins_dir / "union_search.py").write_text(
        "from asfverify import hookimpl\n"
        "class Search:\n"
        "    name = 'union-search'\n"
        "    def lookup(self, org_number, date):\n"
        "        return [{'org_number': org_number, 'counterparty': 'Kommunal', 'agreement': 'ASF-avtalet',\n"
        "                 'kind': 'hängavtal', 'valid_from': '2021-01-01'}]\n"
        "class Broken:\n"
        "    name = 'broken'\n"
        "    def lookup(self, org_number, date):\n"
        "        raise TimeoutError('no answer')\n"
        "@hookimpl\n"
        "def register_agreement_sources(register):\n"
        "    register(Search())\n"
        "    register(Broken())\n",
        encoding="utf-8",
    )
    assert invoke(ws, "lookup", "769612-3459").exit_code == 1  # the registry alone knows nothing
    result = invoke(ws, "lookup", "769612-3459", "--sources", "--date", "2026-10-31", "--json")
    assert result.exit_code == 0, result.output
    (hit,) = json.loads(result.stdout)
    assert hit["source"] == "union-search" and hit["counterparty"] == "Kommunal"
    assert "Warning: agreement source broken failed: TimeoutError: no answer" in result.stderr


# ---------------------------------------------------------------- all or nothing, for any mix of rows

GOOD_ROWS = [
    "769612-3459;Fremia;ASF-avtalet;medlemskap;2019-09-01;",
    "5567413090;Kommunal;Hängavtal;hängavtal;2020-03-01;2023-02-28",
]
BAD_ROWS = [
    "769612-3458;Fremia;ASF;medlemskap;2019-09-01;",
    "769612-3459;Fremia;ASF;okänd;2019-09-01;",
    "769612-3459;Fremia;ASF;medlemskap;2019-09-01;2018-01-01",
    "769612-3459;Fremia",
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(GOOD_ROWS + BAD_ROWS), min_size=1, max_size=12))
def test_any_mix_of_rows_imports_all_or_nothing(lines: list[str]) -> None:
    import sqlite_utils

    db = sqlite_utils.Database(memory=True)
    registry.migrations.apply(db)
    data = (HEADER + "".join(line + "\n" for line in lines)).encode()
    bad = [n for n, line in enumerate(lines, start=2) if line in BAD_ROWS]
    if bad:
        with pytest.raises(BadInput) as err:
            registry.import_into(db, data, "r.csv")
        assert f"row {bad[0]} (" in str(err.value) and f"{len(bad)} bad row" in str(err.value)
        assert db["agreements"].count == 0 and db["agreement_imports"].count == 0
    else:
        assert registry.import_into(db, data, "r.csv").rows == len(lines) == db["agreements"].count
        assert registry.import_into(db, data, "r.csv").already_imported
        assert db["agreements"].count == len(lines)
