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
from ..ledger.note import NoteError, parse_checkpoint, split_note, verifier_for
from .policy import Policy, PolicyError, evaluate, parse_policy

UNWITNESSED_KEY = "unwitnessed"  # in ledgerProof: true when certify ran with --unwitnessed


class QuorumFailed(VerificationError):
    """The certificate's checkpoint does not meet the policy's quorum; the message says why."""


def _note_of(tlog_proof: str) -> str:
    from ..ledger.tlogproof import parse_tlog_proof

    _, _, note = parse_tlog_proof(tlog_proof)
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
        return "issued with --unwitnessed: the witness quorum was not reached when it was certified"
    return None


def skipped_detail(tlog_proof: str) -> str:
    """The SKIP line when no policy was given."""
    count = cosignature_count(tlog_proof)
    if count == 0:
        return "not checked; the checkpoint carries no witness cosignatures (pass --policy FILE to require them)"
    return f"not checked; the checkpoint carries {count} cosignature{'s' if count != 1 else ''}; pass --policy FILE to check them"


def listed_policy(text: str) -> Policy:
    """Parse the policy a trust list names for a certifier; QuorumFailed when it is malformed."""
    try:
        return parse_policy(text, "the trust list's witness policy")
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
        text, _ = split_note(note)
        origin = parse_checkpoint(text).origin
        context_logs = [] if policy.logs else [verifier_for(origin, key) for key in issuer_keys]
        result = evaluate(policy, note, logs=context_logs, now=int(time.time()))
    except NoteError as exc:
        raise QuorumFailed(f"checkpoint: {exc}") from None
    if result.log is None:
        raise QuorumFailed(f"{source}the checkpoint of {origin} is not signed by a log the policy lists")
    if not result.satisfied:
        raise QuorumFailed(f"{source}{result.reason} (quorum {policy.quorum})")
    if policy.quorum == "none":
        return f"{source}the policy requires no witnesses (quorum none)"
    return f"{source}quorum {policy.quorum} met: cosigned by {', '.join(result.cosigned)} (size {result.checkpoint.size})"
