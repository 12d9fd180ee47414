"""The certifier's side of c2sp.org/tlog-witness: collect cosignatures for a new checkpoint.

For the register engineer (certify/publish) — the one call to make after signing a checkpoint:

    from asfverify.witness.client import request_cosignatures
    from asfverify.witness.policy import load_policy

    result = request_cosignatures(
        load_policy("witness-policy.txt"),
        checkpoint_note,                                   # the log-signed checkpoint note
        proof_for=lambda old, new: log.consistency_proof(old, new),
        known_sizes={"w1": 41},                            # optional: size each witness last cosigned
        log_keys=[log_verifier],                           # optional: the log's NoteVerifier, when the
    )                                                      #   policy has no `log` line for it
    result.note               # checkpoint_note with every valid cosignature line appended
    result.cosignatures       # just those lines ("— name base64…\\n")
    result.quorum.satisfied   # whether the policy's quorum is met (refuse to certify if not)
    result.sizes              # witness name -> the size it now holds, to pass as known_sizes next time
    result.outcomes           # per witness: cosigned or why not (down, slow, garbage, 403/404/422…)

For monitors: fetch_witness_checkpoint(witness, origin) returns the latest checkpoint a witness
cosigned for a log (its monitoring endpoint), or None.

Every witness with a URL in the policy is asked in parallel. A witness starts from `known_sizes`
(default 0); on 409 it is asked again once from the size it reports, with the proof from
`proof_for(old, new)` — which may raise ValueError/AsfError when that size is not one of ours (a
witness ahead of our log: a fork or a rollback), which is then that witness's error. Timeouts are
bounded per request and overall; answers that are not cosignature lines, cosignatures by other
keys, and invalid cosignatures are all ignored: the quorum decides. Never raises for a witness
problem; only for a malformed checkpoint note (NoteError).
"""

from __future__ import annotations

import http.client
import socket
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..errors import AsfError
from ..i18n import _
from ..ledger.note import EM_DASH, NoteError, NoteVerifier, parse_checkpoint, split_note
from .policy import Policy, PolicyWitness, QuorumResult, evaluate
from .protocol import MAX_BODY_BYTES, ProtocolError, format_add_checkpoint, parse_size

ProofProvider = Callable[[int, int], Sequence[bytes]]
"""proof_for(old_size, new_size) -> the RFC 6962 consistency proof hashes from old_size to new_size."""

MAX_ANSWER_BYTES = 64 * 1024
DEFAULT_TIMEOUT = 5.0


@dataclass(frozen=True)
class WitnessOutcome:
    """What one witness did with the checkpoint."""

    name: str                       # the witness's name in the policy
    url: str | None
    cosignature: str | None         # the valid cosignature line, or None
    size: int | None                # the size the witness holds afterwards, when known
    error: str | None               # why there is no cosignature

    @property
    def ok(self) -> bool:
        return self.cosignature is not None


@dataclass(frozen=True)
class WitnessingResult:
    note: str                               # the checkpoint note with every valid cosignature appended
    cosignatures: tuple[str, ...]           # the valid cosignature lines, newline-terminated
    outcomes: tuple[WitnessOutcome, ...]
    quorum: QuorumResult                    # the policy evaluated on `note`

    @property
    def sizes(self) -> dict[str, int]:
        return {o.name: o.size for o in self.outcomes if o.size is not None}


class _Refused(Exception):
    """A witness answered but did not cosign; the message says why."""


def _post(url: str, body: bytes, timeout: float) -> tuple[int, str, bytes]:
    """POST body to <url>/add-checkpoint; (status, content type, at most MAX_ANSWER_BYTES of body)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _Refused(_("unsupported witness URL {url!r}", url=url))
    path = parts.path.rstrip("/") + "/add-checkpoint"
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = connection_class(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request("POST", path, body=body, headers={"Content-Type": "text/plain; charset=utf-8"})
        response = conn.getresponse()
        data = response.read(MAX_ANSWER_BYTES + 1)
        if len(data) > MAX_ANSWER_BYTES:
            raise _Refused(_("answer larger than 64 KiB"))
        return response.status, response.getheader("Content-Type", ""), data
    finally:
        conn.close()


def _cosignature_from(answer: bytes, witness: PolicyWitness, text: str) -> str:
    """The witness's valid cosignature line in a 200 answer, or _Refused."""
    try:
        lines = answer.decode("utf-8").split("\n")
    except UnicodeDecodeError:
        raise _Refused(_("answer is not UTF-8")) from None
    if not answer.endswith(b"\n") or not lines[0].startswith(EM_DASH + " "):
        raise _Refused(_("answer is not note signature lines"))
    for line in lines[:-1]:
        try:
            _text, signatures = split_note(text + "\n" + line + "\n")
        except NoteError:
            continue  # garbage lines are ignored
        if witness.cosigner.verify(text, signatures[0]) is not None:
            return line + "\n"
    raise _Refused(_("answer holds no valid cosignature by the witness's key"))


def _ask(witness: PolicyWitness, note: str, text: str, new_size: int, start: int,
         proof_for: ProofProvider, timeout: float, deadline: float) -> WitnessOutcome:
    url = witness.url
    if not url:
        return WitnessOutcome(witness.name, None, None, None, _("no URL in the policy"))
    old = start
    for _attempt in range(3):  # the first try, a resend after 409, and one more if it raced
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return WitnessOutcome(witness.name, url, None, None, _("timed out"))
        try:
            if old > new_size:
                raise _Refused(_("witness holds size {old}, larger than ours ({new}): a fork or a rollback", old=old, new=new_size))
            proof = list(proof_for(old, new_size)) if 0 < old < new_size else []
            status, content_type, data = _post(url, format_add_checkpoint(old, proof, note), min(timeout, remaining))
            if status == 200:
                return WitnessOutcome(witness.name, url, _cosignature_from(data, witness, text), new_size, None)
            if status == 409:
                try:
                    reported = parse_size(data)
                except ProtocolError as exc:
                    raise _Refused(_("409 with a bad body: {error}", error=exc)) from None
                if reported == old:
                    raise _Refused(_("409 reporting the size we sent ({size})", size=old))
                old = reported
                continue
            detail = data[:200].decode("utf-8", "replace").strip().splitlines()
            raise _Refused(f"HTTP {status}: {detail[0]}" if detail else f"HTTP {status}")  # not for translation: status and the witness's own words
        except _Refused as exc:
            return WitnessOutcome(witness.name, url, None, old, str(exc))
        except (ValueError, AsfError) as exc:
            return WitnessOutcome(witness.name, url, None, old, _("no consistency proof from size {size}: {error}", size=old, error=exc))
        except (TimeoutError, OSError, http.client.HTTPException) as exc:
            reason = _("timed out") if isinstance(exc, (socket.timeout, TimeoutError)) else _("unreachable: {error}", error=exc)
            return WitnessOutcome(witness.name, url, None, None, reason)
    return WitnessOutcome(witness.name, url, None, old, _("size kept changing (409 three times)"))


def fetch_witness_checkpoint(witness: PolicyWitness, origin: str, timeout: float = DEFAULT_TIMEOUT) -> str | None:
    """The latest checkpoint `witness` cosigned for `origin` (GET <url>/<sha256(origin)>/checkpoint), for
    monitors comparing views; None when it has none (404), is unreachable, or the answer carries no
    valid cosignature by it. The log's signature is the caller's to check (evaluate() does both)."""
    import hashlib

    if not witness.url:
        return None
    parts = urlsplit(witness.url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    path = parts.path.rstrip("/") + "/" + hashlib.sha256(origin.encode()).hexdigest() + "/checkpoint"
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = connection_class(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        data = response.read(MAX_ANSWER_BYTES + 1)
        if response.status != 200 or len(data) > MAX_ANSWER_BYTES:
            return None
        note = data.decode("utf-8")
        text, signatures = split_note(note)
        if parse_checkpoint(text).origin != origin:
            return None
        if not any(witness.cosigner.verify(text, s) is not None for s in signatures):
            return None
        return note
    except (OSError, http.client.HTTPException, UnicodeDecodeError, NoteError, ValueError):
        return None
    finally:
        conn.close()


def request_cosignatures(policy: Policy, checkpoint_note: str, proof_for: ProofProvider, *,
                         known_sizes: Mapping[str, int] | None = None, timeout: float = DEFAULT_TIMEOUT,
                         total_timeout: float | None = None,
                         log_keys: Sequence[NoteVerifier] = ()) -> WitnessingResult:
    """Send checkpoint_note to every witness in policy; return the valid cosignatures (see module doc)."""
    text, _signatures = split_note(checkpoint_note)
    checkpoint = parse_checkpoint(text)
    if len(checkpoint_note.encode("utf-8")) > MAX_BODY_BYTES // 2:
        raise NoteError(_("checkpoint note too large to send to witnesses"))
    sizes = dict(known_sizes or {})
    deadline = time.monotonic() + (total_timeout if total_timeout is not None else 3 * timeout + 1)
    witnesses = list(policy.witnesses)
    outcomes: list[WitnessOutcome] = []
    if witnesses:
        pool = ThreadPoolExecutor(max_workers=min(16, len(witnesses)), thread_name_prefix="witness")
        futures = {pool.submit(_ask, w, checkpoint_note, text, checkpoint.size, sizes.get(w.name, 0),
                               proof_for, timeout, deadline): w for w in witnesses}
        wait(futures, timeout=max(0.0, deadline - time.monotonic()) + 1)
        for future, witness in futures.items():
            if future.done() and future.exception() is None:
                outcomes.append(future.result())
            elif future.done():
                exc = future.exception()
                outcomes.append(WitnessOutcome(witness.name, witness.url, None, None,
                                               _("client error: {kind}: {error}", kind=type(exc).__name__, error=exc)))
            else:
                outcomes.append(WitnessOutcome(witness.name, witness.url, None, None, _("timed out")))
        pool.shutdown(wait=False, cancel_futures=True)
    lines = tuple(o.cosignature for o in outcomes if o.cosignature)
    note = checkpoint_note + "".join(line for line in lines if line not in checkpoint_note)
    # The quorum is judged on the note as it will be published; log_keys lets a policy without
    # `log` lines (the log known from context) still evaluate.
    quorum = evaluate(policy, note, logs=log_keys)
    return WitnessingResult(note, lines, tuple(outcomes), quorum)
