"""The web verifier in a real browser (headless Chromium via selenium), served from 127.0.0.1.

Without Chromium and chromedriver these tests skip with the reason; CI installs both (.ci/run).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from web_support import PREFIX, Server, build_site, chromium_missing, start_chromium

from asfverify.certs.pdf import PdfFacts, render_pdf

pytestmark = pytest.mark.skipif(chromium_missing() is not None, reason=chromium_missing() or "")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    built = build_site(root)
    server = Server(root)
    yield built, server
    server.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    driver = start_chromium(tmp_path_factory.mktemp("profile"))
    yield driver
    driver.quit()


def _open(browser, server, fragment: str = ""):
    browser.get_log("browser")  # what earlier pages logged is not this page's
    browser.get(server.url + "verify/" + fragment)
    browser.execute_script("return window.asfVerify.ready()")


def _wait_verdict(browser, timeout: float = 20) -> str:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, timeout).until(
        lambda d: d.find_element("css selector", "main").get_attribute("data-verdict") != "pending")
    return browser.find_element("css selector", "main").get_attribute("data-verdict")


def _steps(browser) -> dict[int, str]:
    return {int(li.get_attribute("data-step")): li.get_attribute("data-outcome")
            for li in browser.find_elements("css selector", "[data-step]")}


def _paste(browser, server, text: str, page: str = "verify/") -> str:
    browser.get_log("browser")
    browser.get(server.url + page)
    browser.execute_script("return window.asfVerify.ready()")
    browser.execute_script("document.getElementById('paste').value = arguments[0]", text)
    browser.find_element("id", "verify-paste").click()
    return _wait_verdict(browser)


def _first_failure(steps: dict[int, str]) -> int | None:
    return next((n for n, outcome in sorted(steps.items()) if outcome == "fail"), None)


def _requests(browser) -> list[str]:
    urls = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def test_a_valid_certificate_passes_every_step(site, browser):
    built, server = site
    cert = built.certificates["valid"]
    assert _paste(browser, server, json.dumps(cert)) == "valid"
    assert _steps(browser) == {n: "ok" for n in range(1, 11)}
    text = browser.find_element("tag name", "main").text
    assert "Certifikatet är giltigt" in text and "The certificate is valid" in text
    assert "Certifieringsorganet AB" in text  # the name from the site's issuer.json
    assert "Vittnen som kontrasignerat: 1" in text and "58 % (7 av 12)" in text  # witnesses, LOU panel
    assert "Spärrlista" in text and "timmar gammal" in text  # the status list's age
    assert float(browser.find_element("css selector", "main").get_attribute("data-verify-ms")) > 0


@pytest.mark.parametrize(("state", "step", "words"), [
    ("tampered", 2, "signaturen stämmer inte"),
    ("unlisted", 3, "är inte denna webbplats certifierare"),
    ("expired", 4, "UTGÅNGET"),
    ("revoked", 8, "ÅTERKALLAT"),
    ("unwitnessed", 9, "OBEVITTNAT"),
    ("suspended", 10, "TILLFÄLLIGT AVSTÄNGT"),
])
def test_each_bad_certificate_fails_on_its_own_step(site, browser, state, step, words):
    built, server = site
    assert _paste(browser, server, json.dumps(built.certificates[state])) == "invalid"
    steps = _steps(browser)
    assert _first_failure(steps) == step, steps
    failed = browser.find_element("css selector", f'[data-step="{step}"]')
    assert words in failed.text
    if state in ("revoked", "suspended", "unwitnessed"):  # everything else about it is fine
        assert [n for n, o in steps.items() if o == "fail"] == [step]


def test_the_pdf_certificate_verifies_from_a_chosen_file(site, browser, tmp_path):
    built, server = site
    pdf = tmp_path / "certifikat.pdf"
    pdf.write_bytes(render_pdf(built.certificates["valid"], PdfFacts("Certifieringsorganet AB", PREFIX)))
    _open(browser, server)
    browser.find_element("id", "file").send_keys(str(pdf))
    assert _wait_verdict(browser) == "valid"
    assert set(_steps(browser).values()) == {"ok"}
    assert "embedded certifikat.json" in browser.find_element("id", "checked").text


def test_a_url_on_the_site_verifies_and_one_outside_is_refused_without_fetching(site, browser):
    built, server = site
    uuid = built.certificates["valid"]["id"].removeprefix("urn:uuid:")
    _open(browser, server, f"#url=../certificates/{uuid}.json")
    assert _wait_verdict(browser) == "valid"
    browser.get_log("performance")  # drop what was logged so far
    for outside in ("https://evil.example/cert.json", "//evil.example/c.json", "http://127.0.0.2:1/c.json",
                    "/../../etc/passwd", "javascript:alert(1)"):
        _open(browser, server, "#url=" + outside)
        assert _wait_verdict(browser) == "invalid"
        message = browser.find_element("id", "message").text
        assert "utanför denna webbplats" in message or "kunde inte hämtas" in message, (outside, message)
    hosts = {urlsplit(u).netloc for u in _requests(browser) if u.startswith("http")}
    assert hosts == {urlsplit(server.url).netloc}


@pytest.mark.parametrize(("content", "words"), [
    (b"this is not json", "inget certifikat"),
    (b'{"id": 1, "id": 2}', "dubblerad JSON-nyckel"),
    (b'{"share": 0.58}', "decimaltal"),
    (b"\xff\xfe\x00garbage", "varken JSON eller PDF"),
    (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n", "inget bifogat certifikat"),
])
def test_bad_input_gives_a_clear_message(site, browser, tmp_path, content, words):
    _, server = site
    path = tmp_path / "input.bin"
    path.write_bytes(content)
    _open(browser, server)
    browser.find_element("id", "file").send_keys(str(path))
    assert _wait_verdict(browser) == "invalid"
    assert words in browser.find_element("id", "message").text
    assert not [e for e in browser.get_log("browser") if e["level"] == "SEVERE" and "favicon" not in e["message"]]


def test_a_50_mb_file_is_refused_unread(site, browser, tmp_path):
    _, server = site
    big = tmp_path / "big.json"
    with big.open("wb") as handle:
        handle.truncate(50 * 1000 * 1000)
    _open(browser, server)
    browser.find_element("id", "file").send_keys(str(big))
    assert _wait_verdict(browser) == "invalid"
    assert "50 MB" in browser.find_element("id", "message").text


def test_a_certificate_from_another_site_is_not_verified_here(site, browser):
    built, server = site
    cert = json.loads(json.dumps(built.certificates["valid"]))
    entry = cert["credentialStatus"]
    entry["statusListCredential"] = entry["statusListCredential"].replace(PREFIX, "https://other.example/asf")
    assert _paste(browser, server, json.dumps(cert)) == "invalid"
    text = browser.find_element("css selector", '[data-step="8"]').text
    assert "finns inte på denna webbplats" in text


def _contrast(rgb_a: str, rgb_b: str) -> float:
    def luminance(text: str) -> float:
        values = [int(v) / 255 for v in re.findall(r"\d+", text)[:3]]
        lin = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in values]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    a, b = sorted((luminance(rgb_a), luminance(rgb_b)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def test_accessibility_basics(site, browser):
    built, server = site
    _paste(browser, server, json.dumps(built.certificates["revoked"]))
    page = browser.find_element("tag name", "html")
    assert page.get_attribute("lang") == "sv"
    assert len(browser.find_elements("tag name", "h1")) == 1
    for control in browser.find_elements("css selector", "input, textarea"):
        ident = control.get_attribute("id")
        assert browser.find_elements("css selector", f'label[for="{ident}"]'), ident
    # English text is marked as English wherever it appears.
    untagged = browser.execute_script(
        "return [...document.querySelectorAll('.en')].filter(e => e.closest('[lang=en]') === null).length")
    assert untagged == 0
    # Outcome colours: AA contrast (4.5:1) against the page background; the words are there too.
    for outcome in ("ok", "fail", "skip"):
        colours = browser.execute_script("""
            const li = document.createElement('li'); li.className = 'step ' + arguments[0];
            const b = document.createElement('span'); b.className = 'badge'; b.textContent = 'x'; li.append(b);
            document.getElementById('steps').append(li);
            const out = [getComputedStyle(b).color, getComputedStyle(document.body).backgroundColor]; li.remove(); return out;
        """, outcome)
        assert _contrast(*colours) >= 4.5, (outcome, colours)
    headings = [int(h.tag_name[1]) for h in browser.find_elements("css selector", "h1, h2, h3, h4")
                if h.is_displayed()]
    assert all(b - a <= 1 for a, b in zip(headings, headings[1:])), headings  # no skipped levels
    assert browser.find_element("id", "message").get_attribute("role") == "alert"


def test_no_request_leaves_the_site(site, browser):
    built, server = site
    browser.get_log("performance")
    _paste(browser, server, json.dumps(built.certificates["valid"]))
    urls = _requests(browser)
    assert urls and all(u.startswith(server.url) for u in urls), urls
    assert (Path(built.root) / "verify" / "index.html").read_text(encoding="utf-8").count("http") <= 3


def _visible_rows(browser) -> list[str]:
    return [row.text for row in browser.find_elements("css selector", "#orgs tbody tr") if row.is_displayed()]


def test_the_directory_search_finds_an_organisation_and_its_page_verifies(site, browser):
    _, server = site
    browser.get(server.url)
    search = browser.find_element("id", "q")
    assert len(_visible_rows(browser)) == 4
    search.send_keys("bönan")
    rows = _visible_rows(browser)
    assert len(rows) == 1 and "Kaffekooperativet Bönan" in rows[0]
    search.clear()
    search.send_keys("7696123459")  # the number without its dash
    assert ["Vägen Framåt" in r for r in _visible_rows(browser)] == [True]
    search.clear()
    search.send_keys(" ")
    from selenium.webdriver.support.ui import Select

    Select(browser.find_element("id", "status")).select_by_value("revoked")
    assert ["Återkallat" in r for r in _visible_rows(browser)] == [True]
    # The organisation page's verify button runs the web verifier on its current certificate.
    browser.get(server.url + "org/7696123459/")
    browser.find_element("css selector", "#now-h ~ .actions a.button").click()
    assert _wait_verdict(browser) == "valid"


def test_the_directory_table_is_there_without_javascript(site):
    built, _ = site
    html = (built.root / "index.html").read_text(encoding="utf-8")
    assert html.count("<tr data-status=") == 4 and 'id="filters" class="filters" role="search" hidden' in html


AXE = Path(os.environ.get("ASFVERIFY_NODE_MODULES", "/nonexistent")) / "axe-core" / "axe.min.js"


@pytest.mark.skipif(not AXE.is_file(), reason="axe-core not installed (npm install axe-core; set ASFVERIFY_NODE_MODULES)")
def test_axe_core_finds_no_wcag_21_aa_violation(site, browser):
    built, server = site
    uuid = built.certificates["valid"]["id"].removeprefix("urn:uuid:")
    for path, state in (("verify/", "revoked"), ("verify/", "valid"), ("", None), ("org/7696123459/", None),
                        (f"c/{uuid}/", None)):
        if state:
            _paste(browser, server, json.dumps(built.certificates[state]))
        else:
            browser.get(server.url + path)
        browser.execute_script(AXE.read_text(encoding="utf-8"))
        violations = browser.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})"
            ".then(r => done(r.violations.map(v => [v.id, v.impact, v.nodes.length])));")
        assert violations == [], (path, state, violations)


def test_with_the_scheme_owners_key_the_page_trusts_the_trust_list(site, browser):
    built, server = site
    assert _paste(browser, server, json.dumps(built.certificates["valid"]), "verify-listed/") == "valid"
    step = browser.find_element("css selector", '[data-step="3"]').text
    assert "Certifieringsorganet AB (ackrediterat)" in step and "förtroendelistan" in step  # the list's name
    assert _paste(browser, server, json.dumps(built.certificates["unlisted"]), "verify-listed/") == "invalid"
    assert _first_failure(_steps(browser)) == 3
    assert "finns inte på förtroendelistan" in browser.find_element("css selector", '[data-step="3"]').text
    # A page given another owner key refuses the site's list rather than falling back to issuer.json.
    assert _paste(browser, server, json.dumps(built.certificates["valid"]), "verify-wrong-owner/") == "invalid"
    assert "inte signerad av ägaren" in browser.find_element("css selector", '[data-step="3"]').text


def test_the_print_view_is_a_receipt(site, browser):
    built, server = site
    _paste(browser, server, json.dumps(built.certificates["valid"]))
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not browser.find_element("css selector", "section.input").is_displayed()
        receipt = browser.find_element("id", "checked")
        assert receipt.is_displayed() and "Kontrollerat" in receipt.text and "status/revocation.json" in receipt.text
        assert browser.find_element("id", "steps").is_displayed()
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_the_pages_rfc8785_and_rfc9162_code_agrees_with_the_python_side(site, browser):
    """The JavaScript JCS and inclusion-proof code against asfverify's own (rfc8785 package, merkle)."""
    import base64
    import random

    from asfverify.jcs import canonical
    from asfverify.ledger import merkle

    _, server = site
    _open(browser, server)
    rng = random.Random(7)
    alphabet = ["a", "Z", "é", "ö", "\u2028", "\u20ac", "😀", "\U0001f600a", "\x00", "\x1f", '"', "\\", "/", "\ud7ff", "\ue000"]

    def value(depth: int):
        kind = rng.randrange(6 if depth < 3 else 4)
        if kind == 0:
            return rng.choice([True, False, None])
        if kind == 1:
            return rng.choice([0, -1, 1, 2**53 - 1, -(2**53 - 1), 1000000, 42])
        if kind in (2, 3):
            return "".join(rng.choice(alphabet) for _ in range(rng.randrange(6)))
        if kind == 4:
            return [value(depth + 1) for _ in range(rng.randrange(4))]
        return {"".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 4))): value(depth + 1)
                for _ in range(rng.randrange(5))}

    documents = [value(0) for _ in range(200)] + [json.loads(json.dumps(site[0].certificates["valid"]))]
    texts = [json.dumps(d, ensure_ascii=rng.random() < 0.5) for d in documents]
    got = browser.execute_script("return arguments[0].map(t => AsfLib.jcs(AsfLib.parseStrict(t)))", texts)
    assert got == [canonical(d).decode("utf-8") for d in documents]

    leaves = [merkle.leaf_hash(b"leaf %d" % i) for i in range(40)]
    cases = []
    for size in range(1, 40, 3):
        root = merkle.root_of(leaves[:size])
        for index in range(size):
            path = merkle.inclusion_path(index, size, lambda a, b: merkle.root_of(leaves[a:b]))
            cases.append([index, size, base64.b64encode(leaves[index]).decode(),
                          [base64.b64encode(p).decode() for p in path], base64.b64encode(root).decode()])
    bad = browser.execute_async_script("""
        const [cases, done] = arguments; const L = AsfLib, b = (t) => L.base64decode(t);
        (async () => { let bad = 0;
          for (const [i, size, leaf, path, root] of cases) {
            const r = await L.rootFromInclusion(i, size, b(leaf), path.map(b));
            if (!r || !L.equal(r, b(root))) bad++;
            const wrong = await L.rootFromInclusion((i + 1) % size, size, b(leaf), path.map(b));
            if (size > 1 && wrong && L.equal(wrong, b(root))) bad++;
          } return bad; })().then(done);
    """, cases)
    assert bad == 0
