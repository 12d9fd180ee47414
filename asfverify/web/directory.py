"""The public directory written by `publish` (DESIGN §14): index.html, org/<10 digits>/index.html and
index.json, c/<uuid>/index.html, feed.atom and org/<10 digits>/feed.atom.

Everything on these pages comes from the register's public statements and the published
certificates (certificates/<uuid>.json): no personal data, nothing from the private ledger. The
pages are plain HTML that works without JavaScript; directory.js only adds search-as-you-type and
the status filter to the table. Nothing on them depends on the time of publishing except the
statuses themselves, so a publish with nothing new rewrites no file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from importlib import resources
from typing import Any, Protocol

from ..certs.credential import criterion_code
from ..certs.html import CRITERIA_NAMES, is_reviewed
from ..i18n import _

STATUS_TEXT = {
    "valid": ("Giltigt", "valid"),
    "suspended": ("Tillfälligt avstängt", "suspended"),
    "revoked": ("Återkallat", "revoked"),
    "expired": ("Utgånget", "expired"),
}
EVENT_TEXT = {
    "certificate": ("Certifikat utfärdat", "certificate issued"),
    "suspension": ("Certifikatet tillfälligt avstängt", "certificate suspended"),
    "reinstatement": ("Avstängningen hävd", "suspension lifted"),
    "revocation": ("Certifikatet återkallat", "certificate revoked"),
    "expiry": ("Certifikatet har gått ut", "certificate expired"),
}
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; base-uri 'none'; form-action 'none'")
ASSETS = ("site.css", "directory.js")


# ---------------------------------------------------------------- typed input


@dataclass(frozen=True)
class Listing:
    """One certificate as the directory shows it (register summary plus its published credential)."""

    cert_id: str
    uuid: str
    org_name: str
    org_number: str
    criteria_set: str
    valid_from: str
    valid_until: str
    status: str              # valid | suspended | revoked | expired
    issued_at: str
    credential: Mapping[str, Any] | None  # certificates/<uuid>.json, for criteria outcomes and LOU facts


@dataclass(frozen=True)
class Event:
    """A public status change: suspension, reinstatement or revocation (reason category only)."""

    index: int
    kind: str
    cert_id: str
    reason_category: str
    time: str


@dataclass(frozen=True)
class Directory:
    prefix: str
    certifier: str
    listings: tuple[Listing, ...]
    events: tuple[Event, ...]


class SiteOutput(Protocol):
    """What the writers need of publish's SiteFiles: an atomic, idempotent write of a site path."""

    def write(self, relpath: str, data: bytes | str, *, immutable: bool = False) -> bool: ...

    def exists(self, relpath: str) -> bool: ...


def org_digits(org_number: str) -> str:
    """The 10-digit form used in org/<10 digits>/ (556677-8899 -> 5566778899)."""
    digits = "".join(ch for ch in org_number if ch.isdigit())
    if len(digits) == 12 and digits.startswith(("16", "19", "20")):  # century-prefixed forms
        digits = digits[2:]
    if len(digits) != 10:
        raise ValueError(_("organisation number {number!r} does not have 10 digits", number=org_number))
    return digits


def directory_from_view(view: Any) -> Directory:
    """The directory input from publish's RegisterView (duck-typed: prefix, issuer, certificates, events)."""
    listings = tuple(
        Listing(c.cert_id, c.uuid, c.org_name, c.org_number, c.criteria_set, c.valid_from, c.valid_until, c.status,
                c.issued_at, view.credential(c.cert_id))
        for c in view.certificates
    )
    events = tuple(Event(e.register_index, e.kind, e.cert_id, e.reason_category, e.time) for e in view.events)
    return Directory(view.prefix.rstrip("/"), view.issuer.name, listings, events)


# ---------------------------------------------------------------- HTML pieces


def _page(title: str, depth: int, body: str, *, scripts: Iterable[str] = (), feed: str | None = None) -> str:
    up = "../" * depth
    script_tags = "".join(f'<script src="{up}assets/{name}" defer></script>' for name in scripts)
    feed_link = f'<link rel="alternate" type="application/atom+xml" href="{escape(feed)}">' if feed else ""
    return (
        '<!DOCTYPE html>\n<html lang="sv">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        f'<title>{escape(title)}</title>\n<link rel="stylesheet" href="{up}assets/site.css">{feed_link}{script_tags}\n'
        f'</head>\n<body>\n<a class="skip" href="#main">Till innehållet <span lang="en">/ Skip to content</span></a>\n'
        f'<header><p class="crumbs"><a href="{up}">Katalog <span lang="en">/ Directory</span></a> · '
        f'<a href="{up}verify/">Verifiera ett certifikat <span lang="en">/ Verify a certificate</span></a></p></header>\n'
        f'<main id="main">\n{body}\n</main>\n</body>\n</html>\n'
    )


def _en(text: str) -> str:
    return f'<span lang="en" class="en">{escape(text)}</span>'


def _status(status: str) -> str:
    sv, en = STATUS_TEXT.get(status, (status, status))
    return f'<span class="status {escape(status)}">{escape(sv)}</span> {_en(en)}'


def _date(text: str) -> str:
    return escape(text[:10])


def _sort_key(listing: Listing) -> tuple[str, str]:
    return (listing.valid_from, listing.cert_id)


def _by_org(listings: Iterable[Listing]) -> dict[str, list[Listing]]:
    groups: dict[str, list[Listing]] = {}
    for listing in listings:
        try:
            digits = org_digits(listing.org_number)
        except ValueError:
            continue  # the register only holds valid numbers; an odd one gets no page rather than a wrong one
        groups.setdefault(digits, []).append(listing)
    for items in groups.values():
        items.sort(key=_sort_key, reverse=True)  # newest cycle first
    return groups


def _current(items: list[Listing]) -> Listing:
    """The certificate that decides an organisation's status: the newest valid one, else the newest."""
    return next((c for c in items if c.status == "valid"), items[0])


def _subject(listing: Listing) -> Mapping[str, Any]:
    credential = listing.credential or {}
    subject = credential.get("credentialSubject") if isinstance(credential, Mapping) else None
    return subject if isinstance(subject, Mapping) else {}


def _criteria_rows(listing: Listing) -> str:
    rows = []
    for criterion in _subject(listing).get("criteria") or []:
        if not isinstance(criterion, Mapping):
            continue
        code = criterion_code(dict(criterion))
        sv, en = CRITERIA_NAMES.get(code, (code, ""))
        reviewed = [criterion_code(dict(r)) for r in criterion.get("requirements") or []
                    if isinstance(r, Mapping) and is_reviewed(dict(r))]
        outcome = str(criterion.get("outcome", ""))
        word = {"pass": ("uppfyllt", "met")}.get(outcome, (outcome, outcome))
        mark = (f' – avgjort vid manuell granskning ({escape(", ".join(reviewed))}) {_en("decided by human review")}'
                if reviewed else "")
        rows.append(f"<tr><th scope=\"row\">{escape(code)}</th><td>{escape(sv)} {_en(en)}</td>"
                    f"<td>{escape(word[0])} {_en(word[1])}{mark}</td></tr>")
    if not rows:
        return ""
    return ('<table class="criteria"><caption>Kriterier <span lang="en" class="en">Criteria</span></caption>'
            '<thead><tr><th scope="col">Kod</th><th scope="col">Kriterium</th><th scope="col">Utfall</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def _lou(listing: Listing) -> str:
    facts = _subject(listing).get("louFacts")
    if not isinstance(facts, Mapping):
        return ""
    items = []
    if facts.get("purposeMet") is True:
        items.append(("Verksamhetskravet (syfte)", "purpose", "social och yrkesmässig integration (C1 uppfyllt)",
                      "social and vocational integration (C1 met)"))
    share = facts.get("sharePercent")
    if isinstance(share, int) and not isinstance(share, bool):
        target, employed = facts.get("peopleInTargetGroup"), facts.get("peopleEmployed")
        items.append(("Andel sysselsatta i målgruppen", "share of people employed in the target group",
                      f"{share} % ({target} av {employed})", f"{share} % ({target} of {employed})"))
    items.append(("Referensdag", "reference date", str(facts.get("referenceDate", "")), ""))
    rows = "".join(f"<dt>{escape(a)} {_en(b)}</dt><dd>{escape(c)}{' ' + _en(d) if d else ''}</dd>" for a, b, c, d in items)
    return ('<section class="lou" aria-labelledby="lou-h"><h2 id="lou-h">LOU 4 kap. 18 § – reserverad upphandling '
            f'{_en("Reserved contracts (Public Procurement Act 4:18)")}</h2><dl>{rows}</dl></section>')


def _links(listing: Listing, depth: int) -> str:
    up = "../" * depth
    verify = f"{up}verify/#url=../certificates/{escape(listing.uuid)}.json"
    return (f'<p class="actions"><a class="button" href="{verify}">Verifiera <span lang="en">/ Verify</span></a> '
            f'<a href="{up}certificates/{escape(listing.uuid)}.json">Certifikatet (JSON)</a> · '
            f'<a href="{up}c/{escape(listing.uuid)}/certifikat.pdf">PDF</a> · '
            f'<a href="{up}c/{escape(listing.uuid)}/">Certifikatets sida <span lang="en">/ certificate page</span></a></p>')


def _events_for(events: Iterable[Event], cert_ids: set[str]) -> list[Event]:
    return [e for e in events if e.cert_id in cert_ids]


def _latest_event(events: list[Event], cert_id: str) -> Event | None:
    mine = [e for e in events if e.cert_id == cert_id]
    return mine[-1] if mine else None


def _status_line(listing: Listing, events: list[Event]) -> str:
    event = _latest_event(events, listing.cert_id)
    since = ""
    if listing.status in ("suspended", "revoked") and event is not None:
        since = (f" sedan {_date(event.time)}, skäl: {escape(event.reason_category)} "
                 f"{_en(f'since {event.time[:10]}, reason category: {event.reason_category}')}")
    elif listing.status == "expired":
        since = f" {_date(listing.valid_until)}"
    return (f'<p class="current">Status: {_status(listing.status)}{since}</p>'
            f'<p>Giltigt {_date(listing.valid_from)} – {_date(listing.valid_until)} '
            f'{_en(f"valid {listing.valid_from[:10]} to {listing.valid_until[:10]}")}</p>')


# ---------------------------------------------------------------- the pages


def index_page(d: Directory, groups: dict[str, list[Listing]]) -> str:
    rows = []
    for digits, items in sorted(groups.items(), key=lambda kv: (kv[1][0].org_name.lower(), kv[0])):
        current = _current(items)
        rows.append(f'<tr data-status="{escape(current.status)}"><td><a href="org/{digits}/">{escape(current.org_name)}</a></td>'
                    f'<td>{escape(current.org_number)}</td><td>{_status(current.status)}</td>'
                    f'<td>{_date(current.valid_until)}</td></tr>')
    options = "".join(f'<option value="{k}">{escape(sv)} / {escape(en)}</option>' for k, (sv, en) in STATUS_TEXT.items())
    body = (
        f'<h1>Certifierade arbetsintegrerande sociala företag {_en("Certified work-integrating social enterprises")}</h1>\n'
        f'<p>Certifierare: {escape(d.certifier)}. Varje organisation har en egen sida att hänvisa till i en upphandling. '
        f'{_en(f"Certifier: {d.certifier}. Each organisation has its own page to cite in a tender.")}</p>\n'
        '<form id="filters" class="filters" role="search" hidden>'
        f'<label for="q">Sök på namn eller organisationsnummer {_en("Search by name or organisation number")}</label>'
        '<input id="q" type="search" autocomplete="off">'
        f'<label for="status">Status {_en("Status")}</label><select id="status"><option value="">Alla / all</option>{options}</select>'
        '<p id="count" aria-live="polite"></p></form>\n'
        '<table id="orgs"><caption>Organisationer <span lang="en" class="en">Organisations</span></caption>'
        '<thead><tr><th scope="col">Organisation</th><th scope="col">Organisationsnummer</th>'
        '<th scope="col">Status</th><th scope="col">Giltigt till</th></tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table>\n'
        f'<p><a href="feed.atom">Ändringar som Atom-flöde {_en("Changes as an Atom feed")}</a> · '
        f'<a href="register.csv">register.csv</a> · <a href="register.json">register.json</a></p>'
    )
    return _page("Certifierade ASF – katalog", 0, body, scripts=("directory.js",), feed="feed.atom")


def org_page(d: Directory, digits: str, items: list[Listing], events: list[Event]) -> str:
    current = _current(items)
    cycles = []
    for listing in items:
        cycles.append(
            f'<li><h3>{_date(listing.valid_from)} – {_date(listing.valid_until)}: {_status(listing.status)}</h3>'
            f'{_status_line(listing, events)}{_criteria_rows(listing)}{_links(listing, 2)}</li>')
    body = (
        f'<h1>{escape(current.org_name)} <span class="en" lang="en">ASF certification</span></h1>\n'
        f'<p>Organisationsnummer {escape(current.org_number)} {_en("organisation number")}</p>\n'
        f'<section aria-labelledby="now-h"><h2 id="now-h">Nuvarande status {_en("Current status")}</h2>'
        f'{_status_line(current, events)}{_links(current, 2)}</section>\n'
        f'{_lou(current)}\n'
        f'<section aria-labelledby="cycles-h"><h2 id="cycles-h">Certifieringar {_en("Certification cycles")}</h2>'
        f'<ol class="cycles">{"".join(cycles)}</ol></section>\n'
        f'<p>Certifierare {escape(d.certifier)}. Följ ändringar: <a href="feed.atom">Atom-flöde</a> '
        f'{_en("Follow changes: Atom feed")}. Maskinläsbart: <a href="index.json">index.json</a>.</p>'
    )
    return _page(f"{current.org_name} – ASF-certifiering", 2, body, feed="feed.atom")


def org_json(d: Directory, digits: str, items: list[Listing], events: list[Event]) -> str:
    current = _current(items)

    def cycle(listing: Listing) -> dict[str, Any]:
        subject = _subject(listing)
        criteria = [{"code": criterion_code(dict(c)), "outcome": c.get("outcome"),
                     "reviewed": [criterion_code(dict(r)) for r in c.get("requirements") or []
                                  if isinstance(r, Mapping) and is_reviewed(dict(r))]}
                    for c in subject.get("criteria") or [] if isinstance(c, Mapping)]
        return {
            "certificate": listing.cert_id, "status": listing.status, "validFrom": listing.valid_from,
            "validUntil": listing.valid_until, "criteriaSet": listing.criteria_set, "criteria": criteria,
            "louFacts": dict(subject["louFacts"]) if isinstance(subject.get("louFacts"), Mapping) else None,
            "events": [{"kind": e.kind, "time": e.time, "reasonCategory": e.reason_category}
                       for e in events if e.cert_id == listing.cert_id],
            "json": f"{d.prefix}/certificates/{listing.uuid}.json",
            "pdf": f"{d.prefix}/c/{listing.uuid}/certifikat.pdf",
            "page": f"{d.prefix}/c/{listing.uuid}/",
        }

    document = {"organisation": {"name": current.org_name, "orgNumber": current.org_number},
                "status": current.status, "current": current.cert_id, "certifier": d.certifier,
                "page": f"{d.prefix}/org/{digits}/", "cycles": [cycle(c) for c in items]}
    return json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def certificate_page(d: Directory, listing: Listing, events: list[Event]) -> str:
    digits = org_digits(listing.org_number)
    body = (
        f'<h1>ASF-certifikat för {escape(listing.org_name)} {_en("ASF certificate")}</h1>\n'
        f'<p>Organisationsnummer {escape(listing.org_number)} · <a href="../../org/{digits}/">organisationens sida '
        f'{_en("the organisation page")}</a></p>\n'
        f'<p>Ett utskrivet certifikat bevisar ingenting i sig: verifiera det här. '
        f'{_en("A printed certificate proves nothing by itself: verify it here.")}</p>\n'
        f'{_status_line(listing, events)}\n{_links(listing, 2)}\n{_criteria_rows(listing)}\n{_lou(listing)}\n'
        f'<p class="mono">Certifikat-id {escape(listing.cert_id)} · kriterier {escape(listing.criteria_set)} · '
        f'certifierare {escape(d.certifier)}</p>'
    )
    return _page(f"ASF-certifikat – {listing.org_name}", 2, body)


def _atom_time(text: str) -> str:
    return text if text.endswith("Z") else text + "Z"


def feed(d: Directory, listings: list[Listing], events: list[Event], *, path: str, title: str, now: datetime) -> str:
    """An Atom feed (RFC 4287) of issuances, suspensions, reinstatements, revocations and expiries."""
    by_id = {c.cert_id: c for c in listings}
    items: list[tuple[str, str, str, Listing]] = []  # (time, kind, id, listing)
    stamp = now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for c in listings:
        items.append((c.issued_at or c.valid_from, "certificate", f"{d.prefix}/certificates/{c.uuid}.json#issued", c))
        if c.valid_until <= stamp:
            items.append((c.valid_until, "expiry", f"{d.prefix}/certificates/{c.uuid}.json#expired", c))
    for e in events:
        if e.cert_id in by_id:
            items.append((e.time, e.kind, f"{d.prefix}/register#{e.index}", by_id[e.cert_id]))
    items.sort(key=lambda item: (item[0], item[2]), reverse=True)
    entries = []
    for when, kind, ident, c in items:
        sv, en = EVENT_TEXT.get(kind, (kind, kind))
        try:
            link = f"{d.prefix}/org/{org_digits(c.org_number)}/"
        except ValueError:  # an odd number (e.g. masked) has no organisation page: link the certificate
            link = f"{d.prefix}/certificates/{c.uuid}.json"
        entries.append(
            f"<entry><id>{escape(ident)}</id><title>{escape(f'{sv}: {c.org_name} ({c.org_number})')}</title>"
            f"<updated>{escape(_atom_time(when))}</updated><link href=\"{escape(link)}\"/>"
            f"<summary>{escape(f'{en}: {c.org_name}, certificate {c.cert_id}, valid {c.valid_from[:10]} to {c.valid_until[:10]}')}"
            f"</summary></entry>")
    updated = items[0][0] if items else "1970-01-01T00:00:00Z"
    return ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="sv">'
            f"<id>{escape(d.prefix)}/{escape(path)}</id><title>{escape(title)}</title>"
            f"<updated>{escape(_atom_time(updated))}</updated><author><name>{escape(d.certifier)}</name></author>"
            f'<link rel="self" href="{escape(d.prefix)}/{escape(path)}"/>{"".join(entries)}</feed>\n')


def directory_pages(d: Directory, now: datetime) -> dict[str, str]:
    """Every page of the directory by site path (pure: the same input gives the same bytes)."""
    groups = _by_org(d.listings)
    pages = {"index.html": index_page(d, groups)}
    for digits, items in groups.items():
        ids = {c.cert_id for c in items}
        events = _events_for(d.events, ids)
        pages[f"org/{digits}/index.html"] = org_page(d, digits, items, events)
        pages[f"org/{digits}/index.json"] = org_json(d, digits, items, events)
        pages[f"org/{digits}/feed.atom"] = feed(d, items, events, path=f"org/{digits}/feed.atom",
                                                title=f"{items[0].org_name}: ASF-certifiering", now=now)
        for listing in items:
            pages[f"c/{listing.uuid}/index.html"] = certificate_page(d, listing, events)
    pages["feed.atom"] = feed(d, list(d.listings), list(d.events), path="feed.atom",
                              title=f"{d.certifier}: ASF-certifieringar", now=now)
    return pages


# ---------------------------------------------------------------- writers (publish's hook)


def write_directory(view: Any, files: SiteOutput) -> None:
    """Site writer: the directory pages and their assets."""
    directory = directory_from_view(view)
    for name in ASSETS:
        files.write(f"assets/{name}", resources.files("asfverify").joinpath(f"web/assets/{name}").read_bytes())
    for path, text in directory_pages(directory, view.now).items():
        files.write(path, text)


def write_pdfs(view: Any, files: SiteOutput) -> None:
    """Site writer: c/<uuid>/certifikat.pdf for each certificate that has none yet (they never change)."""
    from ..certs.pdf import PdfFacts, render_pdf

    facts = PdfFacts(view.issuer.name, view.prefix.rstrip("/"))
    for record in view.certificates:
        path = f"c/{record.uuid}/certifikat.pdf"
        if files.exists(path):
            continue
        credential = view.credential(record.cert_id)
        if credential is not None:
            files.write(path, render_pdf(json.loads(json.dumps(dict(credential))), facts), immutable=True)


def write_verifier_files(view: Any, files: SiteOutput) -> None:
    """Site writer: verify/ (the web verifier) and contexts/asf-v1.jsonld."""
    from . import CONTEXT_FILE, VERIFIER_FILES, verifier_page

    base = resources.files("asfverify").joinpath("web/verify")
    key = getattr(view, "trust_list_key", None)
    for name in VERIFIER_FILES:
        files.write(f"verify/{name}", verifier_page(key) if name == "index.html" else base.joinpath(name).read_bytes())
    files.write(CONTEXT_FILE, resources.files("asfverify").joinpath("contexts/asf-v1.jsonld").read_bytes())


WRITERS = (write_verifier_files, write_directory, write_pdfs)
