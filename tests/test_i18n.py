"""Swedish first: every message has a Swedish translation, Swedish is the default, --lang en switches."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest
from click.testing import CliRunner

from asfverify import i18n
from asfverify.cli import cli

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "vagen-framat"


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def _sources() -> list[Path]:
    return sorted(p for p in (ROOT / "asfverify").rglob("*.py") if "bundled_plugins" not in p.parts)


def _plugin_sources() -> list[Path]:
    return sorted(p for p in (ROOT / "plugins").glob("*.py") if "plugin_translator" in p.read_text(encoding="utf-8"))


def _check(files: list[Path], catalogue: dict[str, str]) -> list[str]:
    problems = []
    for file in files:
        for message in i18n.messages_in(file.read_text(encoding="utf-8")):
            translated = catalogue.get(message)
            where = file.relative_to(ROOT) if file.is_relative_to(ROOT) else file
            if not translated:
                problems.append(f"{where}: no Swedish translation for {message!r} (run scripts/i18n_update.py)")
            elif _fields(translated) != _fields(message):
                problems.append(f"{where}: placeholders differ in the translation of {message!r}")
    return problems


def test_every_message_has_a_swedish_translation() -> None:
    catalogue = i18n.read_po(i18n.catalogue_path("sv"))
    assert _check(_sources(), catalogue) == []


def _data_files() -> list[Path]:
    return sorted((ROOT / "asfverify" / "data").glob("*.toml"))


def _check_data(files: list[Path], catalogue: dict[str, str]) -> list[str]:
    """The prose of the shipped data files (rule explanations, requirement texts) is msgids too."""
    problems = []
    for file in files:
        for message in i18n.data_messages(file.read_text(encoding="utf-8")):
            if not catalogue.get(message):
                problems.append(f"{file.name}: no Swedish translation for {message!r} (run scripts/i18n_update.py)")
    return problems


def test_every_data_file_text_has_a_swedish_translation() -> None:
    files = _data_files()
    assert {f.name for f in files} >= {"bylaws-rules.toml", "asf-v1.toml"}
    catalogue = i18n.read_po(i18n.catalogue_path("sv"))
    assert len(i18n.data_messages((ROOT / "asfverify" / "data" / "bylaws-rules.toml").read_text(encoding="utf-8"))) > 50
    assert _check_data(files, catalogue) == []


def test_a_data_file_text_without_translation_is_caught(tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text('[[rules]]\nid = "X.new"\nexplanation = "a brand new rule explanation"\npatterns = ["ord"]\n', encoding="utf-8")
    assert i18n.data_messages(rules.read_text(encoding="utf-8")) == ["a brand new rule explanation"]
    problems = _check_data([rules], dict(i18n.read_po(i18n.catalogue_path("sv"))))
    assert problems and "no Swedish translation" in problems[0]


def test_every_example_plugin_message_has_a_swedish_translation() -> None:
    plugins = _plugin_sources()
    assert plugins, "the example plugins ship their own messages"
    problems = []
    for plugin in plugins:
        po = plugin.with_name(f"{plugin.stem}.sv.po")
        assert po.is_file(), f"{po.name} is missing"
        # The bundled copy carries the catalogue too (a symbolic link beside the bundled module).
        assert (ROOT / "asfverify" / "bundled_plugins" / po.name).read_bytes() == po.read_bytes()
        problems += _check([plugin], i18n.read_po(po))
    assert problems == []


def test_a_message_without_translation_is_caught(tmp_path: Path) -> None:
    # The check itself can fail: a new message in the code and no entry in the catalogue.
    source = tmp_path / "x.py"
    source.write_text('from asfverify.i18n import _\nprint(_("A brand new message {n}", n=1))\n', encoding="utf-8")
    copy = dict(i18n.read_po(i18n.catalogue_path("sv")))
    assert _check([source], copy) and "no Swedish translation" in _check([source], copy)[0]
    copy["A brand new message {n}"] = "Ett nytt meddelande {m}"
    assert "placeholders differ" in _check([source], copy)[0]
    # A default text marked with N_() (translated where it is shown) is collected too.
    source.write_text('from asfverify.i18n import N_\nDEFAULT = N_("A brand new default")\n', encoding="utf-8")
    assert "no Swedish translation" in _check([source], copy)[0]


def test_po_reader_is_strict(tmp_path: Path) -> None:
    po = tmp_path / "x.po"
    po.write_text('msgid "a"\nmsgstr "b"\n\n#, fuzzy\nmsgid "c"\nmsgstr "d"\n\nmsgid "e"\n"f"\nmsgstr "g"\n"h"\n', encoding="utf-8")
    assert i18n.read_po(po) == {"a": "b", "ef": "gh"}
    po.write_text('msgid "a"\nmsgid_plural "as"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="x.po:2"):
        i18n.read_po(po)


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = tmp_path_factory.mktemp("i18n") / "ws"
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(ws)]).exit_code == 0
    assert runner.invoke(cli, ["-w", str(ws), "agreements", "import", str(ROOT / "examples" / "registry.csv")]).exit_code == 0
    return ws


def _swedish(*args: str):
    # ASFVERIFY_LANG unset: the default language.
    return CliRunner().invoke(cli, list(args), env={"ASFVERIFY_LANG": None})


def test_swedish_is_the_default_and_lang_en_switches(ws: Path) -> None:
    sv = _swedish("-w", str(ws), "run", str(EXAMPLE))
    assert sv.exit_code == 0, sv.output
    assert "Beslut: kan certifieras" in sv.stdout and "referensdag 2026-10-31" in sv.stdout
    assert "Decision:" not in sv.stdout
    en = _swedish("--lang", "en", "-w", str(ws), "run", str(EXAMPLE))
    assert "Decision: certifiable" in en.stdout
    env = CliRunner().invoke(cli, ["-w", str(ws), "run", str(EXAMPLE)], env={"ASFVERIFY_LANG": "en"})
    assert "Decision: certifiable" in env.stdout
    # Machine output keeps its codes in every language.
    data = json.loads(_swedish("-w", str(ws), "run", "--json", str(EXAMPLE)).stdout)
    assert data["decision"] == "certifiable"


def test_errors_are_swedish_by_default(ws: Path) -> None:
    result = _swedish("-w", str(ws), "status", "ffffffffffffffff")
    assert result.exit_code == 2 and result.stderr.startswith("Fel: ")


def test_unknown_language_in_the_environment_falls_back_to_swedish(ws: Path) -> None:
    result = CliRunner().invoke(cli, ["-w", str(ws), "run", str(EXAMPLE)], env={"ASFVERIFY_LANG": "xx"})
    assert "Beslut:" in result.stdout


ENGLISH = re.compile(r"\b(the|is|are|was|were|of|and|no|not|has|have|with|for|by|from|this|which)\b")


# Requirement and rule ids ("C5.members-are-workers", "C4.no-dividend") are identifiers, not prose.
IDS = re.compile(r"\b[CQ]\d+(?:\.[\w-]+)?")


def test_the_swedish_run_of_the_example_has_no_english_sentence(ws: Path) -> None:
    result = _swedish("-w", str(ws), "run", str(EXAMPLE))
    assert result.exit_code == 0, result.output
    checked = 0
    for line in result.stdout.splitlines():
        # Requirement and rule ids aside, no English function words.
        assert not ENGLISH.search(IDS.sub("", line)), line
        checked += 1
    # Every line: the header, C1–C6 with their requirements (bylaws, payroll, annual report, agreement, SAM),
    # Q1 with its three, the ledger line and the decision.
    assert checked >= 20
