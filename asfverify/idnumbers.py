"""Swedish identity numbers: personnummer, samordningsnummer and organisationsnummer, in one place.

Everything that recognises, validates, normalises or masks one of these numbers uses this module:
application.py (the applicant's org number), payroll/identity.py (employee ids), agreements/ (org
numbers in documents), the identity verifier, privacy.py (masking free text) and the output scrubber.

Validation follows the `personnummer` package for personal numbers (python-stdnum rejects
samordningsnummer) and python-stdnum's `se.orgnr` plus the third-digit rule for org numbers;
tests/test_idnumbers.py holds this module to both packages' answers.

Written forms accepted (domain.md §a1, §a2): YYMMDD-NNNC, YYMMDDNNNC, YYMMDD+NNNC (over 100),
YYYYMMDD-NNNC, YYYYMMDDNNNC; in free text also with typographic separators: any Unicode dash
(en dash, em dash, minus sign, …), any Unicode space (non-breaking, thin, …) around the separator,
and zero-width characters anywhere, since each of these renders like the ASCII form to a reader.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from .i18n import _

MASK = "[personnummer]"

# Characters that render as (or like) a hyphen or a plus sign.
DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\u2796\ufe58\ufe63\uff0d"
PLUSES = "+\ufe62\uff0b"
# Invisible characters that may sit between digits without a reader seeing them.
INVISIBLE = "\u00ad\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff"
_INVISIBLE_RE = re.compile(f"[{INVISIBLE}]")
_SEPARATOR_MAP = {ord(c): "-" for c in DASHES} | {ord(c): "+" for c in PLUSES}


def normalise_separators(text: str) -> str:
    """ASCII '-', '+', ' ' and digits for their Unicode look-alikes; invisible characters removed."""
    if text.isascii():
        return text
    text = _INVISIBLE_RE.sub("", text).translate(_SEPARATOR_MAP)
    out = []
    for ch in text:
        if ch.isspace():
            out.append(" ")
        elif not ch.isascii() and ch.isdigit():
            out.append(str(unicodedata.digit(ch, 0)))
        else:
            out.append(ch)
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Luhn (modulus 10, weights 2,1 from the left over nine digits), by table for speed: a payroll
# list checks one number per row, and the `personnummer` package's per-call cost dominated runs.

def _doubled(d: int) -> int:
    return d * 2 - 9 if d * 2 > 9 else d * 2


_LUHN_EVEN = {f"{n:03d}": _doubled(n // 100) + n // 10 % 10 + _doubled(n % 10) for n in range(1000)}
_LUHN_ODD = {f"{n:03d}": n // 100 + _doubled(n // 10 % 10) + n % 10 for n in range(1000)}


def luhn_ok(ten: str) -> bool:
    """True if the last of ten ASCII digits is the Luhn check digit of the first nine."""
    total = _LUHN_EVEN[ten[0:3]] + _LUHN_ODD[ten[3:6]] + _LUHN_EVEN[ten[6:9]]
    return (10 - total % 10) % 10 == int(ten[9])


# ---------------------------------------------------------------------------------------------
# Personnummer and samordningsnummer

# A whole value (an employee cell, a manifest field): 10–13 characters.
PNR_SHAPE = re.compile(r"^(\d{2})?(\d{2})(\d{2})(\d{2})([-+]?)((?!000)\d{3})(\d)$", re.ASCII)


def normalise_personal_number(text: str, today: dt.date | None = None) -> str | None:
    """The 12-digit form YYYYMMDDNNNC of a valid personnummer or samordningsnummer, else None.

    On ASCII text the answers are exactly the `personnummer` package's (serial 000 refused, century
    inferred from today and '+'); typographic dashes count as '-'. See parse_personal_number for
    values with spaces.
    """
    match = PNR_SHAPE.match(normalise_separators(text))
    return None if match is None else normalise_match(match, today)


def parse_personal_number(text: str, today: dt.date | None = None) -> str | None:
    """normalise_personal_number() of a value written with spaces anywhere ("620303 - 1114")."""
    return normalise_personal_number("".join(normalise_separators(text).split()), today)


def normalise_match(match: re.Match[str], today: dt.date | None) -> str | None:
    """normalise_personal_number() for a PNR_SHAPE match (the payroll fast path calls this directly)."""
    century, yy, mm, dd, sep, serial, check = match.groups()
    if not luhn_ok(yy + mm + dd + serial + check):
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


def is_personal_number(text: str) -> bool:
    """True for a valid personnummer or samordningsnummer written as one value, in any accepted form."""
    return parse_personal_number(text) is not None


def is_coordination_number(text: str) -> bool:
    """True for a valid samordningsnummer (day + 60)."""
    twelve = parse_personal_number(text)
    return twelve is not None and int(twelve[6:8]) > 60


# In free text: 6 or 8 digit birth date, then an optional separator (ASCII or typographic, spaces
# around it allowed), then 4 digits, not inside a longer digit run. Invisible characters are
# removed before matching (scrub), so they cannot split a number either.
_SP = r"[^\S\n]*"  # any Unicode space except a line break
_SEP = f"{_SP}(?:[{re.escape(DASHES + PLUSES)}]{_SP})?"
_PNR_TEXT = f"(?<!\\d)(\\d{{2}})?(\\d{{2}})(\\d{{2}})(\\d{{2}}){_SEP}(\\d{{4}})(?!\\d)"
_PNR_TEXT_RE = re.compile(_PNR_TEXT)

# Digests and ids that asfverify itself writes: a digit run inside them is not a personnummer, and
# masking it would break them. Checked first at each position, so a digest is taken whole. (Base64
# and base58 keys and signatures need no exemption: ten digits in a row there are a 1e-8 chance.)
_IDENTIFIER = (
    r"(?<![0-9A-Za-z])(?:"
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"  # uuids
    r"|[0-9a-f]{32,}"  # hex digests
    # The 12-hex ledger id in a log origin (host/8612123456d5, in checkpoints and vkeys): masking
    # ten digits in it would corrupt every printed checkpoint and vkey of that workspace.
    r"|(?<=/)(?=[0-9]*[a-f])[0-9a-f]{12}"
    r")(?![0-9A-Za-z])"
)
_SCAN = re.compile(f"(?P<id>{_IDENTIFIER})|{_PNR_TEXT}")
_STRICT_SCAN = _PNR_TEXT_RE


def _valid_groups(yy: str, mm: str, dd: str, tail: str, check_digit: bool = True) -> bool:
    digits = "".join(str(unicodedata.digit(c)) for c in yy + mm + dd + tail)
    month, day = int(digits[2:4]), int(digits[4:6])
    if day > 60:
        day -= 60
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return False
    try:
        dt.date(2000, month, day)  # 2000 is a leap year, so 29 February passes
    except ValueError:
        return False
    return luhn_ok(digits) if check_digit else True


def _maybe_digits(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def mask_personal_numbers(text: str, *, keep_identifiers: bool = True) -> str:
    """Every valid personnummer or samordningsnummer in free text replaced by MASK.

    keep_identifiers leaves hex digests, uuids, did:keys and base64 runs whole (for output that
    carries asfverify's own digests and signatures); plugin- and package-controlled strings are
    screened without it (see contains_personal_number).
    """
    if not text or not _maybe_digits(text):
        return text
    if not text.isascii():
        text = _INVISIBLE_RE.sub("", text)
    if keep_identifiers:
        def replace(m: re.Match[str]) -> str:
            if m.group("id") is not None:
                return m.group(0)
            return MASK if _valid_groups(m.group(3), m.group(4), m.group(5), m.group(6)) else m.group(0)
        return _SCAN.sub(replace, text)
    return _STRICT_SCAN.sub(lambda m: MASK if _valid_groups(*m.groups()[1:]) else m.group(0), text)  # type: ignore[arg-type]


def mask_personal_number_shapes(text: str) -> str:
    """Like mask_personal_numbers, but also masks numbers with a wrong check digit (for excerpts of
    documents, where a mistyped personnummer is still a person's number)."""
    if not text or not _maybe_digits(text):
        return text
    if not text.isascii():
        text = _INVISIBLE_RE.sub("", text)
    return _STRICT_SCAN.sub(lambda m: MASK if _valid_groups(*m.groups()[1:], check_digit=False) else m.group(0), text)  # type: ignore[arg-type, misc]


def contains_personal_number(text: str, *, across_punctuation: bool = False) -> bool:
    """True if the text holds a valid personnummer or samordningsnummer anywhere, in any form.

    No identifier is exempt. across_punctuation also reads the digits with everything else taken
    out ("881111x3334", "8_8_1_1_1_1_3_3_3_4"): for short names such as metric keys, where a
    plugin could otherwise smuggle a number past the free-text pattern.
    """
    if not text or not _maybe_digits(text):
        return False
    if mask_personal_numbers(text, keep_identifiers=False) != text:
        return True
    if not across_punctuation:
        return False
    digits = "".join(str(unicodedata.digit(c)) for c in text if c.isdigit())
    return any(_valid_groups(digits[i:i + 2], digits[i + 2:i + 4], digits[i + 4:i + 6], digits[i + 6:i + 10])
               for i in range(len(digits) - 9))


# ---------------------------------------------------------------------------------------------
# Organisationsnummer

_ORG_STRICT = re.compile(r"^([0-9]{6})-?([0-9]{4})$")

# Forms seen in the wild (domain.md §a1): 556987-6542, 5569876542, "556987 6542", a typographic
# dash, 16 + orgnr (AGI's AgRegistreradId), and the VAT number SE + orgnr + 01.
_ORG_FORMS = re.compile(
    r"(?<![\w])SE\s?(?P<vat>[0-9]{10})\s?01(?![0-9])"
    r"|(?<![0-9])16(?P<sixteen>[0-9]{10})(?![0-9])"
    rf"|(?<![0-9])(?P<head>[0-9]{{6}}){_SP}(?:[{re.escape(DASHES)}]{_SP})?(?P<tail>[0-9]{{4}})(?![0-9])"
)


def _org_plausible(digits: str) -> bool:
    # Month digits below 20 make it a personnummer (an enskild firma), never a legal person's number;
    # group digits 0 and 4 are not assigned (so a mobile number 07… is never taken for one).
    return digits[2] >= "2" and digits[0] not in "04"


def normalise_org_number(value: str) -> str | None:
    """NNNNNN-NNNN for a valid organisation number written NNNNNN-NNNN or as 10 digits; else None."""
    m = _ORG_STRICT.match(normalise_separators(value).strip())
    if not m:
        return None
    digits = m.group(1) + m.group(2)
    if not _org_plausible(digits) or not luhn_ok(digits):
        return None
    return f"{digits[:6]}-{digits[6:]}"


def org_number_problem(value: str) -> str | None:
    """Why `value` is not a valid organisation number (for error messages), or None if it is one."""
    m = _ORG_STRICT.match(normalise_separators(value).strip())
    if not m:
        return _("not NNNNNN-NNNN or 10 digits")
    digits = m.group(1) + m.group(2)
    if digits[2] < "2":
        return _("a personnummer, not an organisation number")  # month digits 01–19: a person's number or a date
    if digits[0] in "04":
        return _("group digit {digit} is not assigned", digit=digits[0])
    if not luhn_ok(digits):
        return _("wrong check digit")
    return None


@dataclass(frozen=True)
class FoundOrgNumber:
    """An org number found in a text: its NNNNNN-NNNN form and where it was written."""

    number: str
    start: int
    end: int


def find_org_numbers(text: str) -> list[FoundOrgNumber]:
    """Every valid organisation number in the text, in any common form (positions in `text`)."""
    found: list[FoundOrgNumber] = []
    for m in _ORG_FORMS.finditer(text):
        digits = m.group("vat") or m.group("sixteen") or (m.group("head") + m.group("tail"))
        if not _org_plausible(digits) or not luhn_ok(digits):
            continue
        found.append(FoundOrgNumber(f"{digits[:6]}-{digits[6:]}", m.start(), m.end()))
    return found


def public_org_number(value: str) -> str:
    """The applicant's number as it may be shown and recorded: MASK when it is a personal number."""
    return MASK if is_personal_number(value) else value
