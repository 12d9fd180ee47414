"""C6.agreement: every verifier branch with real PDFs, plugin agreement sources, and the sample packages."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import warnings
from pathlib import Path
from types import SimpleNamespace

import pluggy
import pytest
from click.testing import CliRunner
from fpdf import FPDF

from asfverify import application, hookimpl, hookspecs, workspace
from asfverify.agreements import Agreement
from asfverify.agreements.registry import import_file
from asfverify.cli import cli
from asfverify.errors import DocumentError
from asfverify.verifiers.agreement import AgreementVerifier

# The shared samples beside the repository; the tests that need them skip in a clone without them.
SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
ORG = "769612-3459"
OTHER = "556987-6542"
DAY = dt.date(2026, 10, 31)
HEADER = "org_number;counterparty;agreement;kind;valid_from;valid_to\n"
ASF = "Kollektivavtal för arbetsintegrerande sociala företag (ASF-avtalet) Fremia–Kommunal"

MEDLEMSINTYG = (
    "Medlemsintyg\nHärmed intygas att Vägen Framåt ekonomisk förening, organisationsnummer {org}, "
    "är medlem i arbetsgivarorganisationen Fremia sedan 2019. Genom medlemskapet är företaget bundet av "
    "Kollektivavtal för arbetsintegrerande sociala företag (ASF-avtalet) mellan Fremia och Kommunal."
)
HANGAVTAL = (
    "Hängavtal\nMellan Handelsanställdas förbund och Vägen Framåt ekonomisk förening, {org}, gäller "
    "Detaljhandelsavtalet. Firmatecknare Anna Andersson 850412-1234."
)


# ---------------------------------------------------------------- helpers


def make_pdf(path: Path, pages: list[str]) -> Path:
    """A real PDF with one text page per entry (an empty string gives a page with no text layer)."""
    pdf = FPDF()
    if FONT.exists():
        pdf.add_font("DejaVu", "", str(FONT))
        pdf.set_font("DejaVu", size=11)
    else:  # pragma: no cover - core font, latin-1 only
        pdf.set_font("Helvetica", size=11)
    for text in pages:
        pdf.add_page()
        if text:
            pdf.multi_cell(0, 6, text)
        else:
            pdf.rect(20, 20, 100, 60, style="F")  # a "scan": marks on the page, no text
    pdf.output(str(path))
    return path


def package(tmp_path: Path, docs: dict[str, list[str]], org: str = ORG, name: str = "pkg") -> Path:
    """An application package folder with collective-agreement PDFs."""
    root = tmp_path / name
    root.mkdir()
    lines = [
        "[organisation]",
        'name = "Vägen Framåt ekonomisk förening"',
        f'org_number = "{org}"',
        "",
        "[application]",
        f"reference_date = {DAY.isoformat()}",
        "",
    ]
    for file_name, pages in docs.items():
        make_pdf(root / file_name, pages)
        lines += ["[[documents]]", f'path = "{file_name}"', 'kind = "collective-agreement"', ""]
    (root / "application.toml").write_text("\n".join(lines), encoding="utf-8")
    return root


@pytest.fixture
def ws(tmp_path: Path) -> workspace.Workspace:
    return workspace.init(tmp_path / "ws", certifier="Test Certifier")


def registry_with(ws: workspace.Workspace, tmp_path: Path, *lines: str) -> None:
    path = tmp_path / "registry.csv"
    path.write_text(HEADER + "".join(line + "\n" for line in lines), encoding="utf-8")
    import_file(ws, path)


def verify(pkg: Path, ws: workspace.Workspace | None, verifier: AgreementVerifier | None = None, **ctx):
    context = SimpleNamespace(workspace=ws, policy={}, **ctx)
    with application.load(pkg) as app, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        (result,) = (verifier or AgreementVerifier()).verify(app, context)
    # A context carrying only the raw plugin manager still works, with a deprecation warning.
    deprecated = [w for w in caught if issubclass(w.category, DeprecationWarning) and "plugin_manager" in str(w.message)]
    assert len(deprecated) == (1 if "plugin_manager" in ctx else 0), [str(w.message) for w in caught]
    assert result.requirement == "C6.agreement"
    json.dumps(result.to_dict())  # results are JSON-ready (no dates or floats)
    return result


# ---------------------------------------------------------------- declaration


def test_declares_what_the_host_needs() -> None:
    v = AgreementVerifier()
    assert (v.name, tuple(v.requirements), tuple(v.document_kinds)) == ("agreement", ("C6.agreement",), ("collective-agreement",))
    assert AgreementVerifier.runs_without_documents is True


# ---------------------------------------------------------------- registry branches


def test_registry_entry_valid_on_reference_date_passes_and_names_the_asf_agreement(ws, tmp_path) -> None:
    registry_with(ws, tmp_path, f"{ORG};Fremia;{ASF};medlemskap;2019-09-01;")
    result = verify(package(tmp_path, {}), ws)
    assert result.outcome == "pass"
    assert "Fremia" in result.summary and "Fremia–Kommunal ASF-avtalet" in result.summary
    (ev,) = result.evidence
    assert ev.document is None and "2019-09-01 – open-ended" in ev.excerpt and "medlemskap" in ev.excerpt
    assert "ledger entry 0" in ev.note and "registry.csv" in ev.note and "row 2" in ev.note
    assert result.metrics == {"agreements_found": 1, "valid_on_reference_date": 1, "documents": 0}


def test_other_agreements_pass_without_naming_the_asf_agreement(ws, tmp_path) -> None:
    registry_with(ws, tmp_path, f"{ORG};Handels;Detaljhandelsavtalet;hängavtal;2020-01-01;2026-10-31")
    result = verify(package(tmp_path, {}), ws)
    assert result.outcome == "pass"  # the last valid day is inclusive
    assert "Hängavtal with Handels" in result.summary and "ASF-avtalet" not in result.summary


def test_registry_pass_also_cites_a_matching_document(ws, tmp_path) -> None:
    registry_with(ws, tmp_path, f"{ORG};Fremia;{ASF};medlemskap;2019-09-01;")
    result = verify(package(tmp_path, {"intyg.pdf": [MEDLEMSINTYG.format(org=ORG)]}), ws)
    assert result.outcome == "pass"
    assert [e.rule for e in result.evidence] == ["source:registry", "applicant-org-number", "agreement-wording"]


def test_registry_pass_survives_an_unreadable_document(ws, tmp_path) -> None:
    registry_with(ws, tmp_path, f"{ORG};Fremia;{ASF};medlemskap;2019-09-01;")
    pkg = package(tmp_path, {"intyg.pdf": ["x"]})
    (pkg / "intyg.pdf").write_bytes(b"%PDF-1.4 garbage")
    assert verify(pkg, ws).outcome == "pass"


def test_unreadable_document_without_registry_entry_is_a_document_error(ws, tmp_path) -> None:
    pkg = package(tmp_path, {"intyg.pdf": ["x"]})
    (pkg / "intyg.pdf").write_bytes(b"%PDF-1.4 garbage")
    with pytest.raises(DocumentError):
        verify(pkg, ws)


def test_expired_entry_and_no_newer_evidence_fails(ws, tmp_path) -> None:
    registry_with(ws, tmp_path, f"{ORG};Kommunal;Hängavtal till ASF-avtalet;hängavtal;2020-03-01;2023-02-28")
    result = verify(package(tmp_path, {}), ws)
    assert result.outcome == "fail"
    assert result.summary == (
        "The hängavtal with Kommunal ended 2023-02-28, before the reference date 2026-10-31, and there is no newer evidence."
    )
    assert result.evidence[0].rule == "source:registry"


def test_expired_entry_with_a_newer_document_is_review(ws, tmp_path) -> None:
    registry_with(ws, tmp_path, f"{ORG};Kommunal;Hängavtal till ASF-avtalet;hängavtal;2020-03-01;2023-02-28")
    result = verify(package(tmp_path, {"intyg.pdf": [MEDLEMSINTYG.format(org=ORG)]}), ws)
    assert result.outcome == "review"
    assert "ended 2023-02-28" in result.summary
    assert {e.rule for e in result.evidence} >= {"applicant-org-number", "source:registry"}


def test_entry_starting_after_the_reference_date_fails(ws, tmp_path) -> None:
    registry_with(ws, tmp_path, f"{ORG};Fremia;{ASF};medlemskap;2026-11-01;")
    result = verify(package(tmp_path, {}), ws)
    assert result.outcome == "fail" and "The membership of Fremia starts 2026-11-01" in result.summary


def test_nothing_at_all_fails(ws, tmp_path) -> None:
    registry_with(ws, tmp_path, f"{OTHER};Fremia;{ASF};medlemskap;2019-09-01;")
    result = verify(package(tmp_path, {}), ws)
    assert result.outcome == "fail"
    assert result.summary == f"No collective agreement: no registry entry for {ORG} and no agreement document."
    assert result.evidence == []


# ---------------------------------------------------------------- document branches


@pytest.mark.parametrize(
    "written",
    ["769612-3459", "7696123459", "167696123459", "Org.nr: 769612 3459", "momsreg.nr SE769612345901"],
)
def test_document_naming_the_applicant_in_any_format_is_review_with_excerpt(ws, tmp_path, written: str) -> None:
    text = f"Medlemsintyg för Vägen Framåt ekonomisk förening, {written}, medlem i Fremia. Kollektivavtal: ASF-avtalet."
    pkg = package(tmp_path, {"intyg.pdf": ["Försättsblad", text]})
    result = verify(pkg, ws)
    assert result.outcome == "review"
    assert result.summary.startswith("A membership certificate names the applicant's organisation number and a collective agreement")
    assert "Fremia–Kommunal ASF-avtalet" in result.summary
    ev = result.evidence[0]
    with application.load(pkg) as app:
        assert ev.document == app.documents[0].sha256
    assert ev.page == 2 and written.split()[-1] in ev.excerpt and ev.matched == (ORG,)


def test_hangavtal_document_names_its_union_and_hides_personnummer(ws, tmp_path) -> None:
    result = verify(package(tmp_path, {"hangavtal.pdf": [HANGAVTAL.format(org=ORG)]}), ws)
    assert result.outcome == "review" and "Handels" in result.summary and "ASF" not in result.summary
    dumped = json.dumps(result.to_dict(), ensure_ascii=False)
    assert "850412-1234" not in dumped


def test_document_naming_another_organisation_fails(ws, tmp_path) -> None:
    result = verify(package(tmp_path, {"intyg.pdf": [MEDLEMSINTYG.format(org=OTHER)]}), ws)
    assert result.outcome == "fail"
    assert OTHER in result.summary and ORG in result.summary
    assert result.evidence[0].rule == "other-org-number" and OTHER in result.evidence[0].excerpt


def test_personnummer_is_not_taken_for_another_organisation(ws, tmp_path) -> None:
    text = "Hängavtal med Kommunal för Vägen Framåt. Kollektivavtal gäller. Kontakt 850412-1234."
    result = verify(package(tmp_path, {"avtal.pdf": [text]}), ws)
    assert result.outcome == "review" and "no organisation number" in result.summary


def test_document_with_the_applicant_but_no_agreement_wording_is_review(ws, tmp_path) -> None:
    text = f"Faktura till Vägen Framåt ekonomisk förening, {ORG}. Att betala 1 200 kr."
    result = verify(package(tmp_path, {"faktura.pdf": [text]}), ws)
    assert result.outcome == "review" and "no recognised collective agreement" in result.summary


def test_document_with_neither_number_nor_agreement_fails(ws, tmp_path) -> None:
    result = verify(package(tmp_path, {"brev.pdf": ["Hej! Här kommer våra papper."]}), ws)
    assert result.outcome == "fail" and "shows no collective agreement" in result.summary


def test_scanned_document_without_text_is_review(ws, tmp_path) -> None:
    result = verify(package(tmp_path, {"scan.pdf": [""]}), ws)
    assert result.outcome == "review" and "no text layer" in result.summary
    assert result.evidence[0].rule == "no-text"


def test_a_good_document_outweighs_another_document_naming_someone_else(ws, tmp_path) -> None:
    docs = {"a.pdf": [MEDLEMSINTYG.format(org=OTHER)], "b.pdf": [MEDLEMSINTYG.format(org=ORG)]}
    assert verify(package(tmp_path, docs), ws).outcome == "review"


def test_without_a_workspace_only_documents_count(ws, tmp_path) -> None:
    registry_with(ws, tmp_path, f"{ORG};Fremia;{ASF};medlemskap;2019-09-01;")
    assert verify(package(tmp_path, {}, name="empty"), None).outcome == "fail"
    pkg = package(tmp_path, {"intyg.pdf": [MEDLEMSINTYG.format(org=ORG)]})
    assert verify(pkg, None).outcome == "review"


def test_workspace_parties_file_extends_what_counts_as_an_agreement(ws, tmp_path) -> None:
    text = f"Intyg: Vägen Framåt ekonomisk förening, {ORG}, omfattas av Scenavtalet."
    assert verify(package(tmp_path, {"intyg.pdf": [text]}), ws).outcome == "review"  # applicant only
    (ws.root / "parties.toml").write_text('[terms]\nagreement = ["scenavtal\\\\w*"]\n', encoding="utf-8")
    ws.config["agreements"] = {"parties": "parties.toml"}
    result = verify(package(tmp_path, {"intyg.pdf": [text]}, name="again"), ws)
    assert result.outcome == "review" and "and a collective agreement" in result.summary


# ---------------------------------------------------------------- agreement sources


class UnionSearch:
    """A plugin source, e.g. a union's public agreement search."""

    name = "kommunal-search"

    def __init__(self, hits: dict[str, list[dict]]):
        self.hits = hits
        self.asked: list[tuple[str, dt.date]] = []

    def lookup(self, org_number: str, date: dt.date) -> list[dict]:
        self.asked.append((org_number, date))
        return self.hits.get(org_number, [])


class BrokenSource:
    name = "broken"

    def lookup(self, org_number: str, date: dt.date):
        raise ConnectionError("service unavailable\nwith details")


def plugin_manager(*sources) -> pluggy.PluginManager:
    class Plugin:
        @hookimpl
        def register_agreement_sources(self, register):
            for source in sources:
                register(source)

    pm = pluggy.PluginManager("asfverify")
    pm.add_hookspecs(hookspecs)
    pm.register(Plugin())
    return pm


def union_hit(org: str = ORG, **extra) -> dict:
    return {"org_number": org, "counterparty": "Kommunal", "agreement": "Hängavtal till ASF-avtalet",
            "kind": "hängavtal", "valid_from": "2022-05-01", "reference": {"case": "K-123"}, **extra}


def test_plugin_source_through_the_hook_passes_and_is_named(ws, tmp_path) -> None:
    source = UnionSearch({ORG: [union_hit()]})
    result = verify(package(tmp_path, {}), ws, plugin_manager=plugin_manager(source))
    assert source.asked == [(ORG, DAY)]
    assert result.outcome == "pass" and "source: kommunal-search" in result.summary
    assert "Fremia–Kommunal ASF-avtalet" in result.summary
    (ev,) = result.evidence
    assert ev.rule == "source:kommunal-search" and "case=K-123" in ev.note


def test_plugin_source_hits_for_other_employers_are_ignored(ws, tmp_path) -> None:
    source = UnionSearch({ORG: [union_hit(org=OTHER)]})
    assert verify(package(tmp_path, {}), ws, plugin_manager=plugin_manager(source)).outcome == "fail"


def test_plugin_source_expired_hit_fails(ws, tmp_path) -> None:
    source = UnionSearch({ORG: [union_hit(valid_to=dt.date(2024, 4, 30))]})
    result = verify(package(tmp_path, {}), ws, plugin_manager=plugin_manager(source))
    assert result.outcome == "fail" and "ended 2024-04-30" in result.summary


def test_failing_source_makes_an_otherwise_failing_result_review(ws, tmp_path) -> None:
    result = verify(package(tmp_path, {}), ws, plugin_manager=plugin_manager(BrokenSource()))
    assert result.outcome == "review" and "broken" in result.summary
    assert result.evidence[0].excerpt == "broken: ConnectionError: service unavailable"


def test_failing_source_does_not_hide_a_registry_pass(ws, tmp_path) -> None:
    registry_with(ws, tmp_path, f"{ORG};Fremia;{ASF};medlemskap;2019-09-01;")
    result = verify(package(tmp_path, {}), ws, plugin_manager=plugin_manager(BrokenSource()))
    assert result.outcome == "pass"
    assert any(step["effect"] == "source failed" for step in result.trace)


def test_host_collected_sources_and_extra_sources_are_used(ws, tmp_path) -> None:
    hit = Agreement(ORG, "Unionen", "Tjänstemannaavtal", "hängavtal", dt.date(2020, 1, 1), source="elsewhere")
    host_source = SimpleNamespace(name="host-registered", lookup=lambda org, date: [hit])
    result = verify(package(tmp_path, {}), None, agreement_sources=[host_source])
    assert result.outcome == "pass" and "source: host-registered" in result.summary
    extra = UnionSearch({ORG: [union_hit()]})
    assert verify(package(tmp_path, {}, name="p2"), None, AgreementVerifier(extra_sources=[extra])).outcome == "pass"


def test_workspace_plugin_module_registers_a_source(ws, tmp_path) -> None:
    from asfverify.plugins import load_host
    from asfverify.runner import make_context

    (ws.plugins_dir / "union_search.py").write_text(
        "from asfverify import hookimpl\n"
        "class Search:\n"
        "    name = 'union-search'\n"
        "    def lookup(self, org_number, date):\n"
        "        return [{'org_number': org_number, 'counterparty': 'Kommunal', 'agreement': 'ASF-avtalet',\n"
        "                 'kind': 'hängavtal', 'valid_from': '2021-01-01'}]\n"
        "@hookimpl\n"
        "def register_agreement_sources(register):\n"
        "    register(Search())\n",
        encoding="utf-8",
    )
    host = load_host(ws.plugins_dir)
    with application.load(package(tmp_path, {})) as app:
        (result,) = AgreementVerifier().verify(app, make_context(ws, {}, host))
    assert result.outcome == "pass" and "union-search" in result.summary


# ---------------------------------------------------------------- the samples


EXPECTED = {"vagen-framat": "pass", "stadsdelsservice-ab": "fail", "skannade-stadgar": "review", "kommunens-arbetscenter": "pass"}


@pytest.fixture
def sample_ws(ws):
    if not SAMPLES.exists():
        pytest.skip("shared samples not present")
    import_file(ws, SAMPLES / "registry.csv")
    return ws


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_samples_give_their_expected_outcome(sample_ws, case: str) -> None:
    expected = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))[case]["requirements"]["C6.agreement"]
    assert expected == EXPECTED[case]
    result = verify(SAMPLES / case, sample_ws)
    assert result.outcome == expected, result.summary
    if case in ("vagen-framat", "skannade-stadgar"):
        assert "Fremia–Kommunal ASF-avtalet" in result.summary
    if case == "skannade-stadgar":
        assert result.summary.startswith("A hängavtal names the applicant's organisation number")


def test_samples_through_asfverify_run(sample_ws, tmp_path) -> None:
    copies = []
    for case in sorted(EXPECTED):  # copies: the shared samples are read-only
        shutil.copytree(SAMPLES / case, tmp_path / case)
        copies.append(str(tmp_path / case))
    result = CliRunner().invoke(cli, ["--workspace", str(sample_ws.root), "run", *copies, "--json", "--jobs", "1"])
    assert result.exit_code in (0, 1), result.output + result.stderr
    reports = json.loads(result.stdout)
    by_org = {"769612-3459": "vagen-framat", "556987-6542": "stadsdelsservice-ab",
              "802500-1234": "skannade-stadgar", "212000-0142": "kommunens-arbetscenter"}
    seen = {}
    for report in reports:
        case = by_org[report["application"]["organisation"]["org_number"]]
        seen[case] = {r["requirement"]: r["outcome"] for r in report["results"] if r["verifier"] == "agreement"}
        requirement = [r for c in report["criteria"] for r in c["requirements"] if r["id"] == "C6.agreement"]
        assert [r["outcome"] for r in requirement] == [EXPECTED[case]]
    assert seen == {case: {"C6.agreement": outcome} for case, outcome in EXPECTED.items()}
