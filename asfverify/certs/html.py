"""The one-page printable certificate (Swedish with English subtitles) from a signed credential."""

from __future__ import annotations

import hashlib
from html import escape
from importlib import resources
from string import Template
from typing import Any

from ..multibase import public_key_from_did
from ..outcomes import Outcome
from .credential import criterion_code

# Short names of the asf-v1 criteria (DESIGN §2); other criteria show their id only.
CRITERIA_NAMES = {
    "C1": ("Inkluderar och anställer människor långt från arbetsmarknaden",
           "includes and employs people far from the labour market"),
    "C2": ("Minst 51 % av de anställda berättigade till lönestöd vid anställningen",
           "at least 51 % of employees eligible for wage subsidy when hired"),
    "C3": ("Fristående från offentlig sektor, verksamt på en öppen marknad",
           "independent of the public sector, trading on an open market"),
    "C4": ("Överskottet återinvesteras i sin helhet", "all profits reinvested"),
    "C5": ("Demokratisk struktur: medarbetarna utser styrelsen", "democratic structure: employees elect the board"),
    "C6": ("Kollektivavtal och systematiskt arbetsmiljöarbete",
           "collective agreement and systematic work-environment management"),
}
# Requirement and criterion outcomes only (a result's `error` never reaches a certificate).
OUTCOMES = {o.value: (o.certificate_sv, o.certificate_en) for o in Outcome if o is not Outcome.ERROR}


def is_reviewed(requirement: dict[str, Any]) -> bool:
    """Whether a certifier's human review decided this requirement (new and older certificates)."""
    return requirement.get("decidedBy") == "review" or requirement.get("reviewed") is True


def fingerprint(did: str) -> str:
    """SHA-256 of the issuer's raw Ed25519 key, hex in groups of four."""
    digest = hashlib.sha256(public_key_from_did(did)).hexdigest()
    return " ".join(digest[i : i + 4] for i in range(0, len(digest), 4))


def _rows(criteria: list[dict[str, Any]]) -> str:
    rows = []
    for criterion in criteria:
        code = criterion_code(criterion)
        sv, en = CRITERIA_NAMES.get(code, ("", ""))
        name = f"<b>{escape(code)}</b> {escape(sv)}"
        if en:
            name += f'<br><span class="en">{escape(en)}</span>'
        if not criterion.get("required", True):
            name += ' <span class="en">(informativt / informative)</span>'
        requirements = ", ".join(escape(criterion_code(r)) + (" (granskat / reviewed)" if is_reviewed(r) else "")
                                 for r in criterion.get("requirements", []))
        word_sv, word_en = OUTCOMES.get(criterion["outcome"], (criterion["outcome"], ""))
        css = ' class="ok"' if criterion["outcome"] == "pass" else ""
        rows.append(f'    <tr><td>{name}</td><td class="mono">{requirements}</td>'
                    f'<td{css}>{escape(word_sv)}<br><span class="en">{escape(word_en)}</span></td></tr>')
    return "\n".join(rows)


def _web_block(credential: dict[str, Any], site_prefix: str | None) -> str:
    """The 'verify on the web' paragraph with a QR code to <prefix>/c/<uuid>/ (an inline SVG data URI)."""
    if not site_prefix:
        return ""
    import segno

    from .pdf import certificate_page_url

    url = certificate_page_url(site_prefix, credential["id"])
    qr = segno.make(url, error="m").svg_data_uri(scale=3, border=4)
    return (f'<p class="label">Verifiera på webben <span class="en">/ verify on the web</span></p>\n'
            f'  <p><img src="{escape(qr)}" alt="QR-kod till {escape(url)}" width="120" height="120" style="float:right">'
            f'Papperet ensamt bevisar ingenting: skanna QR-koden eller öppna <b>{escape(url)}</b> och tryck på Verifiera.'
            f'<br><span class="en">Paper alone proves nothing: scan the QR code or open the address and press Verify.</span></p>\n')


def render_html(credential: dict[str, Any], certificate_file: str = "certifikat.json",
                site_prefix: str | None = None) -> str:
    """HTML of the printable certificate; every value is escaped. With the publish prefix it also
    leads to the certificate's page (QR code), where the buyer verifies it."""
    subject = credential["credentialSubject"]
    entry = credential.get("ledgerProof", {}).get("entry", {})
    index_line = credential.get("ledgerProof", {}).get("tlogProof", "").split("\n")[1:2]
    template = Template(resources.files("asfverify").joinpath("templates/certificate.html").read_text("utf-8"))
    from .credential import issuer_id, issuer_name

    did = issuer_id(credential) or ""
    named = issuer_name(credential)
    command = (f"asfverify verify {certificate_file} --trust {did} "
               f"--status statuslista.json")
    return template.substitute(
        org_name=escape(subject.get("name") or ""),
        org_number=escape(subject.get("orgNumber") or ""),
        criteria_set=escape(subject.get("criteriaSet") or ""),
        reference_date=escape(subject.get("referenceDate") or ""),
        criteria_rows=_rows(subject.get("criteria", [])),
        valid_from=escape(credential["validFrom"]),
        valid_until=escape(credential["validUntil"]),
        cert_id=escape(credential["id"]),
        issuer=escape(f"{named} — {did}" if named else did),
        fingerprint=escape(fingerprint(did)),
        ledger_entry=escape(f"{index_line[0] if index_line else ''} · sha256 {entry.get('credential_sha256', '')[:16]}…"),
        verify_command=escape(command),
        verify_web=_web_block(credential, site_prefix),
    )
