"""`verify` speaks Swedish by default: step names, failure lines and errors, through the CLI.

The other tests pin ASFVERIFY_LANG=en; these unset it (the default language) or set it to sv/en.
The step names are one table (certs/verify.py step_title) that the web verifier's STEPS repeats:
the last test checks the two agree, number for number.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_certs_cli import CERTIFIER_FLAGS, _record_run

from asfverify import i18n
from asfverify.certs import verify as cert_verify
from asfverify.cli import cli

ROOT = Path(__file__).resolve().parents[1]
SWEDISH = {"ASFVERIFY_LANG": None}  # unset: the default language
STEP_LINE = re.compile(r"^(OK|FEL|ÖVERHOPPAT): (\d+) ([^:]+): ")


def _run(*args: str, env: dict | None = None):
    return CliRunner().invoke(cli, list(args), env=env if env is not None else SWEDISH)


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("certs-sv")
    ws = base / "ws"
    assert _run("init", str(ws), *CERTIFIER_FLAGS, env={"ASFVERIFY_LANG": "en"}).exit_code == 0
    _record_run(ws, "run0001certifiable")
    out = base / "cert.json"
    result = _run("-w", str(ws), "certify", "run0001", "-o", str(out), env={"ASFVERIFY_LANG": "en"})
    assert result.exit_code == 0, result.output
    return ws, out


def test_a_valid_certificate_is_verified_in_swedish(issued):
    ws, cert = issued
    result = _run("verify", str(cert), "--trust", str(ws / "keys" / "ledger.pub"))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [int(STEP_LINE.match(line).group(2)) for line in lines] == list(range(1, 11))  # type: ignore[union-attr]
    assert lines[0].startswith("OK: 1 Läsning och format: certifikat urn:uuid:")
    assert lines[1].startswith("OK: 2 Signatur (eddsa-jcs-2022): eddsa-jcs-2022-signatur av did:key:")
    assert lines[3].startswith("OK: 4 Giltighetstid: giltigt från ")
    assert lines[7] == "ÖVERHOPPAT: 8 Inte återkallat: inte kontrollerat; ange --status FIL med en aktuell statuslista"


def test_a_tampered_certificate_fails_its_step_in_swedish(issued, tmp_path):
    ws, cert = issued
    document = json.loads(cert.read_text(encoding="utf-8"))
    document["credentialSubject"]["name"] = "Ett annat företag AB"
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(document), encoding="utf-8")
    result = _run("verify", str(forged), "--trust", str(ws / "keys" / "ledger.pub"))
    assert result.exit_code == 1
    step = next(line for line in result.output.splitlines() if line.startswith("FEL: 2 "))
    assert step == ("FEL: 2 Signatur (eddsa-jcs-2022): signaturen stämmer inte: certifikatet eller dess bevis "
                    "har ändrats")
    assert ("FEL: 5 Post i registret: liggarpostens kontrollsumma stämmer inte med detta certifikat"
            in result.output.splitlines())
    assert f"{forged}: certifikatet är INTE giltigt (2 kontroller misslyckades)" in result.output
    # The same run in English keeps the English words (the JSON output keeps them in every language).
    english = _run("verify", str(forged), "--trust", str(ws / "keys" / "ledger.pub"), env={"ASFVERIFY_LANG": "en"})
    assert "FAIL: 2 proof: signature does not verify: the credential or its proof was changed" in english.output
    as_json = json.loads(_run("verify", str(forged), "--trust", str(ws / "keys" / "ledger.pub"), "--json").stdout)
    assert [(s["name"], s["status"]) for s in as_json["steps"][:2]] == [("parse", "OK"), ("proof", "FAIL")]


def test_an_untrusted_issuer_is_said_in_swedish(issued):
    _ws, cert = issued
    other = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    result = _run("verify", str(cert), "--trust", other)
    assert result.exit_code == 1
    assert re.search(r"^FEL: 3 Betrodd utfärdare: signaturen är giltig men gjord av did:key:\S+, som inte är en "
                     r"betrodd nyckel$", result.output, re.M), result.output


def test_a_malformed_certificate_is_bad_input_in_swedish(tmp_path):
    broken = tmp_path / "trasig.json"
    broken.write_text('{"id": "urn:uuid:x",', encoding="utf-8")
    result = _run("verify", str(broken), "--trust", "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1].endswith(
        f"certifikat {broken}: inte JSON: Expecting property name enclosed in double quotes på rad 1 kolumn 21")
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output


def test_a_certificate_that_parses_loosely_fails_step_one_in_swedish(issued, tmp_path):
    _ws, cert = issued
    text = cert.read_text(encoding="utf-8").replace('"@context": [', '"id": "urn:uuid:x",\n  "@context": [', 1)
    duplicate = tmp_path / "dup.json"
    duplicate.write_text(text, encoding="utf-8")
    result = _run("verify", str(duplicate), "--trust", "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")
    assert result.exit_code == 1
    assert result.output.startswith("FEL: 1 Läsning och format: dubblerad JSON-nyckel 'id'\n")


def test_a_bad_trust_key_is_said_in_swedish(issued, tmp_path):
    _ws, cert = issued
    result = _run("verify", str(cert), "--trust", str(tmp_path / "saknas.pem"))
    assert result.exit_code == 2
    assert f"--trust {tmp_path / 'saknas.pem'}: ingen sådan fil, och ingen did:key eller C2SP-vkey" in result.stderr


def test_the_cli_and_the_web_verifier_name_the_same_ten_steps():
    # One table of step names: the web page's STEPS repeats certs/verify.py's ids, numbers and Swedish names.
    script = (ROOT / "asfverify" / "web" / "verify" / "verify.js").read_text(encoding="utf-8")
    web = re.findall(r'\{ n: (\d+), id: "([^"]+)", sv: "([^"]+)", en: "([^"]+)" \}', script)
    cli_steps = [name for name, _check, _needs in cert_verify.STEPS]
    assert [(int(n), step) for n, step, _sv, _en in web] == list(enumerate(cli_steps, start=1))
    assert len(web) == 10
    i18n.set_language("sv")
    try:
        assert [cert_verify.step_title(step) for step in cli_steps] == [sv for _n, _id, sv, _en in web]
    finally:
        i18n.set_language(None)
    i18n.set_language("en")
    try:
        assert [cert_verify.step_title(step) for step in cli_steps] == [en for _n, _id, _sv, en in web]
    finally:
        i18n.set_language(None)


def test_a_malformed_did_key_is_said_in_swedish(tmp_path):
    result = _run("verify", str(tmp_path / "x.json"), "--trust", "did:key:zNOPE")
    assert result.exit_code == 2
    assert result.stderr.strip().endswith("--trust did:key:zNOPE: ogiltigt base58btc-tecken 'O'")
    english = _run("verify", str(tmp_path / "x.json"), "--trust", "did:key:zNOPE", env={"ASFVERIFY_LANG": "en"})
    assert english.stderr.strip().endswith("--trust did:key:zNOPE: invalid base58btc character 'O'")


def test_a_pdf_that_is_no_certificate_is_said_in_swedish(tmp_path):
    from fpdf import FPDF

    plain = FPDF()
    plain.add_page()
    plain.set_font("Helvetica", size=12)
    plain.cell(0, 10, "Certifikat")
    (tmp_path / "vanlig.pdf").write_bytes(bytes(plain.output()))
    result = _run("verify", str(tmp_path / "vanlig.pdf"), "--trust", "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")
    assert result.exit_code == 2
    assert result.stderr.strip().endswith(f"certifikat {tmp_path / 'vanlig.pdf'}: PDF-filen har ingen inbäddad "
                                          "certifikat.json; den är inget PDF-certifikat från asfverify")


def test_the_pdf_says_informative_in_both_languages(issued):
    import pdfplumber

    from asfverify.certs.pdf import PdfFacts, render_pdf

    _ws, cert = issued
    credential = json.loads(cert.read_text(encoding="utf-8"))
    criteria = credential["credentialSubject"]["criteria"]
    criteria.append({**criteria[0], "code": "Q1", "required": False})
    pdf = cert.with_name("informativ.pdf")
    pdf.write_bytes(render_pdf(credential, PdfFacts("Certifieringsorganet AB", "https://certifier.example/asf")))
    with pdfplumber.open(pdf) as document:
        text = " ".join(document.pages[0].extract_text().split())
    assert "Q1 (informativt)" in text and "(informative)" in text

