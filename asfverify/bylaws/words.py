"""Words of a sentence: lower-cased tokens with their Swedish stems and character offsets."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple

import snowballstemmer

_WORD = re.compile(r"[^\W_]+")
_STEMMER = snowballstemmer.stemmer("swedish")


class Token(NamedTuple):
    """One word: its surface form (lower case, spelling-normalised), stem and offsets in the text."""

    surface: str
    stem: str
    start: int
    end: int


_STEMS: dict[str, str] = {}


def stem(word: str) -> str:
    """The Snowball Swedish stem of a lower-case word (memoised: bylaws reuse a small vocabulary)."""
    hit = _STEMS.get(word)
    if hit is None:
        hit = _STEMMER.stemWord(word)
        if len(_STEMS) < 200_000:
            _STEMS[word] = hit
    return hit


def tokens(text: str, spelling: Mapping[str, str] | None = None) -> list[Token]:
    """Tokenise text into words; `spelling` maps old or variant forms ("skall") to one form ("ska")."""
    folded = text.casefold()
    if len(folded) != len(text):  # "ß" -> "ss" would shift offsets: fold word by word instead
        folded = text
    out = []
    get = _STEMS.get
    make = tuple.__new__  # a NamedTuple built without its Python-level __new__ (hot loop)
    refold = folded is text
    for m in _WORD.finditer(folded):
        word = m.group()
        if refold:
            word = word.casefold()
        if spelling:
            word = spelling.get(word, word)
        start, end = m.span()
        out.append(make(Token, (word, get(word) or stem(word), start, end)))
    return out
