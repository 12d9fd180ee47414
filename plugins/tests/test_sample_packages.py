"""The shared sample applications give their expected C3.market, C4.accounts and C6.sam with these plugins."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from asfverify import testing

PLUGINS = Path(__file__).resolve().parents[1]
SAMPLES = PLUGINS.parent.parent / "shared" / "samples"
OURS = ("C3.market", "C4.accounts", "C6.sam")

pytestmark = pytest.mark.skipif(not (SAMPLES / "expected.json").is_file(), reason="shared samples not present")


def cases() -> list[str]:
    if not (SAMPLES / "expected.json").is_file():
        return []
    return sorted(json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def host():
    return testing.load_test_host(plugins_dir=PLUGINS)


@pytest.mark.parametrize("case", cases())
def test_sample_gives_expected_outcomes_for_the_plugins_requirements(case: str, host) -> None:
    expected = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))[case]["requirements"]
    report = testing.run_host(SAMPLES / case, host)
    got = {r["id"]: r["outcome"] for c in report.criteria for r in c["requirements"]}
    for requirement in OURS:
        if requirement in expected:
            assert got[requirement] == expected[requirement], (case, requirement, testing.results_for(report, requirement))
    for result in report.results:
        if result["requirement"] in OURS:
            assert result["plugin"].startswith("local:")
            assert all(ev["document"] and ev["page"] for ev in result["evidence"])
            assert all(isinstance(v, (int, str)) for v in result["metrics"].values())
