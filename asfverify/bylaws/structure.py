"""The structure of a bylaws sentence: who is its subject, who appoints whom, where a clause ends.

Sentence rules (patterns) find words; this module answers the questions words alone get wrong:

- *subject*: whose purpose a purpose clause states — the organisation's own, or its member companies'
  ("Medlemsföretagen har till ändamål att anställa …" is not the organisation's purpose);
- *appointments*: for every appointing verb ("väljs", "utser", "utses"), what is appointed (a board
  seat, the meeting's chair, the nominating committee, an officer chosen "inom sig") and by whom (the
  members' meeting, the board itself, a public body or office, a named other body), read in the
  passive ("väljs av föreningsstämman"), the active ("kommunfullmäktige utser tre"), with a fronted
  agent ("Vid årsmötet väljs ordförande"), in relative clauses ("fyra ledamöter, vilka utses av
  styrelsen") and coordinated ("föreslås av styrelsen och utses vid styrelsens årsmöte");
- *segments*: the stretch of a sentence that belongs to one verb, bounded by commas, ";", ":" and
  words such as "och", "varav", "vilka", so a negation in a conditional clause ("Skulle X inte vilja
  …, ska annan ledamot utses av kommunfullmäktige") does not cancel the main clause;
- *barriers*: the tokens naming an actor other than the members' meeting, which a "..." gap in a
  pattern may not cross.

The word lists (actor kinds, subjects, segment words) are data in bylaws-rules.toml ([actors],
[subjects], [structure]); see docs/bylaws-rules.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .patterns import Sequence_, match_at
from .words import Token

# Actor kinds a gap in a pattern may not cross (the members' meeting and the board are the
# organisation's own organs; everyone else is "a named other actor").
OTHER_ACTORS = frozenset({"public", "public-office", "other-body", "founder", "named", "delegates", "owners"})


@dataclass(frozen=True)
class Appointment:
    """One appointing verb: what it appoints, by whom, and whether its own clause negates it."""

    verb: int  # token index of the verb
    appointer: str  # actor kind: meeting | board | public | public-office | delegates | founder | other-body | named | unknown
    appointer_words: str
    appointed: str  # board | internal | other | unknown
    appointed_words: str
    negated_by: str  # the negation word governing it, or ""
    start: int  # token span covering object, verb and agent
    end: int


@dataclass(frozen=True)
class Grammar:
    """The compiled word lists structure reading needs (built by rules.parse from the rule file)."""

    actors: tuple[tuple[str, tuple[Sequence_, ...]], ...]  # (kind, patterns) in priority order
    subjects: tuple[tuple[str, tuple[Sequence_, ...]], ...]
    appoint: Sequence_  # the appointing verbs
    seat: Sequence_  # board seats ("styrelsen", "ledamot", "ordförande")
    not_seat: Sequence_  # appointed things that are not board seats ("valberedning", "revisor")
    agent_preps: frozenset[str]  # "av", "vid", "på"
    segment_words: frozenset[str]  # "och", "samt", "varav", "vilka", "som" …
    relative: frozenset[str]
    conditional: frozenset[str]  # "om", "skulle", "ifall": a clause opened by them ends at its comma
    noun_negation_after: frozenset[str]  # "icke" after these words negates a noun ("och icke medlemmar")
    internal: frozenset[str]  # "inom" ("utser inom sig ordförande")
    own_genitives: frozenset[str] = frozenset()  # "stiftelsens", "föreningens": the organisation's own
    # Word-test ids that can begin an actor or a subject: a token with none of them is skipped at once.
    actor_firsts: frozenset[int] = frozenset()
    subject_firsts: frozenset[int] = frozenset()


def firsts_of(groups: Sequence[tuple[str, Sequence[Sequence_]]]) -> frozenset[int]:
    """The union of the first-word ids of every pattern in (kind, patterns) groups."""
    out: set[int] = set()
    for _kind, patterns in groups:
        for p in patterns:
            out |= p.firsts
    return frozenset(out)


def _first_match(patterns: Sequence[Sequence_], ids: Sequence[frozenset[int]], i: int) -> int:
    """The end of the first pattern matching at token i, or -1."""
    for p in patterns:
        end = match_at(p, ids, i)
        if end > 0:
            return end
    return -1


def actor_at(g: Grammar, toks: Sequence[Token], ids: Sequence[frozenset[int]], text: str, i: int) -> tuple[str, int]:
    """The actor kind that begins at token i and where it ends, or ("", i)."""
    if g.actor_firsts.isdisjoint(ids[i]):
        return "", i
    if toks[i].surface in g.own_genitives:
        return "", i  # "stiftelsens årsmöte", "föreningens stämma": the organisation's own organ follows
    for kind, patterns in g.actors:
        end = _first_match(patterns, ids, i)
        if end > 0:
            if kind == "board" and _board_of_other(toks, text, end):
                return "other-body", end + 2
            return kind, end
    return "", i


def _board_of_other(toks: Sequence[Token], text: str, end: int) -> bool:
    """"styrelsen för Stiftelsen X", "styrelsen i Y AB": another body's board."""
    if end + 1 >= len(toks) or toks[end].surface not in ("för", "i"):
        return False
    return _capitalised(toks[end + 1], text)


def _capitalised(tok: Token, text: str) -> bool:
    return text[tok.start:tok.start + 1].isupper()


def boundaries(g: Grammar, toks: Sequence[Token], text: str) -> list[bool]:
    """For each token: does a new segment begin at it (punctuation before it, or a segment word)?"""
    out = []
    for i, tok in enumerate(toks):
        between = text[toks[i - 1].end:tok.start] if i else ""
        out.append(i == 0 or any(c in between for c in ",;:–") or tok.surface in g.segment_words)
    return out


def _segment_start(starts: Sequence[bool], i: int) -> int:
    while i > 0 and not starts[i]:
        i -= 1
    return i


def _segment_end(starts: Sequence[bool], i: int) -> int:
    i += 1
    while i < len(starts) and not starts[i]:
        i += 1
    return i


def appointments(g: Grammar, toks: Sequence[Token], ids: Sequence[frozenset[int]], text: str,
                 negators: frozenset[int], form: str = "") -> list[Appointment]:
    """Every appointing verb of a sentence with what and whom it appoints."""
    starts = boundaries(g, toks, text)
    agent_spans: list[tuple[int, int]] = []
    out: list[Appointment] = []
    prev_object: tuple[str, str] = ("unknown", "")
    for v in range(len(toks)):
        if match_at(g.appoint, ids, v) < 0:
            continue
        verb = toks[v].surface
        passive = verb.endswith("s")
        seg0, seg1 = _segment_start(starts, v), _segment_end(starts, v)
        kind, words, a0, a1 = _agent_after(g, toks, ids, text, v, seg1)
        if not kind and passive:
            kind, words, a0, a1 = _fronted_agent(g, toks, ids, text, seg0, v)
        if not kind and not passive:
            kind, words, a0, a1 = _subject_before(g, toks, ids, text, seg0, v)
        if kind:
            agent_spans.append((a0, a1))
        if passive:
            obj = _object_before(g, toks, ids, v, agent_spans, seg0)
            if obj[0] == "unknown":
                obj = _object_after(g, toks, ids, v, seg1)  # "Vid årsmötet väljs styrelse": inverted order
        else:
            obj = _object_after(g, toks, ids, v, seg1)
            if obj[0] == "unknown" and seg0 > 0 and toks[seg0].surface in g.relative | {"av"}:
                # "fem ledamöter, av vilka kommunfullmäktige utser tre": the antecedent is the object
                obj = _object_before(g, toks, ids, seg0, agent_spans, 0)
        if obj[0] == "unknown":
            obj = prev_object  # "… föreslås av styrelsen och utses vid …": the subject is shared
        prev_object = obj
        if form == "stiftelse" and kind == "meeting":
            kind = "foundation-meeting"  # a foundation has no members: its årsmöte is the board's
        if kind == "owners":
            kind = "meeting" if form == "bolag" else "founder"  # an AB's owners meet at the bolagsstämma
        neg = _negation(g, toks, ids, negators, seg0, max(v, a1))
        out.append(Appointment(v, kind or "unknown", words, obj[0], obj[1], neg, min(v, a0, seg0), max(v + 1, a1)))
    return out


def _agent_after(g: Grammar, toks, ids, text, v: int, seg1: int) -> tuple[str, str, int, int]:
    """"väljs av föreningsstämman", "utses av Norrviks kommun", "utses av HemBo Riksförening"."""
    for p in range(v + 1, min(seg1, v + 6)):
        if toks[p].surface not in g.agent_preps:
            continue
        for q in range(p + 1, min(len(toks), p + 5)):
            kind, end = actor_at(g, toks, ids, text, q)
            if kind:
                return kind, " ".join(t.surface for t in toks[p + 1:end]), p, end
        if p + 1 < len(toks) and _capitalised(toks[p + 1], text):
            return "named", " ".join(t.surface for t in toks[p + 1:p + 3]), p, min(len(toks), p + 3)
        return "", "", v, v + 1
    return "", "", v, v + 1


def _fronted_agent(g: Grammar, toks, ids, text, seg0: int, v: int) -> tuple[str, str, int, int]:
    """"Vid årsmötet väljs ordförande": an agent phrase before a passive verb."""
    for p in range(seg0, v):
        if toks[p].surface in g.agent_preps:
            for q in range(p + 1, v):
                kind, end = actor_at(g, toks, ids, text, q)
                if kind:
                    return kind, " ".join(t.surface for t in toks[q:end]), p, end
    return "", "", v, v + 1


def _subject_before(g: Grammar, toks, ids, text, seg0: int, v: int) -> tuple[str, str, int, int]:
    """"Kommunfullmäktige i Norrviks kommun utser tre": the nearest actor before an active verb."""
    # A relative clause's subject may stand after its opener ("av vilka kommunfullmäktige … utser").
    lo = seg0
    found: tuple[str, str, int, int] = ("", "", v, v + 1)
    q = lo
    while q < v:
        kind, end = actor_at(g, toks, ids, text, q)
        if kind:
            found = (kind, " ".join(t.surface for t in toks[q:end]), q, end)
            q = end
        else:
            q += 1
    return found


def _is_seat(g: Grammar, toks, ids, i: int) -> str:
    """"board" for a seat word at i, "other" for the meeting's chair or a committee, "" otherwise."""
    if match_at(g.not_seat, ids, i) > 0:
        return "other"
    if match_at(g.seat, ids, i) > 0:
        nxt = toks[i + 1].surface if i + 1 < len(toks) else ""
        if toks[i].surface.startswith("ordförande") and nxt in ("vid", "för", "på"):
            return "other"  # "ordförande vid stämman" chairs the meeting, it is not a board seat
        return "board"
    return ""


def _object_before(g: Grammar, toks, ids, v: int, agent_spans, seg0: int) -> tuple[str, str]:
    """The subject of a passive verb: the nearest seat word before it outside earlier agent phrases."""
    for i in range(v - 1, -1, -1):
        if any(a0 <= i < a1 for a0, a1 in agent_spans):
            continue
        kind = _is_seat(g, toks, ids, i)
        if kind:
            return kind, toks[i].surface
    return "unknown", ""


def _object_after(g: Grammar, toks, ids, v: int, seg1: int) -> tuple[str, str]:
    """The object of an active verb; "utser inom sig ordförande" chooses an officer, not a seat."""
    for i in range(v + 1, min(len(toks), v + 8)):
        if toks[i].surface in g.internal:
            return "internal", " ".join(t.surface for t in toks[i:i + 3])
        kind = _is_seat(g, toks, ids, i)
        if kind:
            return kind, toks[i].surface
        if i >= seg1 and kind == "":
            break
    return "unknown", ""


def _negation(g: Grammar, toks, ids, negators: frozenset[int], seg0: int, end: int) -> str:
    for i in range(seg0, min(end + 1, len(toks))):
        if not negators.isdisjoint(ids[i]) and not noun_negation(g, toks, i):
            return toks[i].surface
    return ""


def noun_negation(g: Grammar, toks: Sequence[Token], i: int) -> bool:
    """"medlemmars och icke medlemmars inträde": a negation that modifies the noun after it."""
    if toks[i].surface not in ("icke", "ej", "inte"):
        return False
    return i > 0 and toks[i - 1].surface in g.noun_negation_after


def subject_of(g: Grammar, toks: Sequence[Token], ids: Sequence[frozenset[int]], before: int) -> tuple[str, str]:
    """The nearest subject word (nominative) before token `before`: ("self"|"members"|"other", word)."""
    for i in range(before - 1, -1, -1):
        if g.subject_firsts.isdisjoint(ids[i]):
            continue
        for kind, patterns in g.subjects:
            if _first_match(patterns, ids, i) > 0:
                return kind, toks[i].surface
    return "", ""


def barriers(g: Grammar, toks: Sequence[Token], ids: Sequence[frozenset[int]], text: str) -> frozenset[int]:
    """Token indices naming an actor other than the organisation's own organs."""
    out: set[int] = set()
    i = 0
    if all(g.actor_firsts.isdisjoint(x) for x in ids):
        return frozenset()
    while i < len(toks):
        kind, end = actor_at(g, toks, ids, text, i)
        if kind in OTHER_ACTORS:
            out.update(range(i, end))
            i = end
        else:
            i += 1
    return frozenset(out)


def legal_form_of_text(self_words: Mapping[str, Sequence[Sequence_]], docs_ids: Sequence[Sequence[frozenset[int]]]) -> str:
    """The legal-form family the document calls itself by ("stiftelse", "förening", "bolag"), or "".

    Counted over the document's words ("Stiftelsen ska …", "Bolagets firma …"); a family counts only
    when it is named at least twice and at least twice as often as any other.
    """
    counts = {family: 0 for family in self_words}
    firsts = frozenset().union(*(p.firsts for pats in self_words.values() for p in pats))
    for ids in docs_ids:
        for i in range(len(ids)):
            if firsts.isdisjoint(ids[i]):
                continue
            for family, patterns in self_words.items():
                if _first_match(patterns, ids, i) > 0:
                    counts[family] += 1
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] < 2:
        return ""
    if len(ranked) > 1 and ranked[0][1] < 2 * ranked[1][1]:
        return ""
    return ranked[0][0]
