"""publish --trust-list: the site carries the scheme owner's signed list and its web verifier trusts it.

Before this, the page could check a trust-list.json (tests/test_web_verifier.py builds such a site by
hand) but publish never wrote one, so a published page always trusted the site's own issuer.json.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_trust_list_cli import _certifier, _certify, _invoke


@pytest.fixture()
def scheme(tmp_path, monkeypatch):
    monkeypatch.delenv("ASFVERIFY_WORKSPACE", raising=False)
    monkeypatch.delenv("ASFVERIFY_KEY_PASSPHRASE", raising=False)
    monkeypatch.chdir(tmp_path)
    ws = _certifier(tmp_path / "certifier", "Certifieringsorganet AB")
    _certify(ws, tmp_path / "cert.json")
    assert _invoke("issuer", "-o", str(tmp_path / "issuer.json"), ws=ws).exit_code == 0
    init = _invoke("trust-list", "init", str(tmp_path / "owner"), "--name", "Skoopi")
    key = init.output.strip().splitlines()[-1]
    assert _invoke("trust-list", "add", str(tmp_path / "owner"), str(tmp_path / "issuer.json"),
                   "--criteria", "asf-v1", "--from", "2026-01-01").exit_code == 0
    assert _invoke("trust-list", "sign", str(tmp_path / "owner"), "-o", str(tmp_path / "list.json")).exit_code == 0
    return {"root": tmp_path, "ws": ws, "key": key, "list": tmp_path / "list.json", "site": tmp_path / "site"}


def _publish(s: dict, *extra: str):
    from click.testing import CliRunner

    from asfverify.cli import cli

    return CliRunner().invoke(cli, ["-w", str(s["ws"]), "publish", str(s["site"]), *extra])


def _snapshot(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()} if site.exists() else {}


def test_the_site_carries_the_list_and_its_page_names_the_owner_key(scheme):
    result = _publish(scheme, "--trust-list", str(scheme["list"]), "--trust-list-key", scheme["key"])
    assert result.exit_code == 0, result.output
    site = scheme["site"]
    assert (site / "trust-list.json").read_bytes() == scheme["list"].read_bytes()  # the bytes it checked
    page = (site / "verify" / "index.html").read_text(encoding="utf-8")
    assert f'data-trust-list-key="{scheme["key"]}"' in page
    # Without the list the page goes back to issuer.json: no owner key named.
    again = _publish(scheme)
    assert again.exit_code == 0, again.output
    assert "data-trust-list-key" not in (site / "verify" / "index.html").read_text(encoding="utf-8")


def test_the_list_can_come_from_the_workspace_configuration(scheme):
    config = scheme["ws"] / "asfverify.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "[publish]\n", f'[publish]\ntrust_list = "{scheme["list"]}"\ntrust_list_key = "{scheme["key"]}"\n', 1),
        encoding="utf-8")
    result = _publish(scheme)
    assert result.exit_code == 0, result.output
    assert json.loads((scheme["site"] / "trust-list.json").read_text(encoding="utf-8"))["type"][-1] == "AsfTrustList"


def test_a_list_the_page_could_not_use_is_refused_and_nothing_is_written(scheme, tmp_path):
    other = _invoke("trust-list", "init", str(tmp_path / "other-owner"), "--name", "Annan ägare")
    other_key = other.output.strip().splitlines()[-1]
    assert _invoke("trust-list", "sign", str(tmp_path / "other-owner"), "-o", str(tmp_path / "empty.json")).exit_code == 0
    cases = [
        (("--trust-list", str(scheme["list"]), "--trust-list-key", other_key), 1, "not by the --trust-list-key"),
        (("--trust-list", str(tmp_path / "empty.json"), "--trust-list-key", other_key), 1, "does not list this certifier"),
        (("--trust-list", str(scheme["list"])), 2, "needs both --trust-list FILE and --trust-list-key KEY"),
        (("--trust-list", str(tmp_path / "missing.json"), "--trust-list-key", scheme["key"]), 2, "missing.json"),
    ]
    for extra, status, words in cases:
        before = _snapshot(scheme["site"])
        result = _publish(scheme, *extra)
        assert result.exit_code == status, (extra, result.output)
        assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "Traceback" not in result.output
        assert _snapshot(scheme["site"]) == before  # refused before anything was appended or written


def test_the_published_page_verifies_by_the_trust_list_in_the_browser(scheme, tmp_path):
    from selenium.webdriver.support.ui import WebDriverWait
    from web_support import Server, chromium_missing, start_chromium

    if chromium_missing() is not None:
        pytest.skip(chromium_missing() or "")
    result = _publish(scheme, "--trust-list", str(scheme["list"]), "--trust-list-key", scheme["key"])
    assert result.exit_code == 0, result.output
    uuid = json.loads((scheme["root"] / "cert.json").read_text(encoding="utf-8"))["id"].removeprefix("urn:uuid:")
    server = Server(scheme["site"])
    driver = start_chromium(tmp_path / "profile")
    try:
        driver.get(server.url + f"verify/#url=../certificates/{uuid}.json")
        WebDriverWait(driver, 20).until(
            lambda d: d.find_element("css selector", "main").get_attribute("data-verdict") != "pending")
        main = driver.find_element("css selector", "main")
        steps = {int(li.get_attribute("data-step")): li.get_attribute("data-outcome")
                 for li in driver.find_elements("css selector", "[data-step]")}
        assert main.get_attribute("data-verdict") == "valid", (steps, main.text[:600])
        assert steps[3] == "ok"
        # The page decides by the site's trust-list.json, never by issuer.json: a list put there by
        # someone else (signed by another owner, naming nobody) fails step 3 although issuer.json is ours.
        assert _invoke("trust-list", "init", str(tmp_path / "intruder"), "--name", "Annan").exit_code == 0
        forged = tmp_path / "forged.json"
        assert _invoke("trust-list", "sign", str(tmp_path / "intruder"), "-o", str(forged)).exit_code == 0
        (scheme["site"] / "trust-list.json").write_bytes(forged.read_bytes())
        driver.get("about:blank")
        driver.get(server.url + f"verify/#url=../certificates/{uuid}.json")
        WebDriverWait(driver, 20).until(
            lambda d: d.find_element("css selector", "main").get_attribute("data-verdict") != "pending")
        steps = {int(li.get_attribute("data-step")): li.get_attribute("data-outcome")
                 for li in driver.find_elements("css selector", "[data-step]")}
        assert driver.find_element("css selector", "main").get_attribute("data-verdict") == "invalid"
        assert steps[3] == "fail"
    finally:
        driver.quit()
        server.close()
