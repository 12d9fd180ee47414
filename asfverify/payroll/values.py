"""Cell values: dates, employment rates and yes/no flags, parsed strictly and without floats."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from ..i18n import N_

# Employment rates are kept as integers in units of 1/10 000 percent, so sums stay exact.
RATE_SCALE = 10_000
RATE_FULL = 100 * RATE_SCALE

YES = frozenset({"ja", "j", "yes", "y", "1", "x", "true", "sant", "✓", "✔"})
NO = frozenset({"nej", "n", "no", "0", "", "false", "falskt", "-", "–"})


class AmbiguousDate(ValueError):
    """A date such as 01/03/2024 that is 1 March in Sweden and 3 January in the US: a human decides."""


# What a reader of the list may write instead (named in the message for an unreadable or ambiguous date).
# English msgid, translated where it is shown (verifiers/payroll.py).
ACCEPTED_DATE_FORMS = N_("YYYY-MM-DD, YYYYMMDD, YYYY-M-D, YYYY/MM/DD, D.M.YYYY (day first) or a spreadsheet date")

_YEAR_FIRST = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_DAY_DOT = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_TIME = re.compile(r"^(\S+?)[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")


def parse_date(value: object) -> dt.date | None:
    """A date from a cell, or None if it is not one; raises AmbiguousDate for day/month order unknown.

    Read: ISO 'YYYY-MM-DD' and 'YYYYMMDD'; year first with one-digit parts or slashes ('2024-3-1',
    '2024/03/01'); day first with dots, as Swedish writes it ('01.03.2024', '1.3.2024'); a spreadsheet
    date cell or its text with a time ('2024-03-01 00:00:00'). 'DD/MM/YYYY' is read only when the
    order is certain (a part above 12, or both parts equal); '01/03/2024' raises AmbiguousDate.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # 20160914 typed into a spreadsheet as a number
    if not isinstance(value, str):
        return None
    text = value.strip()
    timed = _TIME.match(text)
    if timed:
        text = timed.group(1)  # '2016-09-14 00:00:00' from a spreadsheet export
    else:
        text = "".join(text.split())  # a PDF cell may wrap inside the date
    if not text.isascii() or len(text) > 10:
        return None
    try:
        if len(text) == 10 and text[4] == "-" and text[7] == "-":
            return dt.date.fromisoformat(text)
        if len(text) == 8 and text.isdigit():
            return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        m = _YEAR_FIRST.match(text)
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = _DAY_DOT.match(text)
        if m:
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        m = _SLASHED.match(text)
        if m:
            a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
            if a == b or (a > 12 >= b):
                return dt.date(year, b, a)
            if b > 12 >= a:
                return dt.date(year, a, b)
            raise AmbiguousDate(text)
    except (ValueError, TypeError) as exc:
        if isinstance(exc, AmbiguousDate):
            raise
        return None
    return None


def parse_rate(value: object, percent_format: bool = False) -> int | None:
    """An employment rate in percent ('62,5', '62.5 %', 87.5) as RATE_SCALE units; None if unreadable.

    percent_format: the spreadsheet cell is formatted as a percentage, so 0.875 means 87.5 %.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        # repr() of a float is its shortest round-trip form: 87.5 stays 87.5, never 87.4999….
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if percent_format:
            number *= 100
    else:
        text = "".join(str(value).split()).rstrip("%").replace(",", ".")
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None
    if not number.is_finite() or number < 0 or number > 100:
        return None
    scaled = number * RATE_SCALE
    if scaled != scaled.to_integral_value():
        return None  # more than four decimals: not a rate a payroll system writes
    return int(scaled)


def decimal_text(value: Fraction) -> str:
    """An exact decimal string for a fraction with a terminating expansion, else 'p/q'."""
    if value.denominator == 1:
        return str(value.numerator)
    den = value.denominator
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    if den != 1:
        return f"{value.numerator}/{value.denominator}"
    digits = max(twos, fives)
    scaled = value * 10**digits
    sign = "-" if scaled < 0 else ""
    whole, frac = divmod(abs(scaled.numerator), 10**digits)
    return f"{sign}{whole}.{frac:0{digits}d}"


def parse_flag(value: object) -> bool | None:
    """An eligibility flag: ja/nej, yes/no, 1/0, x/blank; None if it is none of those."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return {1: True, 0: False}.get(value)  # type: ignore[call-overload, arg-type]
    text = " ".join(str(value).split()).casefold()
    if text in YES:
        return True
    if text in NO:
        return False
    return None
