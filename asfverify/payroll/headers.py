"""Finding the payroll columns in a header row (DESIGN.md §4), or saying clearly why not."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..errors import DocumentError
from ..i18n import _
from .text import clean_cell, squash

# field -> accepted headers, most specific first. The contract names in DESIGN.md §4 come first;
# the rest are spellings seen in Swedish payroll exports (BL Lön, Fortnox, Stratsys).
ACCEPTED: dict[str, tuple[str, ...]] = {
    "employee": (
        "anställningsnummer", "anst.nr", "anstnr", "anställd id", "employee", "employee id",
        "anställningsnr", "anst id", "anstid", "anställnings id", "employee number", "personal id",
        "personnummer", "personnr", "pers.nr", "persnr", "pnr", "samordningsnummer",
        "personal identity number",
    ),
    "hire_date": (
        "anställningsdatum", "anställd från", "anst.datum", "startdatum", "hire date", "start date",
        "anställd fr.o.m.", "anställd from", "anställd fr o m", "anstdatum", "anställningens start",
        "hired", "hiring date", "employment start",
    ),
    "end_date": (
        "slutdatum", "anställd till", "avgångsdatum", "end date",
        "anställd t.o.m.", "anställd tom", "anställd t o m", "avgång", "slutade", "anställningens slut",
        "employment end", "termination date", "leaving date",
    ),
    "subsidy": (
        "stödform", "stödform vid anställning", "lönestöd", "anställningsstöd", "subsidy",
        "lönestöd vid anställning", "anställningsstöd vid anställning", "stödform vid anställningen",
        "lönestödsform", "typ av lönestöd", "stöd", "subsidy at hiring", "wage subsidy",
        # A column headed with a subsidy's own name; "Ja"/"Nej" in it is read as an eligibility flag.
        "lönebidrag", "nystartsjobb", "introduktionsjobb", "skyddat arbete", "lönestöd ja/nej",
    ),
    "eligible": (
        "berättigad lönestöd", "lönestödsberättigad", "eligible",
        "berättigad till lönestöd", "lönestödsberättigad vid anställning", "berättigad",
        "eligible for subsidy", "subsidy eligible", "lönestöd ja nej",
    ),
    "rate": (
        "sysselsättningsgrad", "omfattning", "employment rate",
        "tjänstgöringsgrad", "syss.grad", "sysselsättningsgrad %", "omfattning %", "fte", "rate",
        "arbetstid %", "employment percentage",
    ),
}
FIELDS = tuple(ACCEPTED)
REQUIRED = ("employee", "hire_date")
HEADER_SEARCH_ROWS = 20  # title lines an export may put above the header
ONE_OF = ("subsidy", "eligible")
# Headers that say the employee column holds personal identity numbers.
PERSONAL_NUMBER_HEADERS = frozenset(squash(h) for h in (
    "personnummer", "personnr", "pers.nr", "persnr", "pnr", "samordningsnummer", "personal identity number",
))

_LOOKUP: dict[str, tuple[str, int]] = {}
for _field, _names in ACCEPTED.items():
    for _rank, _name in enumerate(_names):
        _LOOKUP.setdefault(squash(_name), (_field, _rank))


@dataclass
class ColumnMap:
    """Where each field sits in the rows (0-based column index) and the header text found there."""

    index: dict[str, int] = field(default_factory=dict)
    header: dict[str, str] = field(default_factory=dict)
    personal_number_column: bool = False
    width: int = 0

    def describe(self) -> str:
        """'employee=Anst.nr, hire_date=Anställningsdatum, …' in field order."""
        return ", ".join(self.header[f] for f in FIELDS if f in self.header)


def _strip_unit(header: str) -> str:
    # 'Anställningsdatum (ÅÅÅÅ-MM-DD)' and 'Omfattning [%]' are the same columns.
    for opener, closer in ("()", "[]"):
        if opener in header and header.rstrip().endswith(closer):
            return header[: header.index(opener)]
    return header


def _validate_mapping(mapping: Mapping[str, object] | None) -> dict[str, str]:
    if mapping is None:
        return {}
    if not isinstance(mapping, Mapping):
        raise DocumentError(_("the manifest's `columns` must be a table of field = header"))
    out: dict[str, str] = {}
    for key, value in mapping.items():
        if key not in ACCEPTED:
            raise DocumentError(_("the manifest's `columns` names an unknown field {key!r}; known fields: {fields}",
                                  key=key, fields=", ".join(FIELDS)))
        if not isinstance(value, str) or not value.strip():
            raise DocumentError(_("the manifest's `columns.{key}` must be a header name (text)", key=key))
        out[key] = value
    return out


def match_header(cells: Sequence[object], mapping: Mapping[str, object] | None = None) -> ColumnMap | None:
    """The columns this row names (None if it names none); check is_complete() before using it.

    Raises DocumentError when it is a header but an ambiguous one (duplicates, two candidates).
    """
    manual = _validate_mapping(mapping)
    texts = [clean_cell(c) for c in cells]
    keys = [squash(t) for t in texts]
    stripped = [squash(_strip_unit(t)) for t in texts]
    found = ColumnMap(width=len(texts))
    candidates: dict[str, list[tuple[int, int]]] = {}  # field -> [(rank, column)]

    for fname, wanted in manual.items():
        target = squash(wanted)
        hits = [i for i, k in enumerate(keys) if k == target and k]
        if len(hits) > 1:
            raise DocumentError(_("duplicate header {header!r} (columns {columns}); name the column in the manifest's `columns`",
                                      header=wanted, columns=", ".join(str(i + 1) for i in hits)))
        if hits:
            candidates[fname] = [(-1, hits[0])]
    manual_columns = {cols[0][1] for cols in candidates.values()}

    for column, (key, alt) in enumerate(zip(keys, stripped)):
        if column in manual_columns:
            continue
        hit = _LOOKUP.get(key) or _LOOKUP.get(alt)
        if hit is None:
            continue
        fname, rank = hit
        if fname in manual:
            continue  # the manifest decides this field
        candidates.setdefault(fname, []).append((rank, column))

    for fname, cols in candidates.items():
        cols.sort()
        if len(cols) > 1:
            same = [c for c in cols if c[0] == cols[0][0]]
            if len(same) > 1:
                raise DocumentError(_("duplicate header {header!r} (columns {columns}); name the column in the manifest's `columns`",
                                      header=texts[same[0][1]], columns=", ".join(str(c + 1) for _r, c in same)))
            if fname != "employee":
                # e.g. both 'Startdatum' and 'Anställningsdatum': which one is the hiring is not ours to guess.
                names = _(" and ").join(repr(texts[c]) for _r, c in cols)
                raise DocumentError(_("both {names} could be the {field} column; name one in the manifest's `columns`",
                                      names=names, field=fname))
        # employee: anställningsnummer beats personnummer (less personal data read).
        rank, column = cols[0]
        found.index[fname] = column
        found.header[fname] = texts[column]

    if not found.index:
        return None
    if "employee" in found.index:
        found.personal_number_column = keys[found.index["employee"]] in PERSONAL_NUMBER_HEADERS
    return found


def is_complete(found: ColumnMap, need_subsidy: bool = True) -> bool:
    """True when the map has every needed field (the subsidy or eligibility column only if need_subsidy)."""
    return all(f in found.index for f in REQUIRED) and (not need_subsidy or any(f in found.index for f in ONE_OF))


def complete_for(found: ColumnMap, mapping: Mapping[str, object] | None, need_subsidy: bool = True) -> bool:
    """is_complete() and every column the manifest names was found."""
    return is_complete(found, need_subsidy) and all(f in found.index for f in _validate_mapping(mapping))


# Headers of a list of Arbetsförmedlingen decisions rather than of employments: such a list holds only
# the subsidised people, so it cannot show the whole staff (the denominator of C2).
DECISION_HEADERS = frozenset(squash(h) for h in (
    "beslutsdatum", "beslut", "beslutsnummer", "beslutsnr", "ärendenummer", "ärendenr", "diarienummer",
    "beslut from", "beslut fr.o.m.", "beslut tom", "beslut t.o.m.", "beslutsperiod", "stödperiod",
    "stöd from", "stöd fr.o.m.", "stöd tom", "stöd t.o.m.", "stödbelopp", "bidragsnivå", "handläggare",
    "decision date", "decision",
))


def decision_headers(cells: Sequence[object]) -> tuple[str, ...]:
    """The cells of a header row that belong to a decisions list ("Beslutsdatum", "Stödperiod")."""
    return tuple(clean_cell(c) for c in cells if squash(_strip_unit(clean_cell(c))) in DECISION_HEADERS)


def mapping_hint() -> str:
    """How to map other headers (in the current language)."""
    return _("other headers can be mapped in application.toml's [[documents]] entry with {example}",
             example='`columns = { employee = "…", hire_date = "…", subsidy = "…" }`')


def missing_columns_error(found: ColumnMap | None, cells: Sequence[object] | None,
                          mapping: Mapping[str, object] | None, where: str, need_subsidy: bool = True) -> DocumentError:
    """The error for a list without the needed columns: what was expected, what was found, how to map."""
    manual = _validate_mapping(mapping)
    have = found.index if found is not None else {}
    groups = [(f,) for f in REQUIRED] + ([ONE_OF] if need_subsidy else []) + [(f,) for f in manual if f not in REQUIRED + ONE_OF]
    parts = []
    for group in groups:
        if any(f in have for f in group) and not any(f in manual and f not in have for f in group):
            continue
        names = []
        for fname in group:
            if fname in manual:
                names.append(_("{field} = {header!r} (from the manifest's columns)", field=fname, header=manual[fname]))
            else:
                names.append(f"{fname} ({', '.join(repr(h) for h in ACCEPTED[fname][:3])}, …)")
        parts.append(_(" or ").join(names))
    expected = "; ".join(parts)
    if found is not None and cells is not None:
        # A recognised header row: its other cells are header names, safe to show.
        seen = ", ".join(repr(clean_cell(c)) for c in cells if clean_cell(c)) or _("none")
        return DocumentError(_("{where}: missing column {expected}; headers found: {seen}; {hint}", where=where,
                               expected=expected, seen=seen, hint=mapping_hint()))
    # No recognised header at all: the first row may be data (names, personnummer), so it is not echoed.
    width = len(cells) if cells is not None else 0
    return DocumentError(_("{where}: no header row with the needed columns (the first row has {width} column(s), "
                           "none of them a known header); expected {expected}; {hint}", where=where, width=width,
                           expected=expected, hint=mapping_hint()))
