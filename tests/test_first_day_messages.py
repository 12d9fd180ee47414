"""Messages that point at the fix: reference_date (missing, quoted), a review in force, output folders."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from asfverify.cli import cli

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "vagen-framat"


def _in(ws: Path, *args: str):
    return CliRunner().invoke(cli, ["--workspace", str(ws), *args])


def _package(tmp_path: Path, old: str, new: str) -> Path:
    package = tmp_path / "pkg"
    shutil.copytree(EXAMPLE, package)
    manifest = (package / "application.toml").read_text(encoding="utf-8")
    assert old in manifest
    (package / "application.toml").write_text(manifest.replace(old, new), encoding="utf-8")
    return package


def test_a_quoted_reference_date_says_write_it_without_quotes(workspace: Path, tmp_path: Path) -> None:
    package = _package(tmp_path, "reference_date = 2026-10-31", 'reference_date = "2026-11-30"')
    result = _in(workspace, "run", str(package))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "is a string; write it without quotes: reference_date = 2026-11-30" in result.stderr
    assert json.loads(_in(workspace, "runs", "--json").stdout) == []  # nothing recorded


def test_a_missing_reference_date_is_said_in_the_first_line_and_the_report(workspace: Path, tmp_path: Path) -> None:
    package = _package(tmp_path, "reference_date = 2026-10-31\n", "")
    result = _in(workspace, "run", str(package))
    first = result.stdout.splitlines()[0]
    assert "today: application.toml sets no reference_date" in first and "add reference_date = YYYY-MM-DD" in first
    run_id = json.loads(_in(workspace, "runs", "--json").stdout)[-1]["run_id"]
    assert "sets no reference_date" in _in(workspace, "status", run_id).stdout.splitlines()[0]
    report = tmp_path / "r.html"
    assert _in(workspace, "report", run_id, "-o", str(report)).exit_code == 0
    assert "application.toml sets no reference_date" in report.read_text(encoding="utf-8")
    # A package that gives the date says nothing of the kind.
    given = _in(workspace, "run", str(EXAMPLE))
    assert "reference_date" not in given.stdout.splitlines()[0]


def test_status_after_a_review_leads_with_the_decision_in_force(workspace: Path, tmp_path: Path) -> None:
    package = _package(tmp_path, '[[documents]]\npath = "sam-2026.pdf"\nkind = "work-environment"\n', "")
    run = json.loads(_in(workspace, "run", "--json", str(package)).stdout)
    assert _in(workspace, "review", run["run_id"], "C6.sam", "--pass", "--note", "SAM-pärmen visad på plats",
               "--as", "Eva Granskare").exit_code == 0
    status = _in(workspace, "status", run["run_id"]).stdout
    line = next(line for line in status.splitlines() if line.strip().startswith("C6.sam"))
    decided = line.index("Decided by Eva Granskare")
    assert "pass — SAM-pärmen visad på plats" in line
    assert decided < line.index("Superseded machine finding (missing)") < line.index("no document of kind work-environment")


def test_output_in_a_missing_folder_says_how_to_create_it(workspace: Path, tmp_path: Path) -> None:
    run = json.loads(_in(workspace, "run", "--json", str(EXAMPLE)).stdout)
    for args in (["certify", run["run_id"], "-o", str(tmp_path / "out" / "c.json")],
                 ["report", run["run_id"], "-o", str(tmp_path / "out" / "r.html")],
                 ["status-list", "-o", str(tmp_path / "out" / "s.json")]):
        result = _in(workspace, *args)
        assert result.exit_code == 2 and f"create it first (mkdir -p {tmp_path / 'out'})" in result.stderr, result.stderr
    assert not (tmp_path / "out").exists()


def test_unreadable_hire_dates_say_how_many_the_format_and_the_column_mapping(workspace: Path, tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    shutil.copytree(EXAMPLE, package)
    listing = package / "anstallda-2026-10-31.csv"
    import re

    text = listing.read_text(encoding="utf-8-sig")
    listing.write_text(re.sub(r"(\d{4})-(\d{2})-(\d{2})", r"\3/\2/\1", text), encoding="utf-8")
    assert "01/" in listing.read_text(encoding="utf-8") or "/0" in listing.read_text(encoding="utf-8")
    data = json.loads(_in(workspace, "run", "--json", str(package)).stdout)
    summary = next(r["summary"] for r in data["results"] if r["requirement"] == "C2.ratio")
    assert "rows could not be read" in summary and "dates are read as YYYY-MM-DD" in summary
    assert "columns = { hire_date =" in summary and "application.toml" in summary
    assert "No employee" not in summary
