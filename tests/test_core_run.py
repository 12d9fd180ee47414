"""asfverify run end to end: output contract, identity verifier, plugins, isolation, caching, documents."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from asfverify import criteria, pdftext, testing
from asfverify import workspace as workspace_mod
from asfverify.ledger import open_ledger

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"

RAISING_PLUGIN = '''
from asfverify import hookimpl, BaseVerifier, Result

class Boom(BaseVerifier):
    name = "boom"
    version = "0.1"
    requirements = ("C5.democracy",)
    document_kinds = ("bylaws",)
    def verify(self, application, context):
        raise RuntimeError("kaboom")

class Pages(BaseVerifier):
    name = "pages"
    version = "0.2"
    requirements = ("C1.purpose",)
    document_kinds = ("bylaws",)
    def verify(self, application, context):
        doc = application.documents_of("bylaws")[0]
        text = doc.pages()
        return [Result("C1.purpose", "pass", f"{len(text)} pages, without text: {doc.pages_without_text()}")]

@hookimpl
def register_verifiers(register):
    register(Boom())
    register(Pages())
'''


def write_plugin(workspace: Path, name: str, source: str) -> None:
    (workspace / "plugins" / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")


def bylaws_package(tmp_path: Path, pages=("Stadgar", "Paragraf 2")) -> Path:
    pkg = tmp_path / "pkg"
    return testing.build_package(pkg, [testing.pdf_document("stadgar.pdf", "bylaws", *list(pages))])


def run_json(invoke, *packages: Path):
    result = invoke("run", "--json", "--jobs", "1", *map(str, packages))
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def requirement(data, rid):
    return next(r for c in data["criteria"] for r in c["requirements"] if r["id"] == rid)


def test_json_contract_shape(invoke, tmp_path):
    data = run_json(invoke, bylaws_package(tmp_path))
    assert set(data) >= {"run_id", "decision", "application", "criteria", "results", "ledger"}
    assert data["decision"] in ("certifiable", "needs-review", "rejected")
    # The bundled work-training example adds the informative Q1 after the set's own criteria.
    assert [c["id"] for c in data["criteria"] if c["required"]] == ["C1", "C2", "C3", "C4", "C5", "C6"]
    assert data["application"]["reference_date"] == "2026-10-31"
    ids = [r["id"] for c in data["criteria"] if c["required"] for r in c["requirements"]]
    assert ids == ["C1.purpose", "C2.ratio", "C3.identity", "C3.governance", "C3.market", "C4.bylaws",
                   "C4.accounts", "C5.democracy", "C6.agreement", "C6.sam"]
    for result in data["results"]:
        assert set(result) >= {"verifier", "version", "requirement", "outcome", "summary", "evidence", "metrics"}
    ledger = data["ledger"]
    assert ledger["first"] == 0 and ledger["last"] >= 2
    assert ledger["checkpoint"].splitlines()[1] == str(ledger["last"] + 1)


def test_several_packages_give_an_array(invoke, tmp_path):
    a = bylaws_package(tmp_path / "a")
    b = bylaws_package(tmp_path / "b")
    data = run_json(invoke, a, b)
    assert isinstance(data, list) and len(data) == 2
    assert data[0]["ledger"]["last"] < data[1]["ledger"]["first"]


def test_human_output_lists_criteria_and_decision(invoke, tmp_path):
    result = invoke("run", str(bylaws_package(tmp_path)))
    lines = result.stdout.splitlines()
    assert lines[-1].startswith("Decision: ")
    for cid in ("C1", "C2", "C3", "C4", "C5", "C6"):
        assert any(line.strip().startswith(cid + " ") for line in lines)
    assert result.exit_code == 1  # not certifiable with bylaws alone


@pytest.mark.parametrize(
    "org, form, outcome, words",
    [
        ("769612-3459", "ekonomisk förening", "pass", "group 7"),
        ("212000-0142", None, "fail", "public sector"),
        ("556987-6542", "ekonomisk förening", "review", "does not fit"),
        ("302000-0000", None, "review", "foreign"),
        ("8112189876", None, "fail", "personnummer"),
    ],
)
def test_identity_verifier(invoke, tmp_path, org, form, outcome, words):
    pkg = testing.build_package(tmp_path / "pkg", org_number=org, legal_form=form)
    data = run_json(invoke, pkg)
    result = next(r for r in data["results"] if r["requirement"] == "C3.identity")
    assert result["outcome"] == outcome
    assert words in result["summary"]


def test_personnummer_as_org_number_never_recorded(invoke, workspace, tmp_path):
    pkg = testing.build_package(tmp_path / "pkg", org_number="811218-9876", legal_form=None)
    data = run_json(invoke, pkg)
    text = json.dumps(data)
    assert "811218" not in text and "8112189876" not in text
    raw = b"".join(p.read_bytes() for p in workspace.glob("ledger.db*"))
    assert b"811218" not in raw


def test_plugin_that_raises_is_isolated(invoke, workspace, tmp_path):
    write_plugin(workspace, "boom", RAISING_PLUGIN)
    data = run_json(invoke, bylaws_package(tmp_path))
    boom = next(r for r in data["results"] if r["verifier"] == "boom")
    assert boom["outcome"] == "error"
    assert "local:boom" in boom["summary"] and "kaboom" in boom["summary"]
    assert requirement(data, "C5.democracy")["outcome"] == "review"
    pages = next(r for r in data["results"] if r["verifier"] == "pages")
    assert pages["outcome"] == "pass" and pages["plugin"] == "local:boom" and pages["version"] == "0.2"
    run = next(e.entry for e in open_ledger(workspace_mod.load(workspace)).entries(kind="run"))
    assert {"name": "local:boom", "version": "local"} in run["plugins"]


def test_plugins_command_lists_sources(invoke, workspace):
    write_plugin(workspace, "boom", RAISING_PLUGIN)
    result = invoke("plugins", "--json")
    rows = json.loads(result.stdout)
    by_name = {r["verifier"]: r for r in rows}
    assert by_name["identity"]["source"] == "builtin"
    assert by_name["boom"]["source"].startswith("workspace:")
    assert by_name["boom"]["requirements"] == ["C5.democracy"]


def test_env_var_limits_plugins(invoke, workspace, monkeypatch):
    write_plugin(workspace, "boom", RAISING_PLUGIN)
    monkeypatch.setenv("ASFVERIFY_PLUGINS", "")
    names = {r["verifier"] for r in json.loads(invoke("plugins", "--json").stdout)}
    assert "boom" not in names and "identity" in names
    monkeypatch.setenv("ASFVERIFY_PLUGINS", "boom")
    names = {r["verifier"] for r in json.loads(invoke("plugins", "--json").stdout)}
    assert "boom" in names


def test_misspelled_hook_is_an_error(invoke, workspace, tmp_path):
    write_plugin(workspace, "typo", """
        from asfverify import hookimpl
        @hookimpl
        def register_verifier(register):
            pass
    """)
    result = invoke("run", str(bylaws_package(tmp_path)))
    assert result.exit_code == 2
    assert "unknown hook 'register_verifier'" in result.stderr
    assert "Traceback" not in result.output


def test_plugin_that_fails_to_import(invoke, workspace, tmp_path):
    write_plugin(workspace, "broken", "import does_not_exist_anywhere\n")
    result = invoke("plugins")
    assert result.exit_code == 2
    assert "broken.py: fails to import" in result.stderr


def test_entry_point_plugin(invoke, workspace, tmp_path, monkeypatch):
    site = tmp_path / "site"
    (site / "asf_demo_plugin.py").parent.mkdir(parents=True)
    (site / "asf_demo_plugin.py").write_text(textwrap.dedent('''
        from asfverify import hookimpl, BaseVerifier, Result
        class Market(BaseVerifier):
            name = "demo-market"
            version = "3.1"
            requirements = ("C3.market",)
            document_kinds = ()
            runs_without_documents = True
            def verify(self, application, context):
                return [Result("C3.market", "review", "demo plugin says review")]
        @hookimpl
        def register_verifiers(register):
            register(Market())
    '''))
    dist = site / "asf_demo_plugin-3.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: asf-demo-plugin\nVersion: 3.1\n")
    (dist / "entry_points.txt").write_text("[asfverify]\ndemo = asf_demo_plugin\n")
    monkeypatch.syspath_prepend(str(site))
    rows = {r["verifier"]: r for r in json.loads(invoke("plugins", "--json").stdout)}
    assert rows["demo-market"]["source"] == "entry point (asf-demo-plugin)"
    assert rows["demo-market"]["plugin_version"] == "3.1"
    data = run_json(invoke, bylaws_package(tmp_path))
    assert requirement(data, "C3.market")["outcome"] == "review"


def test_corrupt_and_encrypted_pdfs_become_errors(invoke, workspace, tmp_path):
    write_plugin(workspace, "boom", RAISING_PLUGIN)
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "stadgar.pdf").write_bytes(b"%PDF-1.7\n this is not really a pdf")
    testing.build_package(pkg, [testing.listed_document("stadgar.pdf", "bylaws")])
    data = run_json(invoke, pkg)
    pages = next(r for r in data["results"] if r["verifier"] == "pages")
    assert pages["outcome"] == "error" and "not a readable PDF" in pages["summary"]

    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 10, "Hemliga stadgar")
    pdf.set_encryption(owner_password="owner", user_password="user")
    pdf.output(str(pkg / "stadgar.pdf"))
    data = run_json(invoke, pkg)
    pages = next(r for r in data["results"] if r["verifier"] == "pages")
    assert pages["outcome"] == "error" and "encrypted" in pages["summary"]


def test_pages_without_text_are_detected(invoke, workspace, tmp_path):
    write_plugin(workspace, "boom", RAISING_PLUGIN)
    data = run_json(invoke, bylaws_package(tmp_path, pages=("Stadgar", "", "Paragraf 3")))
    pages = next(r for r in data["results"] if r["verifier"] == "pages")
    assert pages["summary"] == "3 pages, without text: [2]"


def test_page_limit(invoke, workspace, tmp_path):
    write_plugin(workspace, "boom", RAISING_PLUGIN)
    (workspace / "asfverify.toml").write_text((workspace / "asfverify.toml").read_text() + "\n[limits]\nmax_pages = 2\n")
    data = run_json(invoke, bylaws_package(tmp_path, pages=("a", "b", "c")))
    pages = next(r for r in data["results"] if r["verifier"] == "pages")
    assert pages["outcome"] == "error" and "more than the limit of 2" in pages["summary"]


def test_text_cache_hit(invoke, workspace, tmp_path, monkeypatch):
    write_plugin(workspace, "boom", RAISING_PLUGIN)
    pkg = bylaws_package(tmp_path)
    calls = []
    original = pdftext.page_texts
    monkeypatch.setattr(pdftext, "page_texts", lambda path, limits: calls.append(path) or original(path, limits))
    run_json(invoke, pkg)
    run_json(invoke, pkg)
    assert len(calls) == 1
    assert (workspace / "cache.db").exists()


@pytest.mark.parametrize(
    "outcomes, expected",
    [
        ([], "missing"),
        (["pass"], "pass"),
        (["pass", "pass"], "pass"),
        (["pass", "fail"], "fail"),
        (["review", "fail"], "fail"),
        (["pass", "review"], "review"),
        (["pass", "error"], "review"),
        (["error"], "review"),
    ],
)
def test_requirement_aggregation(outcomes, expected):
    assert criteria.requirement_outcome(outcomes) == expected


@pytest.mark.parametrize(
    "requirements, expected",
    [
        (["pass", "pass"], "pass"),
        (["pass", "missing"], "missing"),
        (["missing", "review"], "review"),
        (["review", "fail", "missing"], "fail"),
    ],
)
def test_criterion_aggregation(requirements, expected):
    assert criteria.criterion_outcome(requirements) == expected


def test_decision_ignores_informative_criteria():
    assert criteria.decide([{"outcome": "pass"}, {"outcome": "fail", "required": False}]) == "certifiable"
    assert criteria.decide([{"outcome": "pass"}, {"outcome": "review"}]) == "needs-review"
    assert criteria.decide([{"outcome": "fail"}, {"outcome": "review"}]) == "rejected"
    assert criteria.decide([{"outcome": "missing"}]) == "needs-review"


def test_workspace_criteria_set(invoke, workspace, tmp_path):
    folder = workspace / "criteria"
    folder.mkdir()
    (folder / "asf-v2.toml").write_text(textwrap.dedent('''
        id = "asf-v2"
        title = "Nästa version"
        [[criteria]]
        id = "C3"
        sv = "Fristående"
        [[criteria.requirements]]
        id = "C3.identity"
    '''))
    pkg = testing.build_package(tmp_path / "pkg", criteria="asf-v1")
    toml = (pkg / "application.toml").read_text().replace('criteria = "asf-v1"', 'criteria = "asf-v2"')
    (pkg / "application.toml").write_text(toml)
    result = invoke("run", "--json", str(pkg))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["decision"] == "certifiable" and [c["id"] for c in data["criteria"] if c["required"]] == ["C3"]
    bad = (pkg / "application.toml").read_text().replace('"asf-v2"', '"asf-v9"')
    (pkg / "application.toml").write_text(bad)
    result = invoke("run", str(pkg))
    assert result.exit_code == 2 and "unknown criteria set 'asf-v9'" in result.stderr


def test_criteria_command_marks_uncovered(invoke):
    result = invoke("criteria")
    assert result.exit_code == 0
    assert "C3.identity" in result.stdout
    data = json.loads(invoke("criteria", "--json").stdout)
    req = {r["id"]: r for c in data["criteria"] for r in c["requirements"]}
    assert req["C3.identity"]["verifiers"] == ["identity"]


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/samples not present")
def test_samples_identity(invoke):
    expected = json.loads((SAMPLES / "expected.json").read_text())
    for case, exp in expected.items():
        data = run_json(invoke, SAMPLES / case)
        assert requirement(data, "C3.identity")["outcome"] == exp["requirements"]["C3.identity"], case


def test_init_keeps_secrets_private(workspace):
    import stat

    assert stat.S_IMODE((workspace / "keys").stat().st_mode) == 0o700
    for name in ("ledger.key", "pseudonym.secret"):
        assert stat.S_IMODE((workspace / "keys" / name).stat().st_mode) == 0o600


def test_init_never_prints_the_private_key(runner, tmp_path):
    from asfverify.cli import cli

    result = runner.invoke(cli, ["init", str(tmp_path / "w")])
    key = (tmp_path / "w" / "keys" / "ledger.key").read_text()
    body = "".join(key.strip().splitlines()[1:-1])
    assert body[:40] not in result.output
    shown = runner.invoke(cli, ["--workspace", str(tmp_path / "w"), "keys", "show", "--all"])
    assert body[:40] not in shown.output and "PRIVATE" not in shown.output
