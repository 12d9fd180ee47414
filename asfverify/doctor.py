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
from .i18n import N_, _

PLACEHOLDER_NAMES = {"certifier", "demo-certifier", "changeme", "todo", "example"}


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # "OK" | "FAIL" | "WARN"
    detail: str

    def line(self) -> str:
        """The check's line in the current language (--json keeps the English status and name)."""
        status = {"OK": _("OK"), "FAIL": _("FAIL"), "WARN": _("WARN")}.get(self.status, self.status)
        return f"{status}: {_(self.name)}: {self.detail}"


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
        return _fail(_("[certifier] name is not set in asfverify.toml (certificates must name their certifier)"))
    if name.lower() in PLACEHOLDER_NAMES:
        return _fail(_("[certifier] name is {name!r}, a placeholder; set the certifier's legal name", name=name))
    return _ok(name)


def check_org_number(ctx: Context) -> tuple[str, str]:
    from .agreements.orgnumbers import normalise
    from .issuer import certifier_org_number

    value = certifier_org_number(ctx.ws)
    if value is None:
        return _fail(_("[certifier] org_number is not set in asfverify.toml"))
    if normalise(value) != value:
        return _fail(_("[certifier] org_number {value!r} is not a valid organisation number (NNNNNN-NNNN)", value=value))
    return _ok(value)


def check_prefix(ctx: Context) -> tuple[str, str]:
    prefix = (ctx.ws.config.get("publish") or {}).get("prefix")
    if not isinstance(prefix, str) or not prefix.strip():
        return _fail(_("[publish] prefix is not set: verifiers cannot find issuer.json, status lists or the register"))
    if not prefix.startswith("https://") and not prefix.startswith("http://127.0.0.1"):
        return _fail(_("[publish] prefix {prefix!r} is not an https:// URL", prefix=prefix))
    return _ok(prefix)


def check_key(ctx: Context) -> tuple[str, str]:
    from . import keys

    signer = keys.load_signer(ctx.ws.keys_dir)  # refuses a key readable by others
    current = [k for k in keys.public_keys(ctx.ws.keys_dir) if k.current]
    if not current or current[-1].public_key != signer.public_key:
        return _fail(_("{folder}: the private key is not the keyring's current key", folder=ctx.ws.keys_dir))
    return _ok(_("{did} (private key 0600)", did=signer.did))


def check_issuer_json(ctx: Context) -> tuple[str, str]:
    from .issuer import build_issuer_json, read_issuer_json

    ctx.description = built = build_issuer_json(ctx.ws)
    if ctx.site is None:
        return _ok(_("built from the workspace: {n} key(s), current {did}… (give --site DIR to compare the published copy)",
                     n=len(built.keys), did=built.did[:24]))
    path = ctx.site / "issuer.json" if ctx.site.is_dir() else ctx.site
    published = read_issuer_json(path)
    differences = []
    if published.did != built.did:
        differences.append(_("current key {published}… is not the workspace's {built}…", published=published.did[:24],
                               built=built.did[:24]))
    ours = {(k.did, k.valid_from, k.valid_until) for k in built.keys}
    theirs = {(k.did, k.valid_from, k.valid_until) for k in published.keys}
    if ours != theirs:
        differences.append(_("keys differ ({published} published not in the workspace, {unpublished} in the workspace "
                             "not published)", published=len(theirs - ours), unpublished=len(ours - theirs)))
    for label, a, b in ((N_("name"), published.name, built.name), (N_("org number"), published.org_number, built.org_number),
                        (N_("ledger origin"), published.ledger.origin, built.ledger.origin),
                        (N_("register"), published.register and published.register.origin,
                         built.register and built.register.origin),
                        (N_("witness policy"), published.witness_policy, built.witness_policy)):
        if a != b:
            differences.append(_("{what} differs", what=_(label)))
    if differences:
        return _fail(_("{path} does not match the workspace: {differences}; publish again", path=path,
                             differences="; ".join(differences)))
    return _ok(_("{path} matches the workspace keys ({n})", path=path, n=len(built.keys)))


def check_ledger(ctx: Context) -> tuple[str, str]:
    from . import keys
    from .ledger import open_ledger
    from .ledger.note import NoteError, format_vkey, open_checkpoint, verifier_for

    origin = ctx.ws.origin
    try:
        format_vkey(origin, b"\0" * 32)
    except NoteError as exc:
        return _fail(_("origin {origin!r}: {problem}", origin=origin, problem=exc))
    if origin.startswith("asfverify.local/") or ".asfverify.local/" in origin:
        note = " " + _("(a local origin: set [ledger] origin to a name under your domain before the first entry)")
    else:
        note = ""
    ledger = open_ledger(ctx.ws)
    if ledger.size() == 0:
        return _ok(_("{origin}, no entries yet", origin=origin) + note)
    verifiers = [verifier_for(origin, k.public_key) for k in keys.public_keys(ctx.ws.keys_dir)]
    try:
        checkpoint, _notes = open_checkpoint(ledger.checkpoint(), verifiers, origin)
    except NoteError as exc:
        return _fail(_("the latest checkpoint does not verify: {problem}", problem=exc))
    return _ok(_("{origin}, checkpoint of size {size} signed by a workspace key", origin=origin, size=checkpoint.size) + note)


def check_register(ctx: Context) -> tuple[str, str]:
    description = ctx.description
    if description is None:
        return _fail(_("no issuer.json to take the register from (see the issuer.json check)"))
    if description.register is None:
        return _fail(_("no register origin: set [publish] prefix (the register's origin is <host/path>/register)"))
    from . import keys
    from .ledger.note import NoteError, open_checkpoint, verifier_for
    from .ledger.store import open_register

    register = open_register(ctx.ws)
    origin = register.origin
    if origin != description.register.origin:
        return _fail(_("the register's origin {origin!r} is not issuer.json's {theirs!r}", origin=origin,
                             theirs=description.register.origin))
    if register.size() == 0:
        return _ok(_("{origin}, no entries yet (the first certify or publish writes one)", origin=origin))
    verifiers = [verifier_for(origin, k.public_key) for k in keys.public_keys(ctx.ws.keys_dir)]
    try:
        checkpoint, _notes = open_checkpoint(register.checkpoint(), verifiers, origin)
    except NoteError as exc:
        return _fail(_("the register's latest checkpoint does not verify: {problem}", problem=exc))
    return _ok(_("{origin}, checkpoint of size {size} signed by a workspace key", origin=origin, size=checkpoint.size))


def check_witnesses(ctx: Context) -> tuple[str, str]:
    import urllib.error
    import urllib.request

    name = (ctx.ws.config.get("witnesses") or {}).get("policy")
    if not name:
        return "WARN", _("no [witnesses] policy: checkpoints are unwitnessed, and verifiers that require witnesses refuse them")
    from .issuer import _witness_policy
    from .witness.policy import PolicyError, parse_policy

    text = _witness_policy(ctx.ws) or ""
    try:
        policy = parse_policy(text, str(name))
    except PolicyError as exc:
        return _fail(str(exc))
    witnesses = [(w.name, w.url) for w in policy.witnesses]
    if not witnesses and policy.quorum != "none":
        return _fail(_("{name}: quorum {quorum} but no witnesses", name=name, quorum=policy.quorum))
    silent = []
    for witness, url in witnesses:
        if url is None:
            silent.append(_("{witness} (no URL in the policy)", witness=witness))
            continue
        if not url.startswith(("http://", "https://")):
            silent.append(_("{witness} ({url}: not an http(s) URL)", witness=witness, url=url[:40]))
            continue
        try:
            with urllib.request.urlopen(url, timeout=ctx.witness_timeout):
                pass
        except urllib.error.HTTPError:
            pass  # it answered (tlog-witness only defines POST add-checkpoint; a GET may well be refused)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            silent.append(f"{witness} ({getattr(exc, 'reason', exc)})")
    if silent:
        return _fail(_("{n} of {total} witnesses do not answer: {names}", n=len(silent), total=len(witnesses), names=", ".join(silent)))
    return _ok(_("{name} parses (quorum {quorum}); {n} witness(es) answer", name=name, quorum=policy.quorum, n=len(witnesses)))


def check_trust_list(ctx: Context) -> tuple[str, str]:
    from .trustlist.check import TrustFailure, verify_list

    given = ctx.trust_list
    if given is None:
        return "WARN", _("not checked: give --trust-list FILE --trust-list-key KEY to see what buyers will see")
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
        hint = " " + _("(only an older key is listed: send the scheme owner your new issuer.json)") if others else ""
        return _fail(_("the current key {did} is not on trust list #{sequence}", did=signer.did, sequence=listing.sequence)
                     + hint)
    key = certifier.key_for(signer.public_key)
    if key is None or not key.period.contains(ctx.at, end_inclusive=True):
        return _fail(_("the current key is listed only for {period}", period=key.period.describe() if key else "?"))
    accredited = [a for a in certifier.accredited_at(ctx.at)]
    if not accredited:
        return _fail(_("{certifier} is on the list but not accredited now", certifier=certifier.label))
    from .issuer import certifier_name

    problems = []
    if certifier.name != certifier_name(ctx.ws):
        problems.append(_("the list names it {listed!r}, the workspace {ours!r}", listed=certifier.name, ours=certifier_name(ctx.ws)))
    if certifier.ledger is not None and certifier.ledger.origin != ctx.ws.origin:
        problems.append(_("the list's ledger origin is {listed!r}, not {ours!r}", listed=certifier.ledger.origin, ours=ctx.ws.origin))
    description = ctx.description
    if description is not None and description.register and certifier.register \
            and certifier.register.origin != description.register.origin:
        problems.append(_("the list's register origin is {listed!r}", listed=certifier.register.origin))
    if problems:
        return _fail("; ".join(problems))
    criteria = ", ".join(sorted({c for a in accredited for c in a.criteria_sets}))
    return _ok(_("{certifier} accredited for {criteria} with the current key; {detail}", certifier=certifier.label,
                   criteria=criteria, detail=list_detail))


CHECKS: list[tuple[str, Callable[[Context], tuple[str, str]]]] = [
    # The names are codes in --json and catalogue msgids on the check's line (Check.line).
    (N_("certifier name"), check_name),
    (N_("org number"), check_org_number),
    (N_("publish prefix"), check_prefix),
    (N_("signing key"), check_key),
    ("issuer.json", check_issuer_json),
    (N_("ledger origin"), check_ledger),
    (N_("register origin"), check_register),
    (N_("witness policy"), check_witnesses),
    (N_("trust list"), check_trust_list),
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
