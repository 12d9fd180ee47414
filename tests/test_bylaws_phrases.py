"""The bylaws rules on Swedish clauses: paraphrases, clause orders and the traps, every rule matching and not."""

from __future__ import annotations

import pytest

from asfverify.bylaws.report import assess, manifest_sentence
from asfverify.bylaws.rules import default_rules

RULES = default_rules()


def results(text: str | list[str], legal_form: str | None = "ekonomisk förening", name: str = "Testföretaget"):
    pages = [text] if isinstance(text, str) else text
    return {r.requirement: r for r in assess(RULES, [("d" * 64, pages, [])], manifest_sentence(name, legal_form))}


def outcome(requirement: str, text: str | list[str], **kw) -> str:
    return results(text, **kw)[requirement].outcome


def matched_rules(requirement: str, text: str, **kw) -> set[str]:
    return {t["rule"] for t in results(text, **kw)[requirement].trace if t["matched"] and t["rule"] != "decision"}


# ---------------------------------------------------------------------------------------------- C1
@pytest.mark.parametrize("text", [
    "Föreningens ändamål är att anställa personer med funktionsnedsättning.",
    "Bolagets syfte är att anställa personer som stått utanför arbetsmarknaden i mer än tolv månader.",
    "Bolaget ska ge anställning åt människor som varit arbetslösa i minst 12 månader.",
    "Personer med nedsatt arbetsförmåga ska erbjudas anställning i bolaget.",
    "Föreningen ska ge arbete till personer som har svårt att komma in på arbetsmarknaden.",
    "Målet är att inkludera långtidsarbetslösa och personer med arbetshinder i arbetslivet.",
    "Stiftelsen skall bereda arbete åt människor som står långt från arbetsmarknaden.",
    "Vi vill integrera personer med funktionshinder genom anställning med avtalsenlig lön.",
])
def test_c1_purpose_passes(text):
    assert outcome("C1.purpose", text) == "pass"
    assert matched_rules("C1.purpose", text) & {"C1.employ-target-group", "C1.include-target-group"}


@pytest.mark.parametrize("text, rule", [
    ("Föreningen ska erbjuda praktik och arbetsträning för långtidsarbetslösa.", "C1.training-only"),
    ("Föreningen ska erbjuda sysselsättning och daglig verksamhet.", "C1.training-only"),
    ("Föreningen arbetar för personer med funktionsnedsättning.", "C1.target-group-only"),
    ("Verksamheten erbjuder arbetsträning som kan leda till arbete för personer med funktionsnedsättning.",
     "C1.training-only"),
    ("Bolaget ska anställa personer med psykisk ohälsa.", "C1.other-groups"),
    ("Föreningen ska vara ett arbetsintegrerande socialt företag.", "C1.asf-named"),
])
def test_c1_training_or_vague_purpose_is_review(text, rule):
    assert outcome("C1.purpose", text) == "review"
    assert rule in matched_rules("C1.purpose", text)


@pytest.mark.parametrize("text", [
    "Föreningen ska erbjuda praktik för personer med funktionsnedsättning så att de kan få arbete.",
    "Föreningen ska erbjuda arbetsträning för långtidsarbetslösa för att de ska få en anställning.",
    "Bolaget ska anställa personal som handleder personer med funktionsnedsättning i daglig verksamhet.",
    "Målet är att förbereda personer med arbetshinder för arbete på den öppna arbetsmarknaden.",
])
def test_c1_training_pathways_and_staff_are_not_a_pass(text):
    assert outcome("C1.purpose", text) == "review"


def test_c1_a_possibility_is_not_a_purpose():
    assert outcome("C1.purpose", "Bolaget kan även anställa personer med funktionsnedsättning.") == "review"
    assert outcome("C1.purpose", "Bolaget får anställa personer med funktionsnedsättning.") == "review"


def test_c1_negated_purpose_is_not_a_pass():
    res = results("Föreningen ska inte anställa personer med funktionsnedsättning.")["C1.purpose"]
    assert res.outcome == "review"
    entry = next(t for t in res.trace if t["rule"] == "C1.employ-target-group")
    assert entry["matched"] is False and "negated by 'inte'" in entry["why"]


def test_c1_negation_inside_a_relative_clause_does_not_negate_the_purpose():
    text = "Föreningen ska anställa personer som inte har haft arbete på länge och som har funktionsnedsättning."
    assert outcome("C1.purpose", text) == "pass"


@pytest.mark.parametrize("text", [
    "Bolaget ska bedriva konsultverksamhet inom IT.",
    "Föreningen har till ändamål att främja medlemmarnas ekonomiska intressen genom gemensamma inköp.",
])
def test_c1_no_social_purpose_fails(text):
    res = results(text)["C1.purpose"]
    assert res.outcome == "fail"
    assert res.evidence and res.evidence[0].document == "d" * 64


# ---------------------------------------------------------------------------------------------- C3
@pytest.mark.parametrize("text", [
    "Styrelsen väljs av föreningsstämman.",
    "Styrelsens ledamöter och suppleanter utses av årsstämman för tiden intill nästa årsstämma.",
    "Föreningsstämman väljer styrelse för ett år.",
    "Styrelsen har sitt säte i Västerås kommun. Styrelsen väljs av föreningsstämman.",
    "Styrelsen väljs av föreningsstämman och ska inte utses av kommunen.",
])
def test_c3_board_elected_by_meeting_passes(text):
    assert outcome("C3.governance", text) == "pass"


@pytest.mark.parametrize("text, rule", [
    ("Styrelsen utses av kommunstyrelsen i Västerås kommun.", "C3.public-appoints-board"),
    ("Styrelsen väljs av föreningsstämman. Två ledamöter utses av Region Västmanland.", "C3.public-appoints-board"),
    ("Kommunstyrelsen utser styrelsens ordförande.", "C3.public-appoints-board"),
    ("Aktierna ägs av Eskilstuna kommun.", "C3.public-owns"),
    ("Bolaget är ett helägt dotterbolag till Stockholms stad.", "C3.public-owns"),
    ("Bolaget är ett kommunalt bolag.", "C3.public-owns"),
    ("Kommunfullmäktige i Eskilstuna kommun ska beredas möjlighet att ta ställning innan beslut fattas.",
     "C3.public-directs"),
])
def test_c3_public_control_fails(text, rule):
    assert outcome("C3.governance", text) == "fail"
    assert rule in matched_rules("C3.governance", text)


@pytest.mark.parametrize("text, rule", [
    ("Styrelsen utses av huvudmannen.", "C3.principal-appoints-board"),
    ("Styrelsen väljs av föreningsstämman. Västerås kommun kan antas som medlem.", "C3.public-member"),
    ("Styrelsen väljs av stämman. En representant för kommunen ska ingå i styrelsen.", "C3.public-representative"),
])
def test_c3_unclear_control_is_review(text, rule):
    assert outcome("C3.governance", text) == "review"
    assert rule in matched_rules("C3.governance", text)


def test_c3_public_principal_fails_and_public_nomination_is_review():
    assert outcome("C3.governance", "Styrelsen väljs av stämman. Huvudman för verksamheten är Sundsvalls kommun.") == "fail"
    text = "Styrelsen väljs av föreningsstämman efter förslag från kommunen."
    assert outcome("C3.governance", text) == "review"
    assert "C3.public-nominates" in matched_rules("C3.governance", text)


def test_c3_a_member_who_must_be_of_age_is_not_a_public_body():
    assert outcome("C3.governance", "Styrelsen väljs av föreningsstämman. Medlem ska vara myndig.") == "pass"


def test_c3_owner_directives_from_a_public_body_fail():
    text = "Styrelsen väljs av stämman. Bolaget ska följa de ägardirektiv som kommunen utfärdar."
    assert outcome("C3.governance", text) == "fail"
    assert outcome("C3.governance", "Styrelsen väljs av stämman. Stämman ska godkänna avtal med kommunen.") == "pass"


def test_c3_nothing_about_the_board_is_review():
    assert outcome("C3.governance", "Föreningens firma är Testföretaget.") == "review"


# ---------------------------------------------------------------------------------------------- C4
@pytest.mark.parametrize("text", [
    "Vinstutdelning får inte ske.",
    "Vinstutdelning skall ej ske till medlemmarna.",
    "Ingen vinstutdelning ska ske till aktieägarna.",
    "Utdelning lämnas inte.",
    "Förbud mot vinstutdelning gäller för bolaget.",
    "Hela överskottet ska återinvesteras i verksamheten.",
    "Uppkommen vinst ska i sin helhet balanseras i ny räkning.",
    "Föreningens överskott ska i sin helhet återinvesteras i verksamheten.",
    "Medlemmarna får själva inga medel från föreningen.",
    "Bolaget är ett icke-vinstutdelande företag.",
    "Överskottet ska inte delas ut utan återinvesteras i verksamheten.",
    "Vinstutdelning får inte ske. Kallelse till stämma ska utdelas till medlemmarna.",
])
def test_c4_no_dividend_passes(text):
    assert outcome("C4.bylaws", text) == "pass"


@pytest.mark.parametrize("text, rule", [
    ("Vinstutdelning får ske.", "C4.dividend-allowed"),
    ("Vinstutdelning ska kunna ske i den mån stämman beslutar.", "C4.dividend-allowed"),
    ("Det finns inget hinder mot vinstutdelning.", "C4.no-obstacle-to-dividend"),
    ("Styrelsen får föreslå utdelning till aktieägarna.", "C4.dividend-proposal"),
    ("Av årets vinst ska 20 procent delas ut till medlemmarna i förhållande till deras inköp.", "C4.dividend-allowed"),
    ("Återbäring kan beslutas av stämman.", "C4.refund-on-purchases"),
    ("Vinsten ska fördelas enligt aktiebolagslagen.", "C4.dividend-allowed"),
    ("Vinstutdelning får inte överstiga fem procent av det egna kapitalet.", "C4.dividend-capped"),
    ("Ingen vinstutdelning ska ske, men återbäring får lämnas till medlemmarna.", "C4.refund-on-purchases"),
    ("Vinstutdelning får inte ske; utdelning till aktieägarna beslutas dock av stämman.", "C4.dividend-to-owners"),
])
def test_c4_distribution_fails(text, rule):
    res = results(text)["C4.bylaws"]
    assert res.outcome == "fail"
    assert rule in matched_rules("C4.bylaws", text)
    assert res.evidence and res.evidence[0].rule and res.evidence[0].page == 1 and res.evidence[0].matched


@pytest.mark.parametrize("text, rule", [
    ("Överskottet ska i huvudsak återinvesteras i verksamheten.", "C4.partly-reinvested"),
    ("Vinstutdelning får inte ske. Överskottet ska huvudsakligen återinvesteras.", "C4.partly-reinvested"),
    ("Överskottet ska användas till att skapa fler arbetstillfällen.", "C4.surplus-used-in-business"),
    ("Vid bolagets likvidation ska behållna tillgångar fördelas mellan aktieägarna.", "C4.dissolution-to-owners"),
])
def test_c4_partial_or_unclear_is_review(text, rule):
    assert outcome("C4.bylaws", text) == "review"
    assert rule in matched_rules("C4.bylaws", text)


@pytest.mark.parametrize("text", [
    "Föreningen får inte lämna vinstutdelning.",
    "Bolaget får inte besluta om vinstutdelning.",
    "Bolaget får inte dela ut vinst.",
])
def test_c4_prohibition_with_the_verb_first_passes(text):
    assert outcome("C4.bylaws", text) == "pass"


@pytest.mark.parametrize("text", [
    "Vinstutdelning får inte ske förrän reservfonden har byggts upp.",
    "Vinstutdelning får inte ske under de tre första räkenskapsåren.",
    "Vinstutdelning får inte ske till andra än medlemmarna.",
    "Vinstutdelning får inte ske i strid med aktiebolagslagen.",
    "Vinstutdelning får inte ske innan stämman har fastställt balansräkningen.",
    "Vinsten ska i sin helhet balanseras i ny räkning om inte stämman beslutar annat.",
])
def test_c4_limited_or_conditional_prohibitions_are_never_a_pass(text):
    assert outcome("C4.bylaws", text) in ("review", "fail")


@pytest.mark.parametrize("text", [
    "Vinstutdelning får inte ske till styrelsens ledamöter.",
    "Vinstutdelning får inte ske till medlemmar som inte är anställda.",
    "Vinstutdelning får inte ske det första året.",
    "Vinstutdelning får normalt inte ske.",
    "Vinstutdelning bör inte ske.",
])
def test_c4_restricted_or_soft_prohibitions_are_never_a_pass(text):
    assert outcome("C4.bylaws", text) in ("review", "fail")


def test_c4_dissolution_to_members_by_contribution_is_review_not_a_refund():
    # On dissolution the members may get back what they put in: a certifier checks for more.
    assert outcome("C4.bylaws", "Vid upplösning fördelas tillgångarna mellan medlemmarna i förhållande till deras insatser.") == "review"


def test_c4_not_allowed_passes_and_allowed_fails():
    assert outcome("C4.bylaws", "Det är inte tillåtet att dela ut vinst.") == "pass"
    assert outcome("C4.bylaws", "Det är tillåtet att dela ut vinst.") == "fail"
    assert outcome("C4.bylaws", "Styrelsen får besluta om vinstutdelning.") == "fail"


def test_c4_surplus_going_wholly_to_members_fails():
    text = "Överskottet ska i sin helhet tillfalla medlemmarna."
    assert outcome("C4.bylaws", text) == "fail"
    assert "C4.dividend-to-owners" in matched_rules("C4.bylaws", text)


def test_c4_conditional_prohibition_is_not_a_pass():
    res = results("Vinstutdelning får inte ske utan stämmans beslut.")["C4.bylaws"]
    assert res.outcome == "review"
    entry = next(t for t in res.trace if t["rule"] == "C4.no-dividend")
    assert entry["matched"] is False and "unless" in entry["why"]


def test_c4_nothing_about_surplus_fails():
    res = results("Föreningens firma är Testföretaget. Styrelsen väljs av föreningsstämman.")["C4.bylaws"]
    assert res.outcome == "fail"
    assert "no rule" in res.summary


def test_c4_svb_without_no_dividend_clause_is_review():
    text = "Bolaget är ett aktiebolag med särskild vinstutdelningsbegränsning."
    assert outcome("C4.bylaws", text, legal_form="aktiebolag (svb)") == "review"
    # The legal form alone (manifest) is enough to know it is an svb.
    res = results("Bolagets firma är Test AB (svb).", legal_form="aktiebolag (svb)")["C4.bylaws"]
    assert res.outcome == "review" and "C4.svb" in res.summary


def test_c4_svb_with_explicit_no_dividend_clause_passes():
    text = "Bolaget är ett aktiebolag med särskild vinstutdelningsbegränsning. Vinstutdelning får inte ske."
    assert outcome("C4.bylaws", text, legal_form="aktiebolag (svb)") == "pass"


# ---------------------------------------------------------------------------------------------- C5
DEMOCRATIC = ("Till medlem kan antas den som är anställd i föreningen. Varje medlem har en röst. "
              "Styrelsen väljs av föreningsstämman.")


@pytest.mark.parametrize("text", [
    DEMOCRATIC,
    "Styrelsen väljs av årsmötet. Principen en medlem – en röst gäller. Medlemskap förutsätter anställning i företaget.",
    "Medlemmarna deltar med egen arbetsinsats. Föreningsstämman väljer styrelse. Vid stämman har varje medlem en (1) röst.",
    "Medlem ska vara anställd i bolaget. Medlemmarna har en röst var. Styrelsen väljs av föreningsstämman.",
])
def test_c5_democratic_worker_owned_passes(text):
    assert outcome("C5.democracy", text) == "pass"


def test_c5_extra_votes_fail_but_two_thirds_majorities_do_not():
    text = DEMOCRATIC + " Medlem som är juridisk person har två röster."
    assert outcome("C5.democracy", text) == "fail"
    assert "C5.extra-votes" in matched_rules("C5.democracy", text)
    text = DEMOCRATIC + " Beslut om ändring av stadgarna kräver två tredjedelar av rösterna."
    assert outcome("C5.democracy", text) == "pass"


@pytest.mark.parametrize("members", [
    "Till medlem kan antas anställda samt andra som stödjer föreningens ändamål.",
    "Till medlem kan antas såväl anställda som externa intressenter.",
    "Även anställda kan bli medlemmar.",
])
def test_c5_mixed_membership_is_not_a_pass(members):
    text = members + " Varje medlem har en röst. Styrelsen väljs av föreningsstämman."
    assert outcome("C5.democracy", text) == "review"


def test_c5_without_employee_link_is_review():
    res = results("Varje medlem har en röst. Styrelsen väljs av föreningsstämman.")["C5.democracy"]
    assert res.outcome == "review"
    assert "members-work" in res.summary


def test_c5_negated_employee_link_is_review():
    text = "Medlem behöver inte vara anställd i föreningen. Varje medlem har en röst. Styrelsen väljs av föreningsstämman."
    assert outcome("C5.democracy", text) == "review"


@pytest.mark.parametrize("text, rule", [
    ("Rösträtt utövas i förhållande till insats. Styrelsen väljs av föreningsstämman.", "C5.votes-by-capital"),
    ("Varje medlem har en röst per insats.", "C5.votes-by-capital"),
    ("Aktie av serie A medför tio röster och aktie av serie B medför en röst.", "C5.unequal-shares"),
    ("Aktie av serie B medför en tiondels röst.", "C5.unequal-shares"),
    ("Styrelsen utses av kommunen.", "C5.board-appointed-by-others"),
    ("Styrelseledamot utses av styrelsen.", "C5.board-appointed-by-others"),
    ("Styrelsens ledamöter utses av bolagets ägare på årsstämman.", "C5.board-appointed-by-others"),
    (DEMOCRATIC + " Huvudmannen utser styrelsen.", "C5.board-appointed-by-others"),
])
def test_c5_undemocratic_fails(text, rule):
    assert outcome("C5.democracy", text) == "fail"
    assert rule in matched_rules("C5.democracy", text)


@pytest.mark.parametrize("text, rule", [
    ("Varje aktie medför en röst. Styrelsen väljs av bolagsstämman.", "C5.one-share-one-vote"),
    (DEMOCRATIC + " Föreningsfullmäktige fattar beslut i föreningens angelägenheter.", "C5.indirect-democracy"),
    (DEMOCRATIC + " Investerande medlemmar kan antas.", "C5.investing-members"),
])
def test_c5_unclear_is_review(text, rule):
    assert outcome("C5.democracy", text) == "review"
    assert rule in matched_rules("C5.democracy", text)


# ------------------------------------------------------------------------------------------- shape
def test_every_result_has_evidence_and_a_full_trace():
    res = results(DEMOCRATIC + " Vinstutdelning får inte ske.")
    assert set(res) == {"C1.purpose", "C3.governance", "C4.bylaws", "C5.democracy"}
    for req, r in res.items():
        rule_ids = {rule.id for rule in RULES.for_requirement(req)}
        traced = {t["rule"] for t in r.trace}
        assert rule_ids <= traced, req
        assert r.trace[-1]["rule"] == "decision" and r.trace[-1]["effect"] == r.outcome
        for t in r.trace:
            assert set(t) >= {"rule", "requirement", "matched", "page", "excerpt", "words", "effect", "why"}
            assert len(t["excerpt"]) <= 300
        assert r.evidence
        assert r.summary.startswith(req) and r.summary.endswith(".")


def test_long_sentence_excerpt_is_cut_around_the_match():
    filler = "och därtill mycket annat som inte hör hit, " * 20
    res = results(f"Föreningen ska {filler} anställa personer med funktionsnedsättning {filler}.")["C1.purpose"]
    ev = res.evidence[0]
    assert len(ev.excerpt) <= 300
    assert "anställa personer med funktionsnedsättning" in ev.excerpt


def test_personnummer_in_an_excerpt_is_masked():
    text = "Föreningen, bildad av Anna Andersson 19811218-9876, ska anställa personer med funktionsnedsättning."
    res = results(text)["C1.purpose"]
    assert res.outcome == "pass"
    assert "9876" not in res.evidence[0].excerpt and "[personnummer]" in res.evidence[0].excerpt
    assert all("9876" not in t["excerpt"] for t in res.trace)


def test_whole_documents_of_other_legal_forms():
    ideell = """STADGAR FÖR FÖRENINGEN ARBETSGLÄDJE
1 § Syfte
Föreningen skall verka för att människor som på grund av funktionsnedsättning står utanför arbetsmarknaden
får möjlighet till anställning i föreningens verksamheter.
2 § Medlemmar
Medlem är den som arbetar i föreningens verksamhet.
3 § Årsmöte
Vid årsmötet har varje medlem en röst. Årsmötet väljer styrelse och revisorer.
4 § Ekonomi
Föreningens eventuella överskott skall oavkortat gå tillbaka till verksamheten."""
    assert {k: r.outcome for k, r in results(ideell, legal_form="ideell förening").items()} == dict.fromkeys(
        ["C1.purpose", "C3.governance", "C4.bylaws", "C5.democracy"], "pass")
    stiftelse = """Stadgar för Stiftelsen Nya Steg
Stiftelsens ändamål är att bedriva arbetsträning och praktik för unga vuxna.
Styrelsen utser själv nya ledamöter."""
    got = {k: r.outcome for k, r in results(stiftelse, legal_form="stiftelse").items()}
    assert got == {"C1.purpose": "review", "C3.governance": "review", "C4.bylaws": "review", "C5.democracy": "fail"}
