"""Words of a sentence: lower-cased tokens with their Swedish stems and character offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping

import snowballstemmer

_WORD = re.compile(r"[^\W_]+")
_STEMMER = snowballstemmer.stemmer("swedish")


@dataclass(frozen=True)
class Token:
    """One word: its surface form (lower case, spelling-normalised), stem and offsets in the text."""

    surface: str
    stem: str
    start: int
    end: int


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball Swedish stem of a lower-case word."""
    return _STEMMER.stemWord(word)


def tokens(text: str, spelling: Mapping[str, str] | None = None) -> list[Token]:
    """Tokenise text into words; `spelling` maps old or variant forms ("skall") to one form ("ska")."""
    out = []
    for m in _WORD.finditer(text):
        word = m.group().casefold()
        if spelling:
            word = spelling.get(word, word)
        out.append(Token(word, stem(word), m.start(), m.end()))
    return out
