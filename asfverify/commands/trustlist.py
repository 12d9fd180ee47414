"""`asfverify trust-list init/add/remove/show/sign`: the scheme owner's commands (DESIGN §13)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..i18n import _


@click.group(name="trust-list")
def trust_list() -> None:
    """The scheme owner's signed list of accredited certifiers, which buyers verify certificates against.

    \b
    Example:
        asfverify trust-list init agaren --name "Skoopi"
        asfverify trust-list add agaren issuer.json --criteria asf-v1 --from 2026-12-01
        asfverify trust-list sign agaren -o trust-list.json
        asfverify verify certifikat.json --trust-list trust-list.json --trust-list-key did:key:z6Mk...
    """


@trust_list.command()
@click.argument("directory", metavar="DIR", type=click.Path(file_okay=False))
@click.option("--name", required=True, help="The scheme owner's name, shown to every verifier.")
@click.option("--org-number", help="The scheme owner's organisation number (NNNNNN-NNNN).")
@click.option("--json", "as_json", is_flag=True, help="Machine output: {root, name, org_number, did}.")
def init(directory: str, name: str, org_number: str | None, as_json: bool) -> None:
    """Create the scheme owner's folder DIR with its own Ed25519 key (0600), kept apart from any
    certifier workspace. Prints the owner's did:key: give it to verifiers as --trust-list-key."""
    from ..trustlist.owner import init_owner

    owner = init_owner(Path(directory), name, org_number)
    if as_json:
        from ..console import echo_json

        echo_json({"root": str(owner.root), "name": owner.name, "org_number": owner.org_number, "did": owner.did})
        return
    click.echo(_("Trust-list owner {name} ready in {root}", name=owner.name, root=owner.root))
    click.echo("  " + _("key      {path} (private, 0600)", path=owner.keys_dir / "owner.key"))
    click.echo("  " + _("owner key (give verifiers this as --trust-list-key):"))
    click.echo(owner.did)


def _date(value: str | None, option: str) -> str | None:
    from ..errors import BadInput
    from ..trustlist.periods import PeriodError, parse_user_date

    if value is None:
        return None
    try:
        return parse_user_date(value, option)
    except PeriodError as exc:
        raise BadInput(str(exc)) from None


@trust_list.command()
@click.argument("directory", metavar="DIR", type=click.Path(file_okay=False))
@click.argument("issuer_json", metavar="ISSUER_JSON", type=click.Path(dir_okay=False))
@click.option("--criteria", "criteria", multiple=True, default=("asf-v1",), show_default=True,
              help="Criteria set the certifier may certify against (repeatable).")
@click.option("--from", "valid_from", metavar="DATE", help="Start of the accreditation (YYYY-MM-DD or date-time, UTC).")
@click.option("--until", "valid_until", metavar="DATE", help="End of the accreditation (default: open).")
@click.option("--json", "as_json", is_flag=True, help="Machine output: {added, certifier}.")
def add(directory: str, issuer_json: str, criteria: tuple[str, ...], valid_from: str | None,
        valid_until: str | None, as_json: bool) -> None:
    """Accredit the certifier described by ISSUER_JSON (its published issuer.json), or refresh a listed
    one after a key rotation (without --from). Keys already on the list stay there."""
    from ..issuer import read_issuer_json
    from ..trustlist.owner import add_certifier, open_owner

    owner = open_owner(Path(directory))
    issuer = read_issuer_json(issuer_json)
    certifier, new = add_certifier(owner, issuer, criteria, _date(valid_from, "--from"), _date(valid_until, "--until"))
    if as_json:
        from ..console import echo_json

        echo_json({"added": new, "certifier": certifier.as_json()})
        return
    keys = _("1 key") if len(certifier.keys) == 1 else _("{n} keys", n=len(certifier.keys))
    periods = (_("1 accreditation period") if len(certifier.accreditations) == 1 else
               _("{n} accreditation periods", n=len(certifier.accreditations)))
    click.echo(_("Added {certifier}: {keys}, {periods}", certifier=certifier.label, keys=keys, periods=periods) if new else
               _("Updated {certifier}: {keys}, {periods}", certifier=certifier.label, keys=keys, periods=periods))
    for accreditation in certifier.accreditations:
        click.echo(f"  {', '.join(accreditation.criteria_sets)}: {accreditation.period.describe()}")
    click.echo(_("Sign a new version to publish it: {command}", command=f"asfverify trust-list sign {directory} -o FILE"))


@trust_list.command()
@click.argument("directory", metavar="DIR", type=click.Path(file_okay=False))
@click.argument("issuer", metavar="ISSUER")
@click.option("--from", "when", metavar="DATE", help="When the accreditation ends (default: now). "
              "Certificates created before stay valid; later ones fail.")
@click.option("--json", "as_json", is_flag=True, help="Machine output: {ended, certifier}.")
def remove(directory: str, issuer: str, when: str | None, as_json: bool) -> None:
    """End the accreditation of ISSUER (org number, name or did:key). The certifier and its keys stay on
    the list with the ended period, so certificates issued while accredited keep verifying."""
    from ..trustlist.owner import open_owner, remove_certifier

    owner = open_owner(Path(directory))
    certifier, end = remove_certifier(owner, issuer, _date(when, "--from"))
    if as_json:
        from ..console import echo_json

        echo_json({"ended": end, "certifier": certifier.as_json()})
        return
    click.echo(_("Ended the accreditation of {certifier} at {end}; certificates created before stay valid",
                 certifier=certifier.label, end=end))
    click.echo(_("Sign a new version to publish it: {command}", command=f"asfverify trust-list sign {directory} -o FILE"))


@trust_list.command()
@click.argument("directory", metavar="DIR", type=click.Path(file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Machine output: owner, last sequence, certifiers.")
def show(directory: str, as_json: bool) -> None:
    """Show the owner, the signed versions so far and every certifier with its keys and periods."""
    from ..trustlist.owner import last_sequence, load_certifiers, open_owner

    owner = open_owner(Path(directory))
    certifiers = load_certifiers(owner)
    sequence = last_sequence(owner)
    if as_json:
        click.echo(json.dumps({"owner": {"name": owner.name, "orgNumber": owner.org_number, "did": owner.did},
                               "lastSequence": sequence, "certifiers": [c.as_json() for c in certifiers]},
                              indent=2, ensure_ascii=False))
        return
    heads = [_("Scheme owner:"), _("Owner key:"), _("Signed:"), _("Certifiers:")]
    pad = max(14, *(len(h) + 1 for h in heads))
    signed = f"#{sequence} (versions/{sequence:06d}.json)" if sequence else _("no version yet")
    values = [owner.name + (f" ({owner.org_number})" if owner.org_number else ""), owner.did, signed, len(certifiers)]
    for head, value in zip(heads, values, strict=True):
        click.echo(f"{head:<{pad}}{value}")
    for certifier in certifiers:
        click.echo()
        click.echo(f"{certifier.label}")
        for accreditation in certifier.accreditations:
            click.echo("  " + _("accredited {sets}: {period}", sets=", ".join(accreditation.criteria_sets),
                                period=accreditation.period.describe()))
        for key in certifier.keys:
            click.echo("  " + _("key {did}: {period}", did=key.did, period=key.period.describe()))
        for label, log in ((_("ledger"), certifier.ledger), (_("register"), certifier.register)):
            if log is not None:
                click.echo(f"  {label} {log.origin}")
        click.echo("  " + (_("witness policy: given") if certifier.witness_policy else _("witness policy: none")))


@trust_list.command()
@click.argument("directory", metavar="DIR", type=click.Path(file_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Also write the signed list here (default: stdout).")
@click.option("--valid-days", type=int, default=31, show_default=True,
              help="Days until verifiers refuse this version as expired. Sign a new one before then.")
@click.option("--json", "as_json", is_flag=True, help="Machine output (with -o FILE): {sequence, output, kept, "
              "valid_from, valid_until, certifiers}.")
def sign(directory: str, output: str | None, valid_days: int, as_json: bool) -> None:
    """Sign the next version of the list (sequence number one higher), keep it in DIR/versions/ and write it."""
    from ..trustlist.owner import open_owner, sign_list
    from .certs import _check_output, _dump, _write

    owner = open_owner(Path(directory))
    _check_output(output, "-o")
    signed, kept = sign_list(owner, valid_days=valid_days)
    _write(output, _dump(signed))
    if output and output != "-" and as_json:
        from ..console import echo_json

        echo_json({"sequence": signed["credentialSubject"]["sequence"], "output": output, "kept": str(kept),
                   "valid_from": signed["validFrom"], "valid_until": signed["validUntil"],
                   "certifiers": len(signed["credentialSubject"]["certifiers"])})
    elif output and output != "-":
        subject = signed["credentialSubject"]
        count = len(subject["certifiers"])
        fields = {"sequence": subject["sequence"], "until": signed["validUntil"], "output": output, "kept": kept}
        click.echo(_("Trust list #{sequence} with 1 certifier, valid until {until}; written to {output} (kept as {kept})",
                     **fields) if count == 1 else
                   _("Trust list #{sequence} with {n} certifiers, valid until {until}; written to {output} (kept as {kept})",
                     n=count, **fields))
