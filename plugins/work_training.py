"""asfverify plugin: a common minimum quality for work-training places (informative criterion Q1).

The ASF branch wishes every work-training place (arbetsträningsplats) to meet a minimum quality:
each participant has an individual plan, a named handledare (supervisor), and follow-up at least
every three months. This plugin shows the three hooks a plugin can combine:

- register_document_kinds: a new document kind, `work-training` (the organisation's description of
  how its work training is run: a routine, a quality description, or a list of plans);
- register_criteria: criterion Q1 with `required = False`, so it is shown with its outcome in the
  output and in certificates but never changes the decision;
- register_verifiers: the verifier that assesses Q1.plan, Q1.supervisor and Q1.followup.

A `work-training` document is either a description (a routine: "Varje deltagare har en individuell
plan…") or a participant list — a CSV file or a PDF table with a participant column (a pseudonymous
id) and columns for the individual plan, the handledare and the latest follow-up — which is checked
row by row: the latest follow-up must lie within three months before the reference date.

It is one self-contained module (copy it into a workspace's plugins/ folder), and it is also
packaged as the distribution `asfverify-work-training` (plugins/packaged/asfverify-work-training/)
with an entry point in group `asfverify`. Install it *or* copy it, not both: two plugins cannot
register the same verifier name. No network, no files written, and no personal data in results:
a handledare's name is recognised but never copied into an excerpt.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from asfverify import Application, BaseVerifier, Context, Document, Evidence, Result, Verifier, hookimpl, plugin_translator

__version__ = "1.0"

# Messages in the certifier's language: Swedish from work_training.sv.po beside this file.
_ = plugin_translator(__file__)

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


# --- a participant list ------------------------------------------------------------------------
# A table (CSV, or a table in a PDF) with one row per participant checks "each participant" literally.
# Only counts and row numbers leave this module: never an id (it may be a personnummer) or a name.

FIELDS = {
    "participant": ("deltagare", "deltagarid", "deltagarnummer", "deltagarnr", "participant", "participantid", "id"),
    "plan": ("individuellplan", "plan", "genomforandeplan", "planupprattad", "individualplan"),
    "supervisor": ("handledare", "namngivenhandledare", "supervisor"),
    "followup": ("senasteuppfoljning", "senastuppfoljd", "uppfoljning", "uppfoljd", "lastfollowup", "followup"),
}
_NO = {"", "nej", "no", "0", "saknas", "ingen", "-", "–", "n"}


def _header_key(text: str | None) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in text if ch.isalnum() and not unicodedata.combining(ch)).casefold()


@dataclass
class Roster:
    """A participant list: which column holds which field, and the data rows (row 1 is the header)."""

    doc: Document
    page: int
    columns: dict[str, int]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)

    def value(self, row: list[str], name: str) -> str:
        index = self.columns.get(name)
        return (row[index] if index is not None and index < len(row) else "").strip()


def roster_from_table(doc: Document, page: int, table: Sequence[Sequence[str | None]]) -> Roster | None:
    """A Roster when the table's first row names a participant column and at least two of the others."""
    if not table:
        return None
    keys = [_header_key(cell) for cell in table[0]]
    columns: dict[str, int] = {}
    for name, accepted in FIELDS.items():
        for index, key in enumerate(keys):
            if key in accepted and index not in columns.values():
                columns[name] = index
                break
    if "participant" not in columns or len(columns) < 3:
        return None
    rows = [(number, ["" if c is None else str(c) for c in row]) for number, row in enumerate(table[1:], start=2)]
    rows = [(n, r) for n, r in rows if any(c.strip() for c in r)]
    return Roster(doc, page, columns, rows)


def _csv_table(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    first = text.split("\n", 1)[0]
    delimiter = max((";", "\t", ","), key=first.count)
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _may_hold_roster(pages: Sequence[str]) -> bool:
    """Whether some text line names three of the four columns: table extraction is slow, text is cached."""
    for page in pages:
        for line in page.splitlines():
            words = {_header_key(word) for word in line.split()}
            if sum(1 for accepted in FIELDS.values() if words & set(accepted)) >= 3:
                return True
    return False


def rosters(doc: Document) -> list[Roster]:
    """Participant lists in a document: a CSV file, or tables in a PDF."""
    if not doc.is_pdf:
        roster = roster_from_table(doc, 1, _csv_table(doc.read_bytes()))
        return [roster] if roster else []
    if not _may_hold_roster(doc.pages()):
        return []
    with_pages = getattr(doc, "tables_with_pages", None)
    tables = with_pages() if with_pages else [(1, t) for t in doc.tables()]
    return [r for page, table in tables if (r := roster_from_table(doc, page, table))]


def _date(value: str) -> dt.date | None:
    digits = value.strip()
    for fmt in ("%Y-%m-%d", "%Y%m%d"):
        try:
            return dt.datetime.strptime(digits, fmt).date()
        except ValueError:
            continue
    return None


def _rows(numbers: Sequence[int], limit: int = 10) -> str:
    shown = ", ".join(str(n) for n in numbers[:limit])
    return shown + (f" and {len(numbers) - limit} more" if len(numbers) > limit else "")


# --- the verifier ----------------------------------------------------------------------------------


class WorkTrainingVerifier(BaseVerifier):
    """Q1: individual plans, named handledare and follow-up every three months, from the work-training description."""

    name = "work-training"
    version = __version__
    requirements = ("Q1.plan", "Q1.supervisor", "Q1.followup")
    document_kinds = (KIND,)

    def verify(self, application: Application, context: Context) -> Iterable[Result]:
        lists = [r for doc in application.documents_of(KIND) for r in rosters(doc)]
        if lists:
            yield from self._from_lists(lists, application.reference_date)
            return
        found: list[tuple[Document, Sentence]] = []
        scanned: list[Document] = []
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
                yield Result(requirement, "review", _("The work-training description {names} has no text layer (a scan?): a person must read it.", names=names), evidence=ev)
            return
        yield self._plan(found)
        yield self._supervisor(found)
        yield self._followup(found)

    @staticmethod
    def _ev(doc: Document, sentence: Sentence, rule: str) -> Evidence:
        return Evidence(document=doc.sha256, page=sentence.page, excerpt=_excerpt(sentence.text), rule=rule)

    def _plan(self, found: Sequence[tuple[Document, Sentence]]) -> Result:
        hits = [(d, s) for d, s in found if _PLAN.search(s.text)]
        universal = [(d, s) for d, s in hits if _EVERY.search(s.text) and not _ONLY_SOMETIMES.search(s.text)]
        if universal:
            d, s = universal[0]
            return Result("Q1.plan", "pass", _("Every participant has an individual plan."), [self._ev(d, s, "plan-each")])
        if hits:
            d, s = hits[0]
            return Result("Q1.plan", "review", _("Individual plans are mentioned, but not for every participant: a person must check."), [self._ev(d, s, "plan")])
        return Result("Q1.plan", "fail", _("The work-training description mentions no individual plan for the participants."))

    def _supervisor(self, found: Sequence[tuple[Document, Sentence]]) -> Result:
        named = [(d, s) for d, s in found if named_supervisors(s.text)]
        role = [(d, s) for d, s in found if _NAMED_ROLE.search(s.text) and _EVERY.search(s.text)]
        if role or named:
            d, s = (role or named)[0]
            metrics = {"named_supervisors": len(set().union(*(named_supervisors(x.text) for _d, x in named)))}
            return Result("Q1.supervisor", "pass", _("Participants have a named handledare (names are not recorded)."), [self._ev(d, s, "supervisor")], metrics)
        general = [(d, s) for d, s in found if _SUPERVISOR.search(s.text)]
        if general:
            d, s = general[0]
            return Result("Q1.supervisor", "review", _("Handledare are mentioned, but not a named handledare for each participant: a person must check."), [self._ev(d, s, "supervisor")])
        return Result("Q1.supervisor", "fail", _("The work-training description names no handledare."))

    def _followup(self, found: Sequence[tuple[Document, Sentence]]) -> Result:
        stated: list[tuple[Document, Sentence, int]] = []
        mentioned: list[tuple[Document, Sentence, None]] = []
        for d, s in found:
            if not _FOLLOWUP.search(s.text):
                continue
            days = interval_days(s.text)
            if days is not None:
                stated.append((d, s, days))
            else:
                mentioned.append((d, s, None))
        if stated:
            # The most frequent promise anywhere counts (a routine may list several kinds of follow-up).
            d, s, days = min(stated, key=lambda item: item[2])
            metrics = {"followup_interval_days": days}
            if days <= MAX_FOLLOWUP_DAYS:
                return Result("Q1.followup", "pass", _("Participants are followed up at least every {days} days (three months or more often).", days=days), [self._ev(d, s, "followup")], metrics)
            return Result("Q1.followup", "fail", _("Participants are followed up every {days} days, less often than every three months.", days=days), [self._ev(d, s, "followup")], metrics)
        if mentioned:
            d, s, _days = mentioned[0]
            return Result("Q1.followup", "review", _("Follow-up is mentioned without how often: a person must check it is at least every three months."), [self._ev(d, s, "followup")])
        return Result("Q1.followup", "fail", _("The work-training description says nothing about following up the participants."))


    def _from_lists(self, lists: list[Roster], reference: dt.date) -> Iterable[Result]:
        """Q1 row by row: every participant has a plan, a handledare and a follow-up within three months."""
        earliest = reference - dt.timedelta(days=MAX_FOLLOWUP_DAYS)
        people = [(r, number, row) for r in lists for number, row in r.rows]
        first = lists[0]
        headers = ", ".join(sorted(first.columns))
        evidence = [Evidence(document=r.doc.sha256, page=r.page, excerpt=f"participant list: {len(r.rows)} rows; columns {headers}", rule="participant-list") for r in lists]
        total = len(people)
        if not total:
            for requirement in self.requirements:
                yield Result(requirement, "review", _("The participant list has no rows: a person must check the work-training places."), evidence)
            return

        def count(name: str, ok: Callable[[str], bool | None], label: str, passed: str, failed: str, metric: str) -> Result:
            requirement = {"plan": "Q1.plan", "supervisor": "Q1.supervisor", "followup": "Q1.followup"}[name]
            if any(name not in r.columns for r in lists):
                return Result(requirement, "review", _("The participant list has no {label} column: a person must check.", label=label), evidence, {"participants": total})
            verdicts = [(number, ok(r.value(row, name))) for r, number, row in people]
            bad = [n for n, v in verdicts if v is False]
            unreadable = [n for n, v in verdicts if v is None]
            metrics = {"participants": total, metric: total - len(bad) - len(unreadable)}
            if bad:
                return Result(requirement, "fail", _("{count} of {total} participants {failed} (rows {rows}).", count=len(bad), total=total, failed=failed, rows=_rows(bad)), evidence, metrics)
            if unreadable:
                return Result(requirement, "review", _("The {label} of {count} of {total} participants cannot be read (rows {rows}).", label=label, count=len(unreadable),
                                                    total=total, rows=_rows(unreadable)), evidence, metrics)
            return Result(requirement, "pass", _("All {total} participants {passed}.", total=total, passed=passed), evidence, metrics)

        def followed_up(value: str) -> bool | None:
            if value.casefold() in _NO:
                return False
            day = _date(value)
            return None if day is None else earliest <= day <= reference

        yield count("plan", lambda v: v.casefold() not in _NO, _("individual plan"), _("have an individual plan"),
                    _("have no individual plan"), "with_plan")
        yield count("supervisor", lambda v: v.casefold() not in _NO, _("handledare"),
                    _("have a named handledare (names are not recorded)"), _("have no named handledare"), "with_supervisor")
        yield count("followup", followed_up, _("latest follow-up"),
                    _("were followed up within {days} days before {date}", days=MAX_FOLLOWUP_DAYS, date=reference.isoformat()),
                    _("were not followed up within {days} days before {date}", days=MAX_FOLLOWUP_DAYS, date=reference.isoformat()),
                    "followed_up")


@hookimpl
def register_document_kinds(register: Callable[..., None]) -> None:
    register(KIND, "how work training is run: individual plans, handledare, follow-up (plugin work_training)")


@hookimpl
def register_criteria(register: Callable[[Mapping[str, object]], None]) -> None:
    register(CRITERION)


@hookimpl
def register_verifiers(register: Callable[[Verifier], None]) -> None:
    register(WorkTrainingVerifier())
