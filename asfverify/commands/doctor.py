"""`asfverify doctor`: check the certifier's setup the way a buyer's verifier will see it."""

from __future__ import annotations

import json

import click

from ..i18n import _


@click.command()
@click.option("--site", metavar="DIR", type=click.Path(), help="The published site (or its issuer.json) to compare "
              "with the workspace.")
@click.option("--trust-list", "trust_list_path", metavar="FILE", help="The scheme owner's signed trust list.")
@click.option("--trust-list-key", "trust_list_key", metavar="KEY", help="The scheme owner's key (did:key, PEM or vkey).")
@click.option("--json", "as_json", is_flag=True, help="Machine output: a list of {check, status, detail}.")
def doctor(site: str | None, trust_list_path: str | None, trust_list_key: str | None, as_json: bool) -> None:
    """Check this certifier's setup as a buyer's verifier sees it: name and org number, publish prefix,
    signing key, issuer.json, ledger and register origins, witness policy and witnesses, and (with
    --trust-list) that the certifier is on the list with its current key. One OK/FAIL/WARN line per
    check; exit 1 when any check fails.

    \b
    Example:
        asfverify doctor --site site/ --trust-list trust-list.json --trust-list-key did:key:z6Mk...
    """
    from pathlib import Path

    from ..cli import workspace_from
    from ..doctor import Context, run_checks
    from ..errors import NegativeOutcome
    from .certs import _trust_list_input

    ws = workspace_from(click.get_current_context())
    listing = _trust_list_input(trust_list_path, trust_list_key, None)
    checks = run_checks(Context(ws, Path(site) if site else None, listing))
    if as_json:
        click.echo(json.dumps([{"check": c.name, "status": c.status, "detail": c.detail} for c in checks],
                              indent=2, ensure_ascii=False))
    else:
        for check in checks:
            click.echo(check.line())
    failed = [c.name for c in checks if c.status == "FAIL"]
    if failed:
        names = ", ".join(failed)
        raise NegativeOutcome(_("1 check failed: {names}", names=names) if len(failed) == 1 else
                              _("{n} checks failed: {names}", n=len(failed), names=names))
