"""Run the rules over a document's sentences, reading negation and scope, and record every hit."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..i18n import N_, _, catalogue_path, language, read_po_cached
from ..privacy import scrub
from ..verifier import EXCERPT_MAX
from .patterns import any_possible, match_at, search
from .rules import Rule, RuleSet
from .structure import Appointment, appointments, barriers, noun_negation, subject_of
from .text import Sentence
from .words import Token, tokens

# Actor and appointment kinds (structure.py, the rule file's [actors]) as shown in a trace: the English
# id is the msgid, so English output shows the id and Swedish its word.
KIND_NAMES = {
    "meeting": N_("meeting"),
    "owners": N_("owners"),
    "board": N_("board"),
    "public": N_("public"),
    "public-office": N_("public-office"),
    "delegates": N_("delegates"),
    "founder": N_("founder"),
    "other-body": N_("other-body"),
    "named": N_("named"),
    "foundation-meeting": N_("foundation-meeting"),
    "unknown": N_("unknown"),
    "self": N_("self"),
    "other": N_("other"),
    "internal": N_("internal"),
}


def kind_name(kind: str) -> str:
    """A kind id in the current language ("meeting" -> "stämma"); an id of one's own rule file as it is.

    A plain catalogue lookup, not _(): these short words are not messages of their own, and as messages
    they would mark every summary holding "board" as composed from translated pieces (summaries.py).
    """
    lang = language()
    if lang == "en" or kind not in KIND_NAMES:
        return kind
    return read_po_cached(catalogue_path(lang)).get(KIND_NAMES[kind]) or kind


# Clauses end at ";" and at a colon followed by text; "men" starts a new clause (see clause_breaks).
_CLAUSE_PUNCT = re.compile(r";|:\s")


@dataclass(frozen=True)
class Hit:
    """A rule's pattern found in a sentence: counted ("matched") or set aside ("negated", "excepted")."""

    rule: Rule
    sentence: Sentence
    status: str  # "matched" | "negated" | "excepted"
    words: tuple[str, ...]  # the document's words that matched, in order
    why: str
    start: int  # character span of the match in the sentence text
    end: int
    clause: str = ""  # the clause the rule was applied in
    subject: str = ""  # who the clause is about / who appoints ("the organisation itself", "public: kommunfullmäktige")

    @property
    def counted(self) -> bool:
        return self.status == "matched"

    def excerpt(self) -> str:
        """The sentence, shortened around the match to at most EXCERPT_MAX characters, personnummer masked."""
        return scrub(self._excerpt())

    def _excerpt(self) -> str:
        text = " ".join(self.sentence.text.split())
        if len(text) <= EXCERPT_MAX:
            return text
        # Keep the match and as much context as fits.
        width = max(20, (EXCERPT_MAX - (self.end - self.start)) // 2 - 2)
        lo = max(0, self.start - width)
        hi = min(len(self.sentence.text), self.end + width)
        snippet = " ".join(self.sentence.text[lo:hi].split())
        out = ("…" if lo > 0 else "") + snippet + ("…" if hi < len(self.sentence.text) else "")
        return out[:EXCERPT_MAX]


def _clauses(rs: RuleSet, text: str, toks: list[Token]) -> list[list[Token]]:
    """Split a sentence's tokens at ";", ": ", clause-opening words ("men") and coordinated verbs ("och ska")."""
    cuts = sorted(m.start() for m in _CLAUSE_PUNCT.finditer(text))
    g = rs.grammar
    if g is not None and toks and toks[0].surface in g.conditional:
        # "Skulle X inte vilja …, ska annan ledamot utses av …": the conditional clause ends at its comma.
        comma = text.find(",", toks[0].end)
        if comma > 0:
            cuts = sorted(cuts + [comma])
    if not cuts and rs.clause_words.isdisjoint(t.surface for t in toks):
        return [toks]  # the common case: one clause
    out: list[list[Token]] = [[]]
    ci = 0
    for i, tok in enumerate(toks):
        while ci < len(cuts) and cuts[ci] < tok.start:
            if out[-1]:
                out.append([])
            ci += 1
        nxt = toks[i + 1].surface if i + 1 < len(toks) else ""
        coordinated = tok.surface in rs.conjunctions and nxt in rs.finite_verbs
        if (tok.surface in rs.clause_breaks or coordinated) and out[-1]:
            out.append([])
        out[-1].append(tok)
    return [c for c in out if c]


def _negator(rs: RuleSet, clause: list[Token], ids: list[frozenset[int]], used: tuple[int, ...]) -> Token | None:
    """A negation word in the clause that governs the match, if any.

    A negation inside a relative clause that opens after the match begins ("personer som inte har
    arbete") belongs to that relative clause, not to the matched statement.
    """
    first = min(used)
    used_set = set(used)
    for i, tok in enumerate(clause):
        if i in used_set or rs.negators.isdisjoint(ids[i]):
            continue
        if rs.grammar is not None and noun_negation(rs.grammar, clause, i):
            continue  # "icke medlemmars inträde": the negation belongs to the noun, not the clause
        local = any(clause[j].surface in rs.relative and j > first for j in range(max(0, i - 3), i))
        if not local:
            return tok
    return None


def _span(clause: list[Token], used: tuple[int, ...]) -> tuple[int, int, tuple[str, ...]]:
    toks = [clause[i] for i in used]
    return toks[0].start, toks[-1].end, tuple(t.surface for t in toks)


@dataclass
class _Words:
    """A token list with each token's word-test ids and the union of them."""

    toks: list[Token]
    ids: list[frozenset[int]]
    present: frozenset[int]


def _words(rs: RuleSet, toks: list[Token]) -> _Words:
    ids = [rs.lexicon.ids(t) for t in toks]
    return _Words(toks, ids, frozenset().union(*ids) if ids else frozenset())


def split_rules(rules: list[Rule], form: str = "") -> tuple[list[Rule], list[Rule]]:
    """The rules that apply to a legal-form family, as (pattern rules, appointment rules)."""
    mine = [r for r in rules if r.applies_to(form)]
    return [r for r in mine if not r.appointer], [r for r in mine if r.appointer]


def scan_sentence(rs: RuleSet, rules: list[Rule], sentence: Sentence, form: str = "") -> list[Hit]:
    """Every hit of the given rules in one sentence (at most one per rule), for a legal-form family."""
    pattern_rules, appointment_rules = split_rules(rules, form)
    return scan_split(rs, pattern_rules, appointment_rules, sentence, form)


def scan_split(rs: RuleSet, pattern_rules: list[Rule], appointment_rules: list[Rule], sentence: Sentence,
               form: str = "") -> list[Hit]:
    """scan_sentence with the rules already split by split_rules (once per document, not per sentence)."""
    toks = tokens(sentence.text, rs.spelling)
    if not toks:
        return []
    whole = _words(rs, toks)
    parts = _clauses(rs, sentence.text, toks)
    clauses = [whole] if len(parts) == 1 else [_words(rs, c) for c in parts]
    hits: list[Hit] = []
    present = whole.present
    g = rs.grammar
    appts: list[Appointment]
    walls: dict[int, frozenset[int]] = {}
    if appointment_rules and g is not None and not g.appoint.firsts.isdisjoint(present):
        appts = appointments(g, toks, whole.ids, sentence.text, rs.negators, form)
        for rule in appointment_rules:
            hit = _appointment_hit(rule, sentence, toks, appts)
            if hit:
                hits.append(hit)
    for rule in pattern_rules:
        # Cheap pre-checks: the sentence must hold a trigger word, and some pattern must be possible.
        if rule.triggers.isdisjoint(present) or not any_possible(rule.slot_sets, present):
            continue
        hit = _scan_rule(rs, rule, sentence, whole, clauses, walls)
        if hit:
            hits.append(hit)
    if appointment_rules and len(hits) > 1:
        # Hits in rule-file order, as the decision and the trace read them.
        order = {r.id: i for i, r in enumerate(rs.rules)}
        hits.sort(key=lambda h: order.get(h.rule.id, 0))
    return hits


def _has_long_gap(rule: Rule) -> bool:
    """Whether a pattern of the rule has a "..." gap (only those need the barrier tokens)."""
    return any(slot.long for seq in rule.compiled for slot in seq.slots)


def _spans(rule: Rule, whole: _Words) -> list[tuple[int, int]]:
    """Token spans (start, end) of every match of the rule's unless_not_within patterns in the sentence."""
    out = []
    for seq in rule.compiled_unless_not_within:
        for i in range(len(whole.toks)):
            end = match_at(seq, whole.ids, i)
            if end > 0:
                out.append((i, end))
    return out


def _tok_span_text(sentence: Sentence, toks: list[Token], lo: int, hi: int) -> str:
    return sentence.text[toks[lo].start:toks[hi - 1].end] if hi > lo else ""


def _appointment_hit(rule: Rule, sentence: Sentence, toks: list[Token], appts: list[Appointment]) -> Hit | None:
    """A hit for the first appointment whose appointer and appointed thing the rule names."""
    found: Hit | None = None
    for a in appts:
        if a.appointer not in rule.appointer or a.appointed not in rule.appointed:
            continue
        lo = min(a.start, a.verb)
        start, end = toks[lo].start, toks[a.end - 1].end
        words = tuple(w for w in (a.appointed_words, toks[a.verb].surface, a.appointer_words) if w)
        who = f"{kind_name(a.appointer)}: {a.appointer_words}" if a.appointer_words else kind_name(a.appointer)
        clause = _tok_span_text(sentence, toks, lo, a.end)
        if a.negated_by and rule.negatable:
            found = found or Hit(rule, sentence, "negated", words,
                                 _("set aside: negated by {word!r} in the same clause", word=a.negated_by), start, end,
                                 clause, who)
            continue
        why = _("{kind} '{words}' appointed by {who} — {why}", kind=kind_name(a.appointed), words=a.appointed_words, who=who,
                why=_(rule.explanation))
        return Hit(rule, sentence, "matched", words, why, start, end, clause, who)
    return found


def _scan_rule(rs: RuleSet, rule: Rule, sentence: Sentence, whole: _Words, clauses: list[_Words],
               walls: dict[int, frozenset[int]] | None = None) -> Hit | None:
    found: Hit | None = None
    g = rs.grammar
    for ci, clause in enumerate(clauses):
        wall: frozenset[int] = frozenset()
        if g is not None and rule.requirement in rs.barrier_requirements and _has_long_gap(rule):
            if walls is not None and ci in walls:
                wall = walls[ci]
            else:
                wall = barriers(g, clause.toks, clause.ids, sentence.text)
                if walls is not None:
                    walls[ci] = wall
        for seq in rule.compiled:
            used = search(seq, clause.ids, clause.present, wall)
            if used is None:
                continue
            start, end, words = _span(clause.toks, used)
            clause_text = sentence.text[clause.toks[0].start:clause.toks[-1].end]
            missing = [p for p, c in zip(rule.also, rule.compiled_also) if search(c, whole.ids, whole.present) is None]
            if missing:
                continue  # not a match: the sentence lacks something the rule also needs
            subject = ""
            if rule.subject and g is not None:
                at = next(i for i, t in enumerate(whole.toks) if t.start == clause.toks[used[0]].start)
                kind, word = subject_of(g, whole.toks, whole.ids, at)
                if not kind and sentence.lead:
                    lead = tokens(sentence.lead, rs.spelling)
                    kind, word = subject_of(g, lead, [rs.lexicon.ids(t) for t in lead], len(lead))
                kind = kind or "self"
                subject = f"{kind_name(kind)}: {word}" if word else _("self (no other subject named)")
                if kind not in rule.subject:
                    return Hit(rule, sentence, "excepted", words,
                               _("set aside: the clause is about {word!r} ({kind}), not the organisation itself",
                                 word=word, kind=kind_name(kind)),
                               start, end, clause_text, subject)
            inside = _spans(rule, whole) if rule.compiled_unless_not_within else []
            for p, c in zip(rule.unless, rule.compiled_unless):
                u = search(c, whole.ids, whole.present)
                if u is not None and any(lo <= min(u) and max(u) < hi for lo, hi in inside):
                    # The exception's words are part of a phrase the rule reads otherwise ("få arbete"
                    # inside the target group "svårt att få arbete"): not an exception.
                    continue
                if u is not None:
                    said = " ".join(whole.toks[i].surface for i in u)
                    return Hit(rule, sentence, "excepted", words,
                               _("set aside: the sentence also says {said!r} (unless: {pattern})", said=said, pattern=p),
                               start, end, clause_text, subject)
            if rule.negatable:
                neg = _negator(rs, clause.toks, clause.ids, used)
                if neg is not None:
                    found = found or Hit(rule, sentence, "negated", words,
                                         _("set aside: negated by {word!r} in the same clause", word=neg.surface), start, end,
                                         clause_text, subject)
                    continue
            return Hit(rule, sentence, "matched", words, _(rule.explanation), start, end, clause_text, subject)
    return found


def scan(rs: RuleSet, sentences: list[Sentence], requirement: str | None = None, form: str = "") -> list[Hit]:
    """All hits of the rule set (or one requirement's rules) in reading order."""
    rules = [r for r in rs.rules if requirement is None or r.requirement == requirement]
    out: list[Hit] = []
    for s in sentences:
        out.extend(scan_sentence(rs, rules, s, form))
    return out
