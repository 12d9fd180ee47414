"""agreements import / lookup / list: the certifier's collective-agreement registry."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import click

from ..cli import workspace_from
from ..errors import NegativeOutcome
from ..i18n import _


def _echo_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


@click.group()
def agreements() -> None:
    """The collective-agreement registry (criterion C6.agreement).

    \b
    Example:
        asfverify agreements import registry.csv
        asfverify agreements lookup 769612-3459 --date 2026-10-31
    """


@agreements.command("import", short_help="Import a registry CSV (all rows or none), recorded in the ledger.")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Machine output.")
@click.pass_context
def import_(ctx: click.Context, file: str, as_json: bool) -> None:
    """Import a registry CSV: org_number;counterparty;agreement;kind;valid_from;valid_to.

    kind is medlemskap or hängavtal; valid_to may be empty (open-ended); dates are
    YYYY-MM-DD; UTF-8. The whole file is checked first: any bad row rejects it
    (exit 2, naming the rows) and nothing is written. Each import is one
    registry-import ledger entry; importing the same file again does nothing.
    """
    from ..agreements.registry import import_file

    report = import_file(workspace_from(ctx), file)
    if as_json:
        _echo_json(report.to_dict())
    elif report.already_imported:
        click.echo(_("{file} was already imported (ledger entry {entry}); nothing written", file=report.file_name,
                     entry=report.ledger_index))
    else:
        fields = {"file": report.file_name, "sha256": report.file_sha256[:16], "entry": report.ledger_index}
        if report.rows == 1:
            click.echo(_("Imported 1 agreement from {file} (sha256 {sha256}…) as ledger entry {entry}", **fields))
        else:
            click.echo(_("Imported {n} agreements from {file} (sha256 {sha256}…) as ledger entry {entry}", n=report.rows,
                         **fields))


@agreements.command()
@click.argument("orgnr")
@click.option("--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), help="Only agreements in force on this day (YYYY-MM-DD).")
@click.option("--sources", "all_sources", is_flag=True, help="Also ask the agreement sources that plugins register.")
@click.option("--json", "as_json", is_flag=True, help="Machine output: a JSON array.")
@click.pass_context
def lookup(ctx: click.Context, orgnr: str, on: dt.datetime | None, all_sources: bool, as_json: bool) -> None:
    """Show the agreements known for the organisation number ORGNR.

    Exit status 1 when none is found (in force on --date, when given).
    """
    from ..agreements.orgnumbers import normalise, why_invalid
    from ..agreements.registry import lookup as registry_lookup
    from ..errors import BadInput

    ws = workspace_from(ctx)
    org = normalise(orgnr)
    if org is None:
        # The value is not echoed: it may be a personnummer.
        raise BadInput(_("ORGNR is not a valid organisation number ({why})", why=why_invalid(orgnr)))
    day = on.date() if on else None
    errors: list[tuple[str, str]] = []
    if all_sources:
        found, errors = _all_sources(ws, org, day or dt.date.today())
    else:
        db = ws.db()
        try:
            found = registry_lookup(db, org)
        finally:
            db.close()
    if day is not None:
        found = [a for a in found if a.valid_on(day)]
    for name, why in errors:
        click.echo(_("Warning: agreement source {name} failed: {why}", name=name, why=why), err=True)
    if as_json:
        _echo_json([a.to_dict() for a in found])
    elif not found:
        if day:
            click.echo(_("No collective agreement in force on {day} known for {org}", day=day.isoformat(), org=org))
        else:
            click.echo(_("No collective agreement known for {org}", org=org))
    else:
        for a in found:
            click.echo(_line(a))
    if not found:
        raise NegativeOutcome()  # the line above already says so


def _all_sources(ws: Any, org: str, day: dt.date) -> tuple[list[Any], list[tuple[str, str]]]:
    from types import SimpleNamespace

    from ..agreements.sources import find_agreements
    from ..plugins import load_host

    host = load_host(ws.plugins_dir)
    context = SimpleNamespace(workspace=ws, agreement_sources=[s for s, _info in host.agreement_sources])
    findings = find_agreements(org, day, context)
    return findings.agreements, findings.errors


def _line(a: Any) -> str:
    ref = a.reference
    where = _("import {n}, row {row}", n=ref.get("import"), row=ref.get("row")) if a.source == "registry" else a.source
    return f"{a.org_number}  {a.kind:<10}  {a.validity:<25}  {a.counterparty}: {a.agreement}  [{where}]"


@agreements.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine output: a JSON array.")
@click.pass_context
def list_(ctx: click.Context, as_json: bool) -> None:
    """List every agreement in the registry, by organisation number."""
    from ..agreements.registry import list_agreements

    db = workspace_from(ctx).db()
    try:
        rows = list(list_agreements(db))
    finally:
        db.close()
    if as_json:
        _echo_json([a.to_dict() for a in rows])
        return
    if not rows:
        click.echo(_("The registry is empty; add agreements with 'asfverify agreements import FILE'"))
    for a in rows:
        click.echo(_line(a))
