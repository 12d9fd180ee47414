"""asfverify plugin: a common minimum quality for work-training places (informative criterion Q1).

The ASF branch wishes every work-training place (arbetsträningsplats) to meet a minimum quality:
each participant has an individual plan, a named handledare (supervisor), and follow-up at least
every three months. This plugin shows the three hooks a plugin can combine:

- register_document_kinds: a new document kind, `work-training` (the organisation's description of
  how its work training is run: a routine, a quality description, or a list of plans);
- register_criteria: criterion Q1 with `required = False`, so it is shown with its outcome in the
  output and in certificates but never changes the decision;
- register_verifiers: the verifier that assesses Q1.plan, Q1.supervisor and Q1.followup.

It is one self-contained module (copy it into a workspace's plugins/ folder), and it is also
packaged as the distribution `asfverify-work-training` (plugins/packaged/asfverify-work-training/)
with an entry point in group `asfverify`. Install it *or* copy it, not both: two plugins cannot
register the same verifier name. No network, no files written, and no personal data in results:
a handledare's name is recognised but never copied into an excerpt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from asfverify import BaseVerifier, Evidence, Result, hookimpl

__version__ = "1.0"

KIND = "work-training"
MAX_FOLLOWUP_DAYS = 92  # "at least every three months"

CRITERION = {
    "id": "Q1",
    "sv": "Gemensam lägsta kvalitet för arbetsträningsplatser: varje deltagare har en individuell plan, "
    "en namngiven handledare och uppföljning minst var tredje månad.",
    "en": "A common minimum quality for work-training places: each participant has an individual plan, "
    "a named supervisor (handledare) and follow-up at least every three months.",
    "required": False,
    "requirements": [
        {"id": "Q1.plan", "evidence": "work-training description: an individual plan for each participant", "document_kinds": [KIND]},
        {"id": "Q1.supervisor", "evidence": "work-training description: a named handledare for each participant", "document_kinds": [KIND]},
        {"id": "Q1.followup", "evidence": "work-training description: follow-up at least every three months", "document_kinds": [KIND]},
    ],
}

# --- reading the text ----------------------------------------------------------------------------

_EVERY = re.compile(r"\b(?:varje|alla|samtliga|var\s+och\s+en|varenda)\b", re.I)
_ONLY_SOMETIMES = re.compile(r"\b(?:vid\s+behov|kan\s+få|kan\s+erbjudas|i\s+mån\s+av|ibland|om\s+möjligt)\b", re.I)
_PLAN = re.compile(
    r"\bindividuell(?:a)?\s+(?:plan(?:er|en)?|handlingsplan(?:er)?|genomförandeplan(?:er)?|utvecklingsplan(?:er)?|arbetsplan(?:er)?|planering)"
    r"|\bgenomförandeplan(?:er|en)?\b|\butvecklingsplan(?:er|en)?\b|\bpersonlig(?:a)?\s+plan(?:er)?\b|\begen\s+plan\b",
    re.I,
)
_SUPERVISOR = re.compile(r"\bhandledar(?:e|en|na)\b", re.I)
_NAMED_ROLE = re.compile(r"\b(?:namngiven|namngivna|utsedd|utsedda|egen|personlig|fast|ansvarig)\s+handledare\b", re.I)
# "Handledare: Anna Svensson", "handledare är Anna Svensson" – a person's name, never copied out.
_NAME_AFTER = re.compile(
    r"\b[Hh]andledar(?:e|en)\b\s*(?::|är|=|–|-)?\s*(?:är\s+)?([A-ZÅÄÖ][a-zåäöéü]+(?:[- ][A-ZÅÄÖ][a-zåäöéü]+)+)"
)
_FOLLOWUP = re.compile(r"\buppfölj\w*|\bföljs\s+upp\b|\bfölja\s+upp\b|\bavstämning\w*|\bstäms\s+av\b|\butvärder\w*", re.I)

NUMBERS = {
    "en": 1, "ett": 1, "två": 2, "andra": 2, "annan": 2, "tre": 3, "tredje": 3, "fyra": 4, "fjärde": 4,
    "fem": 5, "femte": 5, "sex": 6, "sjätte": 6, "sju": 7, "sjunde": 7, "åtta": 8, "åttonde": 8,
    "nio": 9, "nionde": 9, "tio": 10, "tionde": 10, "elva": 11, "elfte": 11, "tolv": 12, "tolfte": 12,
}
UNIT_DAYS = {"dag": 1, "vecka": 7, "månad": 30, "kvartal": 91, "halvår": 182, "år": 365}
_NUM = r"(\d{1,2})(?::e|:a)?|" + "|".join(sorted(NUMBERS, key=len, reverse=True))
_UNIT = r"(dag|dagar|vecka|veckor|veckan|månad|månader|månaden|kvartal|kvartalet|halvår|halvåret|år|året)"
_EVERY_N = re.compile(rf"\bvar(?:je)?\s+(?:({_NUM})\s+)?{_UNIT}\b", re.I)
_ALT = re.compile(rf"\bvarannan\s+{_UNIT}\b|\bvartannat\s+{_UNIT}\b", re.I)
_TIMES_PER = re.compile(rf"\b({_NUM})\s+gånger?\s+(?:per|i|om|varje)\s+{_UNIT}\b", re.I)
_ONCE_PER = re.compile(rf"\ben\s+gång\s+(?:per|i|om|varje)\s+{_UNIT}\b", re.I)
_ADJECTIVE = {r"\bmånatlig\w*": 30, r"\bveckovis\b|\bvarje\s+vecka\b": 7, r"\bkvartalsvis\b": 91, r"\bhalvårsvis\b": 182, r"\bårlig\w*|\bårsvis\b": 365}


def _unit_days(word: str) -> int:
    word = word.lower()
    for stem, days in UNIT_DAYS.items():
        if word.startswith(stem[:4]) and (stem != "år" or word in ("år", "året")):
            return days
    return 365


def _number(text: str | None) -> int:
    if not text:
        return 1
    text = text.lower().rstrip(":ea") if text[0].isdigit() else text.lower()
    return int(text) if text.isdigit() else NUMBERS.get(text, 1)


def interval_days(sentence: str) -> int | None:
    """The follow-up interval a sentence states, in days ("var tredje månad" -> 90), or None."""
    candidates: list[int] = []
    for m in _EVERY_N.finditer(sentence):
        candidates.append(_number(m.group(1)) * _unit_days(m.groups()[-1]))
    for m in _ALT.finditer(sentence):
        candidates.append(2 * _unit_days(m.group(1) or m.group(2)))
    for m in _TIMES_PER.finditer(sentence):
        times = max(1, _number(m.group(1)))
        candidates.append(_unit_days(m.groups()[-1]) // times)
    for m in _ONCE_PER.finditer(sentence):
        candidates.append(_unit_days(m.group(1)))
    for pattern, days in _ADJECTIVE.items():
        if re.search(pattern, sentence, re.I):
            candidates.append(days)
    # "minst var tredje månad och oftare vid behov": the longest stated interval is the promise.
    return max(candidates) if candidates else None


@dataclass
class Sentence:
    page: int
    text: str


def sentences(pages: Sequence[str]) -> list[Sentence]:
    """Sentences per page (a full stop, or a blank line, ends one); table rows count as sentences."""
    out = []
    for number, page in enumerate(pages, start=1):
        for chunk in re.split(r"(?<=[.!?])\s+|\n\s*\n|\n(?=\s*[•\-–*]\s)", page):
            text = " ".join(chunk.split())
            if text:
                out.append(Sentence(number, text))
    return out


# "Anna Svensson är handledare": the name before the role.
_NAME_BEFORE = re.compile(
    r"([A-ZÅÄÖ][a-zåäöéü]+(?:[- ][A-ZÅÄÖ][a-zåäöéü]+)+)(?=\s+(?:är|blir|fungerar\s+som)\s+(?:\w+\s+){0,2}handledare\b)"
)


def named_supervisors(text: str) -> set[str]:
    """Names given to a handledare in text (used only to count them, never output)."""
    return {m.group(1) for m in _NAME_AFTER.finditer(text)} | {m.group(1) for m in _NAME_BEFORE.finditer(text)}


def mask_names(text: str) -> str:
    """The sentence with any handledare's name replaced by [namn]."""
    text = _NAME_AFTER.sub(lambda m: m.group(0).replace(m.group(1), "[namn]"), text)
    return _NAME_BEFORE.sub("[namn]", text)


def _excerpt(text: str, width: int = 220) -> str:
    text = mask_names(text)
    return text if len(text) <= width else text[: width - 1] + "…"


# --- the verifier ----------------------------------------------------------------------------------


class WorkTrainingVerifier(BaseVerifier):
    """Q1: individual plans, named handledare and follow-up every three months, from the work-training description."""

    name = "work-training"
    version = __version__
    requirements = ("Q1.plan", "Q1.supervisor", "Q1.followup")
    document_kinds = (KIND,)

    def verify(self, application, context) -> Iterable[Result]:
        found: list[tuple[object, Sentence]] = []
        scanned = []
        for doc in application.documents_of(KIND):
            pages = doc.pages()
            if not any(p.strip() for p in pages):
                scanned.append(doc)
                continue
            found += [(doc, s) for s in sentences(pages)]
        if not found:
            names = ", ".join(d.path for d in scanned)
            ev = [Evidence(document=d.sha256, page=1, excerpt="", note="no text layer") for d in scanned]
            for requirement in self.requirements:
                yield Result(requirement, "review", f"The work-training description {names} has no text layer (a scan?): a person must read it.", evidence=ev)
            return
        yield self._plan(found)
        yield self._supervisor(found)
        yield self._followup(found)

    @staticmethod
    def _ev(doc, sentence: Sentence, rule: str) -> Evidence:
        return Evidence(document=doc.sha256, page=sentence.page, excerpt=_excerpt(sentence.text), rule=rule)

    def _plan(self, found) -> Result:
        hits = [(d, s) for d, s in found if _PLAN.search(s.text)]
        universal = [(d, s) for d, s in hits if _EVERY.search(s.text) and not _ONLY_SOMETIMES.search(s.text)]
        if universal:
            d, s = universal[0]
            return Result("Q1.plan", "pass", "Every participant has an individual plan.", [self._ev(d, s, "plan-each")])
        if hits:
            d, s = hits[0]
            return Result("Q1.plan", "review", "Individual plans are mentioned, but not for every participant: a person must check.", [self._ev(d, s, "plan")])
        return Result("Q1.plan", "fail", "The work-training description mentions no individual plan for the participants.")

    def _supervisor(self, found) -> Result:
        named = [(d, s) for d, s in found if named_supervisors(s.text)]
        role = [(d, s) for d, s in found if _NAMED_ROLE.search(s.text) and _EVERY.search(s.text)]
        if role or named:
            d, s = (role or named)[0]
            metrics = {"named_supervisors": len(set().union(*(named_supervisors(x.text) for _d, x in named)))}
            return Result("Q1.supervisor", "pass", "Participants have a named handledare (names are not recorded).", [self._ev(d, s, "supervisor")], metrics)
        general = [(d, s) for d, s in found if _SUPERVISOR.search(s.text)]
        if general:
            d, s = general[0]
            return Result("Q1.supervisor", "review", "Handledare are mentioned, but not a named handledare for each participant: a person must check.", [self._ev(d, s, "supervisor")])
        return Result("Q1.supervisor", "fail", "The work-training description names no handledare.")

    def _followup(self, found) -> Result:
        stated = []
        mentioned = []
        for d, s in found:
            if not _FOLLOWUP.search(s.text):
                continue
            days = interval_days(s.text)
            (stated if days is not None else mentioned).append((d, s, days))
        if stated:
            # The most frequent promise anywhere counts (a routine may list several kinds of follow-up).
            d, s, days = min(stated, key=lambda item: item[2])
            metrics = {"followup_interval_days": days}
            if days <= MAX_FOLLOWUP_DAYS:
                return Result("Q1.followup", "pass", f"Participants are followed up at least every {days} days (three months or more often).", [self._ev(d, s, "followup")], metrics)
            return Result("Q1.followup", "fail", f"Participants are followed up every {days} days, less often than every three months.", [self._ev(d, s, "followup")], metrics)
        if mentioned:
            d, s, _ = mentioned[0]
            return Result("Q1.followup", "review", "Follow-up is mentioned without how often: a person must check it is at least every three months.", [self._ev(d, s, "followup")])
        return Result("Q1.followup", "fail", "The work-training description says nothing about following up the participants.")


@hookimpl
def register_document_kinds(register) -> None:
    register(KIND, "how work training is run: individual plans, handledare, follow-up (plugin work_training)")


@hookimpl
def register_criteria(register) -> None:
    register(CRITERION)


@hookimpl
def register_verifiers(register) -> None:
    register(WorkTrainingVerifier())
