"""Document kinds carry their own option schemas: core kinds, and kinds plugins register with options."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from asfverify import application, testing
from asfverify.errors import BadInput
from asfverify.kinds import DocumentKind, DocumentOption, known_kinds

IMPACT_PLUGIN = '''
from asfverify import BaseVerifier, Result, hookimpl
from asfverify.kinds import DocumentOption


class ImpactVerifier(BaseVerifier):
    name = "impact"
    version = "1.0"
    requirements = ("Q9.report",)
    document_kinds = ("impact-report",)

    def verify(self, application, context):
        for doc in application.documents_of("impact-report"):
            yield Result("Q9.report", "pass", "options: " + repr(sorted(doc.options.items())))


@hookimpl
def register_document_kinds(register):
    register("impact-report", "the organisation's yearly social-impact report", options=[
        DocumentOption("year", int, description="the year reported on"),
        DocumentOption("sections", list, "sections must be a list of section titles", values=str),
        DocumentOption("audited", bool),
    ])


@hookimpl
def register_criteria(register):
    register({"id": "Q9", "sv": "Social nytta.", "en": "Social impact.", "required": False,
              "requirements": [{"id": "Q9.report", "evidence": "impact report", "document_kinds": ["impact-report"]}]})


@hookimpl
def register_verifiers(register):
    register(ImpactVerifier())
'''


def impact_package(root: Path, **options: object) -> Path:
    return testing.build_package(root, [testing.text_document("nytta.txt", "impact-report", "Social nytta 2025", **options)])


@pytest.fixture
def impact_ws(workspace: Path) -> Path:
    (workspace / "plugins" / "impact.py").write_text(IMPACT_PLUGIN, encoding="utf-8")
    return workspace


def rejected(result, needle: str) -> str:
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and needle in lines[0], result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def test_a_plugin_kind_with_options_loads_and_the_verifier_sees_them(invoke, impact_ws, tmp_path) -> None:
    package = impact_package(tmp_path / "pkg", year=2025, sections=["Arbete", "Gemenskap"], audited=True)
    result = invoke("run", "--json", str(package))
    assert result.exit_code in (0, 1), result.output
    (q9,) = [r for r in json.loads(result.stdout)["results"] if r["requirement"] == "Q9.report"]
    assert q9["summary"] == "options: [('audited', True), ('sections', ['Arbete', 'Gemenskap']), ('year', 2025)]"


@pytest.mark.parametrize(
    "options, needle",
    [
        ({"year": "2025"}, "document 'nytta.txt': year must be an integer"),
        ({"year": True}, "year must be an integer"),
        ({"sections": ["Arbete", 3]}, "sections must be a list of section titles"),
        ({"audited": "ja"}, "audited must be true or false"),
        ({"colour": "red"}, "unknown key 'colour' (allowed: audited, description, kind, path, sections, year)"),
        ({"columns": {"employee": "Anst.nr"}}, "unknown key 'columns'"),
    ],
)
def test_a_bad_plugin_option_is_one_line_exit_2(invoke, impact_ws, tmp_path, options, needle) -> None:
    rejected(invoke("run", str(impact_package(tmp_path / "pkg", **options))), needle)


def test_without_the_plugin_its_kind_is_unknown(invoke, workspace, tmp_path) -> None:
    rejected(invoke("run", str(impact_package(tmp_path / "pkg", year=2025))), "unknown kind 'impact-report'")


def test_payroll_options_are_the_payroll_kind_s_own(invoke, workspace, tmp_path) -> None:
    rows = [["Anst.nr", "Anställd från"], ["1", "2020-01-01"]]
    bylaws = testing.text_document("stadgar.txt", "bylaws", "Stadgar", columns={"employee": "Anst.nr"})
    rejected(invoke("run", str(testing.build_package(tmp_path / "a", [bylaws]))),
             "[[documents]] #1: unknown key 'columns' (allowed: description, kind, path)")
    bad_type = testing.csv_document("lista.csv", "payroll", rows, columns="Anst.nr")
    rejected(invoke("run", str(testing.build_package(tmp_path / "b", [bad_type]))),
             "columns must map field names to header strings")
    bad_sheet = testing.csv_document("lista.csv", "subsidy-decisions", rows, sheet=2)
    rejected(invoke("run", str(testing.build_package(tmp_path / "c", [bad_sheet]))), "sheet must be a string")
    good = testing.build_package(tmp_path / "d", [testing.csv_document("lista.csv", "payroll", rows, sheet="Blad1",
                                                                        columns={"employee": "Anst.nr"})])
    with application.load(good) as app:
        assert app.documents[0].options == {"columns": {"employee": "Anst.nr"}, "sheet": "Blad1"}


def test_a_misspelt_kind_is_reported_as_the_kind_not_its_option(tmp_path) -> None:
    package = testing.build_package(tmp_path, [testing.csv_document("lista.csv", "payrol", [["a"]], columns={})])
    with pytest.raises(BadInput, match="unknown kind 'payrol'"):
        application.load(package)


def test_a_plugin_cannot_change_a_core_kind_s_options(tmp_path) -> None:
    class Redefines:
        from asfverify import hookimpl

        @hookimpl
        def register_document_kinds(self, register):
            register("payroll", "mine", options=[DocumentOption("salary", str)])

    with pytest.raises(BadInput, match="plugin Redefines: document kind 'payroll' is built in"):
        testing.load_test_host(Redefines())


def test_a_bad_option_declaration_names_the_plugin(tmp_path) -> None:
    class Bad:
        from asfverify import hookimpl

        @hookimpl
        def register_document_kinds(self, register):
            register("thing", "a thing", options=["year"])

    with pytest.raises(BadInput, match="plugin Bad: option 'year' of kind 'thing' is not an asfverify DocumentOption"):
        testing.load_test_host(Bad())


def test_run_verifier_accepts_the_options_of_the_verifier_module_s_kinds(tmp_path) -> None:
    module = testing.load_plugin(_write(tmp_path / "impact.py", IMPACT_PLUGIN))
    package = impact_package(tmp_path / "pkg", year=2024)
    (result,) = testing.run_verifier(module.ImpactVerifier(), package)
    assert result.summary == "options: [('year', 2024)]"
    with pytest.raises(BadInput, match="year must be an integer"):
        testing.run_verifier(module.ImpactVerifier(), impact_package(tmp_path / "pkg2", year="x"))


def test_the_asf_v1_kinds_are_known_without_the_example_plugins() -> None:
    kinds = known_kinds()
    assert {"annual-report", "work-environment"} <= set(kinds)
    assert "work-training" not in kinds  # only with its plugin (Q1 is the plugin's criterion)
    host = testing.load_test_host(plugins_dir=Path(__file__).resolve().parents[1] / "plugins")
    assert host.kinds["work-training"].plugin == "local:work_training"
    assert isinstance(host.kinds["annual-report"], DocumentKind)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_only_a_core_kind_holds_unmasked_personal_data() -> None:
    # A payroll list is read by the payroll reader, which pseudonymises the identifiers itself: its text
    # is neither cached nor masked. A plugin cannot claim that for its own kind.
    assert [k.name for k in known_kinds().values() if k.personal_data] == ["payroll"]

    class Claims:
        from asfverify import hookimpl

        @hookimpl
        def register_document_kinds(self, register):
            register(DocumentKind("roster", "staff", personal_data=True))

    with pytest.raises(BadInput, match="plugin Claims: only a built-in document kind may be marked personal_data"):
        testing.load_test_host(Claims())
