"""Shared builders for the browser tests: a static site with certificates in every state, a server
on 127.0.0.1 (port 0) and headless Chromium (no tests here).

The site is built from the certificate modules themselves (a hand-made, witness-cosigned log as in
test_certs_support), so the page is checked against exactly what asfverify signs.
"""

from __future__ import annotations

import copy
import functools
import http.server
import json
import os
import shutil
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from test_certs_support import RUN, did_of, raw_public

from asfverify.certs.credential import build_credential, certificate_entry, format_time
from asfverify.certs.eddsa_jcs import create_proof, verification_method_for
from asfverify.certs.issue import attach_ledger_proof, sign_credential
from asfverify.certs.statuslist import status_list_credential
from asfverify.jcs import canonical
from asfverify.ledger import merkle
from asfverify.ledger.note import format_checkpoint, format_vkey, sign_note
from asfverify.ledger.tlogproof import format_tlog_proof
from asfverify.publish.view import CertificateRecord, StatusEvent
from asfverify.web import verifier_page, write_verifier
from asfverify.web.directory import write_directory, write_pdfs
from asfverify.witness.cosignature import cosign, format_cosigner_vkey

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
PREFIX = "https://certifier.example/asf"
ORIGIN = "certifier.example/asf/register"
WITNESS = "witness.example/w1"

RUN_PAYROLL = {**RUN, "results": [{"requirement": "C2.ratio", "outcome": "pass",
                                   "metrics": {"employees": 12, "eligible": 7}}]}


@dataclass
class Site:
    root: Path
    key: Ed25519PrivateKey
    certificates: dict[str, dict[str, Any]] = field(default_factory=dict)  # state -> certificate
    view: Any = None  # the register view the directory was written from
    owner: Any = None  # the scheme owner's key (trust-list.json)


class _Log:
    """An RFC 6962 log whose checkpoints the issuer signs and, when asked, a witness cosigns."""

    def __init__(self, key: Ed25519PrivateKey, witness: Ed25519PrivateKey):
        self.key, self.witness, self.entries = key, witness, []

    def append(self, entry: dict) -> int:
        self.entries.append(entry)
        return len(self.entries) - 1

    def tlog_proof(self, index: int, *, witnessed: bool) -> str:
        leaves = [merkle.leaf_hash(canonical(e)) for e in self.entries]
        size = len(leaves)
        path = merkle.inclusion_path(index, size, lambda a, b: merkle.root_of(leaves[a:b]))
        text = format_checkpoint(ORIGIN, size, merkle.root_of(leaves))
        note = sign_note(text, ORIGIN, raw_public(self.key), self.key.sign)
        if witnessed:
            note += cosign(text, WITNESS, raw_public(self.witness), self.witness.sign,
                           int(datetime.now(UTC).timestamp()) - 3600)
        return format_tlog_proof(index, path, note)


ORGANISATIONS = [
    ("Vägen Framåt ekonomisk förening", "769612-3459"),
    ("Kaffekooperativet Bönan ek. för.", "769600-0003"),
    ("Grönt Arbete AB (svb)", "559000-0006"),
    ("Trädgårdsgruppen i Norr ek. för.", "769601-0002"),
    ("Cykelverkstaden Ekvilibrium ek. för.", "769602-0001"),
    ("Återbruket Sydväst ek. för.", "769603-0000"),
]


def luhn_org(nine: str) -> str:
    digits = [int(c) for c in nine]
    total = sum(d if i % 2 else (d * 2 if d * 2 < 10 else d * 2 - 9) for i, d in enumerate(digits))
    number = nine + str((10 - total % 10) % 10)
    return f"{number[:6]}-{number[6:]}"


def _issue(log: _Log, key: Ed25519PrivateKey, index: int, *, start: datetime, days: int = 730,
           witnessed: bool = True, run: dict | None = None, org: int | None = None) -> dict:
    cert_id = f"urn:uuid:00000000-0000-4000-8000-{index:012d}"
    run = run or RUN_PAYROLL
    if org is not None:
        name, _ = ORGANISATIONS[org]
        run = {**run, "organisation": {"name": name, "org_number": luhn_org(f"7696{org:02d}000"[:9])}}
    credential = build_credential(run, cert_id=cert_id, issuer=did_of(key),
                                  valid_from=format_time(start), valid_until=format_time(start + timedelta(days=days)),
                                  status_index=index, status_list_url=f"{PREFIX}/status/revocation.json")
    credential["issuer"] = {"id": did_of(key), "name": "Certifieringsorganet AB"}
    # As the register issues them: one revocation entry; the suspension list uses the same index.
    entry = certificate_entry(credential, RUN["run_id"], index)
    at = log.append(entry)
    for i in range(3):
        log.append({"kind": "note", "n": f"{index}-{i}"})
    sealed = attach_ledger_proof(credential, entry, log.tlog_proof(at, witnessed=witnessed))
    return sign_credential(sealed, key.sign, did_of(key), format_time(start))


def _status_list(key: Ed25519PrivateKey, purpose: str, indices: list[int], moment: datetime) -> dict:
    url = f"{PREFIX}/status/{purpose}.json"
    unsigned = status_list_credential(url, did_of(key), indices, format_time(moment),
                                      format_time(moment + timedelta(days=31)))
    unsigned["credentialSubject"]["statusPurpose"] = purpose
    return sign_credential(unsigned, key.sign, did_of(key), format_time(moment))


def _issuer_json(key: Ed25519PrivateKey, witness: Ed25519PrivateKey, start: datetime) -> dict:
    document = {
        "type": "AsfIssuerDescription", "version": 1, "id": did_of(key), "name": "Certifieringsorganet AB",
        "orgNumber": "556677-8899", "publishPrefix": PREFIX,
        "keys": [{"id": did_of(key), "vkey": format_vkey(ORIGIN, raw_public(key)),
                  "validFrom": format_time(start - timedelta(days=1000)), "validUntil": None}],
        "ledger": {"origin": "certifier.example/ledger", "vkey": format_vkey("certifier.example/ledger", raw_public(key))},
        "register": {"origin": ORIGIN, "vkey": format_vkey(ORIGIN, raw_public(key))},
        "witnessPolicy": _policy(witness),
    }
    return create_proof(document, key.sign, verification_method_for(did_of(key)), format_time(start))


def _trust_list(owner: Ed25519PrivateKey, key: Ed25519PrivateKey, witness: Ed25519PrivateKey, now: datetime) -> dict:
    certifier = {
        "name": "Certifieringsorganet AB (ackrediterat)", "orgNumber": "556677-8899",
        "keys": [{"id": did_of(key), "vkey": format_vkey(ORIGIN, raw_public(key)),
                  "validFrom": format_time(now - timedelta(days=1000)), "validUntil": None}],
        "ledger": None, "register": {"origin": ORIGIN, "vkey": format_vkey(ORIGIN, raw_public(key))},
        "witnessPolicy": _policy(witness),
        "accreditations": [{"criteriaSets": ["asf-v1"], "validFrom": format_time(now - timedelta(days=1000)),
                            "validUntil": None}],
    }
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"], "id": "urn:uuid:11111111-2222-4333-8444-555555555555",
        "type": ["VerifiableCredential", "AsfTrustList"], "issuer": {"id": did_of(owner), "name": "Skoopi (test)"},
        "validFrom": format_time(now - timedelta(days=1)), "validUntil": format_time(now + timedelta(days=30)),
        "credentialSubject": {"type": "AsfTrustList", "sequence": 1, "schemeOwner": {"name": "Skoopi (test)", "orgNumber": None},
                              "certifiers": [certifier]},
    }
    return sign_credential(document, owner.sign, did_of(owner), format_time(now - timedelta(days=1)))


def _policy(witness: Ed25519PrivateKey) -> str:
    return f"witness w1 {format_cosigner_vkey(WITNESS, raw_public(witness))}\nquorum w1\n"


def build_site(root: Path) -> Site:
    """A published-site folder: verify/, issuer.json, witness-policy.txt, status lists, certificates/."""
    key, witness, other = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    now = datetime.now(UTC).replace(microsecond=0)
    start = now - timedelta(days=10)
    log = _Log(key, witness)
    site = Site(root, key)
    site.certificates["expired"] = _issue(log, key, 3, start=now - timedelta(days=800), days=730)
    site.certificates["valid"] = _issue(log, key, 0, start=start)  # the same organisation, its next cycle
    site.certificates["revoked"] = _issue(log, key, 1, start=start, org=1)
    site.certificates["suspended"] = _issue(log, key, 2, start=start, org=2)
    site.certificates["unwitnessed"] = _issue(log, key, 4, start=start, witnessed=False, org=3)
    tampered = copy.deepcopy(site.certificates["valid"])
    tampered["credentialSubject"]["criteria"][1]["outcome"] = "pass "  # one byte changed
    site.certificates["tampered"] = tampered
    # Signed by a key this site does not list (another certifier using the same prefix).
    site.certificates["unlisted"] = _issue(_Log(other, witness), other, 5, start=start)
    write_verifier(root)
    (root / "issuer.json").write_text(json.dumps(_issuer_json(key, witness, start), indent=2), encoding="utf-8")
    (root / "witness-policy.txt").write_text(_policy(witness), encoding="utf-8")
    (root / "status").mkdir(exist_ok=True)
    moment = now - timedelta(hours=2)
    (root / "status" / "revocation.json").write_text(json.dumps(_status_list(key, "revocation", [1], moment)), encoding="utf-8")
    (root / "status" / "suspension.json").write_text(json.dumps(_status_list(key, "suspension", [2], moment)), encoding="utf-8")
    (root / "certificates").mkdir(exist_ok=True)
    for state, cert in site.certificates.items():
        name = "tampered.json" if state == "tampered" else f"{cert['id'].removeprefix('urn:uuid:')}.json"
        (root / "certificates" / name).write_text(json.dumps(cert, indent=2, ensure_ascii=False), encoding="utf-8")
    view = FakeView(PREFIX, "Certifieringsorganet AB", now, [
        (site.certificates[state], status) for state, status in
        (("expired", "expired"), ("valid", "valid"), ("revoked", "revoked"), ("suspended", "suspended"),
         ("unwitnessed", "valid"))],
        [("revocation", site.certificates["revoked"]["id"], "uppgifter-felaktiga", format_time(moment)),
         ("suspension", site.certificates["suspended"]["id"], "utredning", format_time(moment))])
    site.view = view
    # The scheme owner's trust list, and two more copies of the verifier: one that knows the owner's
    # key (so it checks trust-list.json) and one given a wrong key.
    owner = Ed25519PrivateKey.generate()
    (root / "trust-list.json").write_text(json.dumps(_trust_list(owner, key, witness, now)), encoding="utf-8")
    site.owner = owner
    for folder, owner_did in (("verify-listed", did_of(owner)), ("verify-wrong-owner", did_of(other))):
        shutil.copytree(root / "verify", root / folder)
        (root / folder / "index.html").write_bytes(verifier_page(owner_did))
    files = DirFiles(root)
    for writer in (write_directory, write_pdfs):
        writer(view, files)
    return site


class DirFiles:
    """A folder with the write/exists of publish's SiteFiles (what the site writers need)."""

    def __init__(self, root: Path):
        self.root, self.written = root, []

    def exists(self, relpath: str) -> bool:
        return (self.root / relpath).is_file()

    def write(self, relpath: str, data: bytes | str, *, immutable: bool = False) -> bool:
        payload = data.encode("utf-8") if isinstance(data, str) else data
        target = self.root / relpath
        if target.is_file() and target.read_bytes() == payload:
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(payload)
        self.written.append(relpath)
        return True


class FakeView:
    """The register view publish hands its writers, made from certificates (until publish builds the site)."""

    def __init__(self, prefix: str, certifier: str, now: datetime, certs: list[tuple[dict, str]],
                 events: list[tuple[str, str, str, str]]):
        self.prefix, self.now = prefix, now
        self.issuer = type("Issuer", (), {"name": certifier})()
        self._credentials = {c["id"]: c for c, _ in certs}
        self.certificates = tuple(
            CertificateRecord(c["id"], c["id"].removeprefix("urn:uuid:"), i, c["credentialSubject"]["name"],
                              c["credentialSubject"]["orgNumber"], c["credentialSubject"]["criteriaSet"], c["validFrom"],
                              c["validUntil"], i, status, c["validFrom"],
                              f"{prefix}/certificates/{c['id'].removeprefix('urn:uuid:')}.json")
            for i, (c, status) in enumerate(certs))
        self.events = tuple(StatusEvent(100 + i, kind, cert_id, 0, reason, when)
                            for i, (kind, cert_id, reason, when) in enumerate(events))

    def credential(self, cert_id: str) -> dict | None:
        return self._credentials.get(cert_id)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:  # the test output stays readable
        pass


class Server:
    """A static file server for a folder on 127.0.0.1, port 0 (an ephemeral port)."""

    def __init__(self, root: Path):
        handler = functools.partial(_Quiet, directory=str(root))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        return "Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium (test extra) is not installed"
    return None


def start_chromium(profile: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                 f"--user-data-dir={profile}", "--window-size=1100,1400"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    os.environ.setdefault("SE_AVOID_STATS", "true")
    return webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))


def copy_site(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst
