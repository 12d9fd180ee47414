"""Turn per-page PDF text into clean sentences: no page furniture, no hyphenation, sections known."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

# Lines that are only a page number: "3", "- 3 -", "1 (2)", "Sida 1 av 2", "sid. 4/9".
_PAGE_NUMBER = re.compile(
    r"^\s*[-–(]?\s*(?:sida|sid\.?|page|s\.)?\s*\d{1,3}\s*(?:(?:av|/|of)\s*\d{1,3}|\(\s*\d{1,3}\s*\))?\s*[-–)]?\s*$",
    re.IGNORECASE,
)
# Section headings: "§ 2 Ändamål", "2 § Ändamål", "Paragraf 2 – Ändamål", "§2."
_SECTION = re.compile(r"^\s*(?:§\s*(\d+\s?[a-z]?)|(\d+\s?[a-z]?)\s*§|paragraf\s+(\d+\s?[a-z]?))(?![\w])\s*[.:–-]?\s*", re.IGNORECASE)
# A numbered list item ("1. Val av ordförande") starts a new unit but is not a section.
_LIST_ITEM = re.compile(r"^\s*(?:[-–—•]\s+\S|(?:\d{1,2}|[a-h])[.)]\s+\S)")
# An agenda run together on one line: "… förekomma 1 Val av ordförande 2 Val av justerare 3 …".
_INLINE_ITEM = re.compile(r"(?:(?<=\s)|^)(\d{1,2})[.)]?\s+(?=[A-ZÅÄÖ][a-zåäö])")
# Characters PDF text layers use for a soft (discretionary) hyphen.
_SOFT_HYPHENS = "\u00ad\x02\ufffe"
_SOFT_BREAK = re.compile(f"[{_SOFT_HYPHENS}](?:\r\n|\r|\n)?")
# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = {
    "t.ex", "bl.a", "org.nr", "kap", "ek", "för", "nr", "jfr", "resp", "ca", "m.m", "o.d", "dvs", "d.v.s",
    "s.k", "p", "st", "mom", "f.d", "fr.o.m", "t.o.m", "enl", "inkl", "exkl", "ang", "avd", "prop", "sfs",
}


@dataclass(frozen=True)
class Sentence:
    """One sentence of a document, with where it came from."""

    text: str
    page: int  # 1-based page where the sentence starts
    section: str  # the heading it falls under, e.g. "§ 12 Vinstdisposition" ("" before the first)
    document: str = ""  # the document's sha256
    lead: str = ""  # for a list item: the words that introduce the list ("Föreningen har till ändamål att")


def _key(line: str) -> str:
    """A header/footer comparison key: case-folded, digits and whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"\d+", "#", line.casefold())).strip()


def strip_page_furniture(pages: list[str]) -> list[list[str]]:
    """Split pages into lines and drop page numbers and headers/footers repeated across pages."""
    # PDFium marks a hyphen it saw at a line end as U+FFFE (or U+0002/soft hyphen), often with no line
    # break after it: the word was split by the layout, so join it back.
    pages = [_SOFT_BREAK.sub("", page) for page in pages]
    split = [[ln.strip() for ln in re.split(r"\r\n|\r|\n", page)] for page in pages]
    split = [[ln for ln in lines if ln] for lines in split]
    edge: Counter[str] = Counter()
    for lines in split:
        # The first and last two lines of a page are where running heads and feet live.
        edge.update({_key(ln) for ln in lines[:2] + lines[-2:]})
    needed = max(2, (len(pages) + 1) // 2)
    repeated = {k for k, n in edge.items() if n >= needed} if len(pages) > 1 else set()
    out: list[list[str]] = []
    for lines in split:
        keep = []
        last = len(lines) - 1
        for i, ln in enumerate(lines):
            at_edge = i < 2 or i > last - 2
            if at_edge and (_PAGE_NUMBER.match(ln) or _key(ln) in repeated):
                continue
            keep.append(ln)
        out.append(keep)
    return out


def _is_heading(line: str) -> bool:
    """An upper-case heading line such as "ÄNDAMÅL" or "§ 4 MEDLEMSKAP"."""
    if len(line) > 60 or line.upper() != line:
        return False
    return sum(1 for c in line if c.isalpha()) >= 2


def _join(current: str, line: str) -> str:
    """Append a line to running text, undoing end-of-line hyphenation."""
    if not current:
        return line
    if current[-1] in _SOFT_HYPHENS:
        return current[:-1] + line
    # "arbets-\nmarknaden" -> "arbetsmarknaden"; keep "flytt- och" and "IT-\nKonsult".
    if current.endswith("-") and len(current) > 1 and current[-2].isalpha() and line[:1].islower():
        if not line.startswith(("och ", "eller ", "samt ")):
            return current[:-1] + line
    return current + " " + line


_VERBS = {"får", "ska", "skall", "kan", "är", "har", "bör", "ägs", "utses", "väljs"}


def _title(rest: str) -> str:
    """The heading's title ("Ändamål"), not body text that runs on the same line."""
    head = re.split(r"[.:]\s|[.:]$|\s{2,}", rest.strip(), maxsplit=1)[0].strip()
    # A title is a few words; more is a sentence ("§ 4 Vinstutdelning får inte ske.").
    words = head.casefold().split()
    if not words or len(words) > 4 or len(head) > 50 or _VERBS.intersection(words):
        return ""
    return head


@dataclass
class _Unit:
    text: str
    page: int
    section: str
    breaks: list[tuple[int, int]]  # (offset in text, page) where a later page begins
    lead: str = ""
    item: bool = False


def _units(pages: list[list[str]]) -> list[_Unit]:
    """Group lines into paragraphs/headings/list items, carrying page and section."""
    units: list[_Unit] = []
    cur: _Unit | None = None
    section = ""
    lead = ""  # the open lead-in of the current list
    for pno, lines in enumerate(pages, start=1):
        for ln in lines:
            ln = ln.replace("\u00a0", " ")
            sec = _SECTION.match(ln)
            heading = sec is not None or _is_heading(ln)
            item = bool(_LIST_ITEM.match(ln)) and not heading
            if heading or item:
                if cur:
                    units.append(cur)
                    if item and not cur.item and not cur.text.rstrip().endswith((".", "!", "?")):
                        lead = _lead_text(cur.text)
                    cur = None
                if item:
                    cur = _Unit(ln, pno, section, [], lead, True)
                    continue
                lead = ""
            if sec:
                number = next(g for g in sec.groups() if g)
                section = f"§ {number.replace(' ', '')} {_title(ln[sec.end():])}".strip()
                rest = ln[sec.end():]
                if len(rest) > 60:
                    # A heading line that goes on into body text ("§ 2 Ändamål. Föreningen ska …").
                    cur = _Unit(ln, pno, section, [])
                else:
                    units.append(_Unit(ln, pno, section, []))
                continue
            if heading:
                if not section or not section.startswith("§"):
                    section = ln.strip()
                units.append(_Unit(ln, pno, section, []))
                continue
            if cur is None:
                cur = _Unit(ln, pno, section, [])
                lead = ""
            else:
                if pno != (cur.breaks[-1][1] if cur.breaks else cur.page):
                    cur.breaks.append((len(cur.text) + 1, pno))
                cur.text = _join(cur.text, ln)
        # A paragraph continues over a page break only mid-sentence.
        if cur and cur.text.rstrip().endswith((".", "!", "?", ":")):
            units.append(cur)
            cur = None
    if cur:
        units.append(cur)
    return units


_SENTENCE_END = re.compile(r"[.!?]\s+(?=[\"'«(§]?[A-ZÅÄÖÉÜ0-9])")


def _split_sentences(text: str) -> list[tuple[int, str]]:
    """Split at sentence ends, not after common abbreviations; returns (offset, sentence)."""
    out: list[tuple[int, str]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        before = text[start:m.start()].rsplit(None, 1)
        word = before[-1].casefold().rstrip(".") if before else ""
        if word in _ABBREVIATIONS or text[start:m.start()].strip().isdigit():
            continue
        out.append((start, text[start:m.start() + 1].strip()))
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append((start, tail))
    return out


def _lead_text(text: str) -> str:
    """The last sentence of a unit that introduces a list ("Föreningen har till ändamål att")."""
    parts = _split_sentences(text)
    return parts[-1][1].rstrip(":–- ") if parts else ""


def _agenda(text: str) -> list[tuple[int, str, str]] | None:
    """Split an agenda run together in one paragraph into (offset, item, lead), or None.

    Only a run of at least three items numbered 1, 2, 3 … counts, so "5 000 kronor" or "§ 3 Styrelse"
    in running text is left alone.
    """
    found = [m for m in _INLINE_ITEM.finditer(text)]
    run: list[re.Match[str]] = []
    for m in found:
        n = int(m.group(1))
        if run and n == int(run[-1].group(1)) + 1:
            run.append(m)
        elif n in (1, 2) and len(run) < 3:
            run = [m]
    if len(run) < 3:
        return None
    lead = text[:run[0].start()].strip().rstrip(":")
    out = [(0, lead, "")] if lead else []
    for i, m in enumerate(run):
        end = run[i + 1].start() if i + 1 < len(run) else len(text)
        out.append((m.start(), text[m.start():end].strip(), lead))
    return out


def sentences(pages: list[str], document: str = "") -> list[Sentence]:
    """Sentences of a document in reading order, each with its page and section (and a list item's lead-in)."""
    out: list[Sentence] = []
    for unit in _units(strip_page_furniture(pages)):
        parts = [(o, t, unit.lead) for o, t in _split_sentences(unit.text)]
        agenda = _agenda(unit.text) if not unit.item else None
        if agenda:
            parts = agenda
        for offset, text, lead in parts:
            page = unit.page
            for at, p in unit.breaks:
                if offset >= at:
                    page = p
            out.append(Sentence(text=text, page=page, section=unit.section, document=document, lead=lead))
    return out
