"""What `verify --trust-list` decides: is the list genuine and current, and is this certificate's signer
an accredited certifier with a key valid when the proof was made, for this criteria set?

Every refusal is a TrustFailure (a failed verification step, exit 1) whose message says what was checked.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import BadInput, VerificationError
from ..i18n import _
from .model import Accreditation, ListedCertifier, TrustList
from .periods import PeriodError, format_stamp, parse_stamp


class TrustFailure(VerificationError):
    """The trust list, or the certificate's place on it, failed a check."""


@dataclass(frozen=True)
class TrustListInput:
    """What the buyer gave: the parsed list, the owner key to check it with, the sequence seen before."""

    trust_list: TrustList
    list_key: bytes
    list_key_source: str
    seen_sequence: int | None = None
    state_path: str | None = None


@dataclass(frozen=True)
class TrustDecision:
    """A certificate's signer found on a verified list."""

    certifier: ListedCertifier
    accreditation: Accreditation
    detail: str


def verify_list(given: TrustListInput, at: datetime) -> str:
    """The list is signed by the given owner key, current at `at`, and not older than one seen before."""
    from ..certs.eddsa_jcs import ProofError, verify_proof
    from ..multibase import did_key

    listing = given.trust_list
    try:
        signer = verify_proof(listing.document)
    except ProofError as exc:
        raise TrustFailure(_("the trust list's signature: {reason}", reason=exc)) from None
    if signer != given.list_key:
        raise TrustFailure(_("the trust list is signed by {did}, not by the --trust-list-key {key}", did=did_key(signer),
                             key=did_key(given.list_key)))
    if listing.owner_did != did_key(signer):
        raise TrustFailure(_("the trust list's issuer is not the key that signed it"))
    when = format_stamp(at)
    if not listing.period.contains(at, end_inclusive=True):
        if listing.period.start is not None and at < listing.period.start:
            raise TrustFailure(_("the trust list #{sequence} is not valid yet at {when} (from {start})",
                                 sequence=listing.sequence, when=when, start=listing.valid_from))
        raise TrustFailure(_("the trust list #{sequence} expired at {end} (checked at {when}); get the scheme owner's current list",
                             sequence=listing.sequence, end=listing.valid_until, when=when))
    if given.seen_sequence is not None and listing.sequence < given.seen_sequence:
        raise TrustFailure(_("the trust list is #{sequence}, older than #{seen} seen before ({state}): "
                             "a rolled-back list could hide a removal", sequence=listing.sequence,
                             seen=given.seen_sequence, state=given.state_path))
    return _("trust list #{sequence} of {owner}, signed by the --trust-list-key, valid until {end}",
             sequence=listing.sequence, owner=listing.owner_name, end=listing.valid_until)


def decide(listing: TrustList, signer: bytes, created: Any, criteria_set: Any) -> TrustDecision:
    """The accredited certifier behind signer at the proof's created time, for criteria_set."""
    from ..multibase import did_key

    did = did_key(signer)
    certifier = listing.certifier_for(signer)
    if certifier is None:
        if len(listing.certifiers) == 1:
            raise TrustFailure(_("the issuer {did} is not on trust list #{sequence} of {owner} (1 certifier checked, "
                                 "every key of each)", did=did, sequence=listing.sequence, owner=listing.owner_name))
        raise TrustFailure(_("the issuer {did} is not on trust list #{sequence} of {owner} ({count} certifiers checked, "
                             "every key of each)", did=did, sequence=listing.sequence, owner=listing.owner_name,
                             count=len(listing.certifiers)))
    try:
        moment = parse_stamp(created, "proof.created")
    except PeriodError:
        raise TrustFailure(_("the proof has no created time to check the key's period against")) from None
    key = certifier.key_for(signer)
    assert key is not None
    if not key.period.contains(moment, end_inclusive=True):
        raise TrustFailure(_("the key {did} of {certifier} was valid {period}, not when the proof was created ({created})",
                             did=did, certifier=certifier.label, period=key.period.describe(), created=created))
    current = certifier.accredited_at(moment)
    if not current:
        periods = "; ".join(a.period.describe() for a in certifier.accreditations)
        raise TrustFailure(_("{certifier} was not accredited when the proof was created ({created}); accredited {periods}",
                             certifier=certifier.label, created=created, periods=periods))
    permitted = [a for a in current if criteria_set in a.criteria_sets]
    if not permitted:
        allowed = ", ".join(sorted({c for a in current for c in a.criteria_sets}))
        raise TrustFailure(_("{certifier} is not accredited for criteria set {criteria!r} (permitted at {created}: {allowed})",
                             certifier=certifier.label, criteria=str(criteria_set)[:40], created=created, allowed=allowed))
    accreditation = permitted[0]
    since = accreditation.period.valid_from
    if accreditation.period.valid_until:
        accredited = _("{certifier} is accredited for {criteria} (since {since} until {until})", certifier=certifier.label,
                       criteria=criteria_set, since=since, until=accreditation.period.valid_until)
    else:
        accredited = _("{certifier} is accredited for {criteria} (since {since})", certifier=certifier.label,
                       criteria=criteria_set, since=since)
    detail = _("{accredited}; key {key}… valid {period}, proof created {created}", accredited=accredited, key=did[8:20],
               period=key.period.describe(), created=created)
    return TrustDecision(certifier, accreditation, detail)


# ---------------------------------------------------------------- --state


STATE_VERSION = 1
MAX_STATE_BYTES = 1_000_000


def load_seen(path: str | None, owner_did: str) -> int | None:
    """The highest sequence seen before for this owner's list, from the --state file (absent: none)."""
    if not path:
        return None
    data = _read_state(path)
    entry = data["trustLists"].get(owner_did)
    return None if entry is None else entry["sequence"]


def _read_state(path: str) -> dict[str, Any]:
    from ..jcs import CanonicalJSONError, loads_strict

    target = Path(path)
    if not target.exists():
        return {"version": STATE_VERSION, "trustLists": {}}
    try:
        if target.stat().st_size > MAX_STATE_BYTES:
            raise BadInput(_("--state {path}: larger than {kb} kB", path=path, kb=MAX_STATE_BYTES // 1000))
        data = loads_strict(target.read_bytes())
    except CanonicalJSONError as exc:
        raise BadInput(_("--state {path}: {reason}", path=path, reason=exc)) from None
    except OSError as exc:
        raise BadInput(_("--state {path}: cannot read: {reason}", path=path, reason=exc.strerror)) from None
    lists = data.get("trustLists") if isinstance(data, dict) else None
    if not isinstance(data, dict) or data.get("version") != STATE_VERSION or not isinstance(lists, dict):
        raise BadInput(_("--state {path}: not an asfverify state file", path=path))
    for owner, entry in lists.items():
        sequence = entry.get("sequence") if isinstance(entry, dict) else None
        if not isinstance(sequence, int) or isinstance(sequence, bool) or sequence < 1:
            raise BadInput(_("--state {path}: bad sequence for {owner}", path=path, owner=owner[:40]))
    return data


def remember(path: str, listing: TrustList) -> None:
    """Record the list's sequence as seen (never lowering it), atomically."""
    data = _read_state(path)
    entry = data["trustLists"].get(listing.owner_did)
    if entry is not None and entry["sequence"] >= listing.sequence:
        return
    data["trustLists"][listing.owner_did] = {"sequence": listing.sequence, "validFrom": listing.valid_from,
                                             "id": listing.list_id}
    target = Path(path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, target)
    except OSError as exc:
        raise BadInput(_("--state {path}: cannot write: {reason}", path=path, reason=exc.strerror)) from None
