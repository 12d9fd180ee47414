"""The directory pages publish writes: content, size, privacy, feeds, idempotency (no browser needed)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner
from web_support import PREFIX, DirFiles, build_site

from asfverify.cli import cli
from asfverify.web.directory import directory_pages, org_digits, write_directory

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_site(tmp_path_factory.mktemp("site"))


def test_every_page_is_small_and_holds_no_personal_data(built):
    pages = [p for p in built.root.rglob("*") if p.suffix in (".html", ".json", ".atom") and p.is_file()]
    assert pages
    for page in pages:
        text = page.read_text(encoding="utf-8")
        if page.parent.name in ("org", "c") or page.parent.parent.name in ("org", "c"):
            assert len(text.encode("utf-8")) <= 20_000, page
        # No personnummer/samordningsnummer shape anywhere (12 or 10 digits with a sign); org numbers are 16+…
        assert not re.search(r"\b(19|20)\d{6}[-+]?\d{4}\b", text), page
        assert "C2.ratio" not in text or page.suffix == ".json"


def test_the_organisation_page_and_json(built):
    org = built.root / "org" / "7696123459"
    html = (org / "index.html").read_text(encoding="utf-8")
    assert "Vägen Framåt ekonomisk förening" in html and "769612-3459" in html
    assert html.count("<li><h3>") == 2  # both certification cycles, newest first
    assert html.index("Giltigt</span>") < html.index("Utgånget</span>")
    assert "58 % (7 av 12)" in html and "LOU 4 kap. 18 §" in html
    uuid = built.certificates["valid"]["id"].removeprefix("urn:uuid:")
    assert f'href="../../verify/#url=../certificates/{uuid}.json"' in html
    assert f'href="../../c/{uuid}/certifikat.pdf"' in html
    document = json.loads((org / "index.json").read_text(encoding="utf-8"))
    assert document["status"] == "valid" and document["current"] == built.certificates["valid"]["id"]
    assert [c["status"] for c in document["cycles"]] == ["valid", "expired"]
    assert document["cycles"][0]["louFacts"]["sharePercent"] == 58
    assert document["cycles"][0]["pdf"] == f"{PREFIX}/c/{uuid}/certifikat.pdf"
    revoked = json.loads((built.root / "org" / "7696010003" / "index.json").read_text(encoding="utf-8"))
    assert revoked["status"] == "revoked"
    assert revoked["cycles"][0]["events"][0]["reasonCategory"] == "uppgifter-felaktiga"
    text = (built.root / "org" / "7696010003" / "index.html").read_text(encoding="utf-8")
    assert "Återkallat" in text and "uppgifter-felaktiga" in text


def test_each_certificate_has_a_page_and_a_pdf_that_verifies(built, tmp_path):
    for state in ("valid", "revoked", "suspended", "expired", "unwitnessed"):
        uuid = built.certificates[state]["id"].removeprefix("urn:uuid:")
        page = (built.root / "c" / uuid / "index.html").read_text(encoding="utf-8")
        assert built.certificates[state]["id"] in page
    uuid = built.certificates["valid"]["id"].removeprefix("urn:uuid:")
    result = CliRunner().invoke(cli, ["verify", str(built.root / "c" / uuid / "certifikat.pdf"),
                                      "--trust", built.certificates["valid"]["issuer"]["id"]])
    assert result.exit_code == 0, result.output


def test_the_feeds_list_every_change(built):
    feed = ET.parse(built.root / "feed.atom").getroot()
    titles = [e.find(f"{ATOM}title").text for e in feed.findall(f"{ATOM}entry")]
    assert sum(t.startswith("Certifikat utfärdat") for t in titles) == 5
    assert any(t.startswith("Certifikatet återkallat: Kaffekooperativet") for t in titles)
    assert any(t.startswith("Certifikatet tillfälligt avstängt: Grönt Arbete") for t in titles)
    assert any(t.startswith("Certifikatet har gått ut: Vägen Framåt") for t in titles)
    ids = [e.find(f"{ATOM}id").text for e in feed.findall(f"{ATOM}entry")]
    assert len(ids) == len(set(ids))
    own = ET.parse(built.root / "org" / "7696010003" / "feed.atom").getroot()
    assert {e.find(f"{ATOM}title").text.split(":")[0] for e in own.findall(f"{ATOM}entry")} == {
        "Certifikat utfärdat", "Certifikatet återkallat"}


def test_writing_again_changes_nothing(built):
    from web_support import FakeView  # noqa: F401  (the view the site was built from is rebuilt here)

    files = DirFiles(built.root)
    before = {p: p.read_bytes() for p in built.root.rglob("*") if p.is_file()}
    view = built.view
    write_directory(view, files)
    assert files.written == []
    assert before == {p: p.read_bytes() for p in built.root.rglob("*") if p.is_file()}
    assert directory_pages(__import__("asfverify.web.directory", fromlist=["x"]).directory_from_view(view), view.now) \
        == directory_pages(__import__("asfverify.web.directory", fromlist=["x"]).directory_from_view(view), view.now)


def test_org_numbers_become_ten_digits():
    assert org_digits("556677-8899") == "5566778899" and org_digits("16556677-8899") == "5566778899"
    with pytest.raises(ValueError):
        org_digits("12-34")
