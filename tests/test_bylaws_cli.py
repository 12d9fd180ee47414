"""The bylaws verifier through the command line: `run --json` on the samples and `explain` on a result."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples"
REQUIREMENTS = ("C1.purpose", "C3.governance", "C4.bylaws", "C5.democracy")

pytestmark = pytest.mark.skipif(not SAMPLES.exists(), reason="shared samples not present")


def _run(invoke, case: str) -> dict:
    result = invoke("run", str(SAMPLES / case), "--json", "--jobs", "1")
    assert result.exit_code in (0, 1), result.output
    out = json.loads(result.output)
    return out[0] if isinstance(out, list) else out


@pytest.mark.parametrize("case", ["vagen-framat", "stadsdelsservice-ab", "skannade-stadgar", "kommunens-arbetscenter"])
def test_run_json_gives_the_samples_bylaws_outcomes_with_page_and_excerpt(invoke, case):
    expected = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))[case]["requirements"]
    run = _run(invoke, case)
    bylaws = {r["requirement"]: r for r in run["results"] if r["verifier"] == "bylaws"}
    assert {k: r["outcome"] for k, r in bylaws.items()} == {req: expected[req] for req in REQUIREMENTS}
    for r in bylaws.values():
        assert r["summary"] and r["evidence"]
        if r["outcome"] in ("pass", "fail"):
            for ev in r["evidence"]:
                assert ev["page"] >= 1 and 0 < len(ev["excerpt"]) <= 300 and ev["rule"] and ev["matched"]
        else:
            assert "no text layer" in r["summary"]


def test_explain_shows_every_rule_tried_and_why(invoke):
    run = _run(invoke, "stadsdelsservice-ab")
    result = invoke("explain", run["run_id"], "C4.bylaws")
    assert result.exit_code == 0, result.output
    text = result.output
    for rule in ("C4.dividend-allowed", "C4.no-dividend", "C4.svb", "decision"):
        assert rule in text
    assert "Vinstutdelning får ske" in text  # the excerpt of the deciding match
    assert "p.2" in text or "page 2" in text
