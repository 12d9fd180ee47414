"""Swedish organisation numbers: normalising one, and finding them in document text in any common form."""

from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum import luhn

# Forms seen in the wild (reference/domain.md §a1): 556987-6542, 5569876542, "556987 6542",
# 16 + orgnr (AGI's AgRegistreradId), and the VAT number SE + orgnr + 01.
_FORMS = re.compile(
    r"(?<![\w])SE\s?(?P<vat>[0-9]{10})\s?01(?![0-9])"
    r"|(?<![0-9])16(?P<sixteen>[0-9]{10})(?![0-9])"
    r"|(?<![0-9])(?P<head>[0-9]{6})[-‐‑–\s]?(?P<tail>[0-9]{4})(?![0-9])"
)
_STRICT = re.compile(r"^([0-9]{6})-?([0-9]{4})$")


def normalise(value: str) -> str | None:
    """NNNNNN-NNNN for a valid org number written NNNNNN-NNNN or as 10 digits; None otherwise."""
    m = _STRICT.match(value.strip())
    if not m:
        return None
    digits = m.group(1) + m.group(2)
    if not _plausible(digits) or not _luhn_ok(digits):
        return None
    return f"{digits[:6]}-{digits[6:]}"


def _plausible(digits: str) -> bool:
    # Month digits below 20 make it a personnummer (an enskild firma), never a legal person's number;
    # group digits 0 and 4 are not assigned (so a mobile number 07… is never taken for one).
    return digits[2] >= "2" and digits[0] not in "04"


def _luhn_ok(digits: str) -> bool:
    # stdnum's orgnr.is_valid is compact() + format checks + Luhn; the format is already checked here,
    # and skipping compact() halves the cost of validating a 100,000-row registry.
    return luhn.checksum(digits) == 0


def why_invalid(value: str) -> str:
    """A short reason why `value` is not a valid org number (for error messages)."""
    m = _STRICT.match(value.strip())
    if not m:
        return "not NNNNNN-NNNN or 10 digits"
    if int(m.group(1)[2]) < 2:
        return "a personnummer, not an organisation number"
    if m.group(1)[0] in "04":
        return f"group digit {m.group(1)[0]} is not assigned"
    if not _luhn_ok(m.group(1) + m.group(2)):
        return "wrong check digit"
    return "invalid"


@dataclass(frozen=True)
class Found:
    """An org number found in a text: its NNNNNN-NNNN form and where it was written."""

    number: str
    start: int
    end: int


def find_org_numbers(text: str) -> list[Found]:
    """Every Luhn-valid organisation number in the text, in any common form.

    A number whose month digits are below 20 is a personnummer (or a date), never an org number,
    so it is skipped: it must not count as "another organisation".
    """
    found: list[Found] = []
    for m in _FORMS.finditer(text):
        digits = m.group("vat") or m.group("sixteen") or (m.group("head") + m.group("tail"))
        if not _plausible(digits) or not _luhn_ok(digits):
            continue
        found.append(Found(f"{digits[:6]}-{digits[6:]}", m.start(), m.end()))
    return found


# A personnummer or samordningsnummer (month 01–12, day 01–31 or 61–91), with or without century,
# separator - or + or none. Org numbers (month digits ≥ 20) are left alone.
_PERSONAL = re.compile(r"(?<!\d)(?:19|20)?\d{2}[01]\d[0-9]\d[-+\s]?\d{4}(?!\d)")


def redact_personal_numbers(text: str) -> str:
    """Mask anything shaped like a personnummer, so excerpts never carry one."""
    return _PERSONAL.sub("[personnummer]", text)
