"""Personnummer handling: the fast validator agrees with the `personnummer` package; ids become opaque keys."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from personnummer.personnummer import Personnummer, PersonnummerException

from asfverify.payroll.identity import EMPTY_ID, INVALID_PERSONAL_NUMBER, EmployeeKeyer, normalise_personal_number


def reference(text: str) -> str | None:
    try:
        return Personnummer(text).format(long_format=True)
    except (PersonnummerException, ValueError):
        return None


_digits = st.text(alphabet="0123456789", min_size=1, max_size=1)


@st.composite
def candidates(draw: st.DrawFn) -> str:
    """Strings shaped like personal numbers: real dates, samordningsdagar, bad dates, bad check digits."""
    born = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31)))
    month = draw(st.one_of(st.just(born.month), st.integers(0, 13)))
    day = draw(st.one_of(st.just(born.day), st.just(born.day + 60), st.integers(0, 99)))
    serial = draw(st.integers(0, 999))
    check = draw(st.integers(0, 9))
    core = f"{born:%y}{month:02d}{day:02d}"
    sep = draw(st.sampled_from(["", "-", "+"]))
    long = draw(st.booleans())
    prefix = f"{born.year // 100}" if long else ""
    return f"{prefix}{core}{sep}{serial:03d}{check}"


@settings(max_examples=400, deadline=None)
@given(text=candidates())
def test_agrees_with_the_personnummer_package(text: str) -> None:
    assert normalise_personal_number(text) == reference(text)


@settings(max_examples=100, deadline=None)
@given(text=st.text(alphabet="0123456789-+ ", max_size=14))
def test_agrees_on_arbitrary_digit_strings(text: str) -> None:
    assert normalise_personal_number(text) == reference(text)


@pytest.mark.parametrize("text, twelve", [
    ("701063-2391", "197010632391"),      # Skatteverket's samordningsnummer example
    ("121212+1212", "191212121212"),      # over 100: '+'
    ("19121212-1212", "191212121212"),
    ("196808239880", "196808239880"),
])
def test_known_numbers(text: str, twelve: str) -> None:
    assert normalise_personal_number(text) == twelve


def _keyer(pnr_column: bool = False) -> tuple[EmployeeKeyer, list[str]]:
    seen: list[str] = []

    def pseudonymise(value: str) -> str:
        seen.append(value)
        return "pseudo:" + value[::-1]

    return EmployeeKeyer(pseudonymise, pnr_column), seen


def test_every_form_of_one_number_is_one_key() -> None:
    keyer, seen = _keyer()
    keys = {keyer.key(f) for f in ("19680823-9880", "196808239880", "680823-9880", "6808239880", " 680823 - 9880 ")}
    assert len(keys) == 1 and isinstance(keys.pop(), int)
    assert set(seen) == {"196808239880"}
    assert keyer.personal_numbers == 5


def test_invalid_numbers_and_plain_ids() -> None:
    keyer, seen = _keyer()
    assert keyer.key("19680823-9881") == INVALID_PERSONAL_NUMBER  # check digit
    assert keyer.key("680823-9881") == INVALID_PERSONAL_NUMBER
    assert isinstance(keyer.key("2016000001"), int)  # ten digits, not a personnummer: an anställningsnummer
    assert keyer.key("") == EMPTY_ID and keyer.key(None) == EMPTY_ID
    assert keyer.key(109.0) == keyer.key("109") == keyer.key(109)
    assert keyer.key("SDS-004") == keyer.key("sds-004")
    assert keyer.key('="0042"') == keyer.key("0042")
    assert seen == []
    pnr_keyer, _ = _keyer(pnr_column=True)
    assert pnr_keyer.key("2016000001") == INVALID_PERSONAL_NUMBER  # in a Personnummer column it must be one
    assert pnr_keyer.key("Anna") == INVALID_PERSONAL_NUMBER


def test_spreadsheet_number_cells() -> None:
    keyer, seen = _keyer()
    assert keyer.key(196808239880) == keyer.key("19680823-9880") == keyer.key('="6808239880"')
    assert seen == ["196808239880"] * 3
