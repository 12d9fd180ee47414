"""A small word-pattern language for bylaws rules, compiled once and matched against token lists.

A pattern is words separated by spaces, matched in order within one clause:

- ``ord``      the word or any inflection with the same Swedish stem (``medlemmarna`` ~ ``medlemmar``)
- ``=ord``     exactly this form (``=arbete`` does not match ``arbetar``, whose stem is the same)
- ``ord*``     any word starting with ``ord`` (``styrelse*`` matches ``styrelsen``, ``styrelseledamot``)
- ``*ord``     any word ending with ``ord`` or whose stem does (``*utdelning`` matches ``vinstutdelningen``)
- ``*ord*``    any word containing ``ord``
- ``#``        any number written in digits
- ``a|b|@X``   alternatives; ``@X`` is a named class from the rule file (its members are patterns too)
- ``...``      any number of words (up to ``long_gap``, default 40) may come between the neighbouring terms

Between two neighbouring terms up to ``gap`` other words may stand (the rule's gap; class members use
the file's ``class_gap``).

Speed: every distinct word test gets a number; a sentence's tokens are turned once into the sets of
test numbers they satisfy (`Lexicon.ids`), so matching is set look-ups, and a pattern whose slots
cannot all be satisfied by the sentence's words is skipped without searching.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from ..errors import FormatError
from ..i18n import _
from .words import Token, stem

# "..." allows this many words: enough for any real clause, and it keeps matching linear in a
# pathological document (one 10,000-word "sentence").
LONG_GAP = 40


class PatternError(FormatError):
    """A pattern in the rule file cannot be compiled."""


@dataclass(frozen=True)
class WordTest:
    """Tests one token; `id` numbers it within its compiler."""

    kind: str  # "stem" | "exact" | "prefix" | "suffix" | "contains" | "number"
    word: str
    word_stem: str
    id: int = field(default=-1, compare=False)

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

    alternatives: tuple[WordTest | Sequence_, ...]
    gap: int  # words allowed before this slot (the compiler's long_gap for "...")
    firsts: frozenset[int] = frozenset()  # test ids that can begin this slot
    long: bool = False  # the gap before it is "...": it may not cross a barrier token (a named other actor)


@dataclass(frozen=True)
class Sequence_:
    slots: tuple[Slot, ...]

    @property
    def firsts(self) -> frozenset[int]:
        """Test ids that can begin a match of this sequence."""
        return self.slots[0].firsts


def _parse_word(term: str) -> tuple[str, str]:
    if term == "#":
        return "number", "#"
    if term.startswith("="):
        if not term[1:] or "*" in term:
            raise PatternError(_("bad exact word {term!r}", term=term))
        return "exact", term[1:].casefold()
    word = term.strip("*").casefold()
    if not word:
        raise PatternError(_("empty word in {term!r}", term=term))
    if term.startswith("*") and term.endswith("*") and len(term) > 1:
        return "contains", word
    if term.endswith("*"):
        return "prefix", word
    if term.startswith("*"):
        return "suffix", word
    return "stem", word


class Compiler:
    """Compiles pattern strings, resolving @classes (cached, cycle-checked), numbering word tests."""

    def __init__(self, classes: Mapping[str, Sequence[str]], class_gap: int, long_gap: int = LONG_GAP) -> None:
        self.classes = classes
        self.class_gap = class_gap
        self.long_gap = long_gap
        self.tests: list[WordTest] = []
        self._test_ids: dict[tuple[str, str], WordTest] = {}
        self._cache: dict[str, Sequence_] = {}
        self._resolving: set[str] = set()

    def word_test(self, term: str) -> WordTest:
        """The (shared) test for one pattern word."""
        kind, word = _parse_word(term)
        key = (kind, word)
        if key not in self._test_ids:
            test = WordTest(kind, word, stem(word) if kind in ("stem", "suffix") else word, len(self.tests))
            self.tests.append(test)
            self._test_ids[key] = test
        return self._test_ids[key]

    def compile(self, pattern: str, gap: int) -> Sequence_:
        """Compile one pattern string."""
        slots: list[Slot] = []
        pending_gap = gap
        long = False
        for term in pattern.split():
            if term in ("...", "…"):
                pending_gap = self.long_gap
                long = True
                continue
            alts: list[WordTest | Sequence_] = []
            for alt in term.split("|"):
                if not alt:
                    raise PatternError(_("empty alternative in {term!r} of {pattern!r}", term=term, pattern=pattern))
                alts.append(self._class(alt[1:]) if alt.startswith("@") else self.word_test(alt))
            slots.append(_slot(alts, pending_gap if slots else 0, long and bool(slots)))
            pending_gap = gap
            long = False
        if not slots:
            raise PatternError(_("pattern {pattern!r} has no words", pattern=pattern))
        return Sequence_(tuple(slots))

    def _class(self, name: str) -> Sequence_:
        if name in self._cache:
            return self._cache[name]
        if name not in self.classes:
            raise PatternError(_("unknown class @{name}", name=name))
        if name in self._resolving:
            raise PatternError(_("class @{name} refers to itself", name=name))
        self._resolving.add(name)
        members = [self.compile(member, self.class_gap) for member in self.classes[name]]
        self._resolving.discard(name)
        # A class is one slot whose alternatives are its members.
        seq = Sequence_((_slot(members, 0),))
        self._cache[name] = seq
        return seq

    def lexicon(self) -> Lexicon:
        """An index over every word test compiled so far."""
        return Lexicon(self.tests)


def _slot(alts: Sequence[WordTest | Sequence_], gap: int, long: bool = False) -> Slot:
    firsts: set[int] = set()
    for alt in alts:
        if isinstance(alt, WordTest):
            firsts.add(alt.id)
        else:
            firsts |= alt.firsts
    return Slot(tuple(alts), gap, frozenset(firsts), long)


class Lexicon:
    """Finds, for one token, the ids of every word test it satisfies (memoised per surface form)."""

    def __init__(self, tests: Sequence[WordTest]) -> None:
        self.by_surface: dict[str, list[int]] = {}
        self.by_stem: dict[str, list[int]] = {}
        self.prefixes: dict[str, list[WordTest]] = {}
        self.scanned: list[WordTest] = []  # suffix and contains tests: checked one by one
        self.number: list[int] = []
        for t in tests:
            if t.kind in ("stem", "exact"):
                self.by_surface.setdefault(t.word, []).append(t.id)
                if t.kind == "stem":
                    self.by_stem.setdefault(t.word_stem, []).append(t.id)
            elif t.kind == "prefix":
                self.prefixes.setdefault(t.word[:2], []).append(t)
            elif t.kind == "number":
                self.number.append(t.id)
            else:
                self.scanned.append(t)
        self._stem_only = {t.id for t in tests if t.kind == "stem"}
        self._memo: dict[str, frozenset[int]] = {}

    def clear(self) -> None:
        """Forget memoised tokens (benchmarks measure the cold path)."""
        self._memo.clear()

    def ids(self, tok: Token) -> frozenset[int]:
        """Ids of the tests this token satisfies."""
        hit = self._memo.get(tok.surface)
        if hit is not None:
            return hit
        out: set[int] = set(self.by_surface.get(tok.surface, ()))
        out.update(i for i in self.by_stem.get(tok.stem, ()) if i in self._stem_only)
        for t in self.prefixes.get(tok.surface[:2], ()):
            if tok.surface.startswith(t.word):
                out.add(t.id)
        # Prefixes of one character ("a*") are indexed under that character.
        for t in self.prefixes.get(tok.surface[:1], ()) if len(tok.surface) > 1 else ():
            if tok.surface.startswith(t.word):
                out.add(t.id)
        for t in self.scanned:
            if t(tok):
                out.add(t.id)
        if tok.surface.isdigit():
            out.update(self.number)
        frozen = frozenset(out)
        if len(self._memo) < 200_000:
            self._memo[tok.surface] = frozen
        return frozen


_NO_BARRIERS: frozenset[int] = frozenset()


def _match_alt(alt: WordTest | Sequence_, ids: Sequence[frozenset[int]], i: int,
               barriers: frozenset[int] = _NO_BARRIERS) -> Iterator[tuple[int, tuple[int, ...]]]:
    if isinstance(alt, WordTest):
        if i < len(ids) and alt.id in ids[i]:
            yield i + 1, (i,)
        return
    yield from _match_seq(alt, ids, i, 0, barriers)


def _match_seq(seq: Sequence_, ids: Sequence[frozenset[int]], start: int, k: int,
               barriers: frozenset[int] = _NO_BARRIERS) -> Iterator[tuple[int, tuple[int, ...]]]:
    """Yield (end, matched token indices) for slots k.. of seq, slot k starting exactly at `start`."""
    slot = seq.slots[k]
    if start >= len(ids) or slot.firsts.isdisjoint(ids[start]):
        return
    last = k + 1 == len(seq.slots)
    nxt = None if last else seq.slots[k + 1]
    for alt in slot.alternatives:
        for end, used in _match_alt(alt, ids, start, barriers):
            if nxt is None:
                yield end, used
                continue
            hi = min(len(ids), end + nxt.gap + 1)
            for j in range(end, hi):
                if nxt.long and barriers and j > end and j - 1 in barriers:
                    break  # a "..." gap never jumps over a named other actor
                if nxt.firsts.isdisjoint(ids[j]):
                    continue
                for end2, used2 in _match_seq(seq, ids, j, k + 1, barriers):
                    yield end2, used + used2


def possible(seq: Sequence_, present: frozenset[int] | set[int]) -> bool:
    """False when some slot of seq cannot begin with any word present (so no match is possible)."""
    for slot in seq.slots:
        if slot.firsts.isdisjoint(present):
            return False
    return True


def any_possible(slot_sets: tuple[tuple[frozenset[int], ...], ...], present: frozenset[int]) -> bool:
    """Whether any of several patterns (given as their slots' first-word ids) could match."""
    for sets in slot_sets:
        for firsts in sets:
            if firsts.isdisjoint(present):
                break
        else:
            return True
    return False


def search(seq: Sequence_, ids: Sequence[frozenset[int]], present: frozenset[int] | set[int] | None = None,
           barriers: frozenset[int] = _NO_BARRIERS) -> tuple[int, ...] | None:
    """The token indices of the leftmost match of seq, given each token's test ids, or None.

    `barriers`: token indices a "..." gap may not cross (the tokens naming another actor).
    """
    if present is not None and not possible(seq, present):
        return None
    firsts = seq.firsts
    for i, tok_ids in enumerate(ids):
        if firsts.isdisjoint(tok_ids):
            continue
        for _end, used in _match_seq(seq, ids, i, 0, barriers):
            return used
    return None


def match_at(seq: Sequence_, ids: Sequence[frozenset[int]], i: int) -> int:
    """The end (exclusive token index) of a match of seq beginning exactly at token i, or -1."""
    if i >= len(ids) or seq.firsts.isdisjoint(ids[i]):
        return -1
    for end, _used in _match_seq(seq, ids, i, 0):
        return end
    return -1
