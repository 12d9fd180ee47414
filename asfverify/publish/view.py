"""The read-only view of the register that site writers get (the buyer's pages plug in here).

Everything is derived from the register's public entries only; nothing from the private ledger.
Loading is lazy: a writer that needs only the new entries never pays for reading the whole log.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from types import MappingProxyType
from typing import Any, Callable, Iterator, Mapping

from ..ledger.schema import CREDENTIALS, REGISTER

STATUSES = ("valid", "suspended", "revoked", "expired")


@dataclass(frozen=True)
class IssuerInfo:
    """The certifier as issuer.json describes it."""

    name: str
    org_number: str
    did: str
    register_origin: str
    register_vkey: str
    ledger_origin: str
    ledger_vkey: str


@dataclass(frozen=True)
class RegisterEntry:
    """One register entry: its index, kind and the signed public statement (read-only mapping)."""

    index: int
    kind: str
    entry: Mapping[str, Any]


@dataclass(frozen=True)
class CertificateRecord:
    """One certificate in the register with its status now (valid | suspended | revoked | expired)."""

    cert_id: str           # urn:uuid:…
    uuid: str              # the bare uuid, as in certificates/<uuid>.json
    register_index: int
    org_name: str
    org_number: str
    criteria_set: str
    valid_from: str
    valid_until: str
    status_index: int
    status: str
    issued_at: str
    url: str               # <prefix>/certificates/<uuid>.json


@dataclass(frozen=True)
class StatusEvent:
    """A revocation, suspension or reinstatement, as published."""

    register_index: int
    kind: str
    cert_id: str
    status_index: int
    reason_category: str
    time: str


@dataclass(frozen=True)
class RegisterView:
    """What a site writer may read: prefix, issuer, the register's entries, certificates and events.

    `published_size` is the register size of the site before this publish (0 for a fresh site), so
    incremental writers can look only at entries from there on (`entries(start=view.published_size)`).
    """

    prefix: str
    issuer: IssuerInfo
    size: int
    checkpoint: str
    published_size: int
    now: datetime
    _read_entries: Callable[[int, int, tuple[str, ...]], Iterator[tuple[int, str, str]]] = field(repr=False)
    _read_credential: Callable[[str], str | None] = field(repr=False)

    def url(self, relpath: str) -> str:
        """The public URL of a site path."""
        return f"{self.prefix}/{relpath.lstrip('/')}"

    def entries(self, start: int = 0, end: int | None = None, kinds: tuple[str, ...] = ()) -> Iterator[RegisterEntry]:
        """Entries start..end-1 in order, only of the given kinds when kinds is not empty."""
        for index, kind, text in self._read_entries(start, self.size if end is None else end, kinds):
            yield RegisterEntry(index, kind, MappingProxyType(json.loads(text)))

    @cached_property
    def events(self) -> tuple[StatusEvent, ...]:
        out = []
        for item in self.entries(kinds=("revocation", "suspension", "reinstatement")):
            e = item.entry
            out.append(StatusEvent(item.index, item.kind, e["cert_id"], int(e["status_index"]),
                                   e.get("reason_category", "other"), e.get("time", "")))
        return tuple(out)

    @cached_property
    def certificates(self) -> tuple[CertificateRecord, ...]:
        revoked, suspended = set(), set()
        for event in self.events:
            if event.kind == "revocation":
                revoked.add(event.cert_id)
            elif event.kind == "suspension":
                suspended.add(event.cert_id)
            else:
                suspended.discard(event.cert_id)
        now = self.now.strftime("%Y-%m-%dT%H:%M:%SZ")
        out = []
        for item in self.entries(kinds=("certificate",)):
            e = item.entry
            cert_id = e["cert_id"]
            org = e.get("organisation") or {}
            status = ("revoked" if cert_id in revoked else "suspended" if cert_id in suspended
                      else "expired" if e["valid_until"] < now else "valid")
            uid = cert_id.removeprefix("urn:uuid:")
            out.append(CertificateRecord(cert_id, uid, item.index, org.get("name") or "", org.get("org_number") or "",
                                         e.get("criteria_set") or "", e["valid_from"], e["valid_until"],
                                         int(e["status_index"]), status, e.get("time", ""),
                                         self.url(f"certificates/{uid}.json")))
        return tuple(out)

    def credential(self, cert_id: str) -> Mapping[str, Any] | None:
        """The full signed certificate as issued (what certificates/<uuid>.json holds)."""
        text = self._read_credential(cert_id)
        return None if text is None else MappingProxyType(json.loads(text))


def register_reader(conn: Any) -> tuple[Callable[[int, int, tuple[str, ...]], Iterator[tuple[int, str, str]]], Callable[[str], str | None]]:
    """The two read functions a RegisterView uses, over the workspace database connection."""

    def read_entries(start: int, end: int, kinds: tuple[str, ...] = ()) -> Iterator[tuple[int, str, str]]:
        where = f" AND kind IN ({', '.join('?' * len(kinds))})" if kinds else ""
        yield from conn.execute(
            f"SELECT idx, kind, entry FROM {REGISTER.entries} WHERE idx >= ? AND idx < ?{where} ORDER BY idx",
            (start, end, *kinds))

    def read_credential(cert_id: str) -> str | None:
        row = conn.execute(f"SELECT credential FROM {CREDENTIALS} WHERE cert_id = ?", (cert_id,)).fetchone()
        return row[0] if row else None

    return read_entries, read_credential
