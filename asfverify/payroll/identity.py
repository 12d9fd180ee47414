"""Turning an employee cell into an in-memory key; personnummer are validated and pseudonymised at once.

Validation follows the `personnummer` package (which, unlike python-stdnum, accepts samordningsnummer);
this module repeats its rules in a few lines because a long list checks one number per row, and the
package's per-call overhead dominated the run time. tests/test_payroll_identity.py holds the two to
the same answers.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Callable

# 10, 11, 12 or 13 characters: YYMMDDNNNC, YYMMDD-NNNC, YYMMDD+NNNC, YYYYMMDDNNNC, YYYYMMDD-NNNC.
PNR_SHAPE = re.compile(r"^(\d{2})?(\d{2})(\d{2})(\d{2})([-+]?)((?!000)\d{3})(\d)$")
_MASK = (1 << 63) - 1

def _doubled(d: int) -> int:
    return d * 2 - 9 if d * 2 > 9 else d * 2


# Luhn partial sums of three-digit chunks, by whether the chunk's first digit is doubled.
_LUHN_EVEN = {f"{n:03d}": _doubled(n // 100) + n // 10 % 10 + _doubled(n % 10) for n in range(1000)}
_LUHN_ODD = {f"{n:03d}": n // 100 + _doubled(n // 10 % 10) + n % 10 for n in range(1000)}

INVALID_PERSONAL_NUMBER = "invalid personnummer"
EMPTY_ID = "empty employee id"
REASONS = frozenset({INVALID_PERSONAL_NUMBER, EMPTY_ID})


def normalise_personal_number(text: str, today: dt.date | None = None) -> str | None:
    """The 12-digit form YYYYMMDDNNNC of a valid personnummer or samordningsnummer, else None."""
    match = PNR_SHAPE.match(text)
    if match is None:
        return None
    return _normalise(match, today)


def _normalise(match: re.Match[str], today: dt.date | None) -> str | None:
    century, yy, mm, dd, sep, serial, check = match.groups()
    # Luhn over YYMMDDNNN: positions 0, 2, 4, … doubled; three chunks of three digits.
    total = _LUHN_EVEN[yy + mm[0]] + _LUHN_ODD[mm[1] + dd] + _LUHN_EVEN[serial]
    if (10 - total % 10) % 10 != int(check):
        return None
    if century is None:
        # As the personnummer package: the most recent such year, a century earlier with '+'.
        base = (today or dt.date.today()).year - (100 if sep == "+" else 0)
        year = base - (base - int(yy)) % 100
    else:
        year = int(century + yy)
    day = int(dd)
    if day > 60:
        day -= 60  # samordningsnummer
    try:
        dt.date(year, int(mm), day)
    except ValueError:
        return None
    return f"{year:04d}{mm}{dd}{serial}{check}"


class EmployeeKeyer:
    """Keys for counting each person once. A key is a 63-bit int; no id is kept in clear text."""

    def __init__(self, pseudonymise: Callable[[str], str], personal_number_column: bool) -> None:
        self._pseudonymise = pseudonymise
        self._pnr_column = personal_number_column
        self._today = dt.date.today()
        self.personal_numbers = 0  # how many cells were personnummer (for the metrics)

    def identify(self, value: object) -> str:
        """A token for this cell ('p' + the 12-digit number, or 'i' + the id), or a REASONS string.

        The token lives only until key() turns it into a key, and key() is only called for people
        employed on the reference date: nobody else's number is pseudonymised at all.
        """
        if value is None:
            return EMPTY_ID
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # 109.0 from a spreadsheet is employee 109
        text = value if isinstance(value, str) else str(value)
        if " " in text or "\n" in text or "\t" in text:
            text = "".join(text.split())
        if text[:2] == '="' and text[-1:] == '"':
            text = text[2:-1]  # ="0101011234": how a spreadsheet export keeps leading zeros
        if not text:
            return EMPTY_ID
        match = PNR_SHAPE.match(text)
        if match is not None:
            normal = _normalise(match, self._today)
            if normal is not None:
                self.personal_numbers += 1
                return "p" + normal
            if self._pnr_column or not text.isdigit() or len(text) == 12:
                return INVALID_PERSONAL_NUMBER
            # A plain 10-digit anställningsnummer that happens not to be a personnummer.
        elif self._pnr_column:
            return INVALID_PERSONAL_NUMBER
        return "i" + text.casefold()

    def key_of(self, token: str) -> int:
        """The 63-bit key of an identify() token; a personnummer only through the keyed pseudonym."""
        if token[0] == "p":
            return (hash("p\x00" + self._pseudonymise(token[1:])) & _MASK) or 1
        return (hash("i\x00" + token[1:]) & _MASK) or 1

    def key(self, value: object) -> int | str:
        """identify() and key_of() in one step: the key, or a REASONS string."""
        token = self.identify(value)
        return token if token in REASONS else self.key_of(token)
