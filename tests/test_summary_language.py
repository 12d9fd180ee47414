"""Summaries in the reader's language: a run made in English shows Swedish in a later Swedish `status`.

The ledger keeps each result's summary as shown (in the run's language) and, when faithful, a
language-neutral record of it (summaries.py); old entries without one still verify and display.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from asfverify import i18n, summaries
from asfverify.cli import cli

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "vagen-framat"
PLAN_EN = "Every participant has an individual plan."
PLAN_SV = "Varje deltagare har en individuell plan."
ORG_EN = "769612-3459 is a valid organisationsnummer in group 7"
ORG_SV = "769612-3459 är ett giltigt organisationsnummer i grupp 7"


def _cli(*args: str, lang: str | None = None):
    return CliRunner().invoke(cli, list(args), env={"ASFVERIFY_LANG": lang})


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = tmp_path_factory.mktemp("summaries") / "ws"
    assert _cli("init", str(ws)).exit_code == 0
    assert _cli("-w", str(ws), "agreements", "import", str(ROOT / "examples" / "registry.csv")).exit_code == 0
    return ws


def _run(ws: Path, lang: str) -> dict:
    result = _cli("-w", str(ws), "run", "--json", str(EXAMPLE), lang=lang)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_run_in_english_reads_in_swedish_later(ws: Path, tmp_path: Path) -> None:
    run = _run(ws, "en")
    plan = next(r for r in run["results"] if r["requirement"] == "Q1.plan")
    assert plan["summary"] == PLAN_EN  # stored as shown
    assert plan["message"] == {"id": PLAN_EN, "fields": {}, "lang": "en", "catalogue": "work_training"}
    status = _cli("-w", str(ws), "status", run["run_id"])  # Swedish, the default
    assert status.exit_code == 0, status.output
    assert PLAN_SV in status.stdout and ORG_SV in status.stdout
    assert PLAN_EN not in status.stdout and ORG_EN not in status.stdout
    explain = _cli("-w", str(ws), "explain", run["run_id"], "C3.identity")
    assert ORG_SV in explain.stdout
    report = tmp_path / "report.html"
    assert _cli("-w", str(ws), "report", run["run_id"], "-o", str(report)).exit_code == 0
    html = report.read_text(encoding="utf-8")
    assert PLAN_SV in html and PLAN_EN not in html
    # In the run's own language, the stored text itself.
    assert PLAN_EN in _cli("-w", str(ws), "status", run["run_id"], lang="en").stdout


def test_a_run_in_swedish_reads_in_english(ws: Path) -> None:
    run = _run(ws, "sv")
    organisation = next(r for r in run["results"] if r["requirement"] == "C3.identity")
    assert organisation["summary"].startswith(ORG_SV)
    assert organisation["message"]["lang"] == "sv" and "catalogue" not in organisation["message"]
    assert organisation["message"]["fields"]["number"] == "769612-3459"
    status = _cli("-w", str(ws), "status", "--lang", "en", run["run_id"])
    assert ORG_EN in status.stdout and PLAN_EN in status.stdout and ORG_SV not in status.stdout


def test_entries_without_a_record_still_verify_and_show_their_text(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # What asfverify wrote before the record existed: the summary alone.
    monkeypatch.setattr(summaries, "record", lambda *_args: None)
    run = _run(ws, "en")
    assert all("message" not in r for r in run["results"])
    monkeypatch.undo()
    status = _cli("-w", str(ws), "status", run["run_id"])
    assert status.exit_code == 0 and PLAN_EN in status.stdout  # the stored English: nothing to translate from
    assert _cli("-w", str(ws), "ledger", "verify").exit_code == 0


@pytest.fixture()
def plugin_module(tmp_path: Path) -> Path:
    module = tmp_path / "demo_plugin.py"
    module.write_text("", encoding="utf-8")
    (tmp_path / "demo_plugin.sv.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "{n} of {total} documents are signed"\nmsgstr "{n} av {total} dokument är underskrivna"\n\n'
        'msgid "missing: {parts}"\nmsgstr "saknas: {parts}"\n\n'
        'msgid "Incomplete — {problems}."\nmsgstr "Ofullständigt — {problems}."\n\n'
        'msgid "Checked {what}."\nmsgstr "Kontrollerade {what}."\n\n'
        'msgid "the bylaws"\nmsgstr "stadgarna"\n', encoding="utf-8")
    return module


def _keep(text: str) -> str:
    return text


def _recorded(summary: str) -> dict | None:
    return summaries.record(summary, str(summary), _keep)


def test_records_render_in_each_language_and_nest(plugin_module: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _ = i18n.plugin_translator(str(plugin_module))
    monkeypatch.setenv("ASFVERIFY_LANG", "sv")
    i18n.set_language(None)
    made = _recorded(_("{n} of {total} documents are signed", n=2, total=3))
    assert made == {"id": "{n} of {total} documents are signed", "fields": {"n": 2, "total": 3}, "lang": "sv", "catalogue": "demo_plugin"}
    stored = {"summary": "2 av 3 dokument är underskrivna", "message": made}
    assert summaries.text(stored) == "2 av 3 dokument är underskrivna"
    i18n.set_language("en")
    assert summaries.text(stored) == "2 of 3 documents are signed"
    # A translated message as a field is recorded as a message of its own, and translated too.
    i18n.set_language("sv")
    nested = _recorded(_("Checked {what}.", what=_("the bylaws")))
    assert nested is not None and nested["fields"]["what"]["id"] == "the bylaws"
    i18n.set_language("en")
    assert summaries.text({"summary": "Kontrollerade stadgarna.", "message": nested}) == "Checked the bylaws."
    i18n.set_language(None)


def test_a_summary_composed_from_translated_pieces_keeps_only_its_text(plugin_module: Path) -> None:
    _ = i18n.plugin_translator(str(plugin_module))
    i18n.set_language("sv")
    try:
        # "; ".join(...) of translated parts is a plain string: translating the record again would mix languages.
        composed = _("Incomplete — {problems}.", problems="; ".join([_("missing: {parts}", parts="policy")]))
        assert str(composed) == "Ofullständigt — saknas: policy."
        assert _recorded(composed) is None
        assert _recorded(_("Incomplete — {problems}.", problems="policy")) is not None
    finally:
        i18n.set_language(None)


def test_unfaithful_records_are_not_kept(plugin_module: Path) -> None:
    import datetime as dt

    _ = i18n.plugin_translator(str(plugin_module))
    i18n.set_language("sv")
    try:
        assert _recorded("plain text, not a message") is None
        assert _recorded(_("Checked {what}.", what=dt.date(2026, 10, 31))) is None  # only integers and strings
        assert _recorded(_("Checked {what}.", what=True)) is None
        # The stored summary was changed on the way (masked): the record must reproduce it exactly.
        message = _("Checked {what}.", what="x")
        assert summaries.record(message, "Kontrollerade y.", _keep) is None
    finally:
        i18n.set_language(None)


def test_string_fields_are_masked_like_the_summary(plugin_module: Path) -> None:
    from asfverify.idnumbers import mask_personal_numbers

    _ = i18n.plugin_translator(str(plugin_module))
    i18n.set_language("en")
    try:
        message = _("Checked {what}.", what="the file of 19121212-1212")
        def mask(text: str) -> str:
            return mask_personal_numbers(text, keep_identifiers=False)
        made = summaries.record(message, mask(str(message)), mask)
        assert made is not None and "19121212" not in json.dumps(made)
        assert "[personnummer]" in made["fields"]["what"]
    finally:
        i18n.set_language(None)


def test_a_plugin_catalogue_that_is_gone_shows_the_stored_text() -> None:
    i18n.set_language("sv")
    try:
        gone = {"summary": "3 documents", "message": {"id": "{n} documents", "fields": {"n": 3}, "lang": "en",
                                                      "catalogue": "no_such_plugin"}}
        assert summaries.text(gone) == "3 documents"
        broken = {"summary": "stored", "message": {"id": 5, "fields": [], "lang": "en"}}
        assert summaries.text(broken) == "stored"
        untranslated = {"summary": "A sentence no catalogue has", "message": {"id": "A sentence no catalogue has",
                                                                             "fields": {}, "lang": "en"}}
        assert summaries.text(untranslated) == "A sentence no catalogue has"
    finally:
        i18n.set_language(None)


def _lines(output: str) -> dict[str, str]:
    return {line.split()[0]: line for line in output.splitlines()[1:] if line.split()}


def test_an_english_run_read_in_swedish_matches_a_swedish_run(ws: Path) -> None:
    # The bylaws summaries are composed (compose/join) from translated pieces and document quotes: their
    # records hold every piece, so reading the English run in Swedish gives the Swedish run's very lines.
    english, swedish = _run(ws, "en"), _run(ws, "sv")
    read_sv = _lines(_cli("-w", str(ws), "status", english["run_id"]).stdout)
    made_sv = _lines(_cli("-w", str(ws), "status", swedish["run_id"]).stdout)
    for requirement in ("C1", "C3.identity", "C3.governance", "C4.bylaws", "C5", "C6.sam", "Q1.plan", "Q1.followup"):
        assert read_sv[requirement] == made_sv[requirement], requirement
    read_en = _lines(_cli("-w", str(ws), "status", "--lang", "en", swedish["run_id"]).stdout)
    made_en = _lines(_cli("-w", str(ws), "status", "--lang", "en", english["run_id"]).stdout)
    for requirement in ("C1", "C3.governance", "C4.bylaws", "C5"):
        assert read_en[requirement] == made_en[requirement], requirement
        assert " by rule " in read_en[requirement]


def test_compose_and_join_keep_the_records_of_their_parts(plugin_module: Path) -> None:
    _ = i18n.plugin_translator(str(plugin_module))
    i18n.set_language("sv")
    try:
        parts = i18n.join(", ", [_("the bylaws"), "policy {x}"])  # braces in a plain part stay text
        summary = i18n.compose("{requirement} {why}.", requirement="C9.x", why=_("Checked {what}.", what=parts))
        assert str(summary) == "C9.x Kontrollerade stadgarna, policy {x}.."
        made = _recorded(summary)
        assert made is not None and made["catalogue"] == i18n.VERBATIM
        i18n.set_language("en")
        assert summaries.text({"summary": str(summary), "message": made}) == "C9.x Checked the bylaws, policy {x}.."
    finally:
        i18n.set_language(None)


def test_compose_refuses_words() -> None:
    with pytest.raises(ValueError, match="hold no words"):
        i18n.compose("{a} passed", a="x")
