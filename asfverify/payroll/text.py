"""Text normalisation shared by header and subsidy matching."""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_SPACES = re.compile(r"\s+")


def fold(value: str) -> str:
    """Lower-case, strip accents (å→a, ö→o, é→e) and map punctuation to single spaces."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_ALNUM.sub(" ", plain).strip()


def squash(value: str) -> str:
    """fold() without any spaces: 'Anst.nr' and 'anst nr' both become 'anstnr'."""
    return fold(value).replace(" ", "")


def clean_cell(value: object) -> str:
    """A cell as one line of text: None → '', inner whitespace (PDF line wraps) collapsed."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    return _SPACES.sub(" ", text).strip()
