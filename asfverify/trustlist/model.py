"""The signed trust list as typed data, its JSON form, and its strict parser.

The list is a W3C VC 2.0 signed by the scheme owner with eddsa-jcs-2022:

    {"@context": ["https://www.w3.org/ns/credentials/v2"], "id": "urn:uuid:…",
     "type": ["VerifiableCredential", "AsfTrustList"],
     "issuer": {"id": "did:key:<owner>", "name": "<scheme owner>"},
     "validFrom": "…Z", "validUntil": "…Z",
     "credentialSubject": {
        "type": "AsfTrustList", "sequence": 4,
        "schemeOwner": {"name": "…", "orgNumber": "…" | null},
        "certifiers": [{
            "name": "…", "orgNumber": "…" | null,
            "keys": [{"id": "did:key:…", "vkey": "…", "validFrom": "…" | null, "validUntil": "…" | null}],
            "ledger": {"origin", "vkey"} | null, "register": {"origin", "vkey"} | null,
            "witnessPolicy": "<C2SP tlog-policy>" | null,
            "accreditations": [{"criteriaSets": ["asf-v1"], "validFrom": "…", "validUntil": "…" | null}]}]},
     "proof": {…}}

A key's period is closed ([validFrom, validUntil]: a proof made in the second of a rotation is
still the old key's); an accreditation's is half-open ([validFrom, validUntil)): a certificate
created at the moment of removal is no longer covered. Parsing refuses duplicate keys, floats,
unknown properties, an unknown cryptosuite, inverted or overlapping periods and a key listed for
two certifiers. Parsing does not check the signature: `check.verify_list` does, so that a wrongly
signed list is a failed verification (exit 1), not bad input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..errors import BadInput
from ..i18n import _
from ..issuer import IssuerKey, LogDescription, check_keys, parse_key, parse_log
from .periods import Period, PeriodError, check_no_overlap

V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
LIST_TYPE = "AsfTrustList"
MAX_LIST_BYTES = 20_000_000
MAX_CERTIFIERS = 10_000
MAX_ACCREDITATIONS = 100
MAX_POLICY_BYTES = 65_536
CRITERIA_SET = re.compile(r"^[a-z0-9][a-z0-9._-]{0,39}$")
_URN_UUID = re.compile(r"^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class TrustListError(BadInput):
    """A trust list (or the owner's folder) that is malformed: exit 2, one line.

    `detail` is the problem without the "trust list:" prefix, for callers that name the file themselves.
    """

    def __init__(self, message: str, detail: str | None = None) -> None:
        super().__init__(message)
        self.detail = detail if detail is not None else message


def _fail(message: str) -> TrustListError:
    return TrustListError(_("trust list: {reason}", reason=message), message)


@dataclass(frozen=True)
class Accreditation:
    """A period in which a certifier may issue certificates of these criteria sets."""

    criteria_sets: tuple[str, ...]
    period: Period

    def as_json(self) -> dict[str, Any]:
        return {"criteriaSets": list(self.criteria_sets), "validFrom": self.period.valid_from,
                "validUntil": self.period.valid_until}


@dataclass(frozen=True)
class ListedCertifier:
    """One certifier on the list: who it is, every key it signed with, and when it was accredited."""

    name: str
    org_number: str | None
    keys: tuple[IssuerKey, ...]
    ledger: LogDescription | None
    register: LogDescription | None
    witness_policy: str | None
    accreditations: tuple[Accreditation, ...]

    @property
    def label(self) -> str:
        return f"{self.name} ({self.org_number})" if self.org_number else self.name

    def key_for(self, public_key: bytes) -> IssuerKey | None:
        return next((k for k in self.keys if k.public_key == public_key), None)

    def accredited_at(self, moment: datetime) -> list[Accreditation]:
        return [a for a in self.accreditations if a.period.contains(moment)]

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "orgNumber": self.org_number,
            "keys": [k.as_json() for k in self.keys],
            "ledger": self.ledger.as_json() if self.ledger else None,
            "register": self.register.as_json() if self.register else None,
            "witnessPolicy": self.witness_policy,
            "accreditations": [a.as_json() for a in self.accreditations],
        }


@dataclass(frozen=True, eq=False)
class TrustList:
    """A parsed trust list (signature not yet checked: see check.verify_list)."""

    list_id: str
    owner_did: str
    owner_name: str
    owner_org_number: str | None
    sequence: int
    valid_from: str
    valid_until: str
    period: Period
    certifiers: tuple[ListedCertifier, ...]
    document: dict[str, Any]
    _by_key: dict[bytes, ListedCertifier] = field(repr=False, default_factory=dict)

    def certifier_for(self, public_key: bytes) -> ListedCertifier | None:
        """The listed certifier one of whose keys (current or rotated out) is public_key."""
        return self._by_key.get(public_key)


# ---------------------------------------------------------------- parsing pieces


def _object(value: Any, where: str, keys: set[str], optional: frozenset[str] = frozenset()) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(_("{where} must be a JSON object", where=where))
    missing = sorted(keys - value.keys())
    if missing:
        raise _fail(_("{where} lacks {names}", where=where, names=", ".join(missing)))
    unknown = sorted(value.keys() - keys - optional)
    if unknown:
        if len(unknown) == 1:
            raise _fail(_("{where} has unknown property {name}", where=where, name=unknown[0]))
        raise _fail(_("{where} has unknown properties {names}", where=where, names=", ".join(unknown)))
    return value


def _name(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 200:
        raise _fail(_("{where} must be a non-empty string of at most {limit} characters", where=where, limit=200))
    return value


def _org_number(value: Any, where: str) -> str | None:
    if value is None:
        return None
    from ..agreements.orgnumbers import normalise

    if not isinstance(value, str) or normalise(value) != value:
        raise _fail(_("{where} {value!r} is not an organisation number (NNNNNN-NNNN)", where=where, value=str(value)[:20]))
    return value


def parse_criteria_sets(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or len(value) > 20:
        raise _fail(_("{where} must be a list of 1 to 20 criteria set names", where=where))
    for item in value:
        if not isinstance(item, str) or not CRITERIA_SET.match(item):
            raise _fail(_("{where}: {value!r} is not a criteria set name (like asf-v1)", where=where, value=str(item)[:40]))
    if len(set(value)) != len(value):
        raise _fail(_("{where} names a criteria set twice", where=where))
    return tuple(value)


def parse_accreditation(value: Any, where: str) -> Accreditation:
    item = _object(value, where, {"criteriaSets", "validFrom", "validUntil"})
    criteria = parse_criteria_sets(item["criteriaSets"], f"{where}.criteriaSets")
    try:
        period = Period.of(item["validFrom"], item["validUntil"], where)
    except PeriodError as exc:
        raise _fail(str(exc)) from None
    return Accreditation(criteria, period)


def check_accreditations(accreditations: list[Accreditation], where: str) -> None:
    """No two periods of one criteria set overlap (a certifier is accredited once at a time)."""
    for criteria in sorted({c for a in accreditations for c in a.criteria_sets}):
        periods = [(_("accreditation for {criteria}", criteria=criteria), a.period) for a in accreditations if criteria in a.criteria_sets]
        try:
            check_no_overlap(periods, where)
        except PeriodError as exc:
            raise _fail(str(exc)) from None


def parse_certifier(value: Any, where: str) -> ListedCertifier:
    item = _object(value, where, {"name", "orgNumber", "keys", "ledger", "register", "witnessPolicy", "accreditations"})
    name = _name(item["name"], f"{where}.name")
    org_number = _org_number(item["orgNumber"], f"{where}.orgNumber")
    raw_keys = item["keys"]
    if not isinstance(raw_keys, list) or not raw_keys or len(raw_keys) > 64:
        raise _fail(_("{where}.keys must be a list of 1 to 64 keys", where=where))
    keys = [parse_key(k, f"{where}.keys[{i}]", _fail) for i, k in enumerate(raw_keys)]
    check_keys(keys, f"{where}.keys", _fail)
    ledger = None if item["ledger"] is None else parse_log(item["ledger"], f"{where}.ledger", _fail)
    register = None if item["register"] is None else parse_log(item["register"], f"{where}.register", _fail)
    for label, log in (("ledger", ledger), ("register", register)):
        if log is not None and not any(k.public_key == log.public_key for k in keys):
            raise _fail(_("{where}.{log}.vkey is none of the certifier's keys", where=where, log=label))
    policy = item["witnessPolicy"]
    if policy is not None and (not isinstance(policy, str) or len(policy.encode("utf-8")) > MAX_POLICY_BYTES):
        raise _fail(_("{where}.witnessPolicy must be the policy's text, at most {limit} bytes", where=where, limit=MAX_POLICY_BYTES))
    raw = item["accreditations"]
    if not isinstance(raw, list) or not raw or len(raw) > MAX_ACCREDITATIONS:
        raise _fail(_("{where}.accreditations must be a list of 1 to {limit} periods", where=where, limit=MAX_ACCREDITATIONS))
    accreditations = [parse_accreditation(a, f"{where}.accreditations[{i}]") for i, a in enumerate(raw)]
    check_accreditations(accreditations, f"{where}.accreditations")
    return ListedCertifier(name, org_number, tuple(keys), ledger, register, policy, tuple(accreditations))


def index_certifiers(certifiers: list[ListedCertifier]) -> dict[bytes, ListedCertifier]:
    """Key -> certifier; refuses a key or org number listed for two certifiers."""
    by_key: dict[bytes, ListedCertifier] = {}
    org_numbers: set[str] = set()
    for certifier in certifiers:
        if certifier.org_number is not None:
            if certifier.org_number in org_numbers:
                raise _fail(_("organisation number {number} is listed twice", number=certifier.org_number))
            org_numbers.add(certifier.org_number)
        for key in certifier.keys:
            other = by_key.get(key.public_key)
            if other is not None:
                raise _fail(_("key {did} is listed for both {first} and {second}", did=key.did, first=other.label, second=certifier.label))
            by_key[key.public_key] = certifier
    return by_key


# ---------------------------------------------------------------- the whole list


def trust_list_from_object(document: Any) -> TrustList:
    """Check a parsed trust-list object's shape (everything but the signature)."""
    from ..certs.eddsa_jcs import ProofError, check_proof_shape
    from ..multibase import public_key_from_did

    doc = _object(document, _("the document"),
                  {"@context", "id", "type", "issuer", "validFrom", "validUntil", "credentialSubject", "proof"})
    if not isinstance(doc["@context"], list) or doc["@context"][:1] != [V2_CONTEXT]:
        raise _fail(_("@context must start with {context}", context=V2_CONTEXT))
    if doc["type"] != ["VerifiableCredential", LIST_TYPE]:
        raise _fail(_("type must be [\"VerifiableCredential\", \"{type}\"]", type=LIST_TYPE))
    if not isinstance(doc["id"], str) or not _URN_UUID.match(doc["id"]):
        raise _fail(_("id is not a urn:uuid"))
    issuer = _object(doc["issuer"], "issuer", {"id", "name"})
    owner_did = issuer["id"]
    if not isinstance(owner_did, str) or not owner_did.startswith("did:key:") or len(owner_did) > 200:
        raise _fail(_("issuer.id is not a did:key"))
    try:
        public_key_from_did(owner_did)
    except ValueError as exc:
        raise _fail(_("issuer.id: {reason}", reason=exc)) from None
    owner_name = _name(issuer["name"], "issuer.name")
    try:
        period = Period.of(doc["validFrom"], doc["validUntil"], _("the list"))
    except PeriodError as exc:
        raise _fail(str(exc)) from None
    if period.end is None:
        raise _fail(_("validUntil is required: a list that never expires could hide a removal for ever"))
    try:
        check_proof_shape(doc["proof"])
    except ProofError as exc:
        raise _fail(_("proof: {reason}", reason=exc)) from None
    subject = _object(doc["credentialSubject"], "credentialSubject", {"type", "sequence", "schemeOwner", "certifiers"})
    if subject["type"] != LIST_TYPE:
        raise _fail(_("credentialSubject.type is not {type}", type=LIST_TYPE))
    sequence = subject["sequence"]
    if not isinstance(sequence, int) or isinstance(sequence, bool) or not 1 <= sequence <= 2**53 - 1:
        raise _fail(_("credentialSubject.sequence must be a positive integer"))
    owner = _object(subject["schemeOwner"], "credentialSubject.schemeOwner", {"name", "orgNumber"})
    if owner["name"] != owner_name:
        raise _fail(_("credentialSubject.schemeOwner.name differs from issuer.name"))
    org_number = _org_number(owner["orgNumber"], "credentialSubject.schemeOwner.orgNumber")
    raw = subject["certifiers"]
    if not isinstance(raw, list) or len(raw) > MAX_CERTIFIERS:
        raise _fail(_("credentialSubject.certifiers must be a list of at most {limit}", limit=MAX_CERTIFIERS))
    certifiers = [parse_certifier(c, f"certifiers[{i}]") for i, c in enumerate(raw)]
    by_key = index_certifiers(certifiers)
    return TrustList(doc["id"], owner_did, owner_name, org_number, sequence, doc["validFrom"], doc["validUntil"],
                     period, tuple(certifiers), doc, by_key)


def parse_trust_list(data: bytes) -> TrustList:
    """Parse trust-list bytes strictly (duplicate keys and floats are errors); TrustListError otherwise."""
    from ..jcs import CanonicalJSONError, loads_strict

    if len(data) > MAX_LIST_BYTES:
        raise _fail(_("larger than {mb} MB", mb=MAX_LIST_BYTES // 1_000_000))
    try:
        document = loads_strict(data)
    except CanonicalJSONError as exc:
        raise _fail(str(exc)) from None
    return trust_list_from_object(document)


def read_trust_list(path: str, option: str = "--trust-list") -> TrustList:
    return read_trust_list_file(path, option)[1]


def read_trust_list_file(path: str, option: str = "--trust-list") -> tuple[bytes, TrustList]:
    """The file's bytes and the list parsed from exactly those bytes (publish copies what it checked)."""
    from ..inputfile import read_bounded

    data = read_bounded(path, MAX_LIST_BYTES, f"{option} {path}", _fail(_("{path}: larger than {mb} MB", path=path, mb=MAX_LIST_BYTES // 1_000_000)))
    try:
        return data, parse_trust_list(data)
    except TrustListError as exc:
        raise TrustListError(_("{option} {path}: {reason}", option=option, path=path, reason=exc), exc.detail) from None
