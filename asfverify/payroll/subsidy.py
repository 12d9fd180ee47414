"""Classifying the 'subsidy form at hiring' cell against the criteria set's vocabulary."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import DocumentError
from ..i18n import _
from .text import fold
from .vocabulary import DEFAULT_SUBSIDY_FORMS, NEGATIONS, NO_SUBSIDY_VALUES

ELIGIBLE, NOT_ELIGIBLE, UNKNOWN = "eligible", "not-eligible", "unknown"
_CACHE_MAX = 4096  # distinct cell values remembered; a real list has a handful


@dataclass(frozen=True)
class Form:
    name: str
    eligible: bool


class SubsidyMatcher:
    """Maps a cell to (status, form name): eligible, not-eligible or unknown (needs a human)."""

    def __init__(self, forms: Iterable[Mapping[str, Any]] | None = None,
                 no_subsidy: Iterable[str] | None = None) -> None:
        self._exact: dict[str, Form] = {}
        self._squashed: dict[str, Form] = {}
        self._phrases: list[tuple[tuple[str, ...], Form]] = []
        for entry in (DEFAULT_SUBSIDY_FORMS if forms is None else forms):
            form = _form(entry)
            for alias in [form.name, *_aliases(entry)]:
                key = fold(alias)
                if not key:
                    continue
                self._exact.setdefault(key, form)
                self._squashed.setdefault(key.replace(" ", ""), form)
                self._phrases.append((tuple(key.split()), form))
        # Longest phrase first, so "lönebidrag för trygghet" wins over "lönebidrag".
        self._phrases.sort(key=lambda p: -len(" ".join(p[0])))
        self._none = {fold(v) for v in (NO_SUBSIDY_VALUES if no_subsidy is None else no_subsidy)}
        self._none.add("")
        self._cache: dict[str, tuple[str, str | None]] = {}

    def classify(self, value: object) -> tuple[str, str | None]:
        """(ELIGIBLE | NOT_ELIGIBLE | UNKNOWN, canonical form name or None)."""
        raw = "" if value is None else str(value)
        hit = self._cache.get(raw)
        if hit is not None:
            return hit
        result = self._classify(raw)
        if len(self._cache) < _CACHE_MAX:
            self._cache[raw] = result
        return result

    def _classify(self, raw: str) -> tuple[str, str | None]:
        key = fold(raw)
        if key in self._none:
            return NOT_ELIGIBLE, None
        form = self._exact.get(key) or self._squashed.get(key.replace(" ", ""))
        if form is None:
            words = key.split()
            if NEGATIONS.intersection(words):
                return UNKNOWN, None  # "ej lönebidrag": a human reads it, we do not guess
            form = self._contained(words)
        if form is None:
            return UNKNOWN, None
        return (ELIGIBLE if form.eligible else NOT_ELIGIBLE), form.name

    def _contained(self, words: list[str]) -> Form | None:
        # "Lönebidrag (LB) beslut 2021" names a form; look for a whole-word alias inside the value.
        n = len(words)
        for phrase, form in self._phrases:
            size = len(phrase)
            for start in range(n - size + 1):
                if tuple(words[start:start + size]) == phrase:
                    return form
        return None


def _form(entry: Mapping[str, Any]) -> Form:
    name = entry.get("name") if isinstance(entry, Mapping) else None
    if not isinstance(name, str) or not name.strip():
        raise DocumentError(_("the criteria set's policy.subsidy_forms has an entry without a name"))
    eligible = entry.get("eligible", True)
    return Form(name=name, eligible=bool(eligible))


def _aliases(entry: Mapping[str, Any]) -> list[str]:
    aliases = entry.get("aliases", [])
    if isinstance(aliases, str):
        return [aliases]
    return [a for a in aliases if isinstance(a, str)]


_WORDISH = re.compile(r"^[^\W\d_][\w .,/()&+'-]{0,39}$", re.UNICODE)


def nameable(value: str) -> bool:
    """True if an unknown cell value is safe to quote in a summary.

    Short words without digit runs, and not shaped like a person's name ('Anna Andersson': two or
    more words, each capitalised), which a shifted column could put here.
    """
    if not _WORDISH.match(value) or sum(ch.isdigit() for ch in value) >= 3:
        return False
    words = value.split()
    return not (len(words) >= 2 and all(w[:1].isupper() for w in words))
