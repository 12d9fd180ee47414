"""The certificate as JSON-LD: every term defined (safe mode), absolute IRIs, LOU facts, review marks.

pyld has no safe-mode flag, so the test does what jsonld.js's safe mode checks: it expands the
certificate a second time with a catch-all @vocab appended (as the W3C undefined-terms context
does); any IRI under that vocabulary is a term plain expansion would have dropped. Relative IRIs
(the other thing safe mode refuses) are found by expanding with no base. Contexts load offline:
the VC v2 context from tests/contexts (the W3C file as @digitalbazaar/credentials-context ships
it) and the asfverify context from the package itself.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from test_certs_support import AT, CERT_ID, LIST_URL, RUN, HandLog, did_of, make_certificate, raw_public

from asfverify.certs.credential import ASF_CONTEXT, CRITERIA_BASE, build_credential, certificate_entry
from asfverify.certs.issue import attach_ledger_proof, sign_credential
from asfverify.certs.statuslist import V2_CONTEXT
from asfverify.certs.trust import TrustedKey
from asfverify.certs.verify import verify_certificate

jsonld = pytest.importorskip("pyld.jsonld", reason="pyld (test extra) checks JSON-LD expansion")

HERE = Path(__file__).resolve().parent
UNDEFINED = "urn:asfverify:undefined-term#"
ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")

CONTEXTS = {
    V2_CONTEXT: json.loads((HERE / "contexts" / "credentials-v2.jsonld").read_text(encoding="utf-8")),
    ASF_CONTEXT: json.loads(resources.files("asfverify").joinpath("contexts/asf-v1.jsonld").read_text("utf-8")),
}


def _loader(url: str, options: Any = None) -> dict[str, Any]:
    if url not in CONTEXTS:  # offline: nothing but the two bundled contexts
        raise jsonld.JsonLdError(f"context {url} is not bundled", "loading document failed")
    return {"contextUrl": None, "documentUrl": url, "document": copy.deepcopy(CONTEXTS[url])}


RUN_WITH_PAYROLL = {**RUN, "results": [
    {"requirement": "C2.ratio", "outcome": "pass", "metrics": {"employees": 12, "eligible": 7, "ratio": "7/12"}},
]}


def _certificate(run: dict[str, Any] = RUN_WITH_PAYROLL) -> dict[str, Any]:
    key = Ed25519PrivateKey.generate()
    log = HandLog(key)
    log.append({"kind": "note", "n": 0})
    credential = build_credential(run, cert_id=CERT_ID, issuer=did_of(key), valid_from="2026-11-01T09:00:00Z",
                                  valid_until="2028-11-01T09:00:00Z", status_index=3, status_list_url=LIST_URL)
    index = log.append(certificate_entry(credential, run["run_id"], 3))
    sealed = attach_ledger_proof(credential, log.entries[index], log.tlog_proof(index))
    return sign_credential(sealed, key.sign, did_of(key), "2026-11-01T09:00:00Z"), key


def _walk(node: Any, found: list[str], path: str = "$") -> None:
    """Every undefined-term IRI and every relative @id in an expanded document."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            _walk(item, found, f"{path}[{i}]")
    elif isinstance(node, dict):
        if "@value" in node:
            return
        for key, value in node.items():
            if key.startswith(UNDEFINED):
                found.append(f"{path}: undefined term {key[len(UNDEFINED):]}")
            if key == "@type":
                for kind in value if isinstance(value, list) else [value]:
                    if isinstance(kind, str) and (kind.startswith(UNDEFINED) or not ABSOLUTE.match(kind)):
                        found.append(f"{path}: undefined type {kind}")
            elif key == "@id":
                if not ABSOLUTE.match(value):
                    found.append(f"{path}: relative IRI {value}")
            else:
                _walk(value, found, f"{path}.{key}")


def safe_mode_problems(document: dict[str, Any]) -> list[str]:
    probe = copy.deepcopy(document)
    probe["@context"] = list(probe["@context"]) + [{"@vocab": UNDEFINED}]
    expanded = jsonld.expand(probe, {"documentLoader": _loader, "base": None})
    problems: list[str] = []
    _walk(expanded, problems)
    return problems


def test_a_new_certificate_expands_in_safe_mode_without_dropping_a_term():
    cert, _ = _certificate()
    assert cert["@context"] == [V2_CONTEXT, ASF_CONTEXT]
    assert safe_mode_problems(cert) == []
    expanded = jsonld.expand(cert, {"documentLoader": _loader})
    text = json.dumps(expanded)
    # The ledger entry survives as one JSON literal; the LOU facts and review marks as properties.
    assert "https://w3id.org/asfverify/vocab#ledgerEntry" in text and '"@type": "@json"' in text
    assert "https://w3id.org/asfverify/vocab#sharePercent" in text
    assert "https://w3id.org/asfverify/vocab#decidedBy" in text


def test_the_check_finds_a_dropped_term_and_a_relative_iri():
    cert, _ = _certificate()
    cert["credentialSubject"]["favouriteColour"] = "green"
    cert["credentialSubject"]["criteria"][0]["id"] = "C1"
    problems = safe_mode_problems(cert)
    assert any("favouriteColour" in p for p in problems) and any("relative IRI C1" in p for p in problems)
    # An older certificate (VC context alone) drops its own terms: why the asfverify context exists.
    old = make_certificate(Ed25519PrivateKey.generate())
    old["@context"] = [V2_CONTEXT]
    assert any("orgNumber" in p for p in safe_mode_problems(old))


def test_ids_are_absolute_iris_and_lou_facts_are_integers():
    cert, key = _certificate()
    subject = cert["credentialSubject"]
    criterion = subject["criteria"][1]
    assert criterion["id"] == f"{CRITERIA_BASE}asf-v1#C2" and criterion["code"] == "C2"
    assert criterion["requirements"][0]["id"] == f"{CRITERIA_BASE}asf-v1#C2.ratio"
    assert criterion["requirements"][0]["decidedBy"] == "automated"
    lou = subject["louFacts"]
    assert lou == {"type": "Lou4Kap18Facts", "lawReference": "LOU (2016:1145) 4 kap. 18 §",
                   "referenceDate": "2026-10-31", "purpose": "social-and-vocational-integration",
                   "purposeMet": True, "peopleEmployed": 12, "peopleInTargetGroup": 7, "sharePercent": 58}
    report = verify_certificate(cert, [TrustedKey(raw_public(key), "test")], at=AT)
    assert report.valid, [s.line() for s in report.steps]


def test_an_older_certificate_keeps_verifying_and_an_unknown_context_is_refused():
    key = Ed25519PrivateKey.generate()
    log = HandLog(key)
    credential = build_credential(RUN, cert_id=CERT_ID, issuer=did_of(key), valid_from="2026-11-01T09:00:00Z",
                                  valid_until="2028-11-01T09:00:00Z", status_index=0, status_list_url=LIST_URL)
    # The shape certificates had before this change: VC context only, short criterion ids, no LOU facts.
    credential["@context"] = [V2_CONTEXT]
    del credential["credentialSubject"]["louFacts"]
    for criterion in credential["credentialSubject"]["criteria"]:
        criterion["id"] = criterion.pop("code")
        del criterion["type"]
        for requirement in criterion["requirements"]:
            requirement["id"] = requirement.pop("code")
            del requirement["type"], requirement["decidedBy"]
    index = log.append(certificate_entry(credential, RUN["run_id"], 0))
    old = sign_credential(attach_ledger_proof(credential, log.entries[index], log.tlog_proof(index)),
                          key.sign, did_of(key), "2026-11-01T09:00:00Z")
    trusted = [TrustedKey(raw_public(key), "test")]
    assert verify_certificate(old, trusted, at=AT).valid
    extra = copy.deepcopy(credential)
    extra["@context"] = [V2_CONTEXT, "https://example.org/other"]
    index = log.append(certificate_entry(extra, RUN["run_id"], 0))
    odd = sign_credential(attach_ledger_proof(extra, log.entries[index], log.tlog_proof(index)),
                          key.sign, did_of(key), "2026-11-01T09:00:00Z")
    first = verify_certificate(odd, trusted, at=AT).steps[0]
    assert first.status == "FAIL" and ASF_CONTEXT in first.detail


def test_the_context_is_bundled_as_package_data():
    context = CONTEXTS[ASF_CONTEXT]["@context"]
    assert context["@protected"] is True and context["ledgerProof"]["@id"] == "asf:ledgerProof" and context["asf"] == "https://w3id.org/asfverify/vocab#"


# A node_modules folder with jsonld (npm): `npm install jsonld` somewhere, then point this at it.
NODE_MODULES = Path(os.environ.get("ASFVERIFY_NODE_MODULES", "/nonexistent"))


@pytest.mark.skipif(not shutil.which("node") or not (NODE_MODULES / "jsonld").is_dir(),
                    reason="jsonld.js not installed (npm install jsonld; set ASFVERIFY_NODE_MODULES to its node_modules)")
def test_jsonld_js_safe_mode_expands_the_certificate(tmp_path):
    cert, _ = _certificate()
    (tmp_path / "cert.json").write_text(json.dumps(cert), encoding="utf-8")
    (tmp_path / "contexts.json").write_text(json.dumps(CONTEXTS), encoding="utf-8")
    script = """
const jsonld = require('jsonld'); const fs = require('fs');
const contexts = JSON.parse(fs.readFileSync(process.argv[1] + '/contexts.json'));
const loader = async (url) => { if (!(url in contexts)) throw new Error('not bundled: ' + url);
  return {contextUrl: null, documentUrl: url, document: contexts[url]}; };
const doc = JSON.parse(fs.readFileSync(process.argv[1] + '/cert.json'));
jsonld.expand(doc, {documentLoader: loader, safe: true}).then(
  (out) => { console.log('expanded ' + JSON.stringify(out).length); },
  (err) => { console.log('ERROR ' + (err.details && err.details.event ? JSON.stringify(err.details.event.details) : err.message)); process.exit(1); });
"""
    run = subprocess.run(["node", "-e", script, str(tmp_path)], capture_output=True, text=True, timeout=60,
                         env={"NODE_PATH": str(NODE_MODULES), "PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stdout + run.stderr
    cert["credentialSubject"]["favouriteColour"] = "green"
    (tmp_path / "cert.json").write_text(json.dumps(cert), encoding="utf-8")
    run = subprocess.run(["node", "-e", script, str(tmp_path)], capture_output=True, text=True, timeout=60,
                         env={"NODE_PATH": str(NODE_MODULES), "PATH": "/usr/bin:/bin"})
    assert run.returncode == 1 and "favouriteColour" in run.stdout


def test_a_certificate_issued_by_the_cli_expands_in_safe_mode(tmp_path):
    import test_certs_cli
    from click.testing import CliRunner

    from asfverify.cli import cli

    root = tmp_path / "ws"
    flags = getattr(test_certs_cli, "CERTIFIER_FLAGS", ())
    assert CliRunner().invoke(cli, ["init", str(root), *flags]).exit_code == 0
    test_certs_cli._record_run(root, "run0001certifiable")
    out = tmp_path / "cert.json"
    result = CliRunner().invoke(cli, ["-w", str(root), "certify", "run0001", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert safe_mode_problems(json.loads(out.read_text(encoding="utf-8"))) == []
