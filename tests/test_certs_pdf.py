"""certify --pdf: the A4 PDF certificate (QR code, embedded credential), and verify FILE.pdf."""

from __future__ import annotations

import json
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from fpdf import FPDF
from test_certs_cli import _ledger_size, _record_run

from asfverify.certs.html import fingerprint
from asfverify.certs.pdf import PdfFacts, certificate_page_url, render_pdf
from asfverify.cli import cli

PREFIX = "https://certifier.example/asf"


def _invoke(*args: str, ws: Path | None = None):
    argv = (["-w", str(ws)] if ws else []) + list(args)
    return CliRunner().invoke(cli, argv, catch_exceptions=False)


def _configure(root: Path, prefix: str | None = PREFIX) -> None:
    # init sets the certifier and the publish prefix (init without them leaves no placeholder).
    flags = ["--certifier", "Certifieringsorganet AB", "--org-number", "556677-8899"]
    if prefix:
        flags += ["--publish-prefix", prefix]
    assert _invoke("init", str(root), *flags).exit_code == 0


@pytest.fixture()
def ws(tmp_path) -> Path:
    root = tmp_path / "ws"
    assert _invoke("init", str(root)).exit_code == 0
    _configure(root)
    _record_run(root, "run0001certifiable")
    return root


@pytest.fixture()
def issued(ws, tmp_path) -> tuple[Path, Path]:
    out, pdf = tmp_path / "cert.json", tmp_path / "cert.pdf"
    result = _invoke("certify", "run0001", "-o", str(out), "--pdf", str(pdf), ws=ws)
    assert result.exit_code == 0, result.output
    assert f"PDF certificate: {pdf}" in result.output
    return out, pdf


def _attachments(path: Path) -> dict[str, bytes]:
    document = pdfium.PdfDocument(str(path))
    try:
        return {a.get_name(): bytes(a.get_data()) for a in (document.get_attachment(i)
                                                            for i in range(document.count_attachments()))}
    finally:
        document.close()


def test_the_pdf_states_what_a_buyer_needs_and_embeds_the_credential(issued):
    out, pdf = issued
    cert = json.loads(out.read_text(encoding="utf-8"))
    with pdfplumber.open(pdf) as document:
        assert len(document.pages) == 1
        page = document.pages[0]
        assert (round(page.width), round(page.height)) == (595, 842)  # A4 in points
        text = " ".join(page.extract_text().split())
    uuid = cert["id"].removeprefix("urn:uuid:")
    for expected in ("Certifikat: arbetsintegrerande socialt företag", "Certificate: work-integrating social enterprise",
                     "Vägen Framåt ekonomisk förening", "769612-3459", "Certifieringsorganet AB",
                     "Papperet ensamt bevisar ingenting", "Paper alone proves nothing", f"{PREFIX}/verify/",
                     cert["id"], "Uppfyllt", "LOU (2016:1145) 4 kap. 18 §"):
        assert expected in text, expected
    compact = text.replace(" ", "")  # long values wrap across lines
    issuer_id = cert["issuer"]["id"] if isinstance(cert["issuer"], dict) else cert["issuer"]
    assert f"certifier.example/asf/c/{uuid}/" in compact and fingerprint(issuer_id).replace(" ", "") in compact
    # Validity in human dates, both languages.
    assert " - " in text and any(month in text for month in ("januari", "februari", "mars", "april", "maj", "juni",
                                                               "juli", "augusti", "september", "oktober", "november",
                                                               "december"))
    embedded = _attachments(pdf)
    assert list(embedded) == ["certifikat.json"]
    assert json.loads(embedded["certifikat.json"]) == cert


def test_verify_reads_the_pdf_and_checks_its_embedded_credential(issued, ws):
    out, pdf = issued
    from_json = _invoke("verify", str(out), "--trust-workspace", ws=ws)
    from_pdf = _invoke("verify", str(pdf), "--trust-workspace", ws=ws)
    assert from_pdf.exit_code == 0, from_pdf.output
    assert [line.split(":")[0] for line in from_pdf.output.splitlines()] == ["OK"] * 7 + ["SKIP", "SKIP", "SKIP"]  # no status lists, no witness policy
    assert from_pdf.output.splitlines()[:3] == from_json.output.splitlines()[:3]


def test_a_pdf_with_a_changed_credential_fails_the_proof(issued, ws, tmp_path):
    out, _ = issued
    cert = json.loads(out.read_text(encoding="utf-8"))
    cert["credentialSubject"]["name"] = "Någon Annan AB"
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(render_pdf(cert, PdfFacts("Certifieringsorganet AB", PREFIX)))
    result = CliRunner().invoke(cli, ["-w", str(ws), "verify", str(forged), "--trust-workspace"])
    assert result.exit_code == 1
    assert any(line.startswith("FAIL: 2 proof") for line in result.output.splitlines())


def test_a_pdf_without_a_credential_and_a_broken_pdf_are_bad_input(ws, tmp_path):
    plain = FPDF()
    plain.add_page()
    plain.set_font("Helvetica", size=12)
    plain.cell(0, 10, "Certifikat")
    (tmp_path / "plain.pdf").write_bytes(bytes(plain.output()))
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 100)
    for name, reason in (("plain.pdf", "no embedded certifikat.json"), ("broken.pdf", "not a readable PDF")):
        result = CliRunner().invoke(cli, ["-w", str(ws), "verify", str(tmp_path / name)])
        assert result.exit_code == 2, result.output
        assert reason in result.output and "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) == 1


def test_pdf_needs_the_publish_prefix_and_refuses_before_issuing(tmp_path):
    root = tmp_path / "ws"
    assert _invoke("init", str(root)).exit_code == 0
    _configure(root, prefix=None)
    _record_run(root, "run0001certifiable")
    before = _ledger_size(root)
    result = CliRunner().invoke(cli, ["-w", str(root), "certify", "run0001", "-o", str(tmp_path / "c.json"),
                                      "--pdf", str(tmp_path / "c.pdf")])
    assert result.exit_code == 2 and "[publish] prefix" in result.output
    assert _ledger_size(root) == before and not (tmp_path / "c.pdf").exists()


def test_reviewed_requirements_are_marked_on_paper(ws, tmp_path):
    _record_run(ws, "run0002review", failing="C2.ratio")
    assert _invoke("review", "run0002review", "C2.ratio", "--pass", "--note", "checked by hand", ws=ws).exit_code == 0
    pdf = tmp_path / "reviewed.pdf"
    assert _invoke("certify", "run0002", "-o", str(tmp_path / "r.json"), "--pdf", str(pdf), ws=ws).exit_code == 0
    with pdfplumber.open(pdf) as document:
        text = " ".join(document.pages[0].extract_text().split())
    assert "decided by human review: C2.ratio" in text and "manuell granskning" in text


def test_the_qr_target_is_the_certificate_page():
    assert certificate_page_url(PREFIX + "/", "urn:uuid:0f8d2a4e-3b7c-4f1e-9a6d-5c2b1e0f9a77") == \
        f"{PREFIX}/c/0f8d2a4e-3b7c-4f1e-9a6d-5c2b1e0f9a77/"


def test_the_html_certificate_leads_to_the_certificate_page(ws, tmp_path):
    html = tmp_path / "c.html"
    result = _invoke("certify", "run0001", "-o", str(tmp_path / "c.json"), "--html", str(html), ws=ws)
    assert result.exit_code == 0, result.output
    text = html.read_text(encoding="utf-8")
    cert = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    assert f"{PREFIX}/c/{cert['id'].removeprefix('urn:uuid:')}/" in text
    assert 'src="data:image/svg+xml' in text and "Papperet ensamt bevisar ingenting" in text


def test_the_printed_qr_code_decodes_to_the_certificate_page(issued):
    # Decoded by ZXing (zxing-cpp), a reader we did not write, from the page as pdfium renders it:
    # what a phone camera pointed at the printed certificate would open.
    import zxingcpp  # a test extra (pyproject [test])
    out, pdf = issued
    cert = json.loads(out.read_text(encoding="utf-8"))
    document = pdfium.PdfDocument(str(pdf))
    try:
        image = document[0].render(scale=3).to_pil().convert("L")
    finally:
        document.close()
    found = [b for b in zxingcpp.read_barcodes(image) if b.format == zxingcpp.BarcodeFormat.QRCode]
    assert [b.text for b in found] == [certificate_page_url(PREFIX, cert["id"])]
    assert found[0].text == f"{PREFIX}/c/{cert['id'].removeprefix('urn:uuid:')}/"
