"""asfverify plugin: systematic work-environment management (SAM, AFS 2023:1) for C6.sam.

An employer must keep, in writing, an arbetsmiljöpolicy, riskbedömningar, handlingsplaner and an
årlig uppföljning (AFS 2023:1, in force since 2025-01-01). This verifier reads the documents of kind
`work-environment` (one combined SAM document or one file per part) and checks that each part is
there and, where dated, dated within 15 months before the application's reference date:

    all parts present, dated ones recent   -> pass
    a part missing or older than 15 months -> fail (the summary lists them)
    a part present but undated             -> review

Drop this file into a workspace's plugins/ folder. It is one self-contained module (the host loads
plugins/*.py one by one); it imports nothing but asfverify and the standard library, reads only the
documents it is given, uses no network and writes no files. Excerpts are the dated sentences, never
the lists of responsible people.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from asfverify import Application, BaseVerifier, Context, Document, Evidence, Result, Verifier, hookimpl, plugin_translator

__version__ = "1.0"

# Messages in the certifier's language: Swedish from work_environment.sv.po beside this file.
_ = plugin_translator(__file__)

KIND = "work-environment"
MAX_AGE_MONTHS = 15


@dataclass(frozen=True)
class Part:
    """One written part of SAM: how it is named and whether its date is an event or a revision."""

    key: str
    label: str
    pattern: str
    # A risk assessment or a follow-up is an event: revising the document does not redo it.
    event: bool


PARTS = (
    Part("policy", "arbetsmiljöpolicy", r"arbetsmiljöpolicy(?:n)?|policy\s+för\s+arbetsmiljö(?:n|arbetet)?", event=False),
    Part("risk", "riskbedömning", r"riskbedömning(?:en|ar|arna)?|riskanalys(?:en|er)?", event=True),
    Part("plan", "handlingsplan", r"handlingsplan(?:en|er|erna)?|åtgärdsplan(?:en|er)?", event=False),
    Part("followup", "årlig uppföljning", r"årlig(?:a)?\s+uppföljning(?:en)?|årsuppföljning(?:en)?|uppföljning\s+av\s+(?:det\s+)?systematiska\s+arbetsmiljöarbetet", event=True),
)

# Verbs and labels that date a document or an event (not a deadline or a plan).
_DATING = re.compile(
    r"genomför(?:d|des|ts|da)|antag(?:en|et|s|its)|antogs|fastställ(?:d|des|t|ts)|beslutad|beslutades|beslut"
    r"|upprättad|upprättades|upprättat|reviderad|reviderades|reviderat|uppdaterad|uppdaterades|uppdaterat"
    r"|daterad|datum|undertecknad|godkänd|godkändes|gjord|gjordes|hölls|protokoll|utförd|utfördes",
    re.I,
)
_ISO = re.compile(r"(?<!\d)((?:19|20)\d{2})-(\d{2})-(\d{2})(?!\d)")
MONTHS = {
    "januari": 1, "februari": 2, "mars": 3, "april": 4, "maj": 5, "juni": 6,
    "juli": 7, "augusti": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
}
_LONG = re.compile(r"(?<!\d)(\d{1,2})\s+(" + "|".join(MONTHS) + r")\s+((?:19|20)\d{2})(?!\d)", re.I)
# A date broken over two lines by the PDF layout: "2026-02-\n10".
_BROKEN = re.compile(r"((?:19|20)\d{2}-\d{2}-)[ \t]*\n[ \t]*(\d{2})(?!\d)")
_NUMBERED = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|[A-Z]\.|§\s*\d+)\s+\S")


@dataclass
class Found:
    """A part found in a document: where its section is and the date that counts."""

    part: Part
    doc: Document
    page: int
    heading: str
    date: dt.date | None
    excerpt: str


class Text:
    """A document's pages joined, with a map from offsets back to 1-based page numbers."""

    def __init__(self, pages: Sequence[str]):
        self.starts: list[int] = []
        chunks: list[str] = []
        offset = 0
        for page in pages:
            page = _BROKEN.sub(r"\1\2", page.replace("\u00a0", " "))
            self.starts.append(offset)
            chunks.append(page)
            offset += len(page) + 2
        self.text = "\n\n".join(chunks)

    def page(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)


def parse_dates(text: str) -> list[tuple[int, dt.date]]:
    """(offset, date) of every ISO date and every Swedish long date ("18 mars 2026") in text."""
    out: list[tuple[int, dt.date]] = []
    for m in _ISO.finditer(text):
        try:
            out.append((m.start(), dt.date(int(m[1]), int(m[2]), int(m[3]))))
        except ValueError:
            pass
    for m in _LONG.finditer(text):
        try:
            out.append((m.start(), dt.date(int(m[3]), MONTHS[m[2].lower()], int(m[1]))))
        except ValueError:
            pass
    return sorted(out)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (clamped to the month's last day)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around text[start:end]: from the previous full stop or blank line to the next full stop."""
    left = max(text.rfind(". ", 0, start), text.rfind(".\n", 0, start), text.rfind("\n\n", 0, start))
    left = 0 if left < 0 else left + 1
    right_match = re.compile(r"\.(?:\s|$)").search(text, end)
    right = right_match.end() if right_match else len(text)
    return left, right


def _squash(text: str, width: int = 220) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _dating_dates(text: str, start: int, end: int, reference: dt.date) -> list[tuple[int, dt.date]]:
    """Dates in text[start:end] that date something done (a dating verb in the same sentence, before the date)."""
    out = []
    for offset, day in parse_dates(text[start:end]):
        at = start + offset
        s_left, _end = _sentence(text, at, at)
        s_left = max(s_left, start)
        line_start = text.rfind("\n", 0, at) + 1
        before = text[max(s_left, at - 120):at]
        on_heading_line = _is_heading(text[line_start:text.find("\n", at) if text.find("\n", at) >= 0 else len(text)])
        if (_DATING.search(before) or on_heading_line) and day <= reference:
            out.append((at, day))
    return out


def _is_heading(line: str) -> bool:
    stripped = line.strip()
    return 0 < len(stripped) <= 70 and not stripped.endswith((".", ",", ";")) and any(
        re.search(p.pattern, stripped, re.I) for p in PARTS
    ) and (bool(_NUMBERED.match(stripped)) or stripped[0].isupper())


def _headings(text: str) -> list[tuple[int, int, Part | None]]:
    """(line start, line end, part or None) of every heading line: a part's own, or any numbered one."""
    out: list[tuple[int, int, Part | None]] = []
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        stripped = line.strip()
        part = None
        if _is_heading(line):
            # The part whose name starts the heading ("4. Undersökning och riskbedömning" names the risk part).
            hits = [(m.start(), p) for p in PARTS for m in [re.search(p.pattern, stripped, re.I)] if m]
            part = min(hits, key=lambda h: h[0])[1]
            out.append((pos, end, part))
        elif _NUMBERED.match(line) and len(stripped) <= 70 and not stripped.endswith("."):
            out.append((pos, end, None))
        pos = end + 1
    return out


def _newer(item: Found, current: Found | None) -> bool:
    """Whether `item` counts instead of `current`: nothing yet, or a dated item more recent than it."""
    if current is None:
        return True
    return item.date is not None and (current.date is None or item.date > current.date)


def find_parts(pages: Sequence[str], doc: Document, reference: dt.date) -> dict[str, Found]:
    """The SAM parts one document holds, each with the date that counts for it."""
    t = Text(pages)
    text = t.text
    headings = _headings(text)
    first = headings[0][0] if headings else len(text)
    preamble = _dating_dates(text, 0, first, reference)
    document_date = max(preamble, key=lambda d: d[1]) if preamble else None
    found: dict[str, Found] = {}

    for index, (start, end, part) in enumerate(headings):
        if part is None:
            continue
        section_end = headings[index + 1][0] if index + 1 < len(headings) else len(text)
        heading = _squash(text[start:end], 80)
        dates = _dating_dates(text, start, section_end, reference)
        chosen = max(dates, key=lambda d: d[1]) if dates else None
        if document_date and (chosen is None or (not part.event and document_date[1] > chosen[1])):
            chosen = document_date  # the document's own revision date dates a standing part
        item = _found(part, doc, t, start, heading, chosen, bound=end)
        # A part with several sections (last year's and this year's): the most recent dated one counts.
        if _newer(item, found.get(part.key)):
            found[part.key] = item

    # A part without a heading of its own still counts when a sentence dates it ("Riskbedömningen gjordes 2026-03-18.").
    for part in PARTS:
        if part.key in found:
            continue
        for m in re.finditer(part.pattern, text, re.I):
            left, right = _sentence(text, m.start(), m.end())
            if not _DATING.search(text[left:right]):
                continue
            dates = _dating_dates(text, left, right, reference)
            chosen = max(dates, key=lambda d: d[1]) if dates else (document_date if not part.event else None)
            found[part.key] = _found(part, doc, t, m.start(), "", chosen, sentence=_squash(text[left:right]))
            break
    return found


def _found(part: Part, doc: Document, t: Text, at: int, heading: str, chosen: tuple[int, dt.date] | None,
           sentence: str = "", bound: int = 0) -> Found:
    if chosen is None:
        return Found(part, doc, t.page(at), heading, None, sentence or heading)
    offset, day = chosen
    left, right = _sentence(t.text, offset, offset)
    if left < bound <= offset:
        left = bound  # the sentence starts after the heading line, which has no full stop
    dated = _squash(t.text[left:right])
    excerpt = dated if not heading or heading in dated else f"{heading} — {dated}"
    return Found(part, doc, t.page(offset), heading, day, excerpt)


class WorkEnvironmentVerifier(BaseVerifier):
    """C6.sam: policy, risk assessment, action plan and annual follow-up present and recent."""

    name = "work-environment"
    version = __version__
    requirements = ("C6.sam",)
    document_kinds = (KIND,)

    def verify(self, application: Application, context: Context) -> Iterable[Result]:
        reference = application.reference_date
        cutoff = months_before(reference, MAX_AGE_MONTHS)
        found: dict[str, Found] = {}
        scanned = []
        for doc in application.documents_of(KIND):
            pages = doc.pages()
            if not any(p.strip() for p in pages):
                scanned.append(doc)
                continue
            for key, item in find_parts(pages, doc, reference).items():
                # Across several documents the most recent dated version of a part counts.
                if _newer(item, found.get(key)):
                    found[key] = item
        if not found and scanned:
            yield Result(
                "C6.sam", "review",
                _("The work-environment document {paths} has no text layer (a scan?): a person must read it.",
                  paths=", ".join(d.path for d in scanned)),
                evidence=[Evidence(document=d.sha256, page=1, excerpt="", note="no text layer") for d in scanned],
            )
            return

        missing = [p.label for p in PARTS if p.key not in found]
        old = [f"{f.part.label} ({day.isoformat()})" for p in PARTS
               if (f := found.get(p.key)) is not None and (day := f.date) is not None and day < cutoff]
        undated = [p.label for p in PARTS if p.key in found and found[p.key].date is None]
        evidence = [
            Evidence(document=f.doc.sha256, page=f.page, excerpt=f.excerpt, rule=f"sam-{f.part.key}")
            for p in PARTS if (f := found.get(p.key))
        ]
        evidence += [Evidence(document=d.sha256, page=1, excerpt="", note="no text layer") for d in scanned]
        metrics = {"parts_found": len(found), "parts_required": len(PARTS), "cutoff": cutoff.isoformat()}
        dates = [f.date for f in found.values() if f.date]
        if dates:
            metrics["oldest_date"] = min(dates).isoformat()

        if missing or old:
            problems = []
            if missing:
                problems.append(_("missing: {parts}", parts=", ".join(missing)))
            if old:
                problems.append(_("older than {months} months (before {cutoff}): {parts}", months=MAX_AGE_MONTHS,
                                  cutoff=cutoff.isoformat(), parts=", ".join(old)))
            if undated:
                problems.append(_("undated: {parts}", parts=", ".join(undated)))
            yield Result("C6.sam", "fail", _("The SAM documents are incomplete — {problems}.", problems="; ".join(problems)),
                         evidence, metrics)
        elif undated:
            yield Result(
                "C6.sam", "review",
                _("The SAM documents hold every part, but no date was found for: {parts}; a person must check they are current.",
                  parts=", ".join(undated)),
                evidence, metrics,
            )
        else:
            parts = ", ".join(f"{f.part.label} {f.date.isoformat() if f.date else ''}" for p in PARTS if (f := found[p.key]))
            yield Result(
                "C6.sam", "pass",
                _("Written SAM documents are present and dated within {months} months before {date} ({parts}).",
                  months=MAX_AGE_MONTHS, date=reference.isoformat(), parts=parts),
                evidence, metrics,
            )


@hookimpl
def register_verifiers(register: Callable[[Verifier], None]) -> None:
    register(WorkEnvironmentVerifier())


@hookimpl
def register_document_kinds(register: Callable[..., None]) -> None:
    register(KIND, "SAM documents: policy, risk assessment, action plan, follow-up (plugin work_environment)")
