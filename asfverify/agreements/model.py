"""One known collective agreement of one employer, whichever source reported it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..i18n import _

KINDS = ("medlemskap", "hängavtal")


@dataclass(frozen=True)
class Agreement:
    """An employer's collective agreement: membership of an employer organisation, or a hängavtal."""

    org_number: str  # NNNNNN-NNNN
    counterparty: str  # the employer organisation (medlemskap) or the union (hängavtal)
    agreement: str
    kind: str  # "medlemskap" | "hängavtal"
    valid_from: dt.date
    valid_to: dt.date | None = None  # None: open-ended
    source: str = "registry"
    # Where the source got it; for the registry: {"import": ledger index, "file_sha256", "file_name", "row"}.
    reference: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def valid_on(self, day: dt.date) -> bool:
        """True when the agreement is in force on `day` (both ends inclusive)."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def expired_before(self, day: dt.date) -> bool:
        """True when the agreement ended before `day`."""
        return self.valid_to is not None and self.valid_to < day

    @property
    def validity(self) -> str:
        """'2019-09-01 – open-ended' or '2020-03-01 – 2023-02-28'."""
        end = self.valid_to.isoformat() if self.valid_to else _("open-ended")
        return f"{self.valid_from.isoformat()} – {end}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (dates as ISO strings)."""
        return {
            "org_number": self.org_number,
            "counterparty": self.counterparty,
            "agreement": self.agreement,
            "kind": self.kind,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "source": self.source,
            "reference": dict(self.reference),
        }

    @classmethod
    def from_mapping(cls, data: dict[str, Any], *, source: str) -> Agreement:
        """Build from a plugin source's dict (dates as date objects or ISO strings)."""
        from .orgnumbers import normalise

        org = normalise(str(data["org_number"]))
        if org is None:
            raise ValueError("a hit with an invalid org_number")  # not echoed: it may be a personnummer
        return cls(
            org_number=org,
            counterparty=str(data["counterparty"]),
            agreement=str(data.get("agreement") or ""),
            kind=str(data.get("kind") or "medlemskap"),
            valid_from=_date(data["valid_from"]),
            valid_to=_date(data["valid_to"]) if data.get("valid_to") else None,
            source=source,
            reference=dict(data.get("reference") or {}),
        )


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))
