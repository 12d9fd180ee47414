"""asfverify plugin: the annual report (årsredovisning) for C3.market and C4.accounts.

C3.market   – net sales (nettoomsättning, or "Försäljning" and the like) are present and positive and
              make at least the criteria policy's share of the income (`annual_report.min_sales_share_percent`;
              below it: review, an organisation living on grants): the organisation sells on a market.
C4.accounts – the board's proposed appropriation of profit ("Förslag till vinstdisposition") carries the
              result forward ("balanseras i ny räkning") and no distribution — utdelning, återbäring,
              efterlikvid, gottgörelse — is proposed or recorded; dividends the organisation *received*
              ("utdelning på aktier" in a note) are income, not distributions.

The words are data: the criteria set's [policy.annual_report] (asf-v1.toml) may replace the defaults
below. Bolagsverket's digital annual report (iXBRL .xhtml, se-gen-base taxonomy) is read from its
tagged facts (asfverify.ixbrl) instead of its text.

Drop this file into a workspace's plugins/ folder (asfverify.toml: plugins = "plugins"). It is one
self-contained module on purpose: the host loads plugins/*.py one by one, so it imports nothing but
asfverify and the standard library. Reads only the documents it is given; no network, no files written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from asfverify import Application, BaseVerifier, Context, Document, Evidence, Result, Verifier, hookimpl, plugin_translator

if TYPE_CHECKING:
    from asfverify.ixbrl import Fact

__version__ = "1.1"

# Messages in the certifier's language: Swedish from annual_report.sv.po beside this file.
_ = plugin_translator(__file__)

KIND = "annual-report"

# --- Swedish amounts -----------------------------------------------------------------------------

# Thousands are grouped with (no-break) spaces, decimals use a comma, negatives use -, − or – or
# parentheses: "1 234 567 kr", "1 234,5 tkr", "−42 000", "(1 900)". A lone dash means nothing (zero).
_SPACES = re.compile(r"[\u00a0\u202f\u2009\u2007]")
_MINUS = "-\u2212\u2013"
_TOKEN = re.compile(rf"^(?P<neg>[{_MINUS}])?(?P<open>\()?(?P<digits>\d+)(?:,(?P<dec>\d+))?(?P<close>\))?$")
_DASH = re.compile(rf"^[{_MINUS}]$")
UNITS = {"kr": 1, "sek": 1, ":-": 1, "tkr": 1000, "ksek": 1000, "tsek": 1000, "mkr": 1_000_000, "msek": 1_000_000}
_UNIT_HINT = re.compile(r"\((?P<u>tkr|kr|mkr|sek|ksek|tsek|msek)\)|belopp i (?P<u2>tkr|kr|mkr|sek|ksek|tsek|msek)\b|(?P<tk>tusentals kronor)", re.I)


@dataclass(frozen=True)
class Amount:
    """An amount as written and its value in whole kronor."""

    text: str
    kronor: int


def _normalise(text: str) -> str:
    return _SPACES.sub(" ", text)


def _value(tokens: Sequence[str], factor: int) -> Amount | None:
    """The amount written as these tokens ("6", "842", "100"), or None if they are not one amount."""
    if len(tokens) == 1 and _DASH.match(tokens[0]):
        return Amount(tokens[0], 0)
    parsed = [m for t in tokens if (m := _TOKEN.match(t))]
    if len(parsed) != len(tokens):
        return None
    first, last = parsed[0], parsed[-1]
    for i, m in enumerate(parsed):
        if i > 0 and (m["neg"] or m["open"] or len(m["digits"]) != 3):
            return None  # only the first group may carry a sign or be shorter than three digits
        if i < len(parsed) - 1 and (m["dec"] or m["close"]):
            return None  # decimals and a closing parenthesis end an amount
        if len(tokens) > 1 and i == 0 and len(m["digits"]) > 3:
            return None
    if bool(first["open"]) != bool(last["close"]):
        return None
    digits = "".join(m["digits"] for m in parsed) + (f".{last['dec']}" if last["dec"] else "")
    value = (Decimal(digits) * factor).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    negative = bool(first["neg"]) or bool(first["open"])
    return Amount(" ".join(tokens), -int(value) if negative else int(value))


def _partitions(tokens: Sequence[str], columns: int, factor: int) -> Iterable[list[tuple[Amount, int]]]:
    """Every way to read the tokens as exactly `columns` amounts, as (amount, token count) pairs."""
    if columns == 0:
        if not tokens:
            yield []
        return
    for j in range(1, len(tokens) - columns + 2):
        head = _value(tokens[:j], factor)
        if head is not None:
            for rest in _partitions(tokens[j:], columns - 1, factor):
                yield [(head, j), *rest]


def _greedy(tokens: Sequence[str], factor: int) -> list[Amount] | None:
    """Read amounts left to right, each as long as it still reads as one amount."""
    out: list[Amount] = []
    i = 0
    while i < len(tokens):
        for j in range(len(tokens), i, -1):
            amount = _value(tokens[i:j], factor)
            if amount is not None:
                out.append(amount)
                i = j
                break
        else:
            return out or None
    return out


def _split(tokens: Sequence[str], columns: int | None, factor: int, has_note: bool = False) -> list[Amount] | None:
    """Split number tokens into one amount per value column.

    Spaces both group thousands and separate columns, so "3 842 100 610 551" under two columns is
    ambiguous. Figures of neighbouring years are of a similar size, so the reading whose columns have
    the most similar number of digit groups wins; a leading 1–2 digit number is tried as a note
    reference when there is a "Not" column, and the plain reading wins a tie.
    """
    if columns is None:
        return _greedy(tokens, factor)
    candidates: list[tuple[int, int, list[Amount]]] = []
    variants = [(0, list(tokens))]
    if has_note and len(tokens) > 1 and re.fullmatch(r"\d{1,2}", tokens[0]):
        variants.append((1, list(tokens[1:])))
    for note, words in variants:
        for partition in _partitions(words, columns, factor):
            sizes = [size for _amount, size in partition]
            candidates.append((max(sizes) - min(sizes), note, [amount for amount, _size in partition]))
    if not candidates:
        # The header may not be the one for this line (a period over two lines): read greedily.
        return _greedy(tokens, factor)
    return min(candidates, key=lambda c: (c[0], c[1]))[2]


def parse_amount(text: str) -> int | None:
    """Whole kronor of one Swedish amount such as "1 234 567 kr", "1 234,5 tkr", "−42 000" or "(1 900)"."""
    words = _normalise(text).replace("(", "( ").replace(")", " )").split()
    factor = 1
    if words and words[-1].lower().rstrip(".") in UNITS:
        factor = UNITS[words.pop().lower().rstrip(".")]
    # Re-attach parentheses to the digits they enclose.
    joined = " ".join(words).replace("( ", "(").replace(" )", ")")
    tokens = joined.split()
    if len(tokens) > 1 and tokens[0] in _MINUS:
        tokens = [tokens[0] + tokens[1], *tokens[2:]]
    amount = _value(tokens, factor) if tokens else None
    return amount.kronor if amount else None


# --- reading statement lines ---------------------------------------------------------------------

_YEAR_COLUMN = r"(?:19|20)\d{2}(?:-\d{2}(?:-\d{2})?)?(?:\s*[-\u2013/]\s*(?:19|20)?\d{2}(?:-\d{2}(?:-\d{2})?)?)?"
# A column header: an optional short label ("Belopp i kr", "Not") and then only years or periods.
_HEADER = re.compile(rf"^\s*(?P<label>[^\d\n]{{0,40}}?)\s*(?P<cols>{_YEAR_COLUMN}(?:\s+{_YEAR_COLUMN})*)\s*$", re.I)


def _columns(lines: Sequence[str], index: int) -> tuple[int | None, bool]:
    """(number of value columns, has a note column) from the nearest column header above line `index`."""
    for back in range(index - 1, max(-1, index - 30), -1):
        m = _HEADER.match(lines[back])
        if m:
            return len(re.findall(_YEAR_COLUMN, m["cols"])), bool(re.search(r"\bnot\b", m["label"], re.I))
    return None, False


def _unit(lines: Sequence[str], index: int, line: str) -> int:
    """The factor to kronor: the line's own unit, else the nearest "(tkr)" / "Belopp i kr" above it."""
    tail = line.split()[-1].lower().rstrip(".") if line.split() else ""
    if tail in UNITS:
        return UNITS[tail]
    for back in range(index, max(-1, index - 40), -1):
        m = _UNIT_HINT.search(lines[back])
        if m:
            return 1000 if m["tk"] else UNITS[(m["u"] or m["u2"]).lower()]
    return 1


def line_amounts(lines: Sequence[str], index: int, label: re.Pattern[str]) -> list[Amount] | None:
    """The amounts after `label` on line `index`, one per value column, in kronor (note numbers skipped)."""
    line = lines[index]
    m = label.search(line)
    if not m:
        return None
    rest = line[m.end():].strip(" :\t")
    words = rest.replace("(", " (").split()
    if words and words[-1].lower().rstrip(".") in UNITS:
        words = words[:-1]
    if not words or not all(_TOKEN.match(w) or _DASH.match(w) for w in words):
        return None
    factor = _unit(lines, index, line)
    columns, has_note = _columns(lines, index)
    return _split(words, columns, factor, has_note)


# --- text helpers ---------------------------------------------------------------------------------


def _excerpt(text: str, width: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _fmt(kronor: int) -> str:
    sign = "−" if kronor < 0 else ""
    return sign + f"{abs(kronor):,}".replace(",", " ") + " kr"


def _text_pages(doc: Document) -> list[str] | None:
    """Page texts, or None when no page has a text layer (a scan)."""
    pages = [_normalise(p) for p in doc.pages()]
    return pages if any(p.strip() for p in pages) else None


# --- vocabulary (defaults; the criteria set's [policy.annual_report] replaces them) -----------------

DEFAULT_VOCABULARY: dict[str, object] = {
    # Income from sales, as income statements head it (K2/K3, ekonomisk förening, ideell förening).
    "net_sales_labels": ["nettoomsättning", "försäljning av varor och tjänster", "intäkter från försäljning",
                         "försäljningsintäkter", "försäljning", "summa nettoomsättning"],
    # A total of the income, of which sales are a part.
    "income_total_labels": ["summa rörelseintäkter", "summa rörelsens intäkter", "summa intäkter",
                            "summa rörelseintäkter, lagerförändringar m.m.", "rörelsens intäkter", "rörelseintäkter",
                            "intäkter"],
    # Other income beside sales (summed with sales when there is no total line).
    "other_income_labels": ["övriga rörelseintäkter", "erhållna bidrag", "bidrag", "offentliga bidrag", "lönebidrag",
                            "erhållna gåvor och bidrag", "gåvor", "medlemsavgifter", "statliga bidrag",
                            "kommunala bidrag", "projektbidrag"],
    # Distributions to owners or members, whatever they are called.
    "distribution_words": ["vinstutdelning", "utdelning", "återbäring", "efterlikvid", "gottgörelse",
                           "överskottsutdelning", "insatsutdelning"],
    # Dividends the organisation received: income from holdings, not distributions.
    "received_phrases": ["utdelning på aktier", "utdelning på andelar", "utdelning på värdepapper", "utdelning från",
                         "utdelningar från", "erhållen utdelning", "erhållna utdelningar", "mottagen utdelning",
                         "mottagna utdelningar", "utdelningsintäkter", "resultat från andelar"],
    "min_sales_share_percent": 25,
}


@dataclass(frozen=True)
class Vocabulary:
    net_sales: re.Pattern[str]
    income_total: re.Pattern[str]
    other_income: re.Pattern[str]
    distribution: re.Pattern[str]
    received: re.Pattern[str]
    min_share: int


def _label_pattern(labels: Sequence[str]) -> re.Pattern[str]:
    """A line that begins with one of the labels (longest first), not a ratio ("per anställd", "i %")."""
    alts = "|".join(re.escape(x).replace(r"\ ", r"\s+") for x in sorted(labels, key=len, reverse=True))
    return re.compile(rf"^\s*(?:{alts})(?:en|na)?\b(?!\s*(?:per|i\s+%|/|och\s+kostnader))", re.I)


def vocabulary(policy: object = None) -> Vocabulary:
    """The words in use: the criteria policy's [policy.annual_report], else the defaults."""
    given = {}
    if isinstance(policy, dict) and isinstance(policy.get("annual_report"), dict):
        given = policy["annual_report"]
    v = {**DEFAULT_VOCABULARY, **given}

    def words(key: str) -> list[str]:
        value = v[key]
        if not isinstance(value, list) or not all(isinstance(x, str) and x.strip() for x in value) or not value:
            raise ValueError(_("policy.annual_report.{key} must be a list of words", key=key))
        return [x.strip() for x in value]

    dist = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words("distribution_words"), key=len, reverse=True))
    received = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words("received_phrases"), key=len, reverse=True))
    share = v["min_sales_share_percent"]
    if isinstance(share, bool) or not isinstance(share, int) or not 0 <= share <= 100:
        raise ValueError(_("policy.annual_report.min_sales_share_percent must be an integer from 0 to 100"))
    return Vocabulary(
        _label_pattern(words("net_sales_labels")), _label_pattern(words("income_total_labels")),
        _label_pattern(words("other_income_labels")),
        re.compile(rf"\b(?:{dist})(?:en|ar|arna|na)?\b|\butdelas\b|\bdelas\s+ut\b"
                   r"|\butbetalas\s+till\s+(?:aktieägarna|medlemmarna|ägarna|delägarna)\b", re.I),
        re.compile(rf"\b(?:{received})", re.I),
        share,
    )


# --- C3.market: net sales ---------------------------------------------------------------------------

_NET_SALES = re.compile(r"^\s*(?:summa\s+)?nettoomsättning(?:en)?\b(?!\s*(?:per|i\s+%|/))", re.I)


@dataclass
class NetSales:
    kronor: int
    page: int
    line: str
    columns: int


def find_net_sales(pages: Sequence[str], label: re.Pattern[str] = _NET_SALES) -> tuple[list[NetSales], list[tuple[int, str]]]:
    """Net-sales figures found (current year first column) and lines naming net sales without a figure."""
    found: list[NetSales] = []
    unreadable: list[tuple[int, str]] = []
    for page_no, text in enumerate(pages, start=1):
        lines = text.split("\n")
        for i, line in enumerate(lines):
            if not label.search(line):
                continue
            amounts = line_amounts(lines, i, label)
            if amounts:
                found.append(NetSales(amounts[0].kronor, page_no, line.strip(), len(amounts)))
            else:
                unreadable.append((page_no, line.strip()))
    # A line with one value column (the income statement) is the most precise figure.
    found.sort(key=lambda n: (n.columns != 1, n.page))
    return found, unreadable


# --- C4.accounts: appropriation of profit -----------------------------------------------------------

_APPROPRIATION = re.compile(
    r"förslag\s+till\s+(?:vinst|resultat)?disposition|(?:vinst|resultat)disposition|disposition\s+av\s+(?:årets\s+)?(?:resultat|vinst)"
    r"|förslag\s+till\s+behandling\s+av\s+(?:ansamlad\s+|årets\s+)?(?:förlust|vinst|resultat)"
    r"|styrelsen\s+(?:och\s+verkställande\s+direktören\s+)?föreslår\s+att",
    re.I,
)
# Where the appropriation section ends: the next statement or signatures.
_SECTION_END = re.compile(r"^\s*(resultaträkning|balansräkning|kassaflödesanalys|noter|underskrifter|revisionsberättelse)\b", re.I | re.M)
_DIVIDEND = re.compile(
    r"\b(?:vinst)?utdelning(?:en|ar)?\b|\butdelas\b|\bdelas\s+ut\b|\båterbäring(?:en)?\b"
    r"|\butbetalas\s+till\s+(?:aktieägarna|medlemmarna|ägarna|delägarna)\b",
    re.I,
)
_RECEIVED = re.compile(r"\b(?:erhåll\w*|mottag\w*|erhölls)\s+$", re.I)
_NEGATION = re.compile(r"\b(?:ingen|inga|inte|ej|icke|utan|aldrig)\b", re.I)
_CARRY_FORWARD = re.compile(r"\bbalanseras\b|\bi\s+ny\s+räkning\b|\bförs\s+över\s+till\s+(?:nästa|kommande)\s+år\b", re.I)
_NUMBER = re.compile(rf"[{_MINUS}(]?\d[\d ]*(?:,\d+)?\)?|(?<!\w)[{_MINUS}](?!\w)")


def _sentences(text: str) -> list[tuple[int, int]]:
    """Spans of clauses: a period, semicolon or a line ending in a figure (a table row) ends one."""
    spans, start = [], 0
    for m in re.finditer(r"[.;]\s|\d\)?[ \t]*\n|\n\s*\n", text):
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(text)))
    return spans


@dataclass
class Finding:
    page: int
    excerpt: str


def _is_dividend(clause: str, m: re.Match[str]) -> bool:
    """A dividend word that is not negated and not a zero amount ("Utdelning 0", "Utdelning –")."""
    if _NEGATION.search(clause):
        return False
    after = clause[m.end():]
    first_line = after.split("\n", 1)[0]
    numbers = [n.group().strip() for n in _NUMBER.finditer(first_line) if n.group().strip()]
    values = [parse_amount(n) for n in numbers]
    values = [v for v in values if v is not None]
    return not values or any(v != 0 for v in values)


def _received_at(clause: str, at: int, received: re.Pattern[str] | None) -> bool:
    """A received-dividend phrase ("utdelning på aktier", "erhållna utdelningar") covering position `at`."""
    if received is None:
        return False
    return any(m.start() <= at < m.end() for m in received.finditer(clause))


def find_dividends(pages: Sequence[str], vocab: Vocabulary | None = None) -> list[Finding]:
    """Clauses anywhere in the report that propose or record a distribution (utdelning, återbäring, efterlikvid …)."""
    out: list[Finding] = []
    pattern = vocab.distribution if vocab is not None else _DIVIDEND
    received = vocab.received if vocab is not None else None
    for page_no, text in enumerate(pages, start=1):
        for start, end in _sentences(text):
            clause = text[start:end]
            for m in pattern.finditer(clause):
                # Dividends received ("erhållen utdelning", "utdelning på aktier" in a note) are income, and
                # "utdelning får ske" states a rule (C4.bylaws judges rules): neither is a distribution.
                if _received_at(clause, m.start(), received):
                    continue
                if _RECEIVED.search(clause[max(0, m.start() - 20):m.start()]) or re.match(r"\s+(?:från|på\s+aktier\s+i|får|kan)\b", clause[m.end():], re.I):
                    continue
                if _is_dividend(clause, m):
                    out.append(Finding(page_no, _excerpt(clause)))
                    break
    return out


def find_appropriation(pages: Sequence[str]) -> list[tuple[int, str]]:
    """(page, text) of each proposed appropriation of profit: from its heading to the next statement."""
    sections: list[tuple[int, str]] = []
    for page_no, text in enumerate(pages, start=1):
        for m in _APPROPRIATION.finditer(text):
            end_match = _SECTION_END.search(text, m.end())
            end = min(end_match.start() if end_match else len(text), m.start() + 1500)
            sections.append((page_no, text[m.start():end]))
    return sections


# --- the verifier ----------------------------------------------------------------------------------


class AnnualReportVerifier(BaseVerifier):
    """Reads a Swedish årsredovisning: net sales (C3.market) and the appropriation of profit (C4.accounts)."""

    name = "annual-report"
    version = __version__
    requirements = ("C3.market", "C4.accounts")
    document_kinds = (KIND,)

    def verify(self, application: Application, context: Context) -> Iterable[Result]:
        docs = application.documents_of(KIND)
        try:
            vocab = vocabulary(getattr(context, "policy", None))
        except ValueError as exc:
            for requirement in self.requirements:
                yield Result(requirement, "error", _("The criteria set's annual-report policy is unusable: {error}.", error=exc))
            return
        tagged = [d for d in docs if _is_ixbrl(d)]
        if tagged:
            yield from self._from_facts(tagged[0], vocab)
            return
        readable: list[tuple[Document, list[str]]] = []
        scanned: list[Document] = []
        for doc in docs:
            pages = _text_pages(doc)
            if pages is None:
                scanned.append(doc)
            else:
                readable.append((doc, pages))
        if not readable:
            ev = [Evidence(document=d.sha256, page=1, excerpt="", note="no text layer") for d in scanned]
            names = ", ".join(d.path for d in scanned)
            for requirement in self.requirements:
                yield Result(requirement, "review", _("The annual report {names} has no text layer (a scan?): a person must read it.", names=names),
                             evidence=ev)
            return
        market, accounts = self._market(readable, scanned, vocab), self._accounts(readable, scanned, vocab)
        # A report with some scanned pages: the figure may be on one of them, so say which.
        blank = [_("{path} p. {pages}", path=doc.path, pages=", ".join(str(i) for i, p in enumerate(pages, 1) if not p.strip()))
                 for doc, pages in readable if not all(p.strip() for p in pages)]
        for result in (market, accounts):
            if result.outcome == "review" and blank:
                result.summary = _("{summary} Pages without a text layer: {pages}.", summary=result.summary, pages="; ".join(blank))
            yield result

    def _market(self, readable: Sequence[tuple[Document, list[str]]], scanned: Sequence[Document], vocab: Vocabulary) -> Result:
        best: tuple[Document, list[str], NetSales] | None = None
        unreadable: list[Evidence] = []
        for doc, pages in readable:
            found, bad = find_net_sales(pages, vocab.net_sales)
            if found and best is None:
                best = (doc, pages, found[0])
            unreadable += [Evidence(document=doc.sha256, page=p, excerpt=_excerpt(line)) for p, line in bad]
        if best is None:
            for doc, pages in readable:
                totals = [t for t in find_net_sales(pages, vocab.income_total)[0]]
                if totals:
                    t = totals[0]
                    return Result("C3.market", "review", _(
                        "The annual report shows income of {amount} (\"{line}\") but no line for sales (nettoomsättning, "
                        "försäljning): how much of it is sales rather than grants a person must read.",
                        amount=_fmt(t.kronor), line=_excerpt(t.line, 60)),
                        [Evidence(document=doc.sha256, page=t.page, excerpt=_excerpt(t.line), rule="income-total")],
                        {"income_total_sek": t.kronor})
            summary = (_("No net sales (nettoomsättning) figure was found in the annual report, only a line without a readable amount.")
                       if unreadable else _("No net sales (nettoomsättning) figure was found in the annual report."))
            return Result("C3.market", "review", summary, evidence=unreadable[:3] or self._scan_note(scanned))
        doc, pages, sales = best
        evidence = [Evidence(document=doc.sha256, page=sales.page, excerpt=_excerpt(sales.line), rule="net-sales")]
        income, income_line = _income(pages[sales.page - 1], sales, vocab)
        if income_line:
            evidence.append(Evidence(document=doc.sha256, page=sales.page, excerpt=_excerpt(income_line), rule="income"))
        return _market_result(sales.kronor, income, vocab.min_share, evidence)

    def _from_facts(self, doc: Document, vocab: Vocabulary) -> Iterable[Result]:
        """C3.market and C4.accounts from a digital annual report's tagged facts (iXBRL)."""
        from asfverify.ixbrl import IxbrlError, current, read_facts

        try:
            facts = read_facts(doc.read_bytes())
        except IxbrlError as exc:
            for requirement in self.requirements:
                yield Result(requirement, "error", _("{path} looks like a digital annual report (iXBRL) but {error}.", path=doc.path, error=exc))
            return
        def ev(fact: Fact, rule: str) -> Evidence:
            return Evidence(document=doc.sha256, excerpt=fact.quote(), rule=rule)
        sales = current(facts, "Nettoomsattning")
        if sales is None:
            yield Result("C3.market", "review", _("The digital annual report {path} has no tagged net sales "
                         "(se-gen-base:Nettoomsattning): a person must read it.", path=doc.path),
                         [Evidence(document=doc.sha256, excerpt="no Nettoomsattning fact")])
        else:
            total = current(facts, "RorelseintakterLagerforandringarMm") or current(facts, "Rorelseintakter")
            other = current(facts, "OvrigaRorelseintakter")
            evidence = [ev(sales, "net-sales")]
            income = None
            if total is not None:
                income = int(total.value)
                evidence.append(ev(total, "income"))
            elif other is not None:
                income = int(sales.value) + int(other.value)
                evidence.append(ev(other, "income"))
            yield _market_result(int(sales.value), income, vocab.min_share, evidence)
        paid = [f for f in facts if _is_distribution_fact(f.local_name) and f.value != 0]
        carried = current(facts, "ForslagDispositionBalanserasINyRakning")
        if paid:
            yield Result("C4.accounts", "fail", _("The digital annual report tags a distribution: {fact}.", fact=paid[0].quote()),
                         [ev(f, "dividend") for f in paid[:3]], {"dividend_mentions": len(paid)})
        elif carried is not None:
            yield Result("C4.accounts", "pass", _("The proposed appropriation of profit carries the result forward "
                         "({fact}); no distribution is tagged.", fact=carried.quote()), [ev(carried, "carried-forward")])
        else:
            yield Result("C4.accounts", "review", _("The digital annual report {path} tags no proposed appropriation "
                         "of profit (se-gen-base:ForslagDisposition…): a person must read it.", path=doc.path),
                         [Evidence(document=doc.sha256, excerpt="no ForslagDisposition fact")])

    def _accounts(self, readable: Sequence[tuple[Document, list[str]]], scanned: Sequence[Document],
                  vocab: Vocabulary | None = None) -> Result:
        dividends: list[Evidence] = []
        carried: list[Evidence] = []
        sections: list[Evidence] = []
        for doc, pages in readable:
            dividends += [Evidence(document=doc.sha256, page=f.page, excerpt=f.excerpt, rule="dividend") for f in find_dividends(pages, vocab)]
            for page, section in find_appropriation(pages):
                sections.append(Evidence(document=doc.sha256, page=page, excerpt=_excerpt(section)))
                for start, end in _sentences(section):
                    clause = section[start:end]
                    if _CARRY_FORWARD.search(clause):
                        ev = Evidence(document=doc.sha256, page=page, excerpt=_excerpt(clause), rule="carried-forward")
                        if ev not in carried:  # two headings ("Förslag till…", "Styrelsen föreslår…") may share a clause
                            carried.append(ev)
                        break
        if dividends:
            return Result(
                "C4.accounts", "fail",
                _("The annual report proposes or records a dividend: \"{excerpt}\".", excerpt=dividends[0].excerpt),
                evidence=dividends[:3],
                metrics={"dividend_mentions": len(dividends)},
            )
        if carried:
            return Result("C4.accounts", "pass", _("The proposed appropriation of profit carries the result forward (balanseras i ny räkning); "
                                                   "no dividend."), evidence=carried[:2])
        if sections:
            return Result(
                "C4.accounts", "review",
                _("The appropriation of profit names no dividend but does not say the result is carried forward: a person must read it."),
                evidence=sections[:2],
            )
        return Result(
            "C4.accounts", "review",
            _("No proposed appropriation of profit (förslag till vinstdisposition) was found in the annual report."),
            evidence=self._scan_note(scanned),
        )

    @staticmethod
    def _scan_note(scanned: Sequence[Document]) -> list[Evidence]:
        return [Evidence(document=d.sha256, page=1, excerpt="", note="no text layer") for d in scanned]


def _is_ixbrl(doc: Document) -> bool:
    """A digital annual report (XHTML with inline XBRL tags), told by its content."""
    if getattr(doc, "is_pdf", False):
        return False
    from asfverify.ixbrl import looks_like_ixbrl

    with doc.open() as fh:
        return looks_like_ixbrl(fh.read(65536))


# se-gen-base concepts that are distributions to owners: the proposed dividend and dividends paid
# in the changes of equity; received dividends ("…Erhallna…", results from holdings) are income.
def _is_distribution_fact(name: str) -> bool:
    if not ("Utdelning" in name or "Aterbaring" in name):
        return False
    return not any(w in name for w in ("Erhall", "Intakt", "ResultatAndelar", "Mottag"))


def _income(text: str, sales: NetSales, vocab: Vocabulary) -> tuple[int | None, str]:
    """Total income on the net-sales page: a total line, else sales plus the other income lines."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if vocab.income_total.search(line) and not vocab.net_sales.search(line):
            amounts = line_amounts(lines, i, vocab.income_total)
            if amounts and amounts[0].kronor >= sales.kronor:
                return amounts[0].kronor, line.strip()
    other = 0
    said = []
    for i, line in enumerate(lines):
        if vocab.other_income.search(line):
            amounts = line_amounts(lines, i, vocab.other_income)
            if amounts and amounts[0].kronor > 0:
                other += amounts[0].kronor
                said.append(line.strip())
    if said:
        return sales.kronor + other, "; ".join(said)
    return None, ""


def _market_result(sales: int, income: int | None, min_share: int, evidence: list[Evidence]) -> Result:
    """Pass when sales are positive and at least min_share % of the income; both figures reported."""
    metrics: dict[str, object] = {"net_sales_sek": sales, "min_sales_share_percent": min_share}
    if sales <= 0:
        return Result("C3.market", "fail", _("The annual report shows net sales (nettoomsättning) of {sales}: no revenue from sales.",
                                             sales=_fmt(sales)), evidence, metrics)
    if income is None or income <= 0:
        return Result("C3.market", "pass", _("The annual report shows net sales (nettoomsättning) of {sales}; no other income is listed.",
                                             sales=_fmt(sales)), evidence, metrics)
    share = sales * 100 // income
    metrics.update({"income_total_sek": income, "sales_share_percent": share})
    amounts = {"sales": _fmt(sales), "income": _fmt(income), "share": share, "min_share": min_share}
    if share < min_share:
        return Result("C3.market", "review", _(
            "The annual report shows net sales of {sales} of a total income of {income} ({share} %), below the criteria "
            "policy's {min_share} % (annual_report.min_sales_share_percent): an organisation living mostly on grants; "
            "a person decides whether it works on an open market.", **amounts), evidence, metrics)
    return Result("C3.market", "pass", _("The annual report shows net sales of {sales} of a total income of {income} ({share} %); "
                                         "at least {min_share} % comes from sales.", **amounts), evidence, metrics)


@hookimpl
def register_verifiers(register: Callable[[Verifier], None]) -> None:
    register(AnnualReportVerifier())


@hookimpl
def register_document_kinds(register: Callable[..., None]) -> None:
    register(KIND, "årsredovisning (plugin annual_report)")
