"""Counting the participants of a work-training list, for the LOU 4 kap. 18 § share (docs/payroll.md).

Reserved contracts count everyone the supplier employs *in any form* ("sysselsätts"), work-training
participants included; C2 counts only employees. The participant list is the work-training plugin's
document (kind `work-training`): a table with a participant column. Only the number of distinct
participants leaves this module — never an id.
"""

from __future__ import annotations

from typing import Any

from .sources import NeedsHuman, open_source
from .text import clean_cell, squash

PARTICIPANT_HEADERS = frozenset(squash(h) for h in (
    "deltagare", "deltagar-id", "deltagarid", "deltagarnummer", "deltagarnr", "participant", "participant id",
))
HEADER_SEARCH_ROWS = 20
MAX_PARTICIPANTS = 100_000


def count_participants(document: Any) -> int | None:
    """Distinct participants in a work-training list, or None when the document is not such a table."""
    try:
        source = open_source(document, None)
        rows = source.rows()
        column = -1
        for seen, (_n, cells) in enumerate(rows):
            keys = [squash(clean_cell(c)) for c in cells]
            hits = [i for i, k in enumerate(keys) if k in PARTICIPANT_HEADERS]
            if hits:
                column = hits[0]
                break
            if seen >= HEADER_SEARCH_ROWS:
                return None
        if column < 0:
            return None
        ids: set[str] = set()
        for _n, cells in rows:
            value = clean_cell(cells[column]) if column < len(cells) else ""
            if value and len(ids) < MAX_PARTICIPANTS:
                ids.add(value.casefold())
        return len(ids)
    except (NeedsHuman, Exception):  # noqa: BLE001 - a description, not a list: no count, no failure
        return None
