"""Turning an employee cell into an in-memory key; personnummer are validated and pseudonymised at once.

Validation is asfverify.idnumbers' (the one home of personnummer rules, held to the `personnummer`
package's answers by tests/test_idnumbers.py and tests/test_payroll_identity.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from ..i18n import N_
from ..idnumbers import PNR_SHAPE, normalise_match, normalise_personal_number, normalise_separators

__all__ = ["EMPTY_ID", "INVALID_PERSONAL_NUMBER", "REASONS", "EmployeeKeyer", "normalise_personal_number"]

_MASK = (1 << 63) - 1

# Reasons a row is unreadable: English keys, translated where they are shown (verifiers/payroll.py).
INVALID_PERSONAL_NUMBER = N_("invalid personnummer")
EMPTY_ID = N_("empty employee id")
REASONS = frozenset({INVALID_PERSONAL_NUMBER, EMPTY_ID})


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
        if not text.isascii():
            text = normalise_separators(text)  # 750505–5553 (en dash), non-breaking spaces, …
        if " " in text or "\n" in text or "\t" in text:
            text = "".join(text.split())
        if text[:2] == '="' and text[-1:] == '"':
            text = text[2:-1]  # ="0101011234": how a spreadsheet export keeps leading zeros
        if not text:
            return EMPTY_ID
        if self._pnr_column and len(text) == 9 and text.isdigit():
            # A personnummer of someone born 2000–2009 typed into a numeric spreadsheet cell loses its
            # leading zero (0101011234 -> 101011234); nine digits can only be that, so it is restored.
            text = "0" + text
        match = PNR_SHAPE.match(text)
        if match is not None:
            normal = normalise_match(match, self._today)
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
