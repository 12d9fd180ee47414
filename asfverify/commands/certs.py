"""certify, verify, revoke, status-list: issue and check W3C certificates.

`verify` is the third party's command: it needs no workspace and no private key, and imports
only the pure certificate and ledger-proof modules (no sqlite, no PDF libraries).
"""

from __future__ import annotations

import json
from datetime import UTC
from pathlib import Path
from typing import Any

import click

from ..i18n import _


def _dump(document: dict) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _check_output(path: str | None, option: str) -> None:
    from ..errors import BadInput

    if path and path != "-" and not Path(path).resolve().parent.is_dir():
        # Like `report`: nothing is created on bad input, so say how to make the folder.
        parent = Path(path).parent
        raise BadInput(_("{option} {path}: folder {parent} does not exist; create it first (mkdir -p {parent})",
                         option=option, path=path, parent=parent))


def _write(path: str | None, text: str) -> None:
    from ..errors import BadInput

    if not path or path == "-":
        click.echo(text, nl=False)
        return
    target = Path(path)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)
    except OSError as exc:
        raise BadInput(_("{path}: cannot write: {reason}", path=path, reason=exc.strerror)) from None


@click.command()
@click.argument("run_id", metavar="RUN")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the certificate here (default: stdout).")
@click.option("--valid-days", type=int, default=730, show_default=True,
              help="Days the certificate is valid (default two years).")
@click.option("--html", "html_path", type=click.Path(dir_okay=False), help="Also write the one-page printable HTML certificate.")
@click.option("--pdf", "pdf_path", type=click.Path(dir_okay=False),
              help="Also write the A4 PDF certificate (credential embedded, QR code to <prefix>/c/<uuid>/).")
@click.option("--unwitnessed", is_flag=True,
              help="Issue even when the witnesses of [witnesses] policy do not reach their quorum (recorded in the ledger).")
@click.option("--json", "as_json", is_flag=True, help="Machine output: {id, output, html, pdf, valid_from, valid_until} (needs -o FILE).")
def certify(run_id: str, output: str | None, valid_days: int, html_path: str | None, pdf_path: str | None,
            unwitnessed: bool, as_json: bool) -> None:
    """Issue a signed certificate for RUN, a run whose decision (with reviews applied) is certifiable.

    The certificate is a W3C Verifiable Credential 2.0 with an eddsa-jcs-2022 proof by the
    workspace key and a c2sp.org/tlog-proof of its entry in the public register, against a
    register checkpoint cosigned by the witnesses of [witnesses] policy (refused, exit 1, when
    their quorum is not reached, unless --unwitnessed). A run that is not certifiable is refused
    with exit status 1 and the requirements still open. Needs [certifier] name and org_number
    and [publish] prefix in asfverify.toml.

    \b
    Example:
        asfverify certify 3f9c2a1b -o certifikat.json --html certifikat.html --pdf certifikat.pdf
        asfverify verify certifikat.json --trust keys/ledger.pub
    """
    from ..certs.issue import issue_certificate
    from ..cli import workspace_from

    # --valid-days is checked once, by issue_certificate (the API's callers need the check too).
    ws = workspace_from(click.get_current_context())
    _check_output(output, "-o")
    _check_output(html_path, "--html")
    _check_output(pdf_path, "--pdf")
    pdf_facts = _pdf_facts(ws) if pdf_path else None  # refused before anything is issued
    notices: list[str] = []
    certificate = issue_certificate(ws, run_id, valid_days=valid_days, unwitnessed=unwitnessed, notices=notices)
    for notice in notices:
        click.echo(notice, err=True)
    _write(output, _dump(certificate))
    if html_path:
        from ..certs.html import render_html

        prefix = str(ws.config.get("publish", {}).get("prefix") or "").strip() or None
        _write(html_path, render_html(certificate, Path(output).name if output and output != "-" else "certifikat.json",
                                      prefix))
    if pdf_path and pdf_facts:
        from ..certs.pdf import render_pdf

        _write_bytes(pdf_path, render_pdf(certificate, pdf_facts))
    if output and output != "-" and as_json:
        from .. import console

        console.echo_json({"id": certificate["id"], "output": output, "html": html_path, "pdf": pdf_path,
                           "valid_from": certificate["validFrom"], "valid_until": certificate["validUntil"]})
    elif output and output != "-":
        subject = certificate["credentialSubject"]
        click.echo(_("Certificate {id} for {name} ({org_number})", id=certificate["id"], name=subject["name"],
                     org_number=subject["orgNumber"]))
        click.echo("  " + _("valid {start} .. {end}; written to {output}", start=certificate["validFrom"],
                            end=certificate["validUntil"], output=output))
        if html_path:
            click.echo("  " + _("printable certificate: {path}", path=html_path))
        if pdf_path:
            click.echo("  " + _("PDF certificate: {path}", path=pdf_path))
        from ..certs.credential import issuer_id

        click.echo("  " + _("verify: {command}", command=f"asfverify verify {output} --trust {issuer_id(certificate)}"))


def _pdf_facts(ws):
    """Certifier name and publish prefix for the PDF; BadInput naming the missing key otherwise."""
    from ..certs.pdf import PdfFacts
    from ..errors import BadInput

    name = str(ws.config.get("certifier", {}).get("name") or "").strip()
    prefix = str(ws.config.get("publish", {}).get("prefix") or "").strip()
    if not name:
        raise BadInput(_("--pdf: asfverify.toml has no [certifier] name"))
    if not prefix.startswith(("https://", "http://")):
        raise BadInput(_("--pdf: asfverify.toml has no [publish] prefix (https://…); the QR code leads there"))
    return PdfFacts(certifier_name=name, site_prefix=prefix.rstrip("/"))


def _write_bytes(path: str, data: bytes) -> None:
    from ..errors import BadInput

    if path == "-":
        click.get_binary_stream("stdout").write(data)  # type: ignore[operator]
        return
    target = Path(path)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(target)
    except OSError as exc:
        raise BadInput(_("{path}: cannot write: {reason}", path=path, reason=exc.strerror)) from None


def _certificate_bytes(path: str) -> bytes:
    """The certificate JSON of CERT: the file itself, or the credential embedded in a PDF certificate."""
    from ..errors import BadInput

    data = _read(path, _("certificate"))
    if not data.startswith(b"%PDF-"):
        return data
    from ..certs.pdf import extract_credential
    from ..certs.verify import MAX_DOCUMENT_BYTES

    try:
        return extract_credential(data, MAX_DOCUMENT_BYTES)
    except ValueError as exc:
        raise BadInput(_("certificate {path}: {reason}", path=path, reason=exc)) from None


def _read(path: str, what: str) -> bytes:
    from ..certs.verify import MAX_DOCUMENT_BYTES
    from ..errors import BadInput

    if path == "-":  # `verify -`: the certificate on standard input, read no further than the bound
        import sys

        data = sys.stdin.buffer.read(MAX_DOCUMENT_BYTES + 1)
        if len(data) > MAX_DOCUMENT_BYTES:
            raise BadInput(_("{what} on standard input: larger than {mb} MB; not a certificate", what=what,
                             mb=MAX_DOCUMENT_BYTES // 1_000_000))
        return data
    from ..inputfile import read_bounded

    too_large = BadInput(_("{what} {path}: larger than {mb} MB; not a certificate", what=what, path=path,
                           mb=MAX_DOCUMENT_BYTES // 1_000_000))
    return read_bounded(path, MAX_DOCUMENT_BYTES, f"{what} {path}", too_large)


def _parse_at(value: str | None):
    from datetime import datetime

    from ..errors import BadInput

    if value is None:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadInput(_("--at {value}: not a date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM:SSZ)", value=value)) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _workspace_keys():
    """The keys of the chosen workspace, for --trust-workspace only: a workspace that merely happens
    to be around (an attacker can ship asfverify.toml and keys/ beside a certificate) is never trusted."""
    from .. import workspace
    from ..certs.trust import TrustedKey
    from ..errors import BadInput, WorkspaceError

    try:
        ws = workspace.find(click.get_current_context().find_root().obj.get("workspace"))
    except WorkspaceError as exc:
        raise BadInput(f"--trust-workspace: {exc}") from None  # not for translation: option: translated error
    from ..keys import public_keys

    return [TrustedKey(k.public_key, f"--trust-workspace: key {k.key_id} of {ws.root}", issuer_group=str(ws.root))
            for k in public_keys(ws.keys_dir)]


@click.command()
@click.argument("cert", metavar="CERT")
@click.option("--trust", "trust", multiple=True, metavar="KEY",
              help="Trusted issuer key: PEM file, C2SP vkey or did:key (repeatable).")
@click.option("--trust-workspace", "trust_workspace", is_flag=True,
              help="Also trust the keys of the workspace (--workspace, or found upwards): the certifier's own "
                   "check. Never implicit.")
@click.option("--trust-list", "trust_list_path", metavar="FILE",
              help="The scheme owner's signed trust list: the issuer must be an accredited certifier on it.")
@click.option("--trust-list-key", "trust_list_key", metavar="KEY",
              help="The scheme owner's key (did:key, PEM file or C2SP vkey) the trust list must be signed by.")
@click.option("--state", "state_path", metavar="FILE",
              help="Remember the highest trust-list sequence seen here; an older list then fails (rollback).")
@click.option("--status", "status_paths", metavar="FILE", multiple=True,
              help="A signed status list: the revocation list (step 8) and/or the site's suspension list (step 10); repeatable.")
@click.option("--at", "at", metavar="DATE", help="Check validity at this date or date-time instead of now.")
@click.option("--policy", "policy_path", metavar="FILE",
              help="A C2SP tlog-policy (witness-policy.txt): require its witness quorum on the embedded checkpoint.")
@click.option("--json", "as_json", is_flag=True,
              help="Machine output: {valid, certificate, issuer, issuer_name, issuer_claimed_name, issuer_listed_name, steps}.")
def verify(cert: str, trust: tuple[str, ...], trust_workspace: bool, trust_list_path: str | None,
           trust_list_key: str | None, state_path: str | None, status_paths: tuple[str, ...], at: str | None,
           policy_path: str | None, as_json: bool) -> None:
    """Verify certificate CERT (a file, or - for standard input) offline: proof, trusted issuer, validity,
    ledger inclusion, revocation, witnesses.

    CERT is the certificate JSON or the PDF certificate (its embedded certifikat.json is verified).

    Needs no workspace and no private key. Prints one OK:/FAIL: line per step and exits 0 only
    when every step passed, 1 when any failed, 2 when CERT, a list or a key cannot be read.
    With --trust-list the issuer must be an accredited certifier on the scheme owner's signed,
    current list, with a key valid when the proof was created; the certifier name shown is the list's.
    A workspace in the current folder is trusted only with --trust-workspace.

    \b
    Example:
        asfverify verify certifikat.json --trust-list trust-list.json --trust-list-key did:key:z6Mk... --state seen.json
        asfverify verify certifikat.json --trust did:key:z6Mk... --status statuslista.json
    """
    from ..certs.trust import parse_trust
    from ..certs.verify import load_document, verify_certificate
    from ..errors import BadInput, VerificationError

    keys = [parse_trust(value) for value in trust]
    if trust_workspace:
        keys += _workspace_keys()
    listing = _trust_list_input(trust_list_path, trust_list_key, state_path)
    moment = _parse_at(at)
    try:
        document, problem = load_document(_certificate_bytes(cert))
    except ValueError as exc:
        raise BadInput(_("certificate {path}: {reason}", path=cert, reason=exc)) from None
    lists = _status_lists(status_paths)
    status_list, status_problem = lists.get("revocation", (None, None))
    suspension_list, suspension_problem = lists.get("suspension", (None, None))
    policy = None
    if policy_path:
        from ..witness.policy import load_policy

        policy = load_policy(policy_path)
    report = verify_certificate(document, keys, trust_list=listing, at=moment, status_list=status_list,
                                parse_error=problem, status_error=status_problem, policy=policy,
                                suspension_list=suspension_list, suspension_error=suspension_problem)
    if listing is not None and state_path and report.trust_list_verified:
        from ..trustlist.check import remember

        remember(state_path, listing.trust_list)
    if as_json:
        click.echo(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
    else:
        from .. import console

        for step in report.steps:
            line = step.line()
            head, sep, rest = line.partition(":")
            # Coloured by the step's status, whatever word the language shows for it.
            click.echo(console.paint(head, step.status) + sep + rest if sep else line)
        if report.issuer_listed_name:
            click.echo(_("Certifier (from the trust list): {name}", name=report.issuer_listed_name))
    if not report.valid:
        failures = sum(1 for s in report.steps if s.status == "FAIL")
        if failures == 1:
            raise VerificationError(_("{cert}: certificate is NOT valid (1 check failed)", cert=cert))
        raise VerificationError(_("{cert}: certificate is NOT valid ({n} checks failed)", cert=cert, n=failures))


def _status_lists(paths: tuple[str, ...]) -> dict[str, tuple[Any, str | None]]:
    """The --status files by their statusPurpose: {"revocation" | "suspension": (list, parse problem)}.

    A list that does not parse counts as the revocation list, so its problem fails step 8 as before.
    """
    from ..certs.verify import load_document
    from ..errors import BadInput

    found: dict[str, tuple[Any, str | None]] = {}
    for path in paths:
        try:
            document, problem = load_document(_read(path, "--status"))
        except ValueError as exc:
            raise BadInput(f"--status {path}: {exc}") from None  # not for translation: option: translated error
        subject = document.get("credentialSubject") if isinstance(document, dict) else None
        purpose = "suspension" if isinstance(subject, dict) and subject.get("statusPurpose") == "suspension" else "revocation"
        if purpose in found:
            raise BadInput(_("--status {path}: a second revocation list; give one revocation and one suspension list "
                             "at most", path=path) if purpose == "revocation" else
                           _("--status {path}: a second suspension list; give one revocation and one suspension list "
                             "at most", path=path))
        found[purpose] = (document, problem)
    return found


def _trust_list_input(path: str | None, key: str | None, state_path: str | None):
    """The parsed --trust-list with its owner key and the sequence seen before (bad files: exit 2)."""
    from ..errors import BadInput

    if path is None:
        if key or state_path:
            raise BadInput(_("{option} needs --trust-list FILE", option="--trust-list-key" if key else "--state"))
        return None
    if not key:
        raise BadInput(_("--trust-list needs --trust-list-key KEY: the scheme owner's key the list must be signed by"))
    from ..certs.trust import parse_trust
    from ..trustlist.check import TrustListInput, load_seen
    from ..trustlist.model import read_trust_list

    owner_key = parse_trust(key)
    listing = read_trust_list(path)
    return TrustListInput(listing, owner_key.public_key, owner_key.source.replace("--trust", "--trust-list-key", 1),
                          load_seen(state_path, listing.owner_did), state_path)


@click.command()
@click.argument("cert_id", metavar="CERT_ID")
@click.option("--reason", required=True, help="Why the certificate is revoked (recorded in the private ledger only).")
@click.option("--category", default="other", show_default=True,
              type=click.Choice(["criteria-not-met", "incorrect-information", "holder-request", "ceased-operations",
                                 "under-investigation", "other"]),
              help="The public reason category (published in the register).")
@click.option("--json", "as_json", is_flag=True, help="Machine output: {id, ledger_entry, register_entry}.")
def revoke(cert_id: str, reason: str, category: str, as_json: bool) -> None:
    """Revoke certificate CERT_ID (its urn:uuid: id, or the certificate file): a revocation entry in the
    ledger (with the reason) and in the public register (with the category).

    Publish the new status list afterwards with 'asfverify publish DIR'.

    \b
    Example:
        asfverify revoke urn:uuid:4f706184-f0c2-4cb5-99e8-70e6494cf51a --reason "Uppgifterna var felaktiga"
    """
    from ..certs.issue import normalise_cert_id, revoke_certificate
    from ..cli import workspace_from

    ws = workspace_from(click.get_current_context())
    if not cert_id.lower().startswith("urn:uuid:") and Path(cert_id).is_file():
        cert_id = _id_from_file(cert_id)
    index = revoke_certificate(ws, cert_id, reason, category)
    if as_json:
        from .. import console
        from ..ledger import open_ledger

        console.echo_json({"id": normalise_cert_id(cert_id), "ledger_entry": open_ledger(ws).size() - 1,
                           "register_entry": index})
        return
    click.echo(_("Revoked {id} (register entry {entry}); publish: asfverify publish DIR", id=normalise_cert_id(cert_id),
                 entry=index))


def _id_from_file(path: str) -> str:
    """The id of a certificate file, so `revoke cert.json` works as well as `revoke urn:uuid:…`."""
    from ..certs.verify import load_document
    from ..errors import BadInput

    try:
        document, _problem = load_document(_read(path, _("certificate")))
    except ValueError as exc:
        raise BadInput(_("certificate {path}: {reason}", path=path, reason=exc)) from None
    if not isinstance(document, dict) or not isinstance(document.get("id"), str):
        raise BadInput(_("certificate {path}: has no id", path=path))
    return document["id"]


@click.command(name="status-list")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the status list here (default: stdout).")
@click.option("--valid-days", type=int, default=31, show_default=True,  # checked by build_status_list
              help="Days until verifiers refuse this list as stale (1–3660; every list expires). Publish a new list before then.")
@click.option("--json", "as_json", is_flag=True, help="Machine output: {id, output, valid_from, valid_until} (needs -o FILE).")
def status_list(output: str | None, valid_days: int, as_json: bool) -> None:
    """Write the signed revocation status list (W3C BitstringStatusListCredential) of every revocation so far."""
    from ..certs.issue import build_status_list
    from ..cli import workspace_from

    ws = workspace_from(click.get_current_context())
    _check_output(output, "-o")
    listing = build_status_list(ws, valid_days=valid_days)
    _write(output, _dump(listing))
    if output and output != "-" and as_json:
        from .. import console

        console.echo_json({"id": listing["id"], "output": output, "valid_from": listing["validFrom"],
                           "valid_until": listing.get("validUntil")})
    elif output and output != "-":
        if "validUntil" in listing:
            click.echo(_("Status list {id} of {start}, valid until {end} written to {output}", id=listing["id"],
                         start=listing["validFrom"], end=listing["validUntil"], output=output))
        else:
            click.echo(_("Status list {id} of {start} written to {output}", id=listing["id"], start=listing["validFrom"],
                         output=output))
