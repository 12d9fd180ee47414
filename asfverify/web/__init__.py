"""The buyer's side of the published site: the web verifier's files and the JSON-LD context.

The verifier is static HTML, CSS and JavaScript kept as real files in asfverify/web/verify/;
`publish` copies them beside each other into DIR/verify/ (the page's CSP allows scripts and styles
from its own origin only, so nothing is inlined and nothing comes from elsewhere).
"""

from __future__ import annotations

import os
from html import escape
from importlib import resources
from pathlib import Path

VERIFIER_FILES = ("index.html", "verify.css", "asf-lib.js", "verify.js")
CONTEXT_FILE = "contexts/asf-v1.jsonld"


def _write_if_changed(target: Path, data: bytes) -> bool:
    """Write atomically, and only when the content differs (publish is idempotent)."""
    if target.is_file() and target.read_bytes() == data:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)
    return True


def verifier_page(trust_list_key: str | None = None) -> bytes:
    """verify/index.html; with the scheme owner's did:key the page checks the site's trust-list.json by it."""
    text = resources.files("asfverify").joinpath("web/verify/index.html").read_text("utf-8")
    if trust_list_key:
        text = text.replace('<main id="main" data-verdict="pending"',
                            f'<main id="main" data-verdict="pending" data-trust-list-key="{escape(trust_list_key)}"', 1)
    return text.encode("utf-8")


def write_verifier(site: Path, *, trust_list_key: str | None = None) -> list[Path]:
    """Write verify/ and contexts/asf-v1.jsonld into the site folder; returns the files that changed."""
    changed = []
    base = resources.files("asfverify").joinpath("web/verify")
    for name in VERIFIER_FILES:
        data = verifier_page(trust_list_key) if name == "index.html" else base.joinpath(name).read_bytes()
        if _write_if_changed(site / "verify" / name, data):
            changed.append(site / "verify" / name)
    context = resources.files("asfverify").joinpath("contexts/asf-v1.jsonld").read_bytes()
    if _write_if_changed(site / CONTEXT_FILE, context):
        changed.append(site / CONTEXT_FILE)
    return changed
