"""A hostile document costs its package an `error` result, never the machine: bounded time and memory.

Time is not asserted (the machine is shared); the limits are: the error result names the document
and the limit it hit, the whole process tree stays under 1 GiB peak RSS, and the ledger verifies.
benchmarks/bench_hostile.py records the times and peaks in docs/performance.md.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile import inflating_pdf, long_line_csv, wide_xlsx

from asfverify.cli import cli

ASFVERIFY = Path(sys.executable).with_name("asfverify")
GiB = 1024 ** 3
# Runs the command and prints the peak RSS (KiB) of the largest process in its tree.
PEAK = ("import resource, subprocess, sys; "
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
        "sys.stdout.write(p.stdout); sys.stderr.write(p.stderr); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(p.returncode)")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("hostile")
    return {
        "pdf": inflating_pdf(root / "bomb.pdf"),
        "xlsx": wide_xlsx(root / "wide.xlsx"),
        "csv": long_line_csv(root / "long.csv"),
    }


@pytest.fixture
def limited_ws(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    assert CliRunner().invoke(cli, ["init", str(ws)]).exit_code == 0
    with (ws / "asfverify.toml").open("a", encoding="utf-8") as fh:
        fh.write("\n[limits]\nmax_seconds_per_document = 10\n")
    return ws


def _package(root: Path, source: Path, name: str, kind: str) -> Path:
    root.mkdir()
    (root / name).write_bytes(source.read_bytes())
    (root / "application.toml").write_text(
        '[organisation]\nname = "Test ek. för."\norg_number = "769612-3459"\n'
        f'[application]\nreference_date = 2026-10-31\n[[documents]]\npath = "{name}"\nkind = "{kind}"\n',
        encoding="utf-8")
    return root


@pytest.mark.parametrize("which, name, kind, requirement, limit", [
    ("pdf", "stadgar.pdf", "bylaws", "C1.purpose", "max_memory_per_document"),
    ("pdf", "lista.pdf", "payroll", "C2.ratio", "max_memory_per_document"),
    ("xlsx", "lista.xlsx", "payroll", "C2.ratio", "max_columns"),
    ("csv", "lista.csv", "payroll", "C2.ratio", "max_line_bytes"),
], ids=["bomb-as-bylaws", "bomb-as-payroll", "wide-xlsx", "long-csv-line"])
def test_a_hostile_document_ends_as_an_error_result_within_its_limits(
        hostile: dict[str, Path], limited_ws: Path, tmp_path: Path, which: str, name: str, kind: str,
        requirement: str, limit: str) -> None:
    pkg = _package(tmp_path / "pkg", hostile[which], name, kind)
    proc = subprocess.run([sys.executable, "-c", PEAK, str(ASFVERIFY), "-w", str(limited_ws), "run", "--json", str(pkg)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr
    *messages, peak_kib = proc.stderr.strip().splitlines()
    assert messages == [], messages
    assert int(peak_kib) * 1024 < GiB, f"peak RSS {int(peak_kib) // 1024} MiB"
    report = json.loads(proc.stdout)
    errors = [r for r in report["results"] if r["requirement"] == requirement and r["outcome"] == "error"]
    assert errors, report["results"]
    assert name in errors[0]["summary"] and limit in errors[0]["summary"], errors[0]["summary"]
    assert CliRunner().invoke(cli, ["-w", str(limited_ws), "ledger", "verify"]).exit_code == 0


def test_a_parse_over_time_is_ended_and_named(hostile: dict[str, Path], tmp_path: Path) -> None:
    # With memory to spare, the same page is a timeout: the child is killed at the limit.
    ws = tmp_path / "ws"
    assert CliRunner().invoke(cli, ["init", str(ws)]).exit_code == 0
    with (ws / "asfverify.toml").open("a", encoding="utf-8") as fh:
        fh.write("\n[limits]\nmax_seconds_per_document = 1\nmax_memory_per_document = 3221225472\n")
    pkg = _package(tmp_path / "pkg", hostile["pdf"], "stadgar.pdf", "bylaws")
    result = CliRunner().invoke(cli, ["-w", str(ws), "run", "--json", str(pkg)])
    assert result.exit_code == 1, result.output
    errors = [r for r in json.loads(result.stdout)["results"] if r["outcome"] == "error"]
    assert errors and all("stadgar.pdf: text extraction took longer than the limit of 1 s" in r["summary"] for r in errors)


def test_the_in_process_fallback_gives_the_same_outcome(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from asfverify import testing

    ws = tmp_path / "ws"
    assert CliRunner().invoke(cli, ["init", str(ws)]).exit_code == 0
    pkg = tmp_path / "pkg"
    testing.build_package(pkg, [testing.pdf_document("stadgar.pdf", "bylaws", "Stadgar. § 2 Ändamål. Föreningen har till ändamål att skapa arbete.")])

    def outcomes() -> list[tuple[str, str, str]]:
        result = CliRunner().invoke(cli, ["-w", str(ws), "run", "--json", str(pkg)])
        return sorted((r["verifier"], r["requirement"], r["outcome"]) for r in json.loads(result.stdout)["results"])

    forked = outcomes()
    monkeypatch.setenv("ASFVERIFY_INPROCESS_PARSE", "1")
    (ws / "cache.db").unlink()
    assert outcomes() == forked
