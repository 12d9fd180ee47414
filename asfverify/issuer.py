"""issuer.json: the certifier's published description of itself (DESIGN §11), built and parsed strictly.

It is what a scheme owner reads before accrediting a certifier (`trust-list add`), and what
`publish` writes into the site. Format (version 1), RFC 8785-safe (no floats), signed by the
current key with an eddsa-jcs-2022 Data Integrity proof so the scheme owner knows the certifier
holds that key:

    {"type": "AsfIssuerDescription", "version": 1,
     "id": "did:key:z6Mk…",                      the current key
     "name": "Certifieringsorganet AB", "orgNumber": "556677-8899" | null,
     "publishPrefix": "https://certifier.example/asf" | null,
     "keys": [{"id": "did:key:…", "vkey": "<ledger origin>+<id>+<key>",
               "validFrom": "2026-…Z" | null, "validUntil": "2027-…Z" | null}, …],   oldest first
     "ledger": {"origin": "…", "vkey": "…"},
     "register": {"origin": "<host/path of prefix>/register", "vkey": "…"} | null,
     "witnessPolicy": "<C2SP tlog-policy text>" | null,
     "proof": {…eddsa-jcs-2022 by the current key…}}

A key's `validUntil` is the moment it was rotated out (null for the current key); `validFrom` is
null only for a first key whose start the keyring never recorded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import BadInput
from .i18n import _
from .trustlist.periods import Period, PeriodError

DOCUMENT_TYPE = "AsfIssuerDescription"
VERSION = 1
MAX_ISSUER_BYTES = 1_000_000
MAX_POLICY_BYTES = 65_536
MAX_KEYS = 64
MAX_NAME = 200


class IssuerError(BadInput):
    """An issuer.json that does not parse, is not in this format, or whose keys do not agree."""


@dataclass(frozen=True)
class IssuerKey:
    """One signing key of a certifier with the period in which it signed."""

    did: str
    public_key: bytes
    vkey: str
    period: Period

    @property
    def valid_from(self) -> str | None:
        return self.period.valid_from

    @property
    def valid_until(self) -> str | None:
        return self.period.valid_until

    def as_json(self) -> dict[str, Any]:
        return {"id": self.did, "vkey": self.vkey, "validFrom": self.valid_from, "validUntil": self.valid_until}


@dataclass(frozen=True)
class LogDescription:
    """A log's checkpoint origin and the verifier key (C2SP vkey) its checkpoints are signed with."""

    origin: str
    vkey: str
    public_key: bytes

    def as_json(self) -> dict[str, str]:
        return {"origin": self.origin, "vkey": self.vkey}


@dataclass(frozen=True, eq=False)
class IssuerDescription:
    """A parsed (or freshly built) issuer.json; `document` is the signed JSON object itself."""

    did: str
    name: str
    org_number: str | None
    publish_prefix: str | None
    keys: tuple[IssuerKey, ...]
    ledger: LogDescription
    register: LogDescription | None
    witness_policy: str | None
    document: dict[str, Any]

    @property
    def current_key(self) -> IssuerKey:
        return next(k for k in self.keys if k.did == self.did)

    def dumps(self) -> bytes:
        """The file's bytes: indented UTF-8 JSON (the proof covers its RFC 8785 form)."""
        return (json.dumps(self.document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


# ---------------------------------------------------------------- building


def register_origin(prefix: str) -> str:
    """The register's origin for a publish prefix: its host/path plus /register (DESIGN §11)."""
    text = prefix.strip()
    for scheme in ("https://", "http://"):
        if text.lower().startswith(scheme):
            text = text[len(scheme):]
            break
    return text.rstrip("/") + "/register"


def _publish_prefix(ws: Any) -> str | None:
    value = (ws.config.get("publish") or {}).get("prefix")
    return value if isinstance(value, str) and value.strip() else None


def _register(ws: Any, public_key: bytes) -> LogDescription | None:
    """The register log of the workspace, once it has a publish prefix (the register engineer's origin wins)."""
    from .ledger.note import format_vkey

    origin = getattr(ws, "register_origin", None)
    if not isinstance(origin, str) or not origin:
        prefix = _publish_prefix(ws)
        if prefix is None:
            return None
        origin = register_origin(prefix)
    return LogDescription(origin, format_vkey(origin, public_key), public_key)


def _witness_policy(ws: Any) -> str | None:
    name = (ws.config.get("witnesses") or {}).get("policy")
    if not name:
        return None
    path = Path(ws.root) / str(name)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadInput(_("[witnesses] policy {path}: cannot read: {reason}", path=path, reason=exc.strerror)) from None
    if len(data) > MAX_POLICY_BYTES:
        raise BadInput(_("[witnesses] policy {path}: larger than {limit} bytes", path=path, limit=MAX_POLICY_BYTES))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput(_("[witnesses] policy {path}: not UTF-8 text", path=path)) from None


def certifier_name(ws: Any) -> str | None:
    value = (ws.config.get("certifier") or {}).get("name")
    return value.strip() if isinstance(value, str) and value.strip() else None


def certifier_org_number(ws: Any) -> str | None:
    value = (ws.config.get("certifier") or {}).get("org_number")
    return value.strip() if isinstance(value, str) and value.strip() else None


def unsigned_issuer_document(ws: Any) -> dict[str, Any]:
    """The issuer.json object of a workspace, without its proof."""
    from . import keys as keystore
    from .ledger.note import format_vkey

    infos = keystore.public_keys(ws.keys_dir)
    current = [k for k in infos if k.current]
    if not current:
        raise BadInput(_("{folder}: no current public key; run 'asfverify init'", folder=ws.keys_dir))
    name = certifier_name(ws)
    if name is None:
        raise BadInput(_("asfverify.toml: [certifier] name is not set; add name = \"…\" under [certifier]"))
    origin = ws.origin
    key = current[-1]
    register = _register(ws, key.public_key)
    return {
        "type": DOCUMENT_TYPE,
        "version": VERSION,
        "id": key.did,
        "name": name,
        "orgNumber": certifier_org_number(ws),
        "publishPrefix": _publish_prefix(ws),
        "keys": [
            {"id": k.did, "vkey": format_vkey(origin, k.public_key), "validFrom": k.valid_from, "validUntil": k.valid_until}
            for k in infos
        ],
        "ledger": {"origin": origin, "vkey": format_vkey(origin, key.public_key)},
        "register": register.as_json() if register else None,
        "witnessPolicy": _witness_policy(ws),
    }


def build_issuer_json(ws: Any, *, created: str | None = None) -> IssuerDescription:
    """The workspace's signed issuer.json, parsed back (so what is written always parses)."""
    from . import keys as keystore
    from .certs.eddsa_jcs import create_proof, verification_method_for

    document = unsigned_issuer_document(ws)
    signer = keystore.load_signer(ws.keys_dir)
    if signer.did != document["id"]:
        raise BadInput(_("{folder}: the private key is not the keyring's current key", folder=ws.keys_dir))
    signed = create_proof(document, signer.sign, verification_method_for(signer.did), created or keystore.now_rfc3339())
    return issuer_from_object(signed)


# ---------------------------------------------------------------- parsing


def _fail(message: str) -> IssuerError:
    return IssuerError(_("issuer.json: {reason}", reason=message))


def _object(value: Any, where: str, required: set[str], optional: set[str] = frozenset()) -> dict[str, Any]:  # type: ignore[assignment]
    if not isinstance(value, dict):
        raise _fail(_("{where} must be a JSON object", where=where))
    missing = sorted(required - value.keys())
    if missing:
        raise _fail(_("{where} lacks {names}", where=where, names=", ".join(missing)))
    unknown = sorted(value.keys() - required - optional)
    if unknown:
        if len(unknown) == 1:
            raise _fail(_("{where} has unknown property {name}", where=where, name=unknown[0]))
        raise _fail(_("{where} has unknown properties {names}", where=where, names=", ".join(unknown)))
    return value


def _text(value: Any, where: str, *, limit: int = MAX_NAME, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise _fail(_("{where} must be a non-empty string of at most {limit} characters", where=where, limit=limit))
    return value


def _vkey_field(vkey: Any, where: str, fail):
    """A C2SP verifier key field (bounded, parsed), or ``fail`` naming ``where``."""
    from .ledger.note import NoteError, parse_vkey

    if not isinstance(vkey, str) or len(vkey) > 500:
        raise fail(_("{where}.vkey must be a C2SP verifier key", where=where))
    try:
        return parse_vkey(vkey)
    except NoteError as exc:
        raise fail(_("{where}.vkey: {reason}", where=where, reason=exc)) from None


def parse_log(value: Any, where: str, fail=_fail) -> LogDescription:
    """{"origin", "vkey"} whose vkey is a valid Ed25519 C2SP key named by the origin."""
    if not isinstance(value, dict) or set(value) != {"origin", "vkey"}:
        raise fail(_("{where} must be an object with exactly origin and vkey", where=where))
    origin, vkey = value["origin"], value["vkey"]
    if not isinstance(origin, str) or not origin or len(origin) > 300 or any(c.isspace() or c == "+" for c in origin):
        raise fail(_("{where}.origin must be a checkpoint origin (no spaces or '+')", where=where))
    verifier = _vkey_field(vkey, where, fail)
    if verifier.name != origin:
        raise fail(_("{where}.vkey is named {name!r}, not the origin {origin!r}", where=where, name=verifier.name, origin=origin))
    return LogDescription(origin, vkey, verifier.public_key)


def parse_key(value: Any, where: str, fail=_fail) -> IssuerKey:
    """One key: its did:key and vkey must hold the same Ed25519 key; its period must not be inverted."""
    from .multibase import public_key_from_did

    if not isinstance(value, dict) or set(value) != {"id", "vkey", "validFrom", "validUntil"}:
        raise fail(_("{where} must be an object with exactly id, vkey, validFrom and validUntil", where=where))
    did = value["id"]
    if not isinstance(did, str) or not did.startswith("did:key:") or len(did) > 200 or "#" in did:
        raise fail(_("{where}.id must be a did:key", where=where))
    try:
        public = public_key_from_did(did)
    except ValueError as exc:
        raise fail(_("{where}.id: {reason}", where=where, reason=exc)) from None
    vkey = value["vkey"]
    verifier = _vkey_field(vkey, where, fail)
    if verifier.public_key != public:
        raise fail(_("{where}: vkey {vkey}… holds another key than {did}", where=where, vkey=vkey[:40], did=did))
    try:
        period = Period.of(value["validFrom"], value["validUntil"], where, open_start=True)
    except PeriodError as exc:
        raise fail(str(exc)) from None
    return IssuerKey(did, public, vkey, period)


def check_keys(keys: list[IssuerKey], where: str, fail=_fail) -> None:
    """Distinct keys whose periods do not overlap (a rotation's end may touch the next start)."""
    from .trustlist.periods import check_no_overlap

    seen: set[bytes] = set()
    for key in keys:
        if key.public_key in seen:
            raise fail(_("{where}: key {did} is listed twice", where=where, did=key.did))
        seen.add(key.public_key)
    try:
        check_no_overlap([(_("key {did}…", did=k.did[8:24]), k.period) for k in keys], where)
    except PeriodError as exc:
        raise fail(str(exc)) from None


def issuer_from_object(document: Any) -> IssuerDescription:
    """Check a parsed issuer.json object: shape, keys, logs, and the proof by its current key."""
    from .certs.eddsa_jcs import ProofError, verify_proof
    from .jcs import CanonicalJSONError, canonical

    doc = _object(document, _("the document"),
                  {"type", "version", "id", "name", "keys", "ledger", "proof"},
                  {"orgNumber", "publishPrefix", "register", "witnessPolicy"})
    if doc["type"] != DOCUMENT_TYPE:
        raise _fail(_("type {value!r} is not {expected}", value=str(doc["type"])[:40], expected=DOCUMENT_TYPE))
    if doc["version"] != VERSION or isinstance(doc["version"], bool):
        raise _fail(_("version {value!r} is not {expected}", value=str(doc["version"])[:20], expected=VERSION))
    name = _text(doc["name"], "name")
    org_number = doc.get("orgNumber")
    if org_number is not None:
        from .agreements.orgnumbers import normalise

        if not isinstance(org_number, str) or normalise(org_number) != org_number:
            raise _fail(_("orgNumber {value!r} is not a valid organisation number (NNNNNN-NNNN)", value=str(org_number)[:20]))
    prefix = _text(doc.get("publishPrefix"), "publishPrefix", limit=500, optional=True)
    if prefix is not None and not prefix.startswith(("https://", "http://")):
        raise _fail(_("publishPrefix must be an http(s) URL"))
    raw_keys = doc["keys"]
    if not isinstance(raw_keys, list) or not raw_keys or len(raw_keys) > MAX_KEYS:
        raise _fail(_("keys must be a list of 1 to {limit} keys", limit=MAX_KEYS))
    keys = [parse_key(item, f"keys[{i}]") for i, item in enumerate(raw_keys)]
    check_keys(keys, "keys")
    did = doc["id"]
    current = [k for k in keys if k.did == did]
    if not current:
        raise _fail(_("id {did} is not one of its keys", did=str(did)[:60]))
    if current[0].valid_until is not None:
        raise _fail(_("id {did} names a key that was rotated out ({end})", did=did, end=current[0].valid_until))
    ledger = parse_log(doc["ledger"], "ledger")
    register = None if doc.get("register") is None else parse_log(doc["register"], "register")
    for label, log in (("ledger", ledger), ("register", register)):
        if log is not None and log.public_key != current[0].public_key:
            raise _fail(_("{log}.vkey does not hold the current key {did}", log=label, did=did))
    if register is not None and prefix is not None and register.origin != register_origin(prefix):
        raise _fail(_("register.origin {origin!r} is not {expected!r} (from publishPrefix)", origin=register.origin,
                      expected=register_origin(prefix)))
    policy = doc.get("witnessPolicy")
    if policy is not None and (not isinstance(policy, str) or len(policy.encode("utf-8")) > MAX_POLICY_BYTES):
        raise _fail(_("witnessPolicy must be the policy's text, at most {limit} bytes", limit=MAX_POLICY_BYTES))
    if policy is not None:
        from .witness.policy import PolicyError, parse_policy

        try:
            parse_policy(policy, "witnessPolicy")
        except PolicyError as exc:
            raise _fail(str(exc)) from None
    try:
        canonical(doc)
        signer = verify_proof(doc)
    except (ProofError, CanonicalJSONError) as exc:
        raise _fail(_("proof: {reason}", reason=exc)) from None
    if signer != current[0].public_key:
        raise _fail(_("the proof is not by the current key (id)"))
    return IssuerDescription(did, name or "", org_number, prefix, tuple(keys), ledger, register, policy, doc)


def parse_issuer_json(data: bytes) -> IssuerDescription:
    """Parse issuer.json bytes strictly: duplicate keys, floats, unknown properties and bad proofs are errors."""
    from .jcs import CanonicalJSONError, loads_strict

    if len(data) > MAX_ISSUER_BYTES:
        raise _fail(_("larger than {kb} kB", kb=MAX_ISSUER_BYTES // 1000))
    try:
        document = loads_strict(data)
    except CanonicalJSONError as exc:
        raise _fail(str(exc)) from None
    return issuer_from_object(document)


def read_issuer_json(path: str | Path) -> IssuerDescription:
    """parse_issuer_json of a file; BadInput when it cannot be read."""
    from .inputfile import read_bounded

    data = read_bounded(path, MAX_ISSUER_BYTES, str(path), _fail(_("{path}: larger than {kb} kB", path=path, kb=MAX_ISSUER_BYTES // 1000)))
    try:
        return parse_issuer_json(data)
    except IssuerError as exc:
        raise IssuerError(f"{path}: {exc}") from None
