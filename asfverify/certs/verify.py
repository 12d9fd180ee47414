"""Offline verification of a certificate as numbered steps; each step raises StepFailed or passes.

Imports stay light (no sqlite, no PDF libraries): this is the path a third party runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ..errors import AsfError, FormatError, VerificationError
from ..i18n import _
from ..jcs import CanonicalJSONError, canonical, loads_strict
from ..multibase import did_key, public_key_from_did
from .credential import ASF_CONTEXT, CERT_TYPE, credential_digest, issuer_id, issuer_name, parse_time
from .eddsa_jcs import ProofError, check_proof_shape, verify_proof
from .statuslist import V2_CONTEXT, StatusListError, decode_list, is_set
from .trust import TrustedKey

_URN_UUID = re.compile(r"^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class StepFailed(VerificationError):
    """One verification step failed; the message is the reason shown after `FAIL:`."""


def step_title(name: str) -> str:
    """A step's name as a person reads it, in the current language (the id itself in English).

    The one table of the ten steps' names: the web verifier's STEPS (web/verify/verify.js) carries
    the same ids and Swedish names, and tests/test_certs_i18n.py checks that the two agree.
    """
    titles = {
        "parse": _("parse"),
        "proof": _("proof"),
        "issuer trusted": _("issuer trusted"),
        "validity": _("validity"),
        "ledger entry": _("ledger entry"),
        "ledger inclusion": _("ledger inclusion"),
        "checkpoint signature": _("checkpoint signature"),
        "revocation": _("revocation"),
        "witness quorum": _("witness quorum"),
        "suspension": _("suspension"),
    }
    return titles.get(name, name)


def status_label(status: str) -> str:
    """OK / FAIL / SKIP as the step line shows it, in the current language (JSON keeps the English word)."""
    labels = {"OK": _("OK"), "FAIL": _("FAIL"), "SKIP": _("SKIP")}
    return labels.get(status, status)


@dataclass
class Step:
    number: int
    name: str  # the step's id (English, stable: --json and scripts read it); step_title() shows it
    status: str  # "OK" | "FAIL" | "SKIP"
    detail: str

    def line(self) -> str:
        return f"{status_label(self.status)}: {self.number} {step_title(self.name)}: {self.detail}"


@dataclass
class Report:
    """The outcome of every step; valid only if none failed."""

    certificate: str | None = None
    issuer: str | None = None
    issuer_claimed_name: str | None = None  # what the certificate says its certifier is called
    issuer_listed_name: str | None = None  # what the trust list calls it (shown instead, when given)
    steps: list[Step] = field(default_factory=list)
    trust_list_verified: bool = False  # the --trust-list was genuine and current (its sequence may be kept)
    listed_policy: str | None = None

    @property
    def valid(self) -> bool:
        return bool(self.steps) and all(s.status != "FAIL" for s in self.steps)

    def as_json(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "certificate": self.certificate,
            "issuer": self.issuer,
            "issuer_name": self.issuer_listed_name or self.issuer_claimed_name,
            "issuer_claimed_name": self.issuer_claimed_name,
            "issuer_listed_name": self.issuer_listed_name,
            "steps": [{"step": s.number, "name": s.name, "status": s.status, "detail": s.detail} for s in self.steps],
        }


@dataclass
class _State:
    cert: dict[str, Any]
    trusted: Sequence[TrustedKey]
    at: datetime
    status_list: dict[str, Any] | None
    suspension_list: dict[str, Any] | None = None
    issuer_key: bytes | None = None
    issuer_did: str = ""
    proof_ok: bool = False
    trust_list: Any = None  # a trustlist.check.TrustListInput, for --trust-list
    trust_list_verified: bool = False
    decision: Any = None  # the trustlist.check.TrustDecision that made the issuer trusted
    # The witness policy the trust list names for this certifier: what the witness step applies when
    # the buyer gave no --policy of their own (DESIGN §12/§13).
    listed_policy: str | None = None
    policy: Any = None  # the buyer's --policy (a witness.policy.Policy), or None


def _expect(condition: bool, reason: str) -> None:
    if not condition:
        raise StepFailed(reason)


# ---------------------------------------------------------------- steps


def _parse(state: _State) -> str:
    cert = state.cert
    _expect(isinstance(cert, dict), _("the certificate is not a JSON object"))
    context = cert.get("@context")
    _expect(isinstance(context, list) and context[:1] == [V2_CONTEXT],
            _("@context must start with {context}", context=V2_CONTEXT))
    assert isinstance(context, list)  # for the type checker: _expect has raised otherwise
    # Older certificates carry the VC context alone; newer ones add the asfverify context, nothing else.
    _expect(context[1:] in ([], [ASF_CONTEXT]),
            _("@context may only add {extra} after {context}", extra=ASF_CONTEXT, context=V2_CONTEXT))
    types = cert.get("type")
    _expect(isinstance(types, list) and "VerifiableCredential" in types and CERT_TYPE in types,
            _("type must include VerifiableCredential and {type}", type=CERT_TYPE))
    _expect(isinstance(cert.get("id"), str) and bool(_URN_UUID.match(cert["id"])), _("id is not a urn:uuid"))
    issuer = cert.get("issuer")
    if isinstance(issuer, dict):  # {"id": did:key, "name": certifier} from issue 15 on; a plain did before
        _expect("id" in issuer, _("issuer has no id"))
        name = issuer.get("name")
        _expect(name is None or (isinstance(name, str) and 0 < len(name) <= 200), _("issuer.name is not a short string (at most 200 characters)"))
        issuer = issuer.get("id")
    _expect(isinstance(issuer, str) and issuer.startswith("did:key:") and len(issuer) < 200, _("issuer is not a did:key"))
    assert isinstance(issuer, str)
    state.issuer_did = issuer
    try:
        state.issuer_key = public_key_from_did(issuer)
    except FormatError as exc:
        raise StepFailed(_("issuer: {reason}", reason=exc)) from None
    _expect(isinstance(cert.get("credentialSubject"), dict), _("credentialSubject is missing"))
    _expect(isinstance(cert.get("ledgerProof"), dict), _("ledgerProof is missing"))
    try:
        check_proof_shape(cert.get("proof"))
    except ProofError as exc:
        raise StepFailed(str(exc)) from None
    try:
        canonical(cert)  # no floats or unsafe integers anywhere in the signed data
    except CanonicalJSONError as exc:
        raise StepFailed(str(exc)) from None
    subject = cert["credentialSubject"]
    who = f"{str(subject.get('name'))[:120]} ({str(subject.get('orgNumber'))[:20]})"
    return _("certificate {id} for {who}", id=cert["id"], who=who)


def _proof(state: _State) -> str:
    cert = state.cert
    try:
        signer = verify_proof(cert)
    except ProofError as exc:
        raise StepFailed(str(exc)) from None
    _expect(signer == state.issuer_key, _("the proof's verificationMethod is not the issuer's key"))
    # The REC lets a document append contexts the proof does not cover; a certificate may not.
    _expect(cert["proof"].get("@context") == cert["@context"], _("@context differs from the proof's @context"))
    state.proof_ok = True
    claimed = issuer_name(cert)
    who = _("{did} (claims to be {name!r})", did=state.issuer_did, name=claimed) if claimed else state.issuer_did
    return _("eddsa-jcs-2022 signature by {who}, created {created}", who=who, created=cert["proof"].get("created"))


def _on_trust_list(state: _State) -> str:
    """The issuer is an accredited certifier on a genuine, current list, with a key valid at the proof's time."""
    from ..trustlist.check import TrustFailure, decide, verify_list

    cert = state.cert
    subject = cert.get("credentialSubject") or {}
    proof = cert.get("proof") or {}
    try:
        list_detail = verify_list(state.trust_list, state.at)
        state.trust_list_verified = True
        decision = decide(state.trust_list.trust_list, state.issuer_key or b"", proof.get("created"),
                          subject.get("criteriaSet"))
    except TrustFailure as exc:
        raise StepFailed(str(exc)) from None
    state.decision = decision
    state.listed_policy = decision.certifier.witness_policy
    claimed = issuer_name(cert)
    if claimed is None:
        agreement = _("the certificate names no certifier")
    elif claimed == decision.certifier.name:
        agreement = _("the certificate's claimed name agrees")
    else:
        agreement = _("the certificate claims {name!r}, the list's name is shown", name=claimed[:80])
    return f"{decision.detail}; {agreement}; {list_detail}"


def _trusted(state: _State) -> str:
    for key in state.trusted:
        if key.public_key == state.issuer_key:
            return _("issuer key is trusted ({source})", source=key.source)
    if state.trust_list is not None:
        return _on_trust_list(state)
    if not state.trusted:
        raise StepFailed(_("no trusted key given (--trust, --trust-list or --trust-workspace); the issuer is {did}",
                           did=state.issuer_did))
    if state.proof_ok:
        raise StepFailed(_("the signature is valid but by {did}, which is not a trusted key", did=state.issuer_did))
    raise StepFailed(_("the signature is by {did}, which is not a trusted key", did=state.issuer_did))


def _validity(state: _State) -> str:
    cert = state.cert
    try:
        start, end = parse_time(cert.get("validFrom")), parse_time(cert.get("validUntil"))
    except FormatError as exc:
        raise StepFailed(_("validity dates: {reason}", reason=exc)) from None
    _expect(start <= end, _("validUntil is before validFrom"))
    when = state.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    _expect(state.at >= start, _("not yet valid at {when} (valid from {start})", when=when, start=cert["validFrom"]))
    _expect(state.at <= end, _("expired at {when} (valid until {end})", when=when, end=cert["validUntil"]))
    return _("valid from {start} until {end} (checked at {when})", start=cert["validFrom"], end=cert["validUntil"],
             when=when)


def _ledger_entry(state: _State) -> str:
    cert, proof = state.cert, state.cert["ledgerProof"]
    _expect(proof.get("type") == "TlogInclusion", _("ledgerProof type is not TlogInclusion"))
    entry = proof.get("entry")
    _expect(isinstance(entry, dict) and entry.get("kind") == "certificate", _("ledgerProof entry is not a certificate entry"))
    _expect(entry.get("cert_id") == cert["id"], _("the ledger entry records another certificate id"))
    _expect(entry.get("credential_sha256") == credential_digest(cert),
            _("the ledger entry's credential digest does not match this credential"))
    # Redundant with the digest, but gives a precise reason when only these were changed.
    _expect(entry.get("valid_from") == cert.get("validFrom") and entry.get("valid_until") == cert.get("validUntil"),
            _("the ledger entry's validity differs from the credential's"))
    status = cert.get("credentialStatus")
    status = status if isinstance(status, dict) else {}
    _expect(str(entry.get("status_index")) == str(status.get("statusListIndex")),
            _("the ledger entry's status index differs from the credential's"))
    return _("entry holds credential digest {digest}…", digest=entry["credential_sha256"][:16])


def _checkpoint_keys(note: str, keys: Sequence[bytes]):
    from ..ledger.note import split_note, verifier_for

    signatures = split_note(note)[1]
    names = {sig.name for sig in signatures}
    return [verifier_for(name, key) for name in names for key in keys]


def _inclusion(state: _State) -> str:
    from ..ledger.merkle import leaf_hash, verify_inclusion
    from ..ledger.note import NoteError, read_checkpoint
    from ..ledger.tlogproof import parse_tlog_proof

    proof = state.cert["ledgerProof"]
    text = proof.get("tlogProof")
    _expect(isinstance(text, str), _("ledgerProof has no tlogProof text"))
    try:
        index, path, note = parse_tlog_proof(text)
        checkpoint = read_checkpoint(note)
        leaf = leaf_hash(canonical(proof["entry"]))
    except (NoteError, CanonicalJSONError) as exc:
        raise StepFailed(_("tlog-proof: {reason}", reason=exc)) from None
    _expect(verify_inclusion(index, checkpoint.size, leaf, path, checkpoint.root),
            _("the entry's leaf hash does not lead to the checkpoint root (index {index}, tree size {size})",
              index=index, size=checkpoint.size))
    return _("leaf {index} included in tree of size {size} ({origin})", index=index, size=checkpoint.size,
             origin=checkpoint.origin)


def _checkpoint(state: _State) -> str:
    from ..ledger.note import NoteError, open_checkpoint
    from ..ledger.tlogproof import parse_tlog_proof

    keys = [state.issuer_key] if state.issuer_key else []
    keys += [k.public_key for k in state.trusted if k.public_key not in keys]
    try:
        note = parse_tlog_proof(state.cert["ledgerProof"].get("tlogProof") or "")[2]
        checkpoint, signers = open_checkpoint(note, _checkpoint_keys(note, keys))
    except NoteError as exc:
        raise StepFailed(_("checkpoint: {reason}", reason=exc)) from None
    who = _("the issuer") if signers[0].public_key == state.issuer_key else did_key(signers[0].public_key)
    if state.decision is not None:
        # The list names the certifier's logs: a checkpoint of some other log is not the certifier's.
        listed = state.decision.certifier
        origins = [log.origin for log in (listed.ledger, listed.register) if log is not None]
        _expect(not origins or checkpoint.origin in origins,
                _("the checkpoint's origin {origin!r} is not a log the trust list names for {certifier} ({origins})",
                  origin=checkpoint.origin, certifier=listed.label, origins=", ".join(origins)))
    return _("checkpoint of size {size} signed by {who} as {name}", size=checkpoint.size, who=who,
             name=signers[0].name)


def _status_entry(cert: dict[str, Any]) -> tuple[str, str]:
    """The certificate's revocation status entry: (status list URL, index as a decimal string)."""
    status = cert.get("credentialStatus")
    _expect(isinstance(status, dict) and status.get("type") == "BitstringStatusListEntry"
            and status.get("statusPurpose") == "revocation", _("the certificate has no revocation status entry"))
    assert isinstance(status, dict)
    index_text = status.get("statusListIndex")
    _expect(isinstance(index_text, str) and index_text.isascii() and index_text.isdigit() and len(index_text) < 20,
            _("credentialStatus.statusListIndex is not a decimal string"))
    assert isinstance(index_text, str)
    url = status.get("statusListCredential")
    _expect(isinstance(url, str), _("credentialStatus.statusListCredential is not a URL"))
    assert isinstance(url, str)
    return url, index_text


# The published site (DESIGN §11) puts the suspension list beside the revocation list, with the same
# index: a certificate names only its revocation list, so the suspension list's URL follows from it.
REVOCATION_PATH, SUSPENSION_PATH = "/status/revocation.json", "/status/suspension.json"


def suspension_url(revocation_url: str) -> str | None:
    """The suspension list beside a published revocation list, or None for a list published elsewhere."""
    if not revocation_url.endswith(REVOCATION_PATH):
        return None
    return revocation_url[: -len(REVOCATION_PATH)] + SUSPENSION_PATH


def _revocation(state: _State) -> str:
    url, index_text = _status_entry(state.cert)
    revoked, listed = _status_bit(state, state.status_list, "revocation", url, index_text)
    _expect(not revoked, _("REVOKED: index {index} is set in the status list of {listed}", index=index_text, listed=listed))
    return _("not revoked (status list of {listed}, index {index})", listed=listed, index=index_text)


def _suspension(state: _State) -> str:
    revocation_url, index_text = _status_entry(state.cert)
    url = suspension_url(revocation_url)
    _expect(url is not None, _("the certificate's status list {url!r} is not on a published site, "
                               "so it has no suspension list beside it", url=revocation_url))
    assert url is not None
    suspended, listed = _status_bit(state, state.suspension_list, "suspension", url, index_text)
    _expect(not suspended, _("SUSPENDED: index {index} is set in the suspension list of {listed}", index=index_text,
                             listed=listed))
    return _("not suspended (suspension list of {listed}, index {index})", listed=listed, index=index_text)


def _status_bit(state: _State, listing: Any, purpose: str, url: str, index_text: str) -> tuple[bool, str]:
    """Whether the certificate's bit is set in a status list for ``purpose`` that is the one at ``url``,
    signed by the certificate's issuer and current; with the list's validFrom for the step line."""
    cert = state.cert
    _expect(isinstance(listing, dict), _("the status list is not a JSON object"))
    assert isinstance(listing, dict)
    types = listing.get("type") or []
    _expect(isinstance(types, list) and "BitstringStatusListCredential" in types,
            _("the status list is not a BitstringStatusListCredential"))
    _expect(listing.get("id") == url,
            _("the status list {id!r} is not the certificate's {url!r}", id=listing.get("id"), url=url))
    try:
        signer = verify_proof(listing)
    except ProofError as exc:
        raise StepFailed(_("status list: {reason}", reason=exc)) from None
    # With a trust list, the certifier's other keys count too: a list signed after a rotation is by the new key.
    allowed = {k.public_key for k in state.trusted} | _same_issuer_keys(state)
    _expect(signer in allowed and listing.get("issuer") == did_key(signer),
            _("the status list is signed by {did}, which is not trusted", did=did_key(signer)))
    # Trusted is not enough: with two trusted issuers, B's list carrying A's list id would override
    # A's revocations. The list must be the certificate's issuer's (its key, or one the trust list or
    # the issuing workspace's key history gives the same issuer, after a rotation).
    _expect(signer in _same_issuer_keys(state),
            _("the status list is signed by {did}, not by the certificate's issuer {issuer}", did=did_key(signer),
              issuer=state.issuer_did or "?"))
    try:
        listed_at = parse_time(listing.get("validFrom"))
        issued_at = parse_time(cert.get("validFrom"))
    except FormatError as exc:
        raise StepFailed(_("status list validity: {reason}", reason=exc)) from None
    _expect(listed_at >= issued_at, _("the status list ({date}) is older than the certificate", date=listing["validFrom"]))
    _expect(listed_at <= state.at, _("the status list is dated in the future ({date})", date=listing["validFrom"]))
    if state.decision is not None and signer != state.issuer_key:
        # A rotated-out key must not vouch for later lists: it may be the one that leaked.
        listed_key = state.decision.certifier.key_for(signer)
        _expect(listed_key is not None and listed_key.period.contains(listed_at, end_inclusive=True),
                _("the status list of {date} is signed by {did}, which the trust list gives the period {period}",
                  date=listing["validFrom"], did=did_key(signer),
                  period=listed_key.period.describe() if listed_key else "?"))
    _expect(listing.get("validUntil") is not None,
            _("the status list has no validUntil: a list that never expires could hide a later revocation"))
    try:
        _expect(state.at <= parse_time(listing["validUntil"]),
                _("the status list has expired (valid until {date}); get a current one", date=listing["validUntil"]))
    except FormatError as exc:
        raise StepFailed(_("status list validity: {reason}", reason=exc)) from None
    subject = listing.get("credentialSubject") or {}
    _expect(isinstance(subject, dict) and subject.get("statusPurpose") == purpose,
            _("the status list is not for {purpose}", purpose=purpose))
    try:
        bit = is_set(decode_list(subject.get("encodedList")), int(index_text))
    except StatusListError as exc:
        raise StepFailed(_("status list: {reason}", reason=exc)) from None
    return bit, str(listing["validFrom"])


def _same_issuer_keys(state: _State) -> set[bytes]:
    """The certificate's issuer key and the keys known to be the same issuer's."""
    if state.issuer_key is None:
        return set()
    keys = {state.issuer_key}
    groups = {k.issuer_group for k in state.trusted if k.public_key == state.issuer_key and k.issuer_group}
    keys |= {k.public_key for k in state.trusted if k.issuer_group and k.issuer_group in groups}
    if state.decision is not None:
        keys |= {k.public_key for k in state.decision.certifier.keys}
    return keys


def _witness_quorum(state: _State) -> str:
    from ..witness.certstep import QuorumFailed, check_quorum, listed_policy, unwitnessed_reason

    unwitnessed = unwitnessed_reason(state.cert["ledgerProof"])
    _expect(unwitnessed is None, unwitnessed or "")
    text = state.cert["ledgerProof"].get("tlogProof")
    _expect(isinstance(text, str), _("ledgerProof has no tlogProof text"))
    keys = [state.issuer_key] if state.issuer_key else []
    keys += [k.public_key for k in state.trusted if k.public_key not in keys]
    try:
        policy = state.policy if state.policy is not None else listed_policy(state.listed_policy or "")
        return check_quorum(text, policy, keys, source="" if state.policy is not None
                            else _("the trust list's policy: "))
    except QuorumFailed as exc:
        raise StepFailed(str(exc)) from None


STEPS: list[tuple[str, Callable[[_State], str], bool]] = [
    # (name, check, needs the parse step to have passed)
    ("parse", _parse, False),
    ("proof", _proof, True),
    ("issuer trusted", _trusted, True),
    ("validity", _validity, True),
    ("ledger entry", _ledger_entry, True),
    ("ledger inclusion", _inclusion, True),
    ("checkpoint signature", _checkpoint, True),
    ("revocation", _revocation, True),
    ("witness quorum", _witness_quorum, True),
    # Last, so the numbers of the steps before it stay what older scripts and docs say.
    ("suspension", _suspension, True),
]


def verify_certificate(
    cert: Any,
    trusted: Sequence[TrustedKey] = (),
    *,
    trust_list: Any = None,
    at: datetime | None = None,
    status_list: dict[str, Any] | None = None,
    parse_error: str | None = None,
    status_error: str | None = None,
    policy: Any = None,
    suspension_list: dict[str, Any] | None = None,
    suspension_error: str | None = None,
) -> Report:
    """Run every step; a failed parse stops the rest. Never raises for a bad certificate.

    policy: the buyer's tlog-policy (asfverify.witness.policy.Policy) for the witness step; without
    it the trust list's policy for this certifier applies, and without either the step is skipped.
    """
    state = _State(cert, trusted, at or datetime.now(UTC), status_list, suspension_list=suspension_list,
                   trust_list=trust_list, policy=policy)
    report = Report()
    if isinstance(cert, dict):
        report.certificate = cert.get("id") if isinstance(cert.get("id"), str) else None
        report.issuer = issuer_id(cert)
        report.issuer_claimed_name = issuer_name(cert)
    for number, (name, check, needs_parse) in enumerate(STEPS, start=1):
        if needs_parse and report.steps[0].status != "OK":
            break
        if name == "parse" and parse_error:
            report.steps.append(Step(number, name, "FAIL", parse_error))
            continue
        if name == "revocation" and status_error:
            report.steps.append(Step(number, name, "FAIL", _("status list: {reason}", reason=status_error)))
            continue
        if name == "revocation" and status_list is None:
            report.steps.append(Step(number, name, "SKIP", _("not checked; pass --status FILE with a current status list")))
            continue
        if name == "suspension" and suspension_error:
            report.steps.append(Step(number, name, "FAIL", _("suspension list: {reason}", reason=suspension_error)))
            continue
        if name == "suspension" and suspension_list is None:
            report.steps.append(Step(number, name, "SKIP",
                                     _("not checked; pass --status FILE with the site's status/suspension.json too")))
            continue
        if name == "witness quorum" and policy is None and not state.listed_policy:
            from ..witness.certstep import skipped_detail, unwitnessed_reason

            if isinstance(cert, dict) and unwitnessed_reason(cert.get("ledgerProof")):
                report.steps.append(Step(number, name, "FAIL", str(unwitnessed_reason(cert.get("ledgerProof")))))
                continue

            proof = cert.get("ledgerProof") if isinstance(cert, dict) else None
            text = proof.get("tlogProof") if isinstance(proof, dict) else None
            report.steps.append(Step(number, name, "SKIP", skipped_detail(text if isinstance(text, str) else "")))
            continue
        try:
            detail = check(state)
        except AsfError as exc:
            # Only the family: a KeyError or TypeError here is a bug in a step, not a bad certificate,
            # and must not pass for one. Steps check the shape of what they read before using it.
            report.steps.append(Step(number, name, "FAIL", exc.diagnostics()))
        else:
            report.steps.append(Step(number, name, "OK", detail))
    report.trust_list_verified = state.trust_list_verified
    if state.decision is not None:
        report.issuer_listed_name = state.decision.certifier.name
        report.listed_policy = state.listed_policy
    return report


MAX_DOCUMENT_BYTES = 10_000_000


def load_document(data: bytes) -> tuple[Any, str | None]:
    """(parsed JSON, strictness problem or None); raises FormatError if it is not JSON at all."""
    import json

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise FormatError(_("not UTF-8 text")) from None
    if len(data) > MAX_DOCUMENT_BYTES:
        raise FormatError(_("larger than {mb} MB; not a certificate", mb=MAX_DOCUMENT_BYTES // 1_000_000))
    try:
        loose = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(_("not JSON: {reason} at line {line} column {column}", reason=exc.msg, line=exc.lineno,
                            column=exc.colno)) from None
    except RecursionError:
        raise FormatError(_("JSON nested too deeply")) from None
    try:
        return loads_strict(text), None
    except CanonicalJSONError as exc:
        return loose, str(exc)
