"""Masking personal identity numbers in free text before it can reach output or the ledger.

The patterns, validation and the one mask live in asfverify.idnumbers; this module keeps the names
the rest of asfverify (and plugins) import.
"""

from __future__ import annotations

from .idnumbers import MASK, is_personal_number, mask_personal_numbers

__all__ = ["MASK", "looks_like_personnummer", "scrub", "scrub_strict"]


def looks_like_personnummer(text: str) -> bool:
    """True for a valid personnummer or samordningsnummer written as one value, in any form."""
    return is_personal_number(text)


def scrub(text: str) -> str:
    """Replace anything that is a valid personnummer or samordningsnummer with MASK.

    asfverify's own hex digests and uuids are left whole; use scrub_strict for text a package or a
    plugin controls.
    """
    return mask_personal_numbers(text)


def scrub_strict(text: str) -> str:
    """scrub() with no exemption: for strings a package or plugin wrote."""
    return mask_personal_numbers(text, keep_identifiers=False)
