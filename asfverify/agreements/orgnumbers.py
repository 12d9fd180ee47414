"""Swedish organisation numbers in the agreement registry and in document text.

The rules live in asfverify.idnumbers; this module keeps the names the agreements code uses.
"""

from __future__ import annotations

from ..idnumbers import FoundOrgNumber as Found
from ..idnumbers import find_org_numbers, mask_personal_number_shapes, normalise_org_number, org_number_problem

__all__ = ["Found", "find_org_numbers", "normalise", "redact_personal_numbers", "why_invalid"]


def normalise(value: str) -> str | None:
    """NNNNNN-NNNN for a valid org number written NNNNNN-NNNN or as 10 digits; None otherwise."""
    return normalise_org_number(value)


def why_invalid(value: str) -> str:
    """A short reason why `value` is not a valid org number (for error messages)."""
    return org_number_problem(value) or "invalid"


def redact_personal_numbers(text: str) -> str:
    """Mask anything shaped like a personnummer (check digit or not), so excerpts never carry one."""
    return mask_personal_number_shapes(text)
