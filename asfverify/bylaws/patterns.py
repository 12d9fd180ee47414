"""A small word-pattern language for bylaws rules, compiled once and matched against token lists.

A pattern is words separated by spaces, matched in order within one clause:

- ``ord``      the word or any inflection with the same Swedish stem (``medlemmarna`` ~ ``medlemmar``)
- ``=ord``     exactly this form (``=arbete`` does not match ``arbetar``, whose stem is the same)
- ``ord*``     any word starting with ``ord`` (``styrelse*`` matches ``styrelsen``, ``styrelseledamot``)
- ``*ord``     any word ending with ``ord`` or whose stem does (``*utdelning`` matches ``vinstutdelningen``)
- ``*ord*``    any word containing ``ord``
- ``#``        any number written in digits
- ``a|b|@X``   alternatives; ``@X`` is a named class from the rule file (its members are patterns too)
- ``...``      any number of words may come between the neighbouring terms

Between two neighbouring terms up to ``gap`` other words may stand (the rule's gap; class members use
the file's ``class_gap``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Mapping, Sequence

from .words import Token, stem

UNBOUNDED = -1


class PatternError(ValueError):
    """A pattern in the rule file cannot be compiled."""


@dataclass(frozen=True)
class WordTest:
    """Tests one token."""

    kind: str  # "stem" | "exact" | "prefix" | "suffix" | "contains" | "number"
    word: str
    word_stem: str

    def __call__(self, tok: Token) -> bool:
        if self.kind == "stem":
            return tok.surface == self.word or tok.stem == self.word_stem
        if self.kind == "exact":
            return tok.surface == self.word
        if self.kind == "prefix":
            return tok.surface.startswith(self.word)
        if self.kind == "suffix":
            return tok.surface.endswith(self.word) or tok.stem.endswith(self.word_stem)
        if self.kind == "contains":
            return self.word in tok.surface
        return tok.surface.isdigit()


@dataclass(frozen=True)
class Slot:
    """One position of a sequence: alternatives (word tests or whole sub-sequences) after a gap."""

    alternatives: tuple["WordTest | Sequence_", ...]
    gap: int  # words allowed before this slot (UNBOUNDED for "...")


@dataclass(frozen=True)
class Sequence_:
    slots: tuple[Slot, ...]


def _word_test(term: str) -> WordTest:
    if term == "#":
        return WordTest("number", "#", "#")
    if term.startswith("="):
        if not term[1:] or "*" in term:
            raise PatternError(f"bad exact word {term!r}")
        return WordTest("exact", term[1:].casefold(), term[1:].casefold())
    word = term.strip("*").casefold()
    if not word:
        raise PatternError(f"empty word in {term!r}")
    if term.startswith("*") and term.endswith("*") and len(term) > 1:
        kind = "contains"
    elif term.endswith("*"):
        kind = "prefix"
    elif term.startswith("*"):
        kind = "suffix"
    else:
        kind = "stem"
    return WordTest(kind, word, stem(word))


class Compiler:
    """Compiles pattern strings, resolving @classes (cached, cycle-checked)."""

    def __init__(self, classes: Mapping[str, Sequence[str]], class_gap: int) -> None:
        self.classes = classes
        self.class_gap = class_gap
        self._cache: dict[str, Sequence_] = {}
        self._resolving: set[str] = set()

    def compile(self, pattern: str, gap: int) -> Sequence_:
        """Compile one pattern string."""
        slots: list[Slot] = []
        pending_gap = gap
        for term in pattern.split():
            if term in ("...", "…"):
                pending_gap = UNBOUNDED
                continue
            alts: list[WordTest | Sequence_] = []
            for alt in term.split("|"):
                if not alt:
                    raise PatternError(f"empty alternative in {term!r} of {pattern!r}")
                alts.append(self._class(alt[1:]) if alt.startswith("@") else _word_test(alt))
            slots.append(Slot(tuple(alts), pending_gap if slots else 0))
            pending_gap = gap
        if not slots:
            raise PatternError(f"pattern {pattern!r} has no words")
        return Sequence_(tuple(slots))

    def _class(self, name: str) -> Sequence_:
        if name in self._cache:
            return self._cache[name]
        if name not in self.classes:
            raise PatternError(f"unknown class @{name}")
        if name in self._resolving:
            raise PatternError(f"class @{name} refers to itself")
        self._resolving.add(name)
        members = [self.compile(member, self.class_gap) for member in self.classes[name]]
        self._resolving.discard(name)
        # A class is one slot whose alternatives are its members.
        seq = Sequence_((Slot(tuple(members), 0),))
        self._cache[name] = seq
        return seq


def _match_alt(alt: "WordTest | Sequence_", toks: Sequence[Token], i: int) -> Iterator[tuple[int, tuple[int, ...]]]:
    if isinstance(alt, WordTest):
        if i < len(toks) and alt(toks[i]):
            yield i + 1, (i,)
        return
    yield from _match_seq(alt, toks, i, 0)


def _match_seq(seq: Sequence_, toks: Sequence[Token], start: int, k: int) -> Iterator[tuple[int, tuple[int, ...]]]:
    """Yield (end, matched token indices) for slots k.. of seq, slot k starting exactly at `start`."""
    slot = seq.slots[k]
    for alt in slot.alternatives:
        for end, used in _match_alt(alt, toks, start):
            if k + 1 == len(seq.slots):
                yield end, used
                continue
            nxt = seq.slots[k + 1]
            hi = len(toks) if nxt.gap == UNBOUNDED else min(len(toks), end + nxt.gap + 1)
            for j in range(end, hi):
                for end2, used2 in _match_seq(seq, toks, j, k + 1):
                    yield end2, used + used2


def first_words(seq: Sequence_) -> list[WordTest]:
    """The word tests that can start a match (for a quick pre-check)."""
    out: list[WordTest] = []
    for alt in seq.slots[0].alternatives:
        out.extend([alt] if isinstance(alt, WordTest) else first_words(alt))
    return out


def search(seq: Sequence_, toks: Sequence[Token], starts: Sequence[WordTest] | None = None) -> tuple[int, ...] | None:
    """The token indices of the leftmost match of seq in toks, or None."""
    tests = starts if starts is not None else first_words(seq)
    for i, tok in enumerate(toks):
        if not any(t(tok) for t in tests):
            continue
        for _end, used in _match_seq(seq, toks, i, 0):
            return used
    return None
