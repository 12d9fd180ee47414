"""Tagged facts of an Inline XBRL document (Bolagsverket's digital annual report, se-gen-base taxonomy).

Sweden's digital årsredovisning is an XHTML file whose figures are tagged with ix:nonFraction
(numbers) and ix:nonNumeric (text), each naming a taxonomy concept ("se-gen-base:Nettoomsattning",
"se-gen-base:ForslagDispositionUtdelning") and a context (the period). Reading the tags is exact where
guessing from the rendered text is not. Parsed with defusedxml: the file comes from the applicant,
so no entity expansion and no external DTDs.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .i18n import _

MAX_BYTES = 32 * 1024 * 1024
MAX_FACTS = 100_000
_IX_NAMESPACES = ("http://www.xbrl.org/2013/inlineXBRL", "http://www.xbrl.org/2008/inlineXBRL")


class IxbrlError(ValueError):
    """The document is not a readable Inline XBRL report."""


@dataclass(frozen=True)
class Fact:
    """One tagged number: concept, context, value in whole units (kronor) and the text as rendered."""

    concept: str  # "se-gen-base:Nettoomsattning"
    context: str
    value: Decimal
    text: str
    period_end: dt.date | None

    @property
    def local_name(self) -> str:
        return self.concept.rsplit(":", 1)[-1]

    def quote(self) -> str:
        """The fact as evidence: concept, value as written and its period — never raw markup."""
        period = f", period ending {self.period_end.isoformat()}" if self.period_end else f", context {self.context}"
        return f"{self.concept} = {self.text} ({_kronor(self.value)}{period})"


def _kronor(value: Decimal) -> str:
    whole = int(value)
    return ("−" if whole < 0 else "") + f"{abs(whole):,}".replace(",", " ") + " kr"


def looks_like_ixbrl(head: bytes) -> bool:
    """XHTML carrying inline XBRL tags (the first 64 KiB tell)."""
    low = head[:65536].lower()
    return b"<html" in low and (b"inlinexbrl" in low or b"ix:nonfraction" in low or b"ix:header" in low)


def _local(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return "", tag


def _number(text: str, fmt: str) -> Decimal | None:
    """The value of a rendered number under its ixt format (numspacecomma, numdotdecimal, fixed-zero …)."""
    fmt = fmt.rsplit(":", 1)[-1].casefold()
    if fmt in ("fixed-zero", "zerodash", "fixedzero"):
        return Decimal(0)
    raw = re.sub(r"[\s\u00a0\u202f]", "", text)
    if raw in ("", "-", "–", "—"):
        return Decimal(0) if raw else None
    if "comma" in fmt and "decimal" not in fmt or fmt in ("numspacecomma", "numdotcomma", "num-dot-comma", "numcommadecimal", "num-comma-decimal"):
        raw = raw.replace(".", "").replace(",", ".")  # 1.234,5 / 1 234,5
    else:
        raw = raw.replace(",", "")  # 1,234.5
    try:
        return Decimal(raw)
    except InvalidOperation:
        return None


def read_facts(data: bytes) -> list[Fact]:
    """Every ix:nonFraction fact of an inline XBRL document, with its context's period end."""
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    if len(data) > MAX_BYTES:
        raise IxbrlError(_("larger than {limit} MiB", limit=MAX_BYTES // (1024 * 1024)))
    try:
        root = ElementTree.fromstring(data)
    except DefusedXmlException:
        raise IxbrlError(_("forbidden XML constructs (entities or a DTD)")) from None
    except ElementTree.ParseError as exc:
        raise IxbrlError(_("not well-formed XHTML (line {line})", line=exc.position[0])) from None
    periods: dict[str, dt.date | None] = {}
    for el in root.iter():
        ns, name = _local(el.tag)
        if name == "context" and "xbrl" in ns:
            end = None
            for child in el.iter():
                cname = _local(child.tag)[1]
                if cname in ("endDate", "instant") and child.text:
                    try:
                        end = dt.date.fromisoformat(child.text.strip()[:10])
                    except ValueError:
                        end = None
            periods[el.get("id", "")] = end
    facts: list[Fact] = []
    for el in root.iter():
        ns, name = _local(el.tag)
        if ns not in _IX_NAMESPACES or name != "nonFraction":
            continue
        text = "".join(el.itertext()).strip()
        value = _number(text, el.get("format", ""))
        if value is None:
            continue
        try:
            scale = int(el.get("scale", "0") or 0)
        except ValueError:
            continue
        if abs(scale) > 12:
            continue
        value = value.scaleb(scale)
        if el.get("sign") == "-":
            value = -value
        context = el.get("contextRef", "")
        facts.append(Fact(el.get("name", ""), context, value, text, periods.get(context)))
        if len(facts) >= MAX_FACTS:
            break
    if not facts and not periods:
        raise IxbrlError(_("no inline XBRL facts"))
    return facts


def current(facts: list[Fact], local_name: str) -> Fact | None:
    """The fact of this concept for the latest period (the financial year reported on)."""
    mine = [f for f in facts if f.local_name == local_name]
    if not mine:
        return None
    return max(mine, key=lambda f: (f.period_end or dt.date.min))
