"""Masking personal identity numbers in free text before it can reach output or the ledger."""

from __future__ import annotations

import datetime as dt
import re

from stdnum import luhn

# 6 or 8 digit birth date, optional - or +, 4 digits; not part of a longer digit run.
_PNR = re.compile(r"(?<!\d)(\d{2})?(\d{2})(\d{2})(\d{2})[-+ ]?(\d{4})(?!\d)")
MASK = "[personnummer]"


def looks_like_personnummer(text: str) -> bool:
    """True for a Luhn-valid personnummer or samordningsnummer (month 01–12, day 01–31 or 61–91)."""
    match = _PNR.fullmatch(text.strip())
    return match is not None and _is_pnr(match)


def _is_pnr(match: re.Match[str]) -> bool:
    _century, yy, mm, dd, tail = match.groups()
    month, day = int(mm), int(dd)
    if day > 60:
        day -= 60
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return False
    try:
        dt.date(2000, month, day)  # 2000 is a leap year, so 29 February passes
    except ValueError:
        return False
    return luhn.is_valid(yy + mm + dd + tail)


def scrub(text: str) -> str:
    """Replace anything that is a valid personnummer or samordningsnummer with a mask."""
    if not text or not any(ch.isdigit() for ch in text):
        return text
    return _PNR.sub(lambda m: MASK if _is_pnr(m) else m.group(0), text)
