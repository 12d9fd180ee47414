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


def test_explain_shows_the_clause_its_subject_and_the_rule(invoke, tmp_path):
    from asfverify.testing import build_package, pdf_document

    corpus = Path(__file__).parent / "corpus" / "bylaws"
    text = (corpus / "16-bostadsrattsforening-dagordning.txt").read_text(encoding="utf-8")
    package = build_package(tmp_path / "brf", [pdf_document("stadgar.pdf", "bylaws", text)],
                            name="Bostadsrättsföreningen Lärkan i Växjö")
    result = invoke("run", str(package), "--json", "--jobs", "1")
    out = json.loads(result.output)
    run = out[0] if isinstance(out, list) else out
    c3 = next(r for r in run["results"] if r["requirement"] == "C3.governance")
    assert c3["outcome"] == "review"
    explained = invoke("explain", run["run_id"], "C3.governance")
    assert explained.exit_code == 0, explained.output
    text = explained.output
    # The seats HemBo appoints: the clause, who appoints (its subject) and the rule that read it.
    assert "C3.other-appointer" in text
    assert "clause: “och två utses av HemBo Riksförening”; subject: other-body: hembo riksförening" in text
    assert "subject: other-body" in text
    # The meeting electing three seats is read too, with its own clause and subject.
    assert "subject: meeting" in text
    # The decision names the rule, clause and subject that decided it.
    assert "decided by C3.other-appointer: clause: “och två utses av HemBo Riksförening”" in text
