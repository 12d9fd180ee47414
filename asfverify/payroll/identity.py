"""Turning an employee cell into an in-memory key; personnummer are validated and pseudonymised at once."""

from __future__ import annotations

import re
from typing import Callable

from personnummer.personnummer import Personnummer, PersonnummerException

# 10, 11, 12 or 13 characters: YYMMDDNNNN, YYMMDD-NNNN, YYMMDD+NNNN, YYYYMMDDNNNN, YYYYMMDD-NNNN.
PNR_SHAPE = re.compile(r"^(?:\d{2})?\d{6}[-+]?\d{4}$")
_MASK = (1 << 63) - 1

INVALID_PERSONAL_NUMBER = "invalid personnummer"
EMPTY_ID = "empty employee id"


def normalise_personal_number(text: str) -> str | None:
    """The 12-digit form YYYYMMDDNNNN of a valid personnummer or samordningsnummer, else None."""
    try:
        return Personnummer(text).format(long_format=True)
    except (PersonnummerException, ValueError, TypeError):
        return None


class EmployeeKeyer:
    """Keys for counting each person once. A key is a 63-bit int; no id is kept in clear text."""

    def __init__(self, pseudonymise: Callable[[str], str], personal_number_column: bool) -> None:
        self._pseudonymise = pseudonymise
        self._pnr_column = personal_number_column
        self.personal_numbers = 0  # how many cells were personnummer (for the metrics)

    def key(self, value: object) -> int | str:
        """The key for this cell, or a reason string (EMPTY_ID, INVALID_PERSONAL_NUMBER)."""
        if value is None:
            return EMPTY_ID
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # 109.0 from a spreadsheet is employee 109
        text = "".join(str(value).split())
        if not text:
            return EMPTY_ID
        if PNR_SHAPE.match(text):
            normal = normalise_personal_number(text)
            if normal is not None:
                self.personal_numbers += 1
                # Only the keyed pseudonym is used from here on; the number itself is dropped.
                return (hash("p\x00" + self._pseudonymise(normal)) & _MASK) or 1
            if self._pnr_column or not text.isdigit() or len(text) == 12:
                return INVALID_PERSONAL_NUMBER
            # A plain 10-digit anställningsnummer that happens not to be a personnummer.
        elif self._pnr_column:
            return INVALID_PERSONAL_NUMBER
        return (hash("i\x00" + text.casefold()) & _MASK) or 1
