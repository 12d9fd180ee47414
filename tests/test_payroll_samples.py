"""The four sample applications give their expected C2.ratio outcome and employees/eligible metrics."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from asfverify.cli import cli
from asfverify.testing import run_verifier
from asfverify.verifiers.payroll import PayrollVerifier

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples"
EXPECTED = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8")) if SAMPLES.exists() else {}
CASES = sorted(EXPECTED)

pytestmark = pytest.mark.skipif(not SAMPLES.exists(), reason="shared samples not present")


@pytest.mark.parametrize("case", CASES)
def test_sample_directly(case: str) -> None:
    (result,) = run_verifier(PayrollVerifier, SAMPLES / case)
    want = EXPECTED[case]
    assert result.outcome == want["requirements"]["C2.ratio"], result.summary
    assert result.metrics["employees"] == want["payroll"]["employees"]
    assert result.metrics["eligible"] == want["payroll"]["eligible"]
    assert result.metrics["rows_unreadable"] == 0


def test_samples_through_asfverify_run(tmp_path: Path) -> None:
    runner = CliRunner()
    ws = tmp_path / "ws"
    assert runner.invoke(cli, ["init", str(ws)]).exit_code == 0
    run = runner.invoke(cli, ["--workspace", str(ws), "run", *[str(SAMPLES / c) for c in CASES], "--json", "--jobs", "1"])
    assert run.exit_code in (0, 1), run.output
    reports = json.loads(run.stdout)
    assert len(reports) == len(CASES)
    for case, report in zip(CASES, reports):
        want = EXPECTED[case]
        (c2,) = [r for r in report["results"] if r["requirement"] == "C2.ratio"]
        assert c2["verifier"] == "payroll"
        assert c2["outcome"] == want["requirements"]["C2.ratio"], (case, c2["summary"])
        assert c2["metrics"]["employees"] == want["payroll"]["employees"], case
        assert c2["metrics"]["eligible"] == want["payroll"]["eligible"], case
        assert isinstance(c2["metrics"]["employees"], int)
        # The samples' personnummer (XLSX ids) appear nowhere in the output.
        text = json.dumps(c2)
        assert "19680823" not in text and "6808239880" not in text and "790174" not in text


def test_sample_summaries_read_as_one_sentence() -> None:
    (result,) = run_verifier(PayrollVerifier, SAMPLES / "vagen-framat")
    assert result.summary == "8 of 12 employees on 2026-10-31 (66 %) were eligible for lönestöd at hiring; 51 % required."
    assert result.metrics["ratio"] == "8/12"
    assert result.metrics["lou_30_percent_met"] == "yes"
    assert result.evidence[0].excerpt.startswith("15 rows, columns: Anst.nr, Anställningsdatum")
