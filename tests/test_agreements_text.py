"""Org numbers in document text, personnummer masking, and the recognised-parties data file."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asfverify.agreements.orgnumbers import find_org_numbers, normalise, redact_personal_numbers, why_invalid
from asfverify.agreements.parties import default_parties, load_parties, workspace_parties
from asfverify.errors import BadInput


@pytest.mark.parametrize(
    "text",
    [
        "org.nr 556987-6542.",
        "5569876542",
        "Org.nr: 556987 6542",
        "Org.nr: 556987\u00a06542",
        "organisationsnummer 556987–6542",
        "AgRegistreradId 165569876542",
        "Momsreg.nr SE556987654201",
        "VAT SE 5569876542 01",
    ],
)
def test_every_common_form_is_found(text: str) -> None:
    assert [f.number for f in find_org_numbers(text)] == ["556987-6542"]


@pytest.mark.parametrize(
    "text",
    [
        "556987-6543",  # wrong check digit
        "850412-1234 and 198504121234",  # personnummer, with and without century
        "telefon 0701234567, datum 2022-05-01, belopp 1234567890123",
        "mobil 0736000001 och 4020000008",  # Luhn-valid, but group digits 0 and 4 are not assigned
        "５５６９８７-６５４２",  # full-width digits are not what anyone writes on a certificate
    ],
)
def test_non_org_numbers_are_not_found(text: str) -> None:
    assert find_org_numbers(text) == []


def test_normalise_and_reasons() -> None:
    assert normalise("5569876542") == normalise(" 556987-6542 ") == "556987-6542"
    assert normalise("556987 6542") is None and why_invalid("556987 6542") == "not NNNNNN-NNNN or 10 digits"
    assert why_invalid("556987-6543") == "wrong check digit"
    assert why_invalid("850412-1234").startswith("a personnummer")
    assert why_invalid("402000-0008") == "group digit 4 is not assigned"


def test_personnummer_are_masked_in_excerpts() -> None:
    text = "Undertecknat av 19850412-1234 och 850412+1234 för 556987-6542 den 2022-05-01."
    masked = redact_personal_numbers(text)
    assert "1234" not in masked.replace("556987-6542", "") and "556987-6542" in masked and "2022-05-01" in masked


@given(st.text(alphabet="0123456789 -SE16.:abc\n", max_size=60))
def test_found_numbers_are_always_valid(text: str) -> None:
    for found in find_org_numbers(text):
        assert normalise(found.number) == found.number


# ---------------------------------------------------------------- parties


def test_fremia_is_recognised_by_its_former_names() -> None:
    parties = default_parties()
    fremia = parties.by_name("Arbetsgivarföreningen KFO")
    assert fremia is not None and fremia.name == "Fremia" and fremia.label == "Fremia (formerly KFO, Idea)"
    assert parties.by_name("Sveriges Kommuner och Regioner (SKR)").name == "Sveriges Kommuner och Regioner"
    assert parties.by_name("Arbetsgivaralliansen").name == "Arbetsgivaralliansen"  # not part of Fremia


def test_short_union_names_match_only_as_names() -> None:
    parties = default_parties()
    found = [m.party.name for m in parties.find_parties("Avtal med Kommunal om kommunal verksamhet och en idea.")]
    assert found == ["Kommunal"]
    assert [m.party.kind for m in parties.find_parties("Svenska Kommunalarbetareförbundet")] == ["union"]


def test_agreement_wording_and_the_asf_agreement() -> None:
    parties = default_parties()
    assert parties.agreement_terms("Hängavtalet gäller") and parties.agreement_terms("HVO-avtalet")
    assert not parties.agreement_terms("avtalsfri tid")
    assert parties.asf_agreement("ASF-avtalet mellan Fremia och Kommunal")
    assert parties.asf_agreement("Kollektivavtal för\narbetsintegrerande sociala företag")
    assert parties.asf_agreement("Detaljhandelsavtalet") is None


def test_a_certifiers_parties_file_extends_the_packaged_one(tmp_path: Path) -> None:
    path = tmp_path / "parties.toml"
    path.write_text(
        '[[union]]\nname = "Musikerförbundet"\naliases = ["Svenska Musikerförbundet"]\n'
        '[terms]\nagreement = ["musikeravtal"]\n',
        encoding="utf-8",
    )
    parties = load_parties(path)
    assert [m.party.name for m in parties.find_parties("svenska musikerförbundet")] == ["Musikerförbundet"]
    assert parties.agreement_terms("Musikeravtal") and parties.agreement_terms("kollektivavtal")
    assert parties.by_name("Fremia") is not None
    ws = SimpleNamespace(root=tmp_path, config={"agreements": {"parties": "parties.toml"}})
    assert workspace_parties(ws).by_name("Svenska Musikerförbundet").name == "Musikerförbundet"
    assert workspace_parties(None) is default_parties()


def test_a_broken_parties_file_is_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "parties.toml"
    path.write_text("[[union]\n", encoding="utf-8")
    with pytest.raises(BadInput, match="not a usable agreement-parties file"):
        load_parties(path)
