"""`asfverify doctor`: a certifier's setup as a buyer's verifier will see it, one check per line.

Each check returns a Check; FAIL makes the command exit 1, WARN (something a certifier may
rightly not have yet, such as witnesses) does not. Checks never raise for a broken setup: the
problem is the check's detail.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import AsfError

PLACEHOLDER_NAMES = {"certifier", "demo-certifier", "changeme", "todo", "example"}


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # "OK" | "FAIL" | "WARN"
    detail: str

    def line(self) -> str:
        return f"{self.status}: {self.name}: {self.detail}"


@dataclass
class Context:
    """What the checks share: the workspace, and what earlier checks found."""

    ws: Any
    site: Path | None = None
    trust_list: Any = None  # trustlist.check.TrustListInput
    at: datetime = field(default_factory=lambda: datetime.now(UTC))
    description: Any = None  # the IssuerDescription built from the workspace
    witness_timeout: float = 3.0


def _ok(detail: str) -> tuple[str, str]:
    return "OK", detail


def _fail(detail: str) -> tuple[str, str]:
    return "FAIL", detail


# ---------------------------------------------------------------- the checks


def check_name(ctx: Context) -> tuple[str, str]:
    from .issuer import certifier_name

    name = certifier_name(ctx.ws)
    if name is None:
        return _fail("[certifier] name is not set in asfverify.toml (certificates must name their certifier)")
    if name.lower() in PLACEHOLDER_NAMES:
        return _fail(f"[certifier] name is {name!r}, a placeholder; set the certifier's legal name")
    return _ok(name)


def check_org_number(ctx: Context) -> tuple[str, str]:
    from .agreements.orgnumbers import normalise
    from .issuer import certifier_org_number

    value = certifier_org_number(ctx.ws)
    if value is None:
        return _fail("[certifier] org_number is not set in asfverify.toml")
    if normalise(value) != value:
        return _fail(f"[certifier] org_number {value!r} is not a valid organisation number (NNNNNN-NNNN)")
    return _ok(value)


def check_prefix(ctx: Context) -> tuple[str, str]:
    prefix = (ctx.ws.config.get("publish") or {}).get("prefix")
    if not isinstance(prefix, str) or not prefix.strip():
        return _fail("[publish] prefix is not set: verifiers cannot find issuer.json, status lists or the register")
    if not prefix.startswith("https://") and not prefix.startswith("http://127.0.0.1"):
        return _fail(f"[publish] prefix {prefix!r} is not an https:// URL")
    return _ok(prefix)


def check_key(ctx: Context) -> tuple[str, str]:
    from . import keys

    signer = keys.load_signer(ctx.ws.keys_dir)  # refuses a key readable by others
    current = [k for k in keys.public_keys(ctx.ws.keys_dir) if k.current]
    if not current or current[-1].public_key != signer.public_key:
        return _fail(f"{ctx.ws.keys_dir}: the private key is not the keyring's current key")
    return _ok(f"{signer.did} (private key 0600)")


def check_issuer_json(ctx: Context) -> tuple[str, str]:
    from .issuer import build_issuer_json, read_issuer_json

    ctx.description = built = build_issuer_json(ctx.ws)
    if ctx.site is None:
        return _ok(f"built from the workspace: {len(built.keys)} key(s), current {built.did[:24]}… "
                   "(give --site DIR to compare the published copy)")
    path = ctx.site / "issuer.json" if ctx.site.is_dir() else ctx.site
    published = read_issuer_json(path)
    differences = []
    if published.did != built.did:
        differences.append(f"current key {published.did[:24]}… is not the workspace's {built.did[:24]}…")
    ours = {(k.did, k.valid_from, k.valid_until) for k in built.keys}
    theirs = {(k.did, k.valid_from, k.valid_until) for k in published.keys}
    if ours != theirs:
        differences.append(f"keys differ ({len(theirs - ours)} published not in the workspace, "
                           f"{len(ours - theirs)} in the workspace not published)")
    for label, a, b in (("name", published.name, built.name), ("org number", published.org_number, built.org_number),
                        ("ledger origin", published.ledger.origin, built.ledger.origin),
                        ("register", published.register and published.register.origin,
                         built.register and built.register.origin),
                        ("witness policy", published.witness_policy, built.witness_policy)):
        if a != b:
            differences.append(f"{label} differs")
    if differences:
        return _fail(f"{path} does not match the workspace: {'; '.join(differences)}; publish again")
    return _ok(f"{path} matches the workspace keys ({len(built.keys)})")


def check_ledger(ctx: Context) -> tuple[str, str]:
    from . import keys
    from .ledger import open_ledger
    from .ledger.note import NoteError, format_vkey, open_checkpoint, verifier_for

    origin = ctx.ws.origin
    try:
        format_vkey(origin, b"\0" * 32)
    except NoteError as exc:
        return _fail(f"origin {origin!r}: {exc}")
    if origin.startswith("asfverify.local/") or ".asfverify.local/" in origin:
        note = " (a local origin: set [ledger] origin to a name under your domain before the first entry)"
    else:
        note = ""
    ledger = open_ledger(ctx.ws)
    if ledger.size() == 0:
        return _ok(f"{origin}, no entries yet{note}")
    verifiers = [verifier_for(origin, k.public_key) for k in keys.public_keys(ctx.ws.keys_dir)]
    try:
        checkpoint, _ = open_checkpoint(ledger.checkpoint(), verifiers, origin)
    except NoteError as exc:
        return _fail(f"the latest checkpoint does not verify: {exc}")
    return _ok(f"{origin}, checkpoint of size {checkpoint.size} signed by a workspace key{note}")


def check_register(ctx: Context) -> tuple[str, str]:
    description = ctx.description
    if description is None:
        return _fail("no issuer.json to take the register from (see the issuer.json check)")
    if description.register is None:
        return _fail("no register origin: set [publish] prefix (the register's origin is <host/path>/register)")
    from . import keys
    from .ledger.note import NoteError, open_checkpoint, verifier_for
    from .ledger.store import open_register

    register = open_register(ctx.ws)
    origin = register.origin
    if origin != description.register.origin:
        return _fail(f"the register's origin {origin!r} is not issuer.json's {description.register.origin!r}")
    if register.size() == 0:
        return _ok(f"{origin}, no entries yet (the first certify or publish writes one)")
    verifiers = [verifier_for(origin, k.public_key) for k in keys.public_keys(ctx.ws.keys_dir)]
    try:
        checkpoint, _ = open_checkpoint(register.checkpoint(), verifiers, origin)
    except NoteError as exc:
        return _fail(f"the register's latest checkpoint does not verify: {exc}")
    return _ok(f"{origin}, checkpoint of size {checkpoint.size} signed by a workspace key")


def check_witnesses(ctx: Context) -> tuple[str, str]:
    import urllib.error
    import urllib.request

    name = (ctx.ws.config.get("witnesses") or {}).get("policy")
    if not name:
        return "WARN", "no [witnesses] policy: checkpoints are unwitnessed, and verifiers that require witnesses refuse them"
    from .issuer import _witness_policy
    from .witness.policy import PolicyError, parse_policy

    text = _witness_policy(ctx.ws) or ""
    try:
        policy = parse_policy(text, str(name))
    except PolicyError as exc:
        return _fail(str(exc))
    witnesses = [(w.name, w.url) for w in policy.witnesses]
    if not witnesses and policy.quorum != "none":
        return _fail(f"{name}: quorum {policy.quorum} but no witnesses")
    silent = []
    for witness, url in witnesses:
        if url is None:
            silent.append(f"{witness} (no URL in the policy)")
            continue
        if not url.startswith(("http://", "https://")):
            silent.append(f"{witness} ({url[:40]}: not an http(s) URL)")
            continue
        try:
            with urllib.request.urlopen(url, timeout=ctx.witness_timeout):
                pass
        except urllib.error.HTTPError:
            pass  # it answered (tlog-witness only defines POST add-checkpoint; a GET may well be refused)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            silent.append(f"{witness} ({getattr(exc, 'reason', exc)})")
    if silent:
        return _fail(f"{len(silent)} of {len(witnesses)} witnesses do not answer: {', '.join(silent)}")
    return _ok(f"{name} parses (quorum {policy.quorum}); {len(witnesses)} witness(es) answer")


def check_trust_list(ctx: Context) -> tuple[str, str]:
    from .trustlist.check import TrustFailure, verify_list

    given = ctx.trust_list
    if given is None:
        return "WARN", "not checked: give --trust-list FILE --trust-list-key KEY to see what buyers will see"
    try:
        list_detail = verify_list(given, ctx.at)
    except TrustFailure as exc:
        return _fail(str(exc))
    from . import keys

    signer = keys.load_signer(ctx.ws.keys_dir)
    listing = given.trust_list
    certifier = listing.certifier_for(signer.public_key)
    if certifier is None:
        others = [k for k in keys.public_keys(ctx.ws.keys_dir) if listing.certifier_for(k.public_key)]
        hint = " (only an older key is listed: send the scheme owner your new issuer.json)" if others else ""
        return _fail(f"the current key {signer.did} is not on trust list #{listing.sequence}{hint}")
    key = certifier.key_for(signer.public_key)
    if key is None or not key.period.contains(ctx.at, end_inclusive=True):
        return _fail(f"the current key is listed only for {key.period.describe() if key else '?'}")
    accredited = [a for a in certifier.accredited_at(ctx.at)]
    if not accredited:
        return _fail(f"{certifier.label} is on the list but not accredited now")
    from .issuer import certifier_name

    problems = []
    if certifier.name != certifier_name(ctx.ws):
        problems.append(f"the list names it {certifier.name!r}, the workspace {certifier_name(ctx.ws)!r}")
    if certifier.ledger is not None and certifier.ledger.origin != ctx.ws.origin:
        problems.append(f"the list's ledger origin is {certifier.ledger.origin!r}, not {ctx.ws.origin!r}")
    description = ctx.description
    if description is not None and description.register and certifier.register \
            and certifier.register.origin != description.register.origin:
        problems.append(f"the list's register origin is {certifier.register.origin!r}")
    if problems:
        return _fail("; ".join(problems))
    criteria = ", ".join(sorted({c for a in accredited for c in a.criteria_sets}))
    return _ok(f"{certifier.label} accredited for {criteria} with the current key; {list_detail}")


CHECKS: list[tuple[str, Callable[[Context], tuple[str, str]]]] = [
    ("certifier name", check_name),
    ("org number", check_org_number),
    ("publish prefix", check_prefix),
    ("signing key", check_key),
    ("issuer.json", check_issuer_json),
    ("ledger origin", check_ledger),
    ("register origin", check_register),
    ("witness policy", check_witnesses),
    ("trust list", check_trust_list),
]


def run_checks(ctx: Context) -> list[Check]:
    """Every check in order; a check that errors is a FAIL naming the error, never a traceback."""
    out = []
    for name, check in CHECKS:
        try:
            status, detail = check(ctx)
        except AsfError as exc:
            status, detail = "FAIL", exc.diagnostics()
        except (OSError, ValueError) as exc:
            status, detail = "FAIL", f"{type(exc).__name__}: {exc}"
        out.append(Check(name, status, detail))
    return out
