"""The `witness quorum` step of certificate verification: tlog-policy on the embedded checkpoint.

Kept here, apart from certs/verify.py, so that file only wires the step in. Pure: no network.

A certificate issued with `certify --unwitnessed` (the quorum could not be reached) carries
`"unwitnessed": true` in its `ledgerProof` (signed with the rest of the credential); its witness
step fails whatever the policy, with the reason, as DESIGN §12 asks.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from ..errors import VerificationError
from ..i18n import _
from ..ledger.note import NoteError, parse_checkpoint, split_note, verifier_for
from .policy import Policy, PolicyError, evaluate, parse_policy

UNWITNESSED_KEY = "unwitnessed"  # in ledgerProof: true when certify ran with --unwitnessed


class QuorumFailed(VerificationError):
    """The certificate's checkpoint does not meet the policy's quorum; the message says why."""


def _note_of(tlog_proof: str) -> str:
    from ..ledger.tlogproof import parse_tlog_proof

    _log, _proof, note = parse_tlog_proof(tlog_proof)
    return note


def cosignature_count(tlog_proof: str) -> int:
    """How many signature lines beyond the log's own the embedded checkpoint carries (0 if unreadable)."""
    try:
        note = _note_of(tlog_proof)
        text, signatures = split_note(note)
        origin = parse_checkpoint(text).origin
    except NoteError:
        return 0
    return sum(1 for s in signatures if s.name != origin)


def unwitnessed_reason(ledger_proof: object) -> str | None:
    """The FAIL detail for a certificate marked as issued without a witness quorum, else None."""
    if isinstance(ledger_proof, dict) and ledger_proof.get(UNWITNESSED_KEY) is True:
        return _("issued with --unwitnessed: the witness quorum was not reached when it was certified")
    return None


def skipped_detail(tlog_proof: str) -> str:
    """The SKIP line when no policy was given."""
    count = cosignature_count(tlog_proof)
    if count == 0:
        return _("not checked; the checkpoint carries no witness cosignatures (pass --policy FILE to require them)")
    if count == 1:
        return _("not checked; the checkpoint carries 1 cosignature; pass --policy FILE to check them")
    return _("not checked; the checkpoint carries {count} cosignatures; pass --policy FILE to check them", count=count)


def listed_policy(text: str) -> Policy:
    """Parse the policy a trust list names for a certifier; QuorumFailed when it is malformed."""
    try:
        return parse_policy(text, _("the trust list's witness policy"))
    except PolicyError as exc:
        raise QuorumFailed(str(exc)) from None


def check_quorum(tlog_proof: str, policy: Policy, issuer_keys: Sequence[bytes], source: str = "") -> str:
    """OK detail when the tlog-proof's checkpoint meets the policy; QuorumFailed otherwise.

    The log must be one of the policy's `log` lines; a policy without any accepts the checkpoint's
    signature by the issuer (or another trusted key) under the checkpoint's origin, the log being
    known from context as tlog-policy allows.
    """
    try:
        note = _note_of(tlog_proof)
        text, _signatures = split_note(note)
        origin = parse_checkpoint(text).origin
        context_logs = [] if policy.logs else [verifier_for(origin, key) for key in issuer_keys]
        result = evaluate(policy, note, logs=context_logs, now=int(time.time()))
    except NoteError as exc:
        raise QuorumFailed(_("checkpoint: {error}", error=exc)) from None
    if result.log is None:
        raise QuorumFailed(_("{source}the checkpoint of {origin} is not signed by a log the policy lists", source=source, origin=origin))
    if not result.satisfied:
        raise QuorumFailed(_("{source}{reason} (quorum {quorum})", source=source, reason=result.reason, quorum=policy.quorum))
    if policy.quorum == "none":
        return _("{source}the policy requires no witnesses (quorum none)", source=source)
    return _("{source}quorum {quorum} met: cosigned by {names} (size {size})", source=source, quorum=policy.quorum,
             names=", ".join(result.cosigned), size=result.checkpoint.size)
