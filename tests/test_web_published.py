"""The buyer's pages on a site written by `asfverify publish`, end to end through the CLI.

init → certify (with --pdf) → revoke → publish DIR; then the directory, the organisation page, the
certificate page and its PDF, and the web verifier in Chromium on that very site.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_certs_cli import _record_run
from web_support import Server, chromium_missing, start_chromium

from asfverify.cli import cli

pytestmark = pytest.mark.skipif(importlib.util.find_spec("asfverify.publish") is None,
                                reason="asfverify publish is not installed in this tree")
PREFIX = "https://certifier.example/asf"


def _invoke(*args: str, ws: Path | None = None):
    argv = (["-w", str(ws)] if ws else []) + list(args)
    result = CliRunner().invoke(cli, argv, catch_exceptions=False)
    return result


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("published")
    ws = tmp / "ws"
    init = _invoke("init", str(ws), "--certifier", "Certifieringsorganet AB", "--org-number", "556677-8899",
                   "--publish-prefix", PREFIX)
    assert init.exit_code == 0, init.output
    _record_run(ws, "run0001certifiable")
    _record_run(ws, "run0002certifiable")
    certs = {}
    for name, run in (("revoked", "run0001"), ("valid", "run0002")):
        out = tmp / f"{name}.json"
        result = _invoke("certify", run, "-o", str(out), "--pdf", str(tmp / f"{name}.pdf"), ws=ws)
        assert result.exit_code == 0, result.output
        certs[name] = json.loads(out.read_text(encoding="utf-8"))
    assert _invoke("revoke", certs["revoked"]["id"], "--reason", "Felaktiga uppgifter", ws=ws).exit_code == 0
    site = tmp / "site"
    result = _invoke("publish", str(site), ws=ws)
    assert result.exit_code == 0, result.output
    return site, certs


def test_publish_writes_the_buyers_pages(published):
    site, certs = published
    for path in ("index.html", "feed.atom", "verify/index.html", "verify/verify.js", "verify/asf-lib.js",
                 "contexts/asf-v1.jsonld", "assets/site.css", "assets/directory.js"):
        assert (site / path).is_file(), path
    org = site / "org" / "7696123459"
    page = (org / "index.html").read_text(encoding="utf-8")
    assert "Vägen Framåt ekonomisk förening" in page and page.count("<li><h3>") == 2
    assert json.loads((org / "index.json").read_text(encoding="utf-8"))["status"] == "valid"
    for cert in certs.values():
        uuid = cert["id"].removeprefix("urn:uuid:")
        assert (site / "c" / uuid / "index.html").is_file() and (site / "certificates" / f"{uuid}.json").is_file()
        pdf = site / "c" / uuid / "certifikat.pdf"
        result = CliRunner().invoke(cli, ["verify", str(pdf), "--trust", cert["issuer"]["id"]])
        assert result.exit_code == 0, result.output  # the CLI has no status list here: both verify offline
    assert "Certifikatet återkallat" in (site / "feed.atom").read_text(encoding="utf-8")


@pytest.mark.skipif(chromium_missing() is not None, reason=chromium_missing() or "")
def test_the_published_site_verifies_in_the_browser(published, tmp_path):
    from selenium.webdriver.support.ui import WebDriverWait

    site, certs = published
    server = Server(site)
    driver = start_chromium(tmp_path / "profile")

    def verdict() -> str:
        WebDriverWait(driver, 20).until(
            lambda d: d.find_element("css selector", "main").get_attribute("data-verdict") != "pending")
        return driver.find_element("css selector", "main").get_attribute("data-verdict")

    def steps() -> dict[int, str]:
        return {int(li.get_attribute("data-step")): li.get_attribute("data-outcome")
                for li in driver.find_elements("css selector", "[data-step]")}

    try:
        driver.get(server.url)
        # The directory fills its table from register.json after load, and clicks load new pages:
        # wait for what the next step needs instead of racing the scripts (flaky under load).
        driver.implicitly_wait(10)
        driver.find_element("id", "q").send_keys("vägen")

        def shown(d) -> list:
            return [r for r in d.find_elements("css selector", "#orgs tbody tr") if r.is_displayed()]

        WebDriverWait(driver, 20).until(lambda d: len(shown(d)) == 1)
        rows = shown(driver)
        assert len(rows) == 1
        rows[0].find_element("tag name", "a").click()
        driver.find_element("css selector", "#now-h ~ .actions a.button").click()
        assert verdict() == "valid"
        assert all(outcome in ("ok", "skip") for outcome in steps().values())
        assert steps()[2] == steps()[8] == "ok"
        uuid = certs["revoked"]["id"].removeprefix("urn:uuid:")
        driver.get(server.url + f"verify/#url=../certificates/{uuid}.json")
        assert verdict() == "invalid"
        assert [n for n, o in steps().items() if o == "fail"] == [8]
    finally:
        driver.quit()
        server.close()
