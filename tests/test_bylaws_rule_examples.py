"""Every shipped rule with one Swedish sentence it must match and a near miss it must not (negation,
scope, word form or a changed verb). Adding a rule without examples fails `test_every_rule_has_examples`."""

from __future__ import annotations

import pytest

from asfverify.bylaws.engine import scan_sentence
from asfverify.bylaws.report import manifest_sentence
from asfverify.bylaws.rules import default_rules
from asfverify.bylaws.text import sentences

RULES = default_rules()

EXAMPLES: dict[str, tuple[str, str]] = {
    # C1.purpose
    "C1.employ-target-group": ("Vi ska anställa människor med nedsatt arbetsförmåga.",
                               "Vi ska inte anställa människor med nedsatt arbetsförmåga."),
    "C1.include-target-group": ("Bolaget ger jobb åt långtidsarbetslösa.",
                                "Bolaget ger praktik och jobb åt långtidsarbetslösa."),
    "C1.target-group-only": ("Föreningen verkar för personer med funktionshinder.",
                             "Föreningen verkar för personer i hela kommunen."),
    "C1.training-only": ("Vi erbjuder arbetsträning.", "Vi erbjuder trädgårdstjänster."),
    "C1.other-groups": ("Bolaget ska anställa nyanlända.", "Bolaget ska anställa snickare."),
    "C1.asf-named": ("Föreningen är ett arbetsintegrerande socialt företag.", "Föreningen är ett socialt företag."),
    # C3.governance
    "C3.public-appoints-board": ("Två styrelseledamöter utses av Region Dalarna.",
                                 "Två styrelseledamöter utses av föreningsstämman efter förslag från regionen."),
    "C3.public-owns": ("Samtliga aktier ägs av Luleå kommun.", "Samtliga aktier ägs av Stiftelsen Framtid."),
    "C3.public-principal": ("Huvudman för verksamheten är Region Gotland.", "Huvudman för verksamheten är föreningen."),
    "C3.public-nominates": ("Valberedningen tar emot förslag från kommunen.", "Valberedningen tar emot förslag från medlemmarna."),
    "C3.public-directs": ("Kommunfullmäktige ska ges möjlighet att ta ställning före viktiga beslut.",
                          "Föreningsstämman ska ges möjlighet att ta ställning före viktiga beslut."),
    "C3.public-member": ("Medlem i föreningen är Umeå kommun.", "Medlem i föreningen är den som arbetar i Umeå."),
    "C3.public-representative": ("En representant för kommunen ingår i styrelsen.",
                                 "En representant för personalen ingår i styrelsen."),
    "C3.principal-appoints-board": ("Styrelsen utses av huvudmannen.", "Styrelsen utses av stämman."),
    "C3.board-elected-by-meeting": ("Ledamöterna väljs på årsmötet för två år.", "Ledamöterna ska vara myndiga."),
    "C3.public-appointer": ("Ledamöterna utses av kommunfullmäktige för tiden från årsstämman.",
                            "Ledamöterna väljs av föreningsstämman efter förslag från kommunen."),
    "C3.other-appointer": ("En ledamot utses av Högskolan i Norrvik.", "En ledamot väljs av årsmötet."),
    "C3.board-fills-own-seats": ("Fyra ledamöter, vilka utses av styrelsen, ingår.", "Styrelsen utser inom sig ordförande."),
    "C3.delegates-elect": ("Fullmäktige väljer styrelse.", "Föreningsstämman väljer styrelse."),
    "C3.public-office-seat": ("Socialchefen i kommunen är ledamot i kraft av sin tjänst.",
                              "Ordföranden är ledamot i kraft av sitt val."),
    "C3.board-highest-organ": ("Styrelsen är föreningens högsta beslutande organ.",
                               "Årsmötet är föreningens högsta beslutande organ."),
    "C3.declared-independent": ("Föreningen är fristående från offentlig sektor.", "Föreningen är partipolitiskt obunden."),
    # C4.bylaws
    "C4.no-dividend": ("Någon vinstutdelning får ej förekomma.", "Vinstutdelning får förekomma."),
    "C4.surplus-wholly-reinvested": ("Överskottet ska i sin helhet användas i verksamheten.",
                                     "Överskottet ska i huvudsak användas i verksamheten."),
    "C4.dividend-allowed": ("Utdelning kan lämnas efter beslut av stämman.", "Utdelning kan inte lämnas."),
    "C4.dividend-to-owners": ("Vinstutdelning till delägarna beslutas av stämman.",
                              "Ingen vinstutdelning till delägarna beslutas av stämman."),
    "C4.dividend-proposal": ("Styrelsen föreslår årligen utdelning.", "Styrelsen föreslår årligen budget."),
    "C4.refund-on-purchases": ("Efterutdelning beslutas av stämman.", "Efterutdelning får aldrig beslutas."),
    "C4.no-obstacle-to-dividend": ("Stadgarna utgör inget hinder för utdelning.", "Stadgarna utgör ett hinder för utdelning."),
    "C4.dividend-capped": ("Vinstutdelning får uppgå till högst fem procent.", "Lönen får uppgå till högst tre gånger den lägsta."),
    "C4.partly-reinvested": ("Vinsten ska till största delen återinvesteras.", "Vinsten ska i sin helhet återinvesteras."),
    "C4.dissolution-to-owners": ("Vid likvidation ska tillgångarna skiftas mellan delägarna.",
                                 "Vid likvidation ska tillgångarna inte skiftas mellan delägarna."),
    "C4.surplus-used-in-business": ("Överskottet ska användas för att utveckla verksamheten.",
                                    "Överskottet ska inte användas för att utveckla verksamheten."),
    "C4.foundation": ("Stiftelsen Nya Steg har sitt säte i Luleå.", "Föreningen Nya Steg har sitt säte i Luleå."),
    "C4.svb": ("Bolaget är ett aktiebolag med särskild vinstutdelningsbegränsning.", "Bolaget är ett aktiebolag."),
    # C5.democracy
    "C5.one-member-one-vote": ("Envar medlem har en röst.", "Varje medlem har en röst per andel."),
    "C4.surplus-given-away": ("Överskottet ska skänkas till välgörande organisationer.",
                              "Överskottet ska användas i verksamheten."),
    "C4.dissolution-to-purpose": ("Vid upplösning ska tillgångarna gå till en organisation med liknande ändamål.",
                                  "Vid upplösning fördelas tillgångarna mellan medlemmarna."),
    "C5.board-elected-by-members": ("Styrelsen väljs av medlemsmötet.", "Styrelsen utser ordförande."),
    "C5.members-are-workers": ("Medlemskap förutsätter anställning i kooperativet.",
                               "Medlemskap förutsätter inte anställning i kooperativet."),
    "C5.votes-by-capital": ("Rösträtten utövas i proportion till insatsen.", "Rösträtten utövas personligen."),
    "C5.extra-votes": ("Grundare har tre röster.", "Grundare har en röst."),
    "C5.unequal-shares": ("A-aktie ger tio röster.", "Aktie ger en röst."),
    "C5.one-share-one-vote": ("Varje aktie ger en röst.", "Varje aktie ger rätt till utdelning."),
    "C5.board-appointed-by-others": ("Styrelsen tillsätts av moderbolaget.", "Styrelsen tillsätts av föreningsstämman."),
    "C5.self-appointing-board": ("Styrelsen utser själv nya ledamöter.", "Styrelsen utser inom sig ordförande."),
    "C5.indirect-democracy": ("Fullmäktige väljs av medlemmarna.", "Stämman väljs inte av någon."),
    "C5.seat-appointed-by-others": ("Två ledamöter utses av Koopservice Norr AB.", "Två ledamöter väljs av stämman."),
    "C5.board-fills-own-seats": ("Nya ledamöter föreslås och utses av styrelsen.", "Nya ledamöter väljs av stämman."),
    "C5.public-office-seat": ("Kommunalrådet är självskriven ledamot.", "Kommunalrådet är inte ledamot."),
    "C5.board-highest-organ": ("Beslut om ändring av stadgarna fattas av styrelsen.",
                               "Beslut om ändring av stadgarna fattas av årsmötet."),
    "C5.one-vote-per-person": ("Varje person med rösträtt har en röst.", "Varje aktie har en röst."),
    "C5.employee-owned": ("Aktier i bolaget får endast ägas av den som är anställd i bolaget.",
                          "Aktier i bolaget får ägas av vem som helst."),
    "C5.company-owned-by-others": ("Samtliga aktier ägs av Stadshus i Norrvik AB.",
                                   "Samtliga aktier ägs av bolagets anställda."),
    "C5.investing-members": ("Investerande medlemmar har rösträtt.", "Arbetande medlemmar har rösträtt."),
}


def _hits(rule_id: str, text: str) -> list:
    rule = next(r for r in RULES.rules if r.id == rule_id)
    found = []
    form = rule.legal_forms[0] if rule.legal_forms else ""
    for s in sentences([text]):
        found += [h for h in scan_sentence(RULES, [rule], s, form) if h.counted]
    if rule.manifest:
        found += [h for h in scan_sentence(RULES, [rule], manifest_sentence(text, None)) if h.counted]
    return found


def test_every_rule_has_examples():
    assert {r.id for r in RULES.rules} == set(EXAMPLES)


@pytest.mark.parametrize("rule_id", sorted(EXAMPLES))
def test_rule_matches_its_example(rule_id):
    hits = _hits(rule_id, EXAMPLES[rule_id][0])
    assert hits, f"{rule_id} did not match {EXAMPLES[rule_id][0]!r}"
    assert hits[0].words and hits[0].sentence.page == 1


@pytest.mark.parametrize("rule_id", sorted(EXAMPLES))
def test_rule_does_not_match_its_near_miss(rule_id):
    assert not _hits(rule_id, EXAMPLES[rule_id][1]), f"{rule_id} matched {EXAMPLES[rule_id][1]!r}"
