"""Counting employees on the reference date and those eligible for lönestöd at hiring, row by row.

State is one PersonTable entry per person employed on the reference date plus a few counters; rows of
people who left before the date or were hired after it are counted and dropped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import DocumentError
from ..i18n import N_, _
from .headers import HEADER_SEARCH_ROWS, ColumnMap, complete_for, decision_headers, match_header, missing_columns_error
from .identity import REASONS, EmployeeKeyer
from .people import PersonTable
from .subsidy import ELIGIBLE, NOT_ELIGIBLE, UNKNOWN, SubsidyMatcher, nameable
from .text import fold
from .values import RATE_FULL, AmbiguousDate, parse_date, parse_flag, parse_rate

NOT, UNSURE, YES = 0, 1, 2  # eligibility of the period covering the reference date
# Reasons a row is unreadable: English keys, translated where they are shown (verifiers/payroll.py).
AMBIGUOUS_HIRE = N_("an ambiguous hire date (NN/NN/YYYY: day and month could be either way round)")
AMBIGUOUS_END = N_("an ambiguous end date (NN/NN/YYYY: day and month could be either way round)")
UNREADABLE_HIRE = N_("unreadable hire date")
EMPTY_HIRE = N_("empty hire date")
UNREADABLE_END = N_("unreadable end date")
END_BEFORE_HIRE = N_("end date before hire date")
_RATE_BITS = 21
_RATE_MASK = (1 << _RATE_BITS) - 1
_STATUS_SHIFT = _RATE_BITS
_HIRE_SHIFT = _RATE_BITS + 2
ROWS_NAMED = 10  # row numbers quoted per problem; the rest are counted
VALUES_TRACKED = 50  # distinct unknown values remembered


def _pack(hire_ordinal: int, status: int, rate: int) -> int:
    return (hire_ordinal << _HIRE_SHIFT) | (status << _STATUS_SHIFT) | rate


def _merge(old: int, new: int) -> int:
    """The same person on two rows covering the reference date."""
    old_hire, new_hire = old >> _HIRE_SHIFT, new >> _HIRE_SHIFT
    old_status, new_status = (old >> _STATUS_SHIFT) & 3, (new >> _STATUS_SHIFT) & 3
    old_rate, new_rate = old & _RATE_MASK, new & _RATE_MASK
    if old_hire == new_hire:
        # The same period listed twice: one period, the more favourable reading is kept for a human to see.
        return _pack(old_hire, max(old_status, new_status), max(old_rate, new_rate))
    # Concurrent periods: the earliest hiring decides eligibility; rates add up to at most one FTE.
    rate = min(RATE_FULL, old_rate + new_rate)
    if new_hire < old_hire:
        return _pack(new_hire, new_status, rate)
    return _pack(old_hire, old_status, rate)


@dataclass
class Problems:
    """Row numbers by reason (the first few) and their counts; never cell contents."""

    rows: dict[str, list[str]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, reason: str, label: str) -> None:
        self.counts[reason] = self.counts.get(reason, 0) + 1
        named = self.rows.setdefault(reason, [])
        if len(named) < ROWS_NAMED:
            named.append(label)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class DocumentTally:
    """What one document contributed."""

    path: str
    columns: ColumnMap | None = None
    rows: int = 0  # data rows read (blank and repeated header rows excluded)
    blank_rows: int = 0
    repeated_headers: int = 0
    header_row: int | str = 0
    decision_headers: tuple[str, ...] = ()  # headers that belong to a list of subsidy decisions ("Beslutsdatum")


@dataclass
class Tally:
    """The running count over all payroll documents of one application."""

    reference_date: dt.date
    matcher: SubsidyMatcher
    pseudonymise: Callable[[str], str]
    people: PersonTable = field(default_factory=PersonTable)
    hired_after: int = 0
    ended_before: int = 0
    duplicate_rows: int = 0
    unreadable: Problems = field(default_factory=Problems)
    unknown_values: dict[str, int] = field(default_factory=dict)  # nameable unknown subsidy/flag values
    unknown_unnamed: int = 0  # rows whose unknown value is not safe to quote
    unknown_rows: int = 0
    rate_column: bool = False
    rate_unreadable: int = 0
    max_rate: int = 0  # a list whose rates are all ≤ 1 writes fractions (0,75), not percent
    personal_numbers: int = 0
    documents: list[DocumentTally] = field(default_factory=list)
    need_subsidy: bool = True  # False when a separate subsidy-decisions list gives eligibility

    def add_document(self, path: str, rows: Iterable[tuple[int | str, Sequence[Any]]],
                     mapping: Mapping[str, Any] | None = None, prefix: str = "") -> DocumentTally:
        """Read one document's rows (header first, within the first rows) into the count.

        Rows are (row number or label, cells); `prefix` names the document in row labels when there are several.
        """
        doc = DocumentTally(path=path)
        self.documents.append(doc)

        def label(number: int | str) -> str:
            return f"{prefix}{number}" if isinstance(number, str) else prefix + _("row {number}", number=number)

        iterator = iter(rows)
        columns = self._find_header(path, iterator, mapping, doc)
        doc.columns = columns
        self._count_rows(iterator, columns, doc, label)
        return doc

    def _find_header(self, path: str, iterator: Any, mapping: Mapping[str, Any] | None, doc: DocumentTally) -> ColumnMap:
        first: tuple[ColumnMap | None, Sequence[Any]] | None = None
        best: tuple[ColumnMap, Sequence[Any]] | None = None
        seen = 0
        for number, cells in iterator:
            if not any(_filled(c) for c in cells):
                continue
            seen += 1
            found = match_header(cells, mapping)
            if found is not None and complete_for(found, mapping, self.need_subsidy):
                doc.header_row = number
                doc.decision_headers = decision_headers(cells)
                return found
            if first is None:
                first = (found, cells)
            if found is not None and (best is None or len(found.index) > len(best[0].index)):
                best = (found, cells)
            if seen >= HEADER_SEARCH_ROWS:
                break
        if best is not None:
            raise missing_columns_error(best[0], best[1], mapping, path, self.need_subsidy)
        if first is not None:
            raise missing_columns_error(None, first[1], mapping, path, self.need_subsidy)
        raise DocumentError(_("{path} has no rows; expected a header row (employee, hire_date and a subsidy or "
                              "eligibility column) and one row per employee", path=path))

    def _count_rows(self, iterator: Any, columns: ColumnMap, doc: DocumentTally, label: Callable[[Any], str]) -> None:
        index = columns.index
        ei, hi = index["employee"], index["hire_date"]
        di, si, fi, ri = (index.get(k, -1) for k in ("end_date", "subsidy", "eligible", "rate"))
        self.rate_column = self.rate_column or ri >= 0
        header_employee = columns.header["employee"]
        keyer = EmployeeKeyer(self.pseudonymise, columns.personal_number_column)
        ref = self.reference_date
        people = self.people
        classify = self.matcher.classify
        unreadable = self.unreadable
        rates: dict[str, int | None] = {}  # a list repeats a handful of rates ('100', '62,5', '50')

        for number, cells in iterator:
            width = len(cells)
            if not any(cells):
                doc.blank_rows += 1
                continue
            employee = cells[ei] if ei < width else None
            if employee == header_employee:
                doc.repeated_headers += 1  # a PDF table repeats its header on every page
                continue
            doc.rows += 1
            token = keyer.identify(employee)
            hire_cell = cells[hi] if hi < width else None
            hire = _iso(hire_cell)
            if hire is None:
                try:
                    hire = parse_date(hire_cell)
                except AmbiguousDate:
                    unreadable.add(AMBIGUOUS_HIRE, label(number))
                    continue
            if hire is None or token in REASONS:
                if _not_a_person(cells, employee):
                    doc.rows -= 1
                    doc.blank_rows += 1
                elif token in REASONS:
                    unreadable.add(token, label(number))
                else:
                    unreadable.add(UNREADABLE_HIRE if _filled(hire_cell) else EMPTY_HIRE, label(number))
                continue
            end = None
            if di >= 0 and di < width and _filled(cells[di]):
                try:
                    end = _iso(cells[di]) or parse_date(cells[di])
                except AmbiguousDate:
                    unreadable.add(AMBIGUOUS_END, label(number))
                    continue
                if end is None:
                    unreadable.add(UNREADABLE_END, label(number))
                    continue
                if end < hire:
                    unreadable.add(END_BEFORE_HIRE, label(number))
                    continue
            if hire > ref:
                self.hired_after += 1
                continue
            if end is not None and end < ref:
                self.ended_before += 1
                continue
            status = NOT
            if fi >= 0:
                flag = parse_flag(cells[fi] if fi < width else None)
                if flag is True:
                    status = YES
                elif flag is None:
                    status = UNSURE
                    self._unknown(cells[fi])
            if si >= 0 and status != YES:
                value = cells[si] if si < width else None
                verdict, _form = classify(value)
                if verdict == UNKNOWN:
                    # "Ja"/"Nej" under a subsidy-named header ("Lönestöd", "Nystartsjobb") is a flag.
                    flag = parse_flag(value)
                    if flag is not None:
                        verdict = ELIGIBLE if flag else NOT_ELIGIBLE
                if verdict == ELIGIBLE:
                    status = YES
                elif verdict == UNKNOWN:
                    if status != UNSURE:
                        self._unknown(cells[si])
                    status = UNSURE
            rate = 0
            if ri >= 0:
                rate_cell = cells[ri] if ri < width else None
                parsed = rates.get(rate_cell, -1) if type(rate_cell) is str else -1
                if parsed == -1:
                    parsed = parse_rate(rate_cell)
                    if type(rate_cell) is str and len(rates) < 1024:
                        rates[rate_cell] = parsed
                if parsed is None:
                    self.rate_unreadable += 1
                else:
                    rate = parsed
                    if rate > self.max_rate:
                        self.max_rate = rate
            if not people.put(keyer.key_of(token), _pack(hire.toordinal(), status, rate), _merge):
                self.duplicate_rows += 1
        self.personal_numbers += keyer.personal_numbers

    def _unknown(self, value: Any) -> None:
        self.unknown_rows += 1
        text = " ".join(str(value).split())
        if text in self.unknown_values:
            self.unknown_values[text] += 1
        elif nameable(text) and len(self.unknown_values) < VALUES_TRACKED:
            self.unknown_values[text] = 1
        else:
            self.unknown_unnamed += 1

    def join(self, decisions: Decisions) -> Join:
        """Mark as eligible the people a subsidy-decisions list names with an eligible form (by employee id)."""
        matched = unsure = 0
        seen: set[int] = set()
        for key, value in list(self.people.items()):
            status = decisions.status.get(key)
            if status is None:
                continue
            seen.add(key)
            matched += 1
            old = (value >> _STATUS_SHIFT) & 3
            if status > old:
                new = (value & ~(3 << _STATUS_SHIFT)) | (status << _STATUS_SHIFT)
                self.people.put(key, new, lambda _old, v: v)
            if status == UNSURE:
                unsure += 1
        return Join(matched, len(self.people) - matched, len(decisions.status) - len(seen), unsure)

    def totals(self) -> Totals:
        """Employees, eligible, unsure and FTE sums over everyone employed on the reference date."""
        employees = eligible = unsure = 0
        rate_all = rate_eligible = 0
        for value in self.people.values():
            status = (value >> _STATUS_SHIFT) & 3
            rate = value & _RATE_MASK
            employees += 1
            rate_all += rate
            if status == YES:
                eligible += 1
                rate_eligible += rate
            elif status == UNSURE:
                unsure += 1
        return Totals(employees, eligible, unsure, rate_all, rate_eligible)


@dataclass
class Decisions:
    """A subsidy-decisions list read into person key -> eligibility status (YES or UNSURE)."""

    status: dict[int, int] = field(default_factory=dict)
    rows: int = 0
    unreadable: Problems = field(default_factory=Problems)
    columns: ColumnMap | None = None

    def add(self, path: str, rows: Iterable[tuple[int | str, Sequence[Any]]], mapping: Mapping[str, Any] | None,
            matcher: SubsidyMatcher, pseudonymise: Callable[[str], str], prefix: str = "") -> None:
        """Read employee id and subsidy form (or eligibility flag) from each row."""
        iterator = iter(rows)
        columns: ColumnMap | None = None
        first: Sequence[Any] | None = None
        for _n, cells in iterator:
            if not any(_filled(c) for c in cells):
                continue
            first = first if first is not None else cells
            found = match_header(cells, mapping)
            if found is not None and "employee" in found.index and ("subsidy" in found.index or "eligible" in found.index):
                columns = found
                break
        if columns is None:
            raise DocumentError(_(
                "{path}: no header row with an employee column and a subsidy (stödform) or eligibility column; "
                "map other headers with {example} in application.toml", path=path,
                example='`columns = { employee = "…", subsidy = "…" }`'))
        self.columns = columns
        keyer = EmployeeKeyer(pseudonymise, columns.personal_number_column)
        ei = columns.index["employee"]
        si, fi = columns.index.get("subsidy", -1), columns.index.get("eligible", -1)
        for number, cells in iterator:
            if not any(_filled(c) for c in cells):
                continue
            self.rows += 1
            where = f"{prefix}{number}" if isinstance(number, str) else prefix + _("row {number}", number=number)
            token = keyer.identify(cells[ei] if ei < len(cells) else None)
            if token in REASONS:
                self.unreadable.add(token, where)
                continue
            status = NOT
            if fi >= 0:
                flag = parse_flag(cells[fi] if fi < len(cells) else None)
                status = YES if flag else (UNSURE if flag is None else NOT)
            if si >= 0 and status != YES:
                verdict, _form = matcher.classify(cells[si] if si < len(cells) else None)
                status = YES if verdict == ELIGIBLE else (UNSURE if verdict == UNKNOWN else status)
            if status == NOT:
                continue
            key = keyer.key_of(token)
            self.status[key] = max(status, self.status.get(key, NOT))


@dataclass(frozen=True)
class Join:
    """How the employee list and the subsidy-decisions list met (counts only)."""

    matched: int  # people employed on the reference date with a decision
    employees_without_decision: int
    decisions_without_employee: int  # decisions for nobody employed on the reference date
    unsure: int


@dataclass(frozen=True)
class Totals:
    employees: int
    eligible: int
    unsure: int
    rate_all: int  # values.RATE_SCALE units of percent
    rate_eligible: int


def _iso(value: Any) -> dt.date | None:
    """The common case fast: a 'YYYY-MM-DD' text cell (values.parse_date handles the rest)."""
    if type(value) is str and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


# Rows an export adds below the list: "Summa;15;;;", "Totalt antal anställda: 15".
_TOTAL_WORDS = ("summa", "totalt", "total", "antal", "sum", "summering")


def _not_a_person(cells: Sequence[Any], employee: Any) -> bool:
    """A whitespace-only row, or a totals row, rather than an employee with a bad cell."""
    if not any(_filled(c) for c in cells):
        return True
    words = fold(str(employee or "")).split()
    return bool(words) and words[0] in _TOTAL_WORDS


def _filled(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    return True


