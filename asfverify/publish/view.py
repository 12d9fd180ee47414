"""The read-only view of the register that site writers get (the buyer's pages plug in here).

Everything is derived from the register's public entries only; nothing from the private ledger.
Loading is lazy: a writer that needs only the new entries never pays for reading the whole log.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from types import MappingProxyType
from typing import Any, TypeVar

from ..ledger.schema import CREDENTIALS, REGISTER

T = TypeVar("T")

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


def status_sets(changes: Iterable[tuple[str, T]]) -> tuple[set[T], set[T]]:
    """(revoked, suspended) after (kind, key) status changes in register order — keys are certificate
    ids or status-list indexes. A reinstatement lifts a suspension, never a revocation."""
    revoked: set[T] = set()
    suspended: set[T] = set()
    for kind, key in changes:
        if kind == "revocation":
            revoked.add(key)
        elif kind == "suspension":
            suspended.add(key)
        else:
            suspended.discard(key)
    return revoked, suspended


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
    _read_certificates: Callable[[int], Iterator[tuple]] = field(repr=False, default=lambda size: iter(()))
    _read_events: Callable[[int], Iterator[tuple]] = field(repr=False, default=lambda size: iter(()))
    # The scheme owner's did:key when the site carries its signed trust-list.json (publish --trust-list):
    # the web verifier then trusts that list only, never the site's own issuer.json.
    trust_list_key: str | None = None

    def url(self, relpath: str) -> str:
        """The public URL of a site path."""
        return f"{self.prefix}/{relpath.lstrip('/')}"

    def entries(self, start: int = 0, end: int | None = None, kinds: tuple[str, ...] = ()) -> Iterator[RegisterEntry]:
        """Entries start..end-1 in order, only of the given kinds when kinds is not empty."""
        for index, kind, text in self._read_entries(start, self.size if end is None else end, kinds):
            yield RegisterEntry(index, kind, MappingProxyType(json.loads(text)))

    @cached_property
    def events(self) -> tuple[StatusEvent, ...]:
        return tuple(StatusEvent(*row) for row in self._read_events(self.size))

    @cached_property
    def certificates(self) -> tuple[CertificateRecord, ...]:
        """Every certificate with its status now (SQLite extracts the fields: no JSON parsing in Python)."""
        revoked, suspended = status_sets((event.kind, event.cert_id) for event in self.events)
        now = self.now.strftime("%Y-%m-%dT%H:%M:%SZ")
        url = self.url("certificates/")
        out = []
        for index, cert_id, name, number, criteria, valid_from, valid_until, status_index, issued in \
                self._read_certificates(self.size):
            status = ("revoked" if cert_id in revoked else "suspended" if cert_id in suspended
                      else "expired" if valid_until < now else "valid")
            uid = cert_id.removeprefix("urn:uuid:")
            out.append(CertificateRecord(cert_id, uid, index, name or "", number or "", criteria or "", valid_from,
                                         valid_until, int(status_index), status, issued or "", f"{url}{uid}.json"))
        return tuple(out)

    def credential(self, cert_id: str) -> dict[str, Any] | None:
        """The full signed certificate as issued (what certificates/<uuid>.json holds)."""
        text = self._read_credential(cert_id)
        return None if text is None else json.loads(text)  # a fresh copy: writers cannot change the register


@dataclass(frozen=True)
class RegisterReader:
    """The read functions a RegisterView uses, over the workspace database connection."""

    conn: Any

    def entries(self, start: int, end: int, kinds: tuple[str, ...] = ()) -> Iterator[tuple[int, str, str]]:
        where = f" AND kind IN ({', '.join('?' * len(kinds))})" if kinds else ""
        yield from self.conn.execute(
            f"SELECT idx, kind, entry FROM {REGISTER.entries} WHERE idx >= ? AND idx < ?{where} ORDER BY idx",
            (start, end, *kinds))

    def credential(self, cert_id: str) -> str | None:
        row = self.conn.execute(f"SELECT credential FROM {CREDENTIALS} WHERE cert_id = ?", (cert_id,)).fetchone()
        return row[0] if row else None

    def certificates(self, size: int) -> Iterator[tuple]:
        yield from self.conn.execute(
            f"""SELECT idx, json_extract(entry, '$.cert_id'), json_extract(entry, '$.organisation.name'),
                       json_extract(entry, '$.organisation.org_number'), json_extract(entry, '$.criteria_set'),
                       json_extract(entry, '$.valid_from'), json_extract(entry, '$.valid_until'),
                       json_extract(entry, '$.status_index'), json_extract(entry, '$.time')
                FROM {REGISTER.entries} WHERE kind = 'certificate' AND idx < ? ORDER BY idx""", (size,))

    def events(self, size: int) -> Iterator[tuple]:
        yield from self.conn.execute(
            f"""SELECT idx, kind, json_extract(entry, '$.cert_id'), CAST(json_extract(entry, '$.status_index') AS INTEGER),
                       coalesce(json_extract(entry, '$.reason_category'), 'other'), coalesce(json_extract(entry, '$.time'), '')
                FROM {REGISTER.entries} WHERE kind IN ('revocation', 'suspension', 'reinstatement') AND idx < ?
                ORDER BY idx""", (size,))

    def view_functions(self) -> dict[str, Any]:
        return {"_read_entries": self.entries, "_read_credential": self.credential,
                "_read_certificates": self.certificates, "_read_events": self.events}


def register_reader(conn: Any) -> tuple[Callable[[int, int, tuple[str, ...]], Iterator[tuple[int, str, str]]], Callable[[str], str | None]]:
    """The entry and credential readers (kept for callers that build a RegisterView by hand)."""
    reader = RegisterReader(conn)
    return reader.entries, reader.credential
