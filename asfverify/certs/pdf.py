"""The A4 PDF certificate: Swedish with English subtitles, a QR code to the certificate's page,
and the credential JSON embedded as a file attachment (the paper leads to the proof, it is not one).

fpdf2 writes the PDF (pure Python, embeds files); segno computes the QR matrix, drawn here as
vector squares so no image library is involved. Only the PDF core fonts are used (Latin-1: å, ä,
ö, é and § are in it), so the output does not depend on fonts installed on the machine.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..i18n import _
from .credential import criterion_code, issuer_id, parse_time
from .credential import issuer_name as claimed_issuer_name
from .html import CRITERIA_NAMES, OUTCOMES, fingerprint, is_reviewed

ATTACHMENT_NAME = "certifikat.json"
MONTHS_SV = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
             "oktober", "november", "december")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December")
GREEN = (47, 107, 79)
GREY = (80, 92, 100)
INK = (29, 42, 51)


@dataclass(frozen=True)
class PdfFacts:
    """What the PDF states beyond the credential itself."""

    certifier_name: str
    site_prefix: str  # where the register is published: the QR code and the 'verify at' text use it


def human_date_sv(moment: datetime) -> str:
    return f"{moment.day} {MONTHS_SV[moment.month - 1]} {moment.year}"


def human_date_en(moment: datetime) -> str:
    return f"{moment.day} {MONTHS_EN[moment.month - 1]} {moment.year}"


def certificate_page_url(prefix: str, cert_id: str) -> str:
    """<prefix>/c/<uuid>/: the directory page of one certificate (DESIGN §14), the QR code's target."""
    return f"{prefix.rstrip('/')}/c/{cert_id.removeprefix('urn:uuid:')}/"


def _latin1(text: Any) -> str:
    # Core fonts are Latin-1; a dash or quote outside it becomes its plain form, anything else '?'.
    plain = str(text).replace("\u2013", "-").replace("\u2014", "-").replace("\u2019", "'").replace("\u2026", "...")
    return plain.encode("latin-1", "replace").decode("latin-1")


def issuer_name(credential: dict[str, Any], fallback: str) -> str:
    return (claimed_issuer_name(credential) or "").strip() or fallback


def issuer_did(credential: dict[str, Any]) -> str:
    return issuer_id(credential) or ""


class _Page:
    def __init__(self) -> None:
        from fpdf import FPDF

        pdf = FPDF(orientation="P", unit="mm", format="A4")
        pdf.set_auto_page_break(False)
        pdf.set_margins(16, 14, 16)
        pdf.set_creator("asfverify")
        pdf.add_page()
        self.pdf = pdf

    def text(self, sv: str, en: str | None = None, *, size: float = 10, bold: bool = False,
             colour: tuple[int, int, int] = INK, width: float = 0, gap: float = 0.6) -> None:
        pdf = self.pdf
        pdf.set_text_color(*colour)
        pdf.set_font("Helvetica", "B" if bold else "", size)
        pdf.multi_cell(width, size * 0.45, _latin1(sv), new_x="LMARGIN", new_y="NEXT", align="L")
        if en:
            pdf.set_text_color(*GREY)
            pdf.set_font("Helvetica", "I", max(size * 0.78, 7))
            pdf.multi_cell(width, size * 0.38, _latin1(en), new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.ln(gap)

    def label_value(self, sv: str, en: str, value: str, *, mono: bool = False) -> None:
        pdf = self.pdf
        y = pdf.get_y()
        pdf.set_xy(pdf.l_margin, y)
        pdf.set_text_color(*INK)
        pdf.set_font("Helvetica", "B", 8.5)
        pdf.cell(48, 3.8, _latin1(sv))
        pdf.set_xy(pdf.l_margin, y + 3.6)
        pdf.set_text_color(*GREY)
        pdf.set_font("Helvetica", "I", 7)
        pdf.cell(48, 3.2, _latin1(en))
        pdf.set_xy(pdf.l_margin + 50, y)
        pdf.set_text_color(*INK)
        pdf.set_font("Courier" if mono else "Helvetica", "", 7 if mono else 9)
        pdf.multi_cell(pdf.w - pdf.r_margin - pdf.l_margin - 50, 3.8, _latin1(value), new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(max(pdf.get_y(), y + 7.2) + 0.8)

    def qr(self, url: str, x: float, y: float, size: float) -> None:
        import segno

        matrix = segno.make(url, error="m").matrix
        n = len(matrix)
        quiet = 4  # the quiet zone QR readers need, in modules
        module = size / (n + 2 * quiet)
        pdf = self.pdf
        pdf.set_fill_color(255, 255, 255)
        pdf.rect(x, y, size, size, "F")
        pdf.set_fill_color(0, 0, 0)
        for r, row in enumerate(matrix):
            c = 0
            while c < n:
                if row[c]:
                    start = c
                    while c < n and row[c]:
                        c += 1
                    # One rectangle per horizontal run: fewer operators, no hairline gaps between modules.
                    pdf.rect(x + (quiet + start) * module, y + (quiet + r) * module, (c - start) * module, module, "F")
                else:
                    c += 1


def render_pdf(credential: dict[str, Any], facts: PdfFacts) -> bytes:
    """The PDF certificate's bytes; every value comes from the signed credential or facts."""
    subject = credential["credentialSubject"]
    page = _Page()
    pdf = page.pdf
    pdf.set_draw_color(*GREEN)
    pdf.set_line_width(0.9)
    pdf.rect(9, 9, pdf.w - 18, pdf.h - 18)

    page.text("Certifikat: arbetsintegrerande socialt företag", "Certificate: work-integrating social enterprise (ASF)",
              size=19, bold=True, colour=GREEN, gap=3)
    page.text(str(subject.get("name") or ""), size=16, bold=True, gap=0.5)
    page.text(f"Organisationsnummer {subject.get('orgNumber') or ''}", "Organisation number", size=11, gap=2)
    certifier = issuer_name(credential, facts.certifier_name)
    criteria_set = str(subject.get("criteriaSet") or "")
    reference = str(subject.get("referenceDate") or "")
    page.text(f"{certifier} intygar att organisationen uppfyller kriterierna i {criteria_set}, bedömda per {reference}.",
              f"{certifier} certifies that the organisation meets the criteria of {criteria_set}, assessed as of {reference}.",
              size=10, gap=2.5)

    _criteria_table(page, subject.get("criteria") or [])
    _lou_box(page, subject.get("louFacts"))

    start, end = parse_time(credential["validFrom"]), parse_time(credential["validUntil"])
    page.label_value("Giltigt", "valid", f"{human_date_sv(start)} - {human_date_sv(end)}\n"
                     f"({human_date_en(start)} to {human_date_en(end)})")
    page.label_value("Certifierare", "certifier", certifier)
    page.label_value("Certifikat-id", "certificate id", credential["id"], mono=True)
    page.label_value("Nyckelns fingeravtryck", "key fingerprint (SHA-256)", fingerprint(issuer_did(credential)), mono=True)

    url = certificate_page_url(facts.site_prefix, credential["id"])
    qr_size = 44
    bottom_y = max(pdf.get_y() + 2, pdf.h - 16 - qr_size - 6)
    page.qr(url, pdf.w - pdf.r_margin - qr_size, bottom_y, qr_size)
    pdf.set_font("Courier", "", 6)
    pdf.set_text_color(*GREY)
    pdf.set_xy(pdf.w - pdf.r_margin - qr_size - 20, bottom_y + qr_size + 0.5)
    pdf.cell(qr_size + 20, 3, _latin1(url.removeprefix("https://")), align="R")
    column = pdf.w - pdf.l_margin - pdf.r_margin - qr_size - 5
    pdf.set_y(bottom_y)
    verify_at = f"{facts.site_prefix.rstrip('/')}/verify/"
    page.text("Papperet ensamt bevisar ingenting. Certifikatet gäller bara om det verifieras: skanna QR-koden eller "
              f"öppna {url} och tryck på Verifiera, eller lägg den bifogade filen {ATTACHMENT_NAME} (eller hela "
              f"denna PDF) i {verify_at}. Där syns också om certifikatet har återkallats eller tillfälligt stängts av.",
              "Paper alone proves nothing. The certificate counts only once verified: scan the QR code or open "
              f"the address above and press Verify, or drop the attached {ATTACHMENT_NAME} (or this whole PDF) "
              f"into {verify_at}. It also shows whether the certificate was revoked or suspended.",
              size=9, gap=1.5, width=column)
    page.text(f"Kommandorad: asfverify verify certifikat.pdf --trust {issuer_did(credential)}",
              "Command line (offline), with the issuer key published by the certifier", size=7, colour=GREY,
              width=column)

    body = (json.dumps(credential, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    pdf.embed_file(bytes=body, basename=ATTACHMENT_NAME, mime_type="application/json",
                   desc="Det signerade certifikatet / the signed certificate (W3C Verifiable Credential)",
                   associated_file_relationship="Source", compress=True,
                   modification_date=start)
    pdf.set_title(_latin1(f"ASF-certifikat - {subject.get('name') or ''}"))
    pdf.set_subject(_latin1(f"{credential['id']}"))
    pdf.set_creation_date(start)
    return bytes(pdf.output())


def _criteria_table(page: _Page, criteria: list[dict[str, Any]]) -> None:
    pdf = page.pdf
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.set_font("Helvetica", "B", 8.5)
    pdf.set_text_color(*GREY)
    pdf.cell(width - 38, 5, _latin1("Kriterium / criterion"))
    pdf.cell(38, 5, "Utfall / outcome", new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(201, 211, 217)
    pdf.set_line_width(0.2)
    for criterion in criteria:
        code = criterion_code(criterion)
        sv, en = CRITERIA_NAMES.get(code, (code, ""))
        reviewed = [criterion_code(r) for r in criterion.get("requirements", []) if is_reviewed(r)]
        y = pdf.get_y()
        pdf.line(pdf.l_margin, y, pdf.l_margin + width, y)
        pdf.set_xy(pdf.l_margin, y + 0.8)
        pdf.set_text_color(*INK)
        pdf.set_font("Helvetica", "B", 9)
        pdf.cell(10, 4, _latin1(code))
        pdf.set_font("Helvetica", "", 9)
        # Both languages say when a criterion is informative (as the HTML certificate does).
        name_sv = sv + ("" if criterion.get("required", True) else " (informativt)")
        pdf.multi_cell(width - 48, 4, _latin1(name_sv), new_x="LEFT", new_y="NEXT")
        note_en = en + ("" if criterion.get("required", True) else " (informative)")
        if reviewed:
            note_en += f"; decided by human review: {', '.join(reviewed)}"
        pdf.set_text_color(*GREY)
        pdf.set_font("Helvetica", "I", 7.5)
        pdf.multi_cell(width - 48, 3.4, _latin1(note_en), new_x="LMARGIN", new_y="NEXT")
        bottom = pdf.get_y()
        word_sv, word_en = OUTCOMES.get(str(criterion.get("outcome")), (str(criterion.get("outcome")), ""))
        mark = " *" if reviewed else ""
        pdf.set_xy(pdf.l_margin + width - 38, y + 0.8)
        pdf.set_text_color(*(GREEN if criterion.get("outcome") == "pass" else INK))
        pdf.set_font("Helvetica", "B", 9)
        pdf.cell(38, 4, _latin1(word_sv + mark), new_x="LEFT", new_y="NEXT")
        pdf.set_text_color(*GREY)
        pdf.set_font("Helvetica", "I", 7.5)
        pdf.cell(38, 3.4, _latin1(word_en + (" (reviewed)" if reviewed else "")))
        pdf.set_y(max(bottom, y + 9) + 0.6)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
    pdf.ln(1)
    if any(is_reviewed(r) for c in criteria for r in c.get("requirements", [])):
        page.text("* avgjort vid manuell granskning av certifieraren", "* decided by the certifier's human review",
                  size=7.5, colour=GREY)
    pdf.ln(1.5)


def _lou_box(page: _Page, facts: Any) -> None:
    if not isinstance(facts, dict):
        return
    parts_sv, parts_en = [], []
    if facts.get("purposeMet") is True:
        parts_sv.append("Syftet är social och yrkesmässig integration (C1 uppfyllt)")
        parts_en.append("purpose: social and vocational integration (C1 met)")
    if isinstance(facts.get("sharePercent"), int):
        parts_sv.append(f"{facts.get('peopleInTargetGroup')} av {facts.get('peopleEmployed')} sysselsatta "
                        f"({facts['sharePercent']} %) i målgruppen")
        parts_en.append(f"{facts.get('peopleInTargetGroup')} of {facts.get('peopleEmployed')} people employed "
                        f"({facts['sharePercent']} %) in the target group")
    parts_sv.append(f"referensdag {facts.get('referenceDate')}")
    parts_en.append(f"reference date {facts.get('referenceDate')}")
    page.text(f"Reserverad upphandling, {facts.get('lawReference', 'LOU 4 kap. 18 §')}: " + "; ".join(parts_sv) + ".",
              "Reserved contracts (Swedish Public Procurement Act 4:18): " + "; ".join(parts_en) + ".",
              size=9, gap=2)


# ---------------------------------------------------------------- reading it back

MAX_PDF_BYTES = 10_000_000
MAX_ATTACHMENTS = 16


def extract_credential(data: bytes, limit: int) -> bytes:
    """The embedded certificate JSON of a PDF certificate; ValueError with a reason otherwise.

    Bounded: the PDF's size is checked by the caller, at most MAX_ATTACHMENTS are looked at and
    the attachment must be under limit bytes. pypdfium2 (pdfplumber's own dependency) reads it.
    """
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise ValueError(_("not a readable PDF ({reason})", reason=exc)) from None
    try:
        count = document.count_attachments()
        if count > MAX_ATTACHMENTS:
            raise ValueError(_("the PDF has {count} attachments; a certificate has one", count=count))
        names = []
        for i in range(count):
            attachment = document.get_attachment(i)
            name = attachment.get_name()
            names.append(name)
            if name != ATTACHMENT_NAME:
                continue
            body = bytes(attachment.get_data())
            if len(body) > limit:
                raise ValueError(_("the embedded {name} is larger than {mb} MB", name=ATTACHMENT_NAME, mb=limit // 1_000_000))
            return body
    finally:
        document.close()
    if names:
        raise ValueError(_("the PDF has no embedded {name}; it is not an asfverify PDF certificate (attachments: {found})",
                           name=ATTACHMENT_NAME, found=", ".join(n[:40] for n in names)))
    raise ValueError(_("the PDF has no embedded {name}; it is not an asfverify PDF certificate", name=ATTACHMENT_NAME))
