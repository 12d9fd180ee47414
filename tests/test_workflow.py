"""The certifier's workflow: batch runs with a broken package, parallel appends, reviews, runs, explain."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from stdnum import luhn

from asfverify import workspace as workspace_mod
from asfverify.cli import cli
from asfverify.ledger import open_ledger
from asfverify.runs import load_run

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
ASFVERIFY = Path(sys.executable).parent / "asfverify"

BYLAWS = (
    "Stadgar för {name}\n"
    "§ 2 Ändamål. Föreningen har till ändamål att skapa arbete för personer med funktionsnedsättning "
    "som varit utanför arbetsmarknaden i mer än tolv månader.\n"
    "§ 9 Överskott. Överskottet ska i sin helhet återinvesteras i verksamheten. Ingen vinstutdelning får ske.\n"
    "§ 11 Styrelse. Styrelsen väljs av föreningsstämman, där varje medlem har en röst. "
    "Medarbetarna är medlemmar och utser styrelsen."
)
PAYROLL = "Anst.nr;Anställd från;Stödform\n1;2024-01-15;lönebidrag\n2;2023-05-01;nystartsjobb\n3;2022-03-01;\n"


def luhn_org_number(prefix9: str) -> str:
    """A Luhn-valid organisation number NNNNNN-NNNN from its first nine digits."""
    digits = prefix9 + luhn.calc_check_digit(prefix9)
    return f"{digits[:6]}-{digits[6:]}"


def make_pdf(path: Path, text: str) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    if DEJAVU.exists():
        pdf.add_font("dejavu", "", str(DEJAVU))
        pdf.set_font("dejavu", size=11)
    else:
        pdf.set_font("helvetica", size=11)
    pdf.add_page()
    pdf.multi_cell(0, 6, text)
    pdf.output(str(path))
    return path


def make_package(root: Path, name: str, org_number: str) -> Path:
    """A valid package: bylaws PDF and payroll CSV (read by the built-in verifiers, whatever they decide)."""
    root.mkdir(parents=True)
    make_pdf(root / "stadgar.pdf", BYLAWS.format(name=name))
    (root / "anstallda.csv").write_text(PAYROLL, encoding="utf-8")
    (root / "application.toml").write_text(
        f'[organisation]\nname = "{name}"\norg_number = "{org_number}"\nlegal_form = "ekonomisk förening"\n\n'
        "[application]\nreference_date = 2026-10-31\n\n"
        '[[documents]]\npath = "stadgar.pdf"\nkind = "bylaws"\n\n'
        '[[documents]]\npath = "anstallda.csv"\nkind = "payroll"\n',
        encoding="utf-8",
    )
    return root


def make_broken_package(root: Path) -> Path:
    """A package whose manifest names a file that is not there."""
    root.mkdir(parents=True)
    (root / "application.toml").write_text(
        '[organisation]\nname = "Trasiga föreningen"\norg_number = "769612-3459"\n\n'
        "[application]\nreference_date = 2026-10-31\n\n"
        '[[documents]]\npath = "saknas.pdf"\nkind = "bylaws"\n',
        encoding="utf-8",
    )
    return root


ORGS = [(f"Kooperativ {i} ekonomisk förening", luhn_org_number(f"76961{i:02d}00")) for i in range(1, 5)]


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A season folder: four good packages and one broken one (sorted between them)."""
    season = tmp_path_factory.mktemp("season")
    for i, (name, org) in enumerate(ORGS):
        make_package(season / f"p{i}", name, org)
    make_broken_package(season / "p1-trasig")
    return season


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    result = CliRunner().invoke(cli, ["init", str(root)])
    assert result.exit_code == 0, result.output
    return root


def call(ws: Path, *args: str):
    return CliRunner().invoke(cli, ["--workspace", str(ws), *args])


def ledger_state(ws: Path) -> tuple[int, int, int]:
    """(entries, checkpoints, signed size): all three must stay put when nothing is written."""
    ledger = open_ledger(workspace_mod.load(ws))
    return len(list(ledger.entries())), len(ledger.checkpoints()), ledger.size()


def run_one(ws: Path, package: Path) -> str:
    result = call(ws, "run", str(package), "--json")
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)["run_id"]


def status_json(ws: Path, run_id: str) -> dict:
    result = call(ws, "status", run_id, "--json")
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def assert_one_line_error(result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


# -- batches ---------------------------------------------------------------------------------


def test_batch_with_a_broken_package_names_it_and_records_the_others(ws: Path, packages: Path) -> None:
    result = call(ws, "run", str(packages), "--jobs", "2")
    assert result.exit_code == 2, result.output
    broken = str(packages / "p1-trasig")
    assert "errors 1" in result.stdout and f"{len(ORGS) + 1} packages" in result.stdout
    error_lines = [line for line in result.stdout.splitlines() if line.strip().startswith("error:")]
    assert len(error_lines) == 1 and broken in error_lines[0] and "saknas.pdf" in error_lines[0]
    listed = json.loads(call(ws, "runs", "--json").stdout)
    assert sorted(r["org_number"] for r in listed) == sorted(org for _, org in ORGS)
    assert "Trasiga" not in json.dumps(listed, ensure_ascii=False)
    verified = call(ws, "ledger", "verify")
    assert verified.exit_code == 0, verified.output


def test_batch_json_holds_every_report_and_the_error(ws: Path, packages: Path) -> None:
    result = call(ws, "run", str(packages), "--jobs", "2", "--json")
    assert result.exit_code == 2
    items = json.loads(result.stdout)
    errors = [i for i in items if "error" in i]
    reports = [i for i in items if "run_id" in i]
    assert [e["source"] for e in errors] == [str(packages / "p1-trasig")]
    assert sorted(r["application"]["organisation"]["org_number"] for r in reports) == sorted(o for _, o in ORGS)
    for report in reports:
        assert load_run(open_ledger(workspace_mod.load(ws)), report["run_id"]).decision == report["decision"]


def test_batch_summary_counts_match_the_recorded_decisions(ws: Path, packages: Path) -> None:
    result = call(ws, "run", str(packages), "--jobs", "2")
    listed = json.loads(call(ws, "runs", "--json").stdout)
    counts = {d: sum(r["decision"] == d for r in listed) for d in ("certifiable", "needs-review", "rejected")}
    assert (f"certifiable {counts['certifiable']} · needs review {counts['needs-review']} · "
            f"rejected {counts['rejected']}") in result.stdout


def test_one_and_two_jobs_decide_alike(tmp_path: Path, packages: Path) -> None:
    decisions = []
    for jobs in ("1", "2"):
        root = tmp_path / f"ws{jobs}"
        assert CliRunner().invoke(cli, ["init", str(root)]).exit_code == 0
        result = call(root, "run", str(packages), "--jobs", jobs, "--json")
        assert result.exit_code == 2
        reports = [i for i in json.loads(result.stdout) if "run_id" in i]
        # Workers of a first batch open the workspace's text cache at the same moment; that must not
        # turn a verifier's result into an error (it did: concurrent schema set-up of cache.db).
        errors = [r["summary"] for report in reports for r in report["results"] if r["outcome"] == "error"]
        assert errors == [], f"--jobs {jobs}: verifier errors in a fresh workspace: {errors[:2]}"
        decisions.append(sorted((r["application"]["organisation"]["org_number"], r["decision"],
                                 json.dumps(r["criteria"], sort_keys=True)) for r in reports))
    assert decisions[0] == decisions[1]


def test_a_single_broken_package_records_nothing(ws: Path, packages: Path) -> None:
    before = ledger_state(ws)
    result = call(ws, "run", str(packages / "p1-trasig"))
    assert_one_line_error(result, "saknas.pdf")
    assert ledger_state(ws) == before


@pytest.mark.slow
def test_concurrent_batches_append_to_one_valid_ledger(ws: Path, packages: Path) -> None:
    """Two certifier processes run --jobs 2 batches on the same workspace at once."""
    if not ASFVERIFY.exists():
        pytest.skip(f"console script not found at {ASFVERIFY}")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASFVERIFY_") or k == "ASFVERIFY_LANG"}
    command = [str(ASFVERIFY), "--workspace", str(ws), "run", str(packages), "--jobs", "2", "--json"]
    procs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outputs = [p.communicate(timeout=240) for p in procs]
    for proc, (_out, err) in zip(procs, outputs):
        assert proc.returncode == 2, err.decode()
        assert b"locked" not in err
    run_ids = [i["run_id"] for out, _ in outputs for i in json.loads(out) if "run_id" in i]
    assert len(run_ids) == len(set(run_ids)) == 2 * len(ORGS)
    verified = subprocess.run([str(ASFVERIFY), "--workspace", str(ws), "ledger", "verify"], env=env,
                              capture_output=True, timeout=120)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    ledger = open_ledger(workspace_mod.load(ws))
    # Every run is whole and contiguous in the ledger: run entry, its results, its decision.
    for run_id in run_ids:
        state = load_run(ledger, run_id)
        indexes = [state.run_index, *(r["index"] for r in state.results), state.decision_index]
        assert indexes == list(range(state.run_index, state.decision_index + 1))
    assert ledger.size() == len(list(ledger.entries()))


# -- reviews ---------------------------------------------------------------------------------


def open_requirements(state: dict) -> list[str]:
    return [r["id"] for c in state["criteria"] if c.get("required", True) for r in c["requirements"] if r["outcome"] != "pass"]


def test_reviews_turn_a_run_certifiable_then_a_failing_review_rejects_it(ws: Path, tmp_path: Path) -> None:
    name, org = ORGS[0]
    run_id = run_one(ws, make_package(tmp_path / "pkg", name, org))
    state = status_json(ws, run_id)
    todo = open_requirements(state)
    assert todo, "a package without annual report or SAM documents cannot be certifiable by machine"
    assert state["decision"] != "certifiable"
    for requirement in todo:
        result = call(ws, "review", run_id, requirement, "--pass", "--note", f"{requirement} checked by hand", "--as", "Karin Revisor")
        assert result.exit_code == 0, result.output
        assert f"Recorded review of {requirement}" in result.stdout
    final = call(ws, "status", run_id, "--json")
    assert final.exit_code == 0, final.output
    state = json.loads(final.stdout)
    assert state["decision"] == "certifiable" and state["machine_decision"] != "certifiable"
    assert [r["requirement"] for r in state["reviews"]] == todo
    reviewed = {r["id"]: r for c in state["criteria"] for r in c["requirements"] if r["id"] in todo}
    assert all(r["reviewed_by"] == "Karin Revisor" and "machine_outcome" in r for r in reviewed.values())

    # A later review replaces the earlier one: the latest decides.
    result = call(ws, "review", run_id, todo[0], "--fail", "--note", "second look: not met")
    assert result.exit_code == 0 and "Decision now: rejected" in result.stdout
    again = call(ws, "status", run_id, "--json")
    assert again.exit_code == 1
    assert json.loads(again.stdout)["decision"] == "rejected"


def test_status_text_shows_the_decision_reviews_and_what_is_open(ws: Path, tmp_path: Path) -> None:
    name, org = ORGS[3]
    run_id = run_one(ws, make_package(tmp_path / "pkg", name, org))
    todo = open_requirements(status_json(ws, run_id))
    before = call(ws, "status", run_id)
    assert before.exit_code == 1, before.output
    assert run_id in before.stdout and "open: " in before.stdout
    assert all(requirement in before.stdout for requirement in todo)
    for requirement in todo:
        assert call(ws, "review", run_id, requirement, "--pass", "--note", "seen", "--as", "Karin Revisor").exit_code == 0
    after = call(ws, "status", run_id)
    assert after.exit_code == 0, after.output
    assert "Decision: certifiable" in after.stdout
    review_lines = [line for line in after.stdout.splitlines() if line.startswith("  review: ")]
    assert len(review_lines) == len(todo) and all("Karin Revisor" in line for line in review_lines)
    assert "open: " not in after.stdout


def test_certify_follows_the_reviewed_decision(ws: Path, tmp_path: Path) -> None:
    name, org = ORGS[1]
    run_id = run_one(ws, make_package(tmp_path / "pkg", name, org))
    refused = call(ws, "certify", run_id, "-o", str(tmp_path / "refused.json"))
    assert refused.exit_code == 1
    assert not (tmp_path / "refused.json").exists()
    for requirement in open_requirements(status_json(ws, run_id)):
        assert call(ws, "review", run_id, requirement, "--pass", "--note", "ok").exit_code == 0
    issued = call(ws, "certify", run_id, "-o", str(tmp_path / "cert.json"))
    assert issued.exit_code == 0, issued.output
    certificate = json.loads((tmp_path / "cert.json").read_text(encoding="utf-8"))
    assert certificate["credentialSubject"]["orgNumber"] == org
    # The evidence report names the certificate issued for the run, and its revocation.
    assert call(ws, "report", run_id, "-o", str(tmp_path / "r.html")).exit_code == 0
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert certificate["id"] in page and "certificates issued" in page
    assert call(ws, "revoke", certificate["id"], "--reason", "bylaws changed").exit_code == 0
    assert call(ws, "report", run_id, "-o", str(tmp_path / "r.html")).exit_code == 0
    assert "bylaws changed" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_review_note_never_records_a_personnummer(ws: Path, tmp_path: Path) -> None:
    name, org = ORGS[2]
    run_id = run_one(ws, make_package(tmp_path / "pkg", name, org))
    pnr = "811218-9876"  # Luhn-valid, synthetic
    result = call(ws, "review", run_id, "C2.ratio", "--pass", "--note", f"checked employee {pnr} by phone")
    assert result.exit_code == 0
    ledger = open_ledger(workspace_mod.load(ws))
    assert pnr not in json.dumps([e.entry for e in ledger.entries()], ensure_ascii=False)
    assert pnr not in call(ws, "status", run_id).stdout


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["ffffffffffffffff", "C1.purpose", "--pass", "--note", "x"], "no run"),
        (["{run}", "C9.nothing", "--pass", "--note", "x"], "C9.nothing"),
        (["{run}", "C1", "--pass", "--note", "x"], "no requirement"),
        (["{run}", "C1.purpose", "--note", "x"], "--pass or --fail"),
        (["{run}", "C1.purpose", "--pass", "--note", "   "], "--note"),
        (["ab", "C1.purpose", "--pass", "--note", "x"], "no run"),
    ],
)
def test_bad_reviews_write_nothing(ws: Path, tmp_path: Path, args: list[str], fragment: str) -> None:
    name, org = ORGS[0]
    run_id = run_one(ws, make_package(tmp_path / "pkg", name, org))
    before = ledger_state(ws)
    db_bytes = (ws / "ledger.db").stat().st_size
    result = call(ws, "review", *[a.replace("{run}", run_id) for a in args])
    assert_one_line_error(result, fragment)
    assert ledger_state(ws) == before
    assert (ws / "ledger.db").stat().st_size == db_bytes
    assert status_json(ws, run_id)["reviews"] == []


def test_review_needs_a_note(ws: Path, tmp_path: Path) -> None:
    name, org = ORGS[0]
    run_id = run_one(ws, make_package(tmp_path / "pkg", name, org))
    before = ledger_state(ws)
    result = call(ws, "review", run_id, "C1.purpose", "--pass")
    assert result.exit_code == 2 and "--note" in result.output
    assert ledger_state(ws) == before


def test_status_of_an_unknown_run_is_exit_2(ws: Path) -> None:
    assert_one_line_error(call(ws, "status", "0000000000000000"), "no run")


def test_ambiguous_run_prefix_is_exit_2(ws: Path, tmp_path: Path) -> None:
    name, org = ORGS[0]
    package = make_package(tmp_path / "pkg", name, org)
    ids = {run_one(ws, package) for _ in range(3)}
    # Find a 4-character prefix two runs share, if any; otherwise every prefix resolves uniquely.
    prefixes = [i[:4] for i in ids]
    shared = next((p for p in prefixes if prefixes.count(p) > 1), None)
    for run_id in ids:
        if run_id[:4] != shared:
            assert status_json(ws, run_id[:4])["run_id"] == run_id
    if shared:
        assert_one_line_error(call(ws, "status", shared), "ambiguous")


# -- runs and explain ------------------------------------------------------------------------


def test_runs_filters_by_organisation_and_decision(ws: Path, tmp_path: Path) -> None:
    ids = {}
    for i, (name, org) in enumerate(ORGS[:3]):
        ids[org] = run_one(ws, make_package(tmp_path / f"p{i}", name, org))
    certified_org, rejected_org, untouched_org = ORGS[0][1], ORGS[1][1], ORGS[2][1]
    for requirement in open_requirements(status_json(ws, ids[certified_org])):
        assert call(ws, "review", ids[certified_org], requirement, "--pass", "--note", "ok").exit_code == 0
    assert call(ws, "review", ids[rejected_org], "C1.purpose", "--fail", "--note", "purpose missing").exit_code == 0
    untouched_decision = status_json(ws, ids[untouched_org])["decision"]

    everything = json.loads(call(ws, "runs", "--json").stdout)
    assert [r["run_id"] for r in everything] == [ids[o] for _, o in ORGS[:3]]  # oldest first

    one = json.loads(call(ws, "runs", "--org", rejected_org, "--json").stdout)
    assert [r["run_id"] for r in one] == [ids[rejected_org]]
    # Ten digits without the hyphen name the same organisation.
    assert json.loads(call(ws, "runs", "--org", rejected_org.replace("-", ""), "--json").stdout) == one

    certifiable = json.loads(call(ws, "runs", "--decision", "certifiable", "--json").stdout)
    assert [r["run_id"] for r in certifiable] == [ids[certified_org]]
    rejected = json.loads(call(ws, "runs", "--decision", "rejected", "--json").stdout)
    assert ids[rejected_org] in [r["run_id"] for r in rejected]
    assert all(r["decision"] == "rejected" for r in rejected)
    expected_untouched = [r["run_id"] for r in everything if r["decision"] == untouched_decision]
    assert ids[untouched_org] in expected_untouched

    both = json.loads(call(ws, "runs", "--org", certified_org, "--decision", "rejected", "--json").stdout)
    assert both == []
    text = call(ws, "runs", "--decision", "certifiable")
    assert text.exit_code == 0 and ids[certified_org] in text.stdout and ids[rejected_org] not in text.stdout
    assert "No runs." in call(ws, "runs", "--org", "556987-6542").stdout


def test_runs_refuses_a_bad_filter(ws: Path) -> None:
    assert_one_line_error(call(ws, "runs", "--org", "123"), "123")
    bad = call(ws, "runs", "--decision", "maybe")
    assert bad.exit_code == 2


def test_explain_shows_results_evidence_ledger_entries_and_reviews(ws: Path, tmp_path: Path) -> None:
    name, org = ORGS[0]
    run_id = run_one(ws, make_package(tmp_path / "pkg", name, org))
    state = status_json(ws, run_id)
    identity = next(r for r in state["results"] if r["requirement"] == "C3.identity")
    shown = call(ws, "explain", run_id, "C3.identity")
    assert shown.exit_code == 0, shown.output
    assert f"C3.identity in run {run_id}" in shown.stdout
    assert f"{identity['verifier']} {identity['version']}" in shown.stdout
    assert f"ledger entry {identity['index']}" in shown.stdout
    assert identity["summary"] in shown.stdout
    assert "Why:" in shown.stdout

    missing = [r["id"] for c in state["criteria"] for r in c["requirements"] if r["outcome"] == "missing"]
    if missing:
        assert "No verifier produced a result" in call(ws, "explain", run_id, missing[0]).stdout

    assert call(ws, "review", run_id, "C3.identity", "--fail", "--note", "owned by the municipality after all", "--as", "Eva").exit_code == 0
    after = call(ws, "explain", run_id, "C3.identity")
    assert "Review by Eva" in after.stdout and "owned by the municipality after all" in after.stdout
    assert "replaces the machine outcome pass with fail" in after.stdout
    as_json = json.loads(call(ws, "explain", run_id, "C3.identity", "--json").stdout)
    assert as_json["outcome"]["outcome"] == "fail" and as_json["outcome"]["machine_outcome"] == "pass"
    assert [r["note"] for r in as_json["reviews"]] == ["owned by the municipality after all"]


def test_explain_of_unknown_requirement_or_run_is_exit_2(ws: Path, tmp_path: Path) -> None:
    name, org = ORGS[0]
    run_id = run_one(ws, make_package(tmp_path / "pkg", name, org))
    assert_one_line_error(call(ws, "explain", run_id, "C7.nope"), "C7.nope")
    assert_one_line_error(call(ws, "explain", "ffffffffffffffff", "C1.purpose"), "no run")


# -- progress --------------------------------------------------------------------------------


def test_no_progress_bar_on_a_pipe(ws: Path, packages: Path) -> None:
    result = call(ws, "run", str(packages), "--jobs", "2")
    assert "Verifying" not in result.stderr
    assert "Summary:" in result.stdout


@pytest.mark.slow
def test_progress_bar_on_a_terminal(ws: Path, packages: Path) -> None:
    """With stderr on a terminal the batch shows a progress bar there; stdout keeps the summary."""
    import pty
    import select

    if not ASFVERIFY.exists():
        pytest.skip(f"console script not found at {ASFVERIFY}")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASFVERIFY_") or k == "ASFVERIFY_LANG"} | {"COLUMNS": "100"}
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(
            [str(ASFVERIFY), "--workspace", str(ws), "run", str(packages), "--jobs", "2"],
            env=env, stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL,
        )
        os.close(slave)
        seen = b""
        while True:
            ready, _, _ = select.select([master], [], [], 120)
            if not ready:
                proc.kill()
                pytest.fail("no output on the terminal within 120 s")
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
        out, _ = proc.communicate(timeout=120)
    finally:
        os.close(master)
    assert proc.returncode == 2
    assert b"Verifying" in seen
    assert b"Summary:" in out and b"Summary:" not in seen
