"""c2sp.org/tlog-policy: parse a policy file and decide whether a checkpoint meets its quorum (pure).

    log <vkey> [<url>]
    witness <name> <vkey> [<url>]
    group <name> <k|any|all> <member>...
    quorum <name|none>

Lines are split on runs of spaces and tabs only; blank lines and `#` comment lines are ignored.
Groups and the quorum may only name witnesses or groups defined on earlier lines, which rules out
cycles; a name is a member of at most one group (each witness counts toward the quorum in one way
only). Names are opaque octets (non-ASCII is not normalised).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import BadInput
from ..i18n import _
from ..ledger.note import Checkpoint, NoteError, NoteVerifier, parse_checkpoint, parse_vkey, split_note
from .cosignature import CosignatureError, Cosigner, parse_cosigner_vkey

MAX_POLICY_BYTES = 256 * 1024
MAX_ENTRIES = 256  # of each kind; the spec recommends supporting at least 32
NONE = "none"
_WS = re.compile(r"[ \t]+")
_BAD_OCTETS = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]")


class PolicyError(BadInput):
    """A tlog-policy file is malformed; the message names the line."""


@dataclass(frozen=True)
class PolicyLog:
    verifier: NoteVerifier  # the log's Ed25519 note key; its name is the log's origin
    url: str | None = None

    @property
    def origin(self) -> str:
        return self.verifier.name


@dataclass(frozen=True)
class PolicyWitness:
    name: str  # the policy's name for this witness (not necessarily the key name)
    cosigner: Cosigner
    url: str | None = None


@dataclass(frozen=True)
class PolicyGroup:
    name: str
    threshold: int  # k of len(members)
    members: tuple[str, ...]


@dataclass(frozen=True)
class Policy:
    logs: tuple[PolicyLog, ...]
    witnesses: tuple[PolicyWitness, ...]
    groups: tuple[PolicyGroup, ...]
    quorum: str  # a witness or group name, or "none"

    def witness(self, name: str) -> PolicyWitness | None:
        return next((w for w in self.witnesses if w.name == name), None)

    def group(self, name: str) -> PolicyGroup | None:
        return next((g for g in self.groups if g.name == name), None)

    def is_satisfied(self, cosigned: Iterable[str]) -> bool:
        """True when the witnesses named in cosigned (policy names) meet the quorum."""
        have = set(cosigned)
        if self.quorum == NONE:
            return True
        return self._witnessed(self.quorum, have)

    def _witnessed(self, name: str, have: set[str]) -> bool:
        group = self.group(name)
        if group is None:
            return name in have
        # Definitions only refer backwards, so this recursion ends; depth ≤ the number of groups.
        return sum(1 for m in group.members if self._witnessed(m, have)) >= group.threshold


def _decimal(text: str) -> int | None:
    if text.isascii() and text.isdigit() and (text == "0" or not text.startswith("0")) and len(text) <= 9:
        return int(text)
    return None


def parse_policy(data: bytes | str, source: str | None = None) -> Policy:
    """Parse a tlog-policy; PolicyError naming `source` and the line for anything not in the spec."""
    source = source or _("policy")
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > MAX_POLICY_BYTES:
        raise PolicyError(_("{source}: larger than {kib} KiB", source=source, kib=MAX_POLICY_BYTES // 1024))
    if _BAD_OCTETS.search(raw):
        raise PolicyError(_("{source}: only tab and newline are allowed as control characters", source=source))
    # High-bit octets are opaque; surrogateescape keeps them byte-exact without needing valid UTF-8.
    text = raw.decode("utf-8", errors="surrogateescape")
    logs: list[PolicyLog] = []
    witnesses: list[PolicyWitness] = []
    groups: list[PolicyGroup] = []
    names: set[str] = {NONE}
    used_as_member: set[str] = set()
    quorum: str | None = None

    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        where = _("{source} line {number}", source=source, number=number)
        fields = [f for f in _WS.split(line.strip(" \t")) if f]
        if not fields or fields[0].startswith("#"):
            continue
        keyword, args = fields[0], fields[1:]
        if keyword == "log":
            if not 1 <= len(args) <= 2:
                raise PolicyError(_("{where}: expected 'log <vkey> [<url>]'", where=where))
            try:
                verifier = parse_vkey(args[0])
            except NoteError as exc:
                raise PolicyError(_("{where}: log key: {error}", where=where, error=exc)) from None
            if any(known.verifier.public_key == verifier.public_key for known in logs):
                raise PolicyError(_("{where}: duplicate log key", where=where))
            logs.append(PolicyLog(verifier, args[1] if len(args) == 2 else None))
            if len(logs) > MAX_ENTRIES:
                raise PolicyError(_("{where}: more than {limit} logs", where=where, limit=MAX_ENTRIES))
        elif keyword == "witness":
            if not 2 <= len(args) <= 3:
                raise PolicyError(_("{where}: expected 'witness <name> <vkey> [<url>]'", where=where))
            name = args[0]
            if name in names:
                raise PolicyError(_("{where}: the name {name!r} is already defined", where=where, name=name))
            try:
                cosigner = parse_cosigner_vkey(args[1])
            except CosignatureError as exc:
                raise PolicyError(_("{where}: witness key: {error}", where=where, error=exc)) from None
            if any(w.cosigner.public_key == cosigner.public_key for w in witnesses):
                raise PolicyError(_("{where}: duplicate witness key", where=where))
            names.add(name)
            witnesses.append(PolicyWitness(name, cosigner, args[2] if len(args) == 3 else None))
            if len(witnesses) > MAX_ENTRIES:
                raise PolicyError(_("{where}: more than {limit} witnesses", where=where, limit=MAX_ENTRIES))
        elif keyword == "group":
            if len(args) < 3:
                raise PolicyError(_("{where}: expected 'group <name> <k|any|all> <member>...'", where=where))
            name, k_text, members = args[0], args[1], tuple(args[2:])
            if name in names:
                raise PolicyError(_("{where}: the name {name!r} is already defined", where=where, name=name))
            for member in members:
                if member == NONE:
                    raise PolicyError(_("{where}: 'none' cannot be a group member", where=where))
                if member not in names:
                    raise PolicyError(_("{where}: group member {member!r} is not defined on an earlier line",
                                        where=where, member=member))
                if member in used_as_member:
                    raise PolicyError(_("{where}: {member!r} is already a member of a group", where=where, member=member))
                used_as_member.add(member)
            if k_text == "any":
                k = 1
            elif k_text == "all":
                k = len(members)
            else:
                parsed = _decimal(k_text)
                if parsed is None or not 1 <= parsed <= len(members):
                    raise PolicyError(_("{where}: threshold must be any, all or a decimal 1..{count}",
                                        where=where, count=len(members)))
                k = parsed
            names.add(name)
            groups.append(PolicyGroup(name, k, members))
            if len(groups) > MAX_ENTRIES:
                raise PolicyError(_("{where}: more than {limit} groups", where=where, limit=MAX_ENTRIES))
        elif keyword == "quorum":
            if len(args) != 1:
                raise PolicyError(_("{where}: expected 'quorum <name>'", where=where))
            if quorum is not None:
                raise PolicyError(_("{where}: a policy has exactly one quorum line", where=where))
            if args[0] not in names:
                raise PolicyError(_("{where}: quorum {name!r} is not defined on an earlier line", where=where, name=args[0]))
            quorum = args[0]
        else:
            raise PolicyError(_("{where}: unknown line type {keyword!r}", where=where, keyword=keyword[:40]))
    if quorum is None:
        raise PolicyError(_("{source}: no quorum line", source=source))
    return Policy(tuple(logs), tuple(witnesses), tuple(groups), quorum)


def load_policy(path: str | Path) -> Policy:
    """Read and parse a policy file; BadInput when it cannot be read."""
    target = Path(path)
    try:
        with target.open("rb") as handle:
            data = handle.read(MAX_POLICY_BYTES + 1)
    except OSError as exc:
        raise PolicyError(_("policy {path}: cannot read: {reason}", path=path, reason=exc.strerror)) from None
    return parse_policy(data, _("policy {path}", path=path))


# ---------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class QuorumResult:
    """What a policy says about one checkpoint note."""

    checkpoint: Checkpoint
    log: NoteVerifier | None        # the trusted log key whose signature verified, or None
    cosigned: tuple[str, ...]       # policy names of witnesses with a valid cosignature
    invalid: tuple[str, ...]        # policy names whose (name, key id) matched but the cosignature failed
    timestamps: tuple[tuple[str, int], ...]  # (witness name, cosignature time) for those in cosigned
    satisfied: bool                 # log signature valid and the quorum met

    @property
    def reason(self) -> str:
        """One line explaining the outcome."""
        if self.log is None:
            return _("the checkpoint is not signed by any log in the policy")
        got = ", ".join(self.cosigned) or _("none")
        if self.satisfied:
            return _("quorum met; cosigned by {names}", names=got)
        bad = _("; invalid cosignatures from {names}", names=", ".join(self.invalid)) if self.invalid else ""
        return _("quorum not met; valid cosignatures from {names}{invalid}", names=got, invalid=bad)


def evaluate(policy: Policy, checkpoint_note: str, logs: Iterable[NoteVerifier] = (),
             now: int | None = None) -> QuorumResult:
    """Check checkpoint_note against policy: a signature by one of its logs (or of `logs`, for
    callers that know the log from context) and valid cosignature/v1 lines meeting the quorum.

    Unknown signature lines are ignored. A cosignature whose timestamp is later than `now` (plus a
    minute for clock skew), when `now` is given, does not count. Raises NoteError when the note or
    checkpoint is malformed.
    """
    text, signatures = split_note(checkpoint_note)
    checkpoint = parse_checkpoint(text)
    message = text.encode("utf-8")
    log_keys = [entry.verifier for entry in policy.logs] + list(logs)
    signer: NoteVerifier | None = None
    for sig in signatures:
        for key in log_keys:
            if key.name == checkpoint.origin and sig.name == key.name and sig.key_id == key.key_id:
                if key.verify(message, sig.signature):
                    signer = signer or key
    cosigned: list[str] = []
    invalid: list[str] = []
    stamps: list[tuple[str, int]] = []
    for witness in policy.witnesses:
        claims = [s for s in signatures if witness.cosigner.matches(s)]
        if not claims:
            continue
        times = [witness.cosigner.verify(text, s) for s in claims]
        good = [t for t in times if t is not None and (now is None or t <= now + 60)]
        if good:
            cosigned.append(witness.name)
            stamps.append((witness.name, max(good)))
        else:
            invalid.append(witness.name)
    satisfied = signer is not None and policy.is_satisfied(cosigned)
    return QuorumResult(checkpoint, signer, tuple(cosigned), tuple(invalid), tuple(stamps), satisfied)

