"""Validity periods shared by issuer.json and the trust list: strict dateTimeStamps, no inversions, no overlaps."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..i18n import _

# XML Schema dateTimeStamp as VC 2.0 uses it: a time zone is required.
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$")


class PeriodError(ValueError):
    """A date is not a dateTimeStamp, or a period is inverted or overlaps another."""


def parse_stamp(value: Any, where: str) -> datetime:
    """An aware datetime from a dateTimeStamp string; PeriodError names where it was."""
    if not isinstance(value, str) or not _DATETIME.match(value):
        raise PeriodError(_("{where}: {value!r} is not a date-time with time zone (YYYY-MM-DDTHH:MM:SSZ)", where=where, value=str(value)[:40]))
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise PeriodError(_("{where}: {value!r} is not a real date", where=where, value=value)) from None


def format_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_user_date(value: str, option: str) -> str:
    """A command-line date (YYYY-MM-DD, midnight UTC) or date-time, as a dateTimeStamp string."""
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise PeriodError(_("{option} {value}: not a date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM:SSZ)", option=option, value=value)) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return format_stamp(moment)


@dataclass(frozen=True)
class Period:
    """[valid_from, valid_until]; None at either end means open (since always / still running)."""

    valid_from: str | None
    valid_until: str | None
    start: datetime | None
    end: datetime | None

    @classmethod
    def of(cls, valid_from: Any, valid_until: Any, where: str, *, open_start: bool = False) -> Period:
        if valid_from is None and not open_start:
            raise PeriodError(_("{where}: validFrom is required", where=where))
        start = None if valid_from is None else parse_stamp(valid_from, f"{where} validFrom")
        end = None if valid_until is None else parse_stamp(valid_until, f"{where} validUntil")
        if start is not None and end is not None and end < start:
            raise PeriodError(_("{where}: validUntil {end} is before validFrom {start}", where=where, end=valid_until, start=valid_from))
        return cls(valid_from, valid_until, start, end)

    def contains(self, moment: datetime, *, end_inclusive: bool = False) -> bool:
        if self.start is not None and moment < self.start:
            return False
        if self.end is None:
            return True
        return moment <= self.end if end_inclusive else moment < self.end

    def overlaps(self, other: Period) -> bool:
        """True when the two share more than a boundary instant (a rotation's end meets the next start)."""
        a_start, b_start = self.start or datetime.min.replace(tzinfo=UTC), other.start or datetime.min.replace(tzinfo=UTC)
        a_end, b_end = self.end or datetime.max.replace(tzinfo=UTC), other.end or datetime.max.replace(tzinfo=UTC)
        return a_start < b_end and b_start < a_end

    def describe(self) -> str:
        if self.valid_from and self.valid_until:
            return f"{self.valid_from} .. {self.valid_until}"
        if self.valid_from:
            return _("{start} .. open", start=self.valid_from)
        if self.valid_until:
            return _("always .. {end}", end=self.valid_until)
        return _("always .. open")


def check_no_overlap(periods: list[tuple[str, Period]], where: str) -> None:
    """Refuse two labelled periods that overlap (touching ends are fine)."""
    ordered = sorted(periods, key=lambda item: item[1].start or datetime.min.replace(tzinfo=UTC))
    for (label_a, a), (label_b, b) in zip(ordered, ordered[1:]):
        if a.overlaps(b):
            raise PeriodError(_("{where}: {first} ({first_period}) overlaps {second} ({second_period})", where=where,
                                 first=label_a, first_period=a.describe(), second=label_b, second_period=b.describe()))
