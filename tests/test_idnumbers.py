"""asfverify.idnumbers against python-stdnum (org numbers) and the `personnummer` package (personal numbers)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from personnummer.personnummer import Personnummer, PersonnummerException
from stdnum import luhn
from stdnum.se import orgnr

from asfverify import idnumbers
from asfverify.idnumbers import (
    MASK,
    contains_personal_number,
    find_org_numbers,
    is_coordination_number,
    is_personal_number,
    mask_personal_numbers,
    normalise_org_number,
    normalise_personal_number,
    parse_personal_number,
)


def reference(text: str) -> str | None:
    try:
        return Personnummer(text).format(long_format=True)
    except (PersonnummerException, ValueError):
        return None


@st.composite
def candidates(draw: st.DrawFn) -> str:
    born = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31)))
    month = draw(st.one_of(st.just(born.month), st.integers(0, 13)))
    day = draw(st.one_of(st.just(born.day), st.just(born.day + 60), st.integers(0, 99)))
    serial = draw(st.integers(0, 999))
    core = f"{born:%y}{month:02d}{day:02d}{serial:03d}"
    check = draw(st.one_of(st.just(luhn.calc_check_digit(core)), st.sampled_from("0123456789")))
    sep = draw(st.sampled_from(["", "-", "+"]))
    prefix = f"{born.year // 100}" if draw(st.booleans()) else ""
    return f"{prefix}{core[:6]}{sep}{core[6:]}{check}"


@settings(max_examples=500, deadline=None)
@given(text=candidates())
def test_personal_numbers_agree_with_the_personnummer_package(text: str) -> None:
    assert normalise_personal_number(text) == reference(text)


@settings(max_examples=300, deadline=None)
@given(text=candidates(), dash=st.sampled_from(idnumbers.DASHES[1:]),
       space=st.sampled_from(["", " ", "\u00a0", "\u2009", "\u202f", "\u2007"]))
def test_typographic_forms_mean_the_ascii_form(text: str, dash: str, space: str) -> None:
    if "-" not in text:
        return
    typographic = text.replace("-", f"{space}{dash}{space}")
    assert parse_personal_number(typographic) == reference(text)
    # Masking in free text agrees: a valid number (as the package sees it) never survives.
    masked = mask_personal_numbers(f"Ordförande {typographic}, vald i maj.")
    if reference(text) is not None:
        assert MASK in masked and text[-4:] not in masked


@settings(max_examples=300, deadline=None)
@given(digits=st.text(alphabet="0123456789", min_size=9, max_size=9), dash=st.sampled_from(["", "-"]))
def test_org_numbers_agree_with_stdnum(digits: str, dash: str) -> None:
    number = digits[:6] + dash + digits[6:] + luhn.calc_check_digit(digits)
    expected = orgnr.format(number) if orgnr.is_valid(number) and digits[2] >= "2" and digits[0] not in "04" else None
    assert normalise_org_number(number) == expected
    found = find_org_numbers(f"Org.nr {number}.")
    assert [f.number for f in found] == ([expected] if expected else [])


@pytest.mark.parametrize("text", [
    "750505\u20135553", "620303 - 1114", "620303\u00a0\u2013\u00a01114", "19620303\u22121114",
    "121212+1212", "701063-2391", "6203\u200b03-1114", "620303\u20091114",
])
def test_every_written_form_is_masked(text: str) -> None:
    digits = "".join(c for c in idnumbers.normalise_separators(text) if c.isdigit())
    assert luhn.is_valid(digits[-10:])
    assert mask_personal_numbers(f"x {text} y") == f"x {MASK} y"
    assert contains_personal_number(text)


def test_samordningsnummer_and_org_numbers() -> None:
    assert is_coordination_number("701063-2391") and not is_coordination_number("121212-1212")
    assert is_personal_number("701063 \u2013 2391")
    assert not is_personal_number("556036-0793")  # Saab AB: an org number, not a person
    assert mask_personal_numbers("Saab AB 556036-0793") == "Saab AB 556036-0793"


def test_a_ledger_id_in_an_origin_is_left_whole() -> None:
    # A random 12-hex ledger id can hold a valid personnummer's digits; the vkey must print intact.
    vkey = "vm.asfverify.local/8112189876d5+06e5db68+AfDB/7IWrSOyIWT"
    assert mask_personal_numbers(f"--trust {vkey}") == f"--trust {vkey}"
    assert mask_personal_numbers("vm.asfverify.local/8112189876d5\n12\n") == "vm.asfverify.local/8112189876d5\n12\n"
    assert mask_personal_numbers("id 8112189876ab") == f"id {MASK}ab"  # only the origin segment is exempt


def test_digests_and_uuids_are_left_whole() -> None:
    digest = "ab" + "8811113334" + "cd" * 26
    assert mask_personal_numbers(f"sha256 {digest}") == f"sha256 {digest}"
    # ... but not in strings a package or plugin controls.
    assert contains_personal_number(digest)


def test_keys_are_read_across_punctuation() -> None:
    assert contains_personal_number("p_8_8_1_1_1_1_3_3_3_4", across_punctuation=True)
    assert not contains_personal_number("fte_ratio_2026", across_punctuation=True)
