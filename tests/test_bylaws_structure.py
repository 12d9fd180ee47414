"""The structural reading (asfverify/bylaws/structure.py): appointments, subjects, lead-ins, legal forms,
and that no text — however odd — makes it raise."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asfverify.bylaws.report import assess
from asfverify.bylaws.rules import RuleFileError, default_rules, parse
from asfverify.bylaws.structure import appointments
from asfverify.bylaws.text import sentences
from asfverify.bylaws.words import tokens

RULES = default_rules()


def appointed(text: str, form: str = "") -> list[tuple[str, str]]:
    g = RULES.grammar
    toks = tokens(text, RULES.spelling)
    ids = [RULES.lexicon.ids(t) for t in toks]
    return [(a.appointed, a.appointer) for a in appointments(g, toks, ids, text, RULES.negators, form)]


@pytest.mark.parametrize("text, expected", [
    ("Styrelsen väljs av föreningsstämman.", [("board", "meeting")]),
    ("Kommunfullmäktige i Norrviks kommun utser tre ledamöter.", [("board", "public")]),
    ("Styrelsen består av fem ledamöter, av vilka kommunfullmäktige utser tre.", [("board", "public")]),
    ("Fyra ledamöter, vilka utses av styrelsen, ingår.", [("board", "board")]),
    ("Nya ledamöter föreslås av styrelsen och utses vid styrelsens årsmöte.", [("board", "board")]),
    ("Vid årsmötet väljs ordförande.", [("board", "meeting")]),
    ("Styrelsen utser inom sig ordförande.", [("internal", "board")]),
    ("Valberedningen väljs av föreningsstämman.", [("other", "meeting")]),
    ("En ledamot utses av HemBo Riksförening.", [("board", "other-body")]),
    ("Två ledamöter utses av Koopservice Norr AB.", [("board", "other-body")]),
    ("Ledamöterna utses av Strandgårdens Vänner.", [("board", "named")]),
    ("Styrelsens ledamöter utses av Stiftelsen Vävarnas Hus styrelse för tiden intill slutet av årsmötet.",
     [("board", "other-body")]),
])
def test_appointments_read_seat_and_appointer(text, expected):
    assert appointed(text) == expected


def test_a_foundations_arsmote_is_not_a_members_meeting():
    assert appointed("Vid stiftelsens årsmöte väljs styrelse.", "stiftelse") == [("board", "foundation-meeting")]
    assert appointed("Styrelsens ledamöter utses av ägarna på årsstämman.", "bolag") == [("board", "meeting")]


def test_a_list_item_keeps_its_lead_in():
    found = sentences(["§ 2 Ändamål\nMedlemsföretagen ska\n– anställa personer med funktionsnedsättning,\n– sälja tjänster."])
    item = next(s for s in found if s.text.startswith("– anställa"))
    assert item.lead == "Medlemsföretagen ska"
    (c1,) = assess(RULES, [("x", ["§ 2 Ändamål\nMedlemsföretagen ska\n– anställa personer med funktionsnedsättning,\n– sälja tjänster."], [])],
                   requirements=["C1.purpose"])
    assert c1.outcome == "review"
    employ = next(t for t in c1.trace if t["rule"] == "C1.employ-target-group")
    assert "medlemsföretagen" in employ["why"] and employ["subject"] == "other: medlemsföretagen"


def test_an_agenda_run_together_is_split_into_items():
    text = "På stämman ska följande ärenden förekomma 1 Val av ordförande 2 Val av justerare 3 Val av styrelse"
    found = [s.text for s in sentences([text])]
    assert found[1:] == ["1 Val av ordförande", "2 Val av justerare", "3 Val av styrelse"]


def test_rule_file_rejects_unknown_legal_forms_and_appointer_kinds():
    data = tomllib.loads(resources.files("asfverify").joinpath("data", "bylaws-rules.toml").read_text("utf-8"))
    bad = dict(data, rules=[dict(data["rules"][0], legal_forms=["kommanditbolag"])] + data["rules"][1:])
    with pytest.raises(RuleFileError, match="unknown legal form 'kommanditbolag'"):
        parse(bad)
    rule = next(r for r in data["rules"] if r.get("appointer"))
    bad = dict(data, rules=[dict(rule, appointer=["kungen"])] + [r for r in data["rules"] if r is not rule])
    with pytest.raises(RuleFileError, match="unknown appointer kind 'kungen'"):
        parse(bad)


WORDS = ["Styrelsen", "väljs", "utses", "av", "vid", "och", "vilka", "som", "inte", "icke", "kommunen", "stämman",
         "årsmötet", "ledamöter", "ordförande", "inom", "sig", "Skulle", "Föreningen", "anställa", "personer", "med",
         "funktionsnedsättning", "Vinstutdelning", "får", "ske", "–", ",", ";", ":", "1", "2", "3", "§", "a)", "\n",
         "Stiftelsen", "utser", "HemBo", "för", "i", "AB", "varav", "."]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=60), st.sampled_from(["", "stiftelse", "aktiebolag", "ideell förening"]))
def test_no_text_makes_the_structural_reading_raise(words, legal_form):
    text = " ".join(words)
    results = assess(RULES, [("x", [text, text[::-1]], [])], legal_form=legal_form, policy={})
    assert {r.outcome for r in results} <= {"pass", "fail", "review"}
