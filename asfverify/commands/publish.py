"""publish, suspend, reinstate, monitor: the public register and the site buyers and monitors read."""

from __future__ import annotations

from pathlib import Path

import click

from ..i18n import _
from ..publish.statements import REASON_CATEGORIES


@click.command()
@click.argument("directory", metavar="DIR", type=click.Path(file_okay=False))
@click.option("--unwitnessed", is_flag=True,
              help="Write the site even when the register checkpoint misses the witness quorum.")
@click.option("--trust-list", "trust_list", metavar="FILE",
              help="The scheme owner's signed trust list to publish as trust-list.json; the web verifier then "
                   "trusts it instead of issuer.json (default: [publish] trust_list).")
@click.option("--trust-list-key", "trust_list_key", metavar="KEY",
              help="The scheme owner's key the list must be signed by: did:key or PEM file "
                   "(default: [publish] trust_list_key).")
def publish(directory: str, unwitnessed: bool, trust_list: str | None, trust_list_key: str | None) -> None:
    """Write the public site into DIR: the register as C2SP tlog tiles, both logs' checkpoints,
    the signed status lists, issuer.json, every certificate and register.json/csv.

    Each publish first appends to the register a ledger-anchor (when the ledger grew) and a
    status-list entry (when a list changed or nears expiry), sends new checkpoints to the witnesses
    of [witnesses] policy, and refuses a ledger or register shorter than, or different from, what
    was anchored, witnessed or published before; with a policy, a register checkpoint the quorum did
    not cosign is not published (exit 1) unless --unwitnessed. Files are written atomically; a second run with
    nothing new changes no file. Serve DIR at [publish] prefix with any static web server.

    With --trust-list and --trust-list-key the site carries the scheme owner's list (checked first: signed
    by that key, current, naming this certifier's key) and its web verifier trusts that list only.

    \b
    Example:
        asfverify publish out/site && python -m http.server -d out/site 8000
    """
    from ..cli import workspace_from
    from ..publish.site import publish_site

    ws = workspace_from(click.get_current_context())
    report = publish_site(ws, Path(directory), unwitnessed=unwitnessed, trust_list=trust_list,
                          trust_list_key=trust_list_key)
    click.echo(report.summary())


def _cert_id(value: str) -> str:
    from .certs import _id_from_file

    if not value.lower().startswith("urn:uuid:") and Path(value).is_file():
        return _id_from_file(value)
    return value


@click.command()
@click.argument("cert_id", metavar="CERT_ID")
@click.option("--reason", required=True, help="Why (recorded in the private ledger only).")
@click.option("--category", type=click.Choice(REASON_CATEGORIES), default="under-investigation", show_default=True,
              help="The public reason category (published in the register).")
def suspend(cert_id: str, reason: str, category: str) -> None:
    """Suspend certificate CERT_ID until 'asfverify reinstate'; published in the suspension status list.

    \b
    Example:
        asfverify suspend urn:uuid:4f706184-f0c2-4cb5-99e8-70e6494cf51a --reason "Tillsyn pågår"
    """
    from ..certs.issue import change_status, normalise_cert_id
    from ..cli import workspace_from

    ws = workspace_from(click.get_current_context())
    cert_id = _cert_id(cert_id)
    index = change_status(ws, cert_id, "suspension", reason, category)
    click.echo(_("Suspended {id} (register entry {entry}); publish: asfverify publish DIR", id=normalise_cert_id(cert_id),
                 entry=index))


@click.command()
@click.argument("cert_id", metavar="CERT_ID")
@click.option("--note", required=True, help="Why the suspension ends (recorded in the private ledger only).")
def reinstate(cert_id: str, note: str) -> None:
    """Lift the suspension of certificate CERT_ID.

    \b
    Example:
        asfverify reinstate urn:uuid:4f706184-f0c2-4cb5-99e8-70e6494cf51a --note "Tillsynen avslutad"
    """
    from ..certs.issue import change_status, normalise_cert_id
    from ..cli import workspace_from

    ws = workspace_from(click.get_current_context())
    cert_id = _cert_id(cert_id)
    index = change_status(ws, cert_id, "reinstatement", note, "reinstated")
    click.echo(_("Reinstated {id} (register entry {entry}); publish: asfverify publish DIR", id=normalise_cert_id(cert_id),
                 entry=index))
