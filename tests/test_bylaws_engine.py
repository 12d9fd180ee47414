"""The bylaws building blocks: text normalisation, the pattern language and the rule file."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asfverify.bylaws.patterns import Compiler, PatternError, search
from asfverify.bylaws.report import assess
from asfverify.bylaws.rules import RuleFileError, default_rules, load
from asfverify.bylaws.text import sentences, strip_page_furniture
from asfverify.bylaws.words import tokens

# ------------------------------------------------------------------------------------------ text


def test_repeated_headers_footers_and_page_numbers_are_dropped():
    pages = [
        "Stadgar för Exempel ek. för.\nText på sidan ett.\nSida 1 av 3",
        "Stadgar för Exempel ek. för.\nText på sidan två.\n- 2 -",
        "Stadgar för Exempel ek. för.\nText på sidan tre.\n3 (3)",
    ]
    assert strip_page_furniture(pages) == [["Text på sidan ett."], ["Text på sidan två."], ["Text på sidan tre."]]


def test_a_single_page_keeps_its_title_but_loses_its_page_number():
    assert strip_page_furniture(["Stadgar\nVinstutdelning får inte ske.\n1"]) == [["Stadgar", "Vinstutdelning får inte ske."]]


@pytest.mark.parametrize("heading", ["§ 2 Ändamål", "2 § Ändamål", "Paragraf 2 Ändamål", "§2. Ändamål", "§ 2 – Ändamål"])
def test_section_numbering_styles(heading):
    found = sentences([f"{heading}\nFöreningen ska anställa personer med funktionsnedsättning."])
    assert found[-1].section == "§ 2 Ändamål"
    assert found[-1].text == "Föreningen ska anställa personer med funktionsnedsättning."


def test_upper_case_heading_is_its_own_unit():
    found = sentences(["ÄNDAMÅL\nFöreningen ska anställa personer\nmed funktionsnedsättning."])
    assert [s.text for s in found] == ["ÄNDAMÅL", "Föreningen ska anställa personer med funktionsnedsättning."]
    assert found[1].section == "ÄNDAMÅL"


def test_heading_running_into_body_text_keeps_the_sentence_whole():
    text = ("§ 12 Vinstdisposition. Vinstutdelning till medlemmarna får inte ske och föreningens överskott ska\n"
            "i sin helhet återinvesteras i verksamheten.")
    found = sentences([text])
    assert found[-1].text.endswith("i sin helhet återinvesteras i verksamheten.")
    assert found[-1].section == "§ 12 Vinstdisposition"


@pytest.mark.parametrize("line, section", [
    ("§ 4 Vinstutdelning får inte ske.", "§ 4"),
    ("§ 1 Bolaget ägs av Stiftelsen Framtid och har sitt säte i Luleå kommun.", "§ 1"),
    ("§ 2 Ändamål: Bolaget ska anställa personer med funktionsnedsättning i hela Norrbotten och Västerbotten.", "§ 2 Ändamål"),
    ("12 § Ändring av stadgarna", "§ 12 Ändring av stadgarna"),
])
def test_section_label_is_the_title_not_the_body(line, section):
    assert sentences([line])[-1].section == section


def test_hyphenation_and_line_joining():
    found = sentences(["Bolaget ska anställa personer med funktions-\nnedsättning, flytt- och städtjänster."])
    assert found[0].text == "Bolaget ska anställa personer med funktionsnedsättning, flytt- och städtjänster."


def test_soft_hyphen_marks_from_pdfium_are_joined():
    found = sentences(["Utanför arbets\ufffe\nmarknaden i mer än tolv må\ufffenader."])
    assert found[0].text == "Utanför arbetsmarknaden i mer än tolv månader."


def test_sentences_do_not_split_after_abbreviations_or_list_numbers():
    found = sentences(["Bolaget (org.nr 556000-0000) ska t.ex. städa. Styrelsen väljs av stämman.\n1. Val av ordförande."])
    assert [s.text for s in found] == [
        "Bolaget (org.nr 556000-0000) ska t.ex. städa.", "Styrelsen väljs av stämman.", "1. Val av ordförande."]


def test_sentence_over_a_page_break_starts_on_the_first_page():
    found = sentences(["Inledning.\nTill medlem kan antas den som är", "anställd i föreningen.\nSista meningen."])
    assert [(s.page, s.text) for s in found] == [
        (1, "Inledning."), (1, "Till medlem kan antas den som är anställd i föreningen."), (2, "Sista meningen.")]


def test_old_spelling_is_normalised():
    assert [t.surface for t in tokens("Vinstutdelning skall ej ske", {"skall": "ska"})] == ["vinstutdelning", "ska", "ej", "ske"]


# ------------------------------------------------------------------------------------- patterns
def _match(pattern: str, text: str, classes=None, gap: int = 3):
    compiler = Compiler(classes or {}, 2)
    seq = compiler.compile(pattern, gap)
    lexicon = compiler.lexicon()
    toks = tokens(text)
    used = search(seq, [lexicon.ids(t) for t in toks])
    return None if used is None else [toks[i].surface for i in used]


@pytest.mark.parametrize("pattern, text, words", [
    ("medlemmarna", "Medlemmar har rösträtt", ["medlemmar"]),           # stem
    ("=arbete", "Föreningen arbetar", None),                               # exact form only
    ("=arbete", "ge arbete", ["arbete"]),
    ("styrelse*", "Styrelseledamot utses", ["styrelseledamot"]),          # prefix
    ("*utdelning", "Vinstutdelningen får", ["vinstutdelningen"]),           # suffix (stem)
    ("*utdelning", "vinstutdelningsbegränsning", None),
    ("*integr*", "arbetsintegrerande", ["arbetsintegrerande"]),           # contains
    ("# månader", "i 12 månader", ["12", "månader"]),                      # number
    ("får|ska inte ske", "får inte ske", ["får", "inte", "ske"]),           # alternatives
    ("vinst ske", "vinst får inte alls ske", ["vinst", "ske"]),            # gap 3
    ("vinst ske", "vinst får inte alls någonsin ske", None),                # gap exceeded
    ("vinst ... ske", "vinst får inte alls någonsin ske", ["vinst", "ske"]),  # long gap
    ("vinst ... ske", "vinst " + "och " * 41 + "ske", None),                 # up to 40 words
    ("@M inte", "ska inte", ["ska", "inte"]),                               # class
    ("@P", "svårt att komma in på arbetsmarknaden", ["svårt", "att", "arbetsmarknaden"]),
])
def test_pattern_language(pattern, text, words):
    classes = {"M": ["får", "ska"], "P": ["svårt att ... arbetsmarknad*"]}
    assert _match(pattern, text, classes) == words


@pytest.mark.parametrize("pattern, classes, message", [
    ("@NOPE", {}, "unknown class @NOPE"),
    ("@A", {"A": ["x @A"]}, "refers to itself"),
    ("a||b", {}, "empty alternative"),
    ("...", {}, "has no words"),
    ("=", {}, "bad exact word"),
])
def test_pattern_errors(pattern, classes, message):
    with pytest.raises(PatternError, match=message):
        Compiler(classes, 2).compile(pattern, 3)


# ------------------------------------------------------------------------------------- rule file
MINIMAL = """
version = "test"
[classes]
NEG = ["inte"]
[requirements."C4.bylaws"]
default = "fail"
default_why = "nothing about surplus"
{extra}
[[rules]]
id = "C4.x"
requirement = "C4.bylaws"
effect = "pass"
patterns = ["överskott* stannar"]
explanation = "the surplus stays"
{rule_extra}
"""


def _write(tmp_path: Path, extra: str = "", rule_extra: str = "") -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(MINIMAL.format(extra=extra, rule_extra=rule_extra), encoding="utf-8")
    return path


def test_a_certifier_can_add_a_rule_in_their_own_file(tmp_path):
    rs = load(_write(tmp_path))
    res = assess(rs, [("a" * 64, ["Överskottet stannar i företaget."], [])], requirements=["C4.bylaws"])[0]
    assert res.outcome == "pass" and res.evidence[0].rule == "C4.x"
    res = assess(rs, [("a" * 64, ["Överskottet stannar inte i företaget."], [])], requirements=["C4.bylaws"])[0]
    assert res.outcome == "review"  # a negated pass needs a human
    # Which rules decided is recorded with the result.
    assert res.metrics["rules_version"] == "test"
    assert len(res.metrics["rules_sha256"]) == 64 and res.metrics["rules_sha256"] != default_rules().digest


def test_the_verifier_takes_a_rule_set_of_ones_own(tmp_path):
    from asfverify import testing
    from asfverify.verifiers.bylaws import BylawsVerifier

    package = testing.build_package(tmp_path / "pkg", [
        testing.pdf_document("policy.pdf", "policy", "Överskottet stannar i företaget.")])
    results = testing.run_verifier(BylawsVerifier(rules=load(_write(tmp_path))), package)
    assert [(r.requirement, r.outcome) for r in results] == [("C4.bylaws", "pass")]


@pytest.mark.parametrize("extra, rule_extra, message", [
    ("", 'colour = "red"', "rule C4.x: unknown key 'colour'"),
    ("", 'effect2 = 1', "unknown key 'effect2'"),
    ("", "", None),
    ('[requirements."C5.democracy"]\nneeds = ["x"]', "", "no pass rule establishes 'x'"),
    ('[requirements."C1.purpose"]\ndefault = "maybe"', "", "default: must be one of"),
])
def test_rule_file_errors_name_the_rule_and_key(tmp_path, extra, rule_extra, message):
    path = _write(tmp_path, extra, rule_extra)
    if message is None:
        assert load(path).version == "test"
        return
    with pytest.raises(RuleFileError, match=message):
        load(path)


@pytest.mark.parametrize("replace, message", [
    (('effect = "pass"', 'effect = "maybe"'), "rule C4.x: effect must be one of"),
    (('explanation = "the surplus stays"', ""), "rule C4.x: needs an explanation"),
    (('requirement = "C4.bylaws"', 'requirement = "C9.x"'), "requirement 'C9.x' has no"),
    (('patterns = ["överskott* stannar"]', 'patterns = ["@MISSING"]'), "rule C4.x: unknown class @MISSING"),
    (('patterns = ["överskott* stannar"]', "patterns = []"), "needs at least one pattern"),
    (('id = "C4.x"', 'id = ""'), "missing id"),
    (("[[rules]]", "[[rules]\n"), "rules.toml"),
])
def test_rule_file_structure_errors(tmp_path, replace, message):
    path = _write(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace(*replace), encoding="utf-8")
    with pytest.raises(RuleFileError, match=message):
        load(path)


def test_duplicate_rule_ids_are_rejected(tmp_path):
    path = _write(tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text + text[text.index("[[rules]]"):], encoding="utf-8")
    with pytest.raises(RuleFileError, match="duplicate id"):
        load(path)


def test_shipped_rules_cover_every_requirement_with_explained_rules():
    rs = default_rules()
    assert set(rs.requirements) == {"C1.purpose", "C3.governance", "C4.bylaws", "C5.democracy"}
    for req in rs.requirements:
        rules = rs.for_requirement(req)
        assert rules and all(r.explanation for r in rules)
    assert len({r.id for r in rs.rules}) == len(rs.rules)


# ------------------------------------------------------------------------------------- robustness
@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=400), min_size=1, max_size=3))
def test_any_text_gives_four_results_with_short_excerpts(pages):
    results = assess(default_rules(), [("b" * 64, pages, [])])
    assert [r.requirement for r in results] == ["C1.purpose", "C3.governance", "C4.bylaws", "C5.democracy"]
    for r in results:
        assert r.outcome in ("pass", "fail", "review")
        assert all(len(e.excerpt) <= 300 for e in r.evidence)


def test_a_pathological_run_on_sentence_is_scanned_in_bounded_work():
    # 6,000 words without a full stop, full of words that start patterns but never complete them.
    text = "överskott vinstutdelning styrelsen medlem kommun " * 1200
    results = assess(default_rules(), [("c" * 64, [text], [])])
    assert [r.outcome for r in results] == ["fail", "review", "fail", "review"]
