"""init, run, plugins, criteria."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .. import console
from ..errors import BadInput, NegativeOutcome
from ..i18n import _
from ..outcomes import Decision
from . import current_workspace, optional_workspace

if TYPE_CHECKING:
    from ..model import Run


@click.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False), default=".")
@click.option("--certifier", metavar="NAME", help="The certifier's name ([certifier] name): issuer of certificates.")
@click.option("--org-number", metavar="N", help="The certifier's organisation number ([certifier] org_number).")
@click.option("--publish-prefix", metavar="URL",
              help="Where 'asfverify publish DIR' is served ([publish] prefix); the register's origin derives from it.")
@click.option("--json", "as_json", is_flag=True, help="Machine output: {root, config, keys, ledger, plugins}.")
def init(directory: str, certifier: str | None, org_number: str | None, publish_prefix: str | None,
         as_json: bool) -> None:
    """Create a workspace in DIRECTORY (default: here): asfverify.toml, keys/, ledger.db, plugins/.

    The Ed25519 private key is written to keys/ with mode 0600 (encrypted when
    ASFVERIFY_KEY_PASSPHRASE is set). Running init again completes a workspace
    and never overwrites a key; given --certifier, --org-number or --publish-prefix it
    sets them in asfverify.toml (certify, revoke, suspend and publish need all three).

    \b
    Example:
        asfverify init ws --certifier "Certifieringsorganet AB" --org-number 556677-8899 \\
            --publish-prefix https://certifier.example/asf
    """
    import os

    from .. import workspace

    ws = workspace.init(Path(directory), certifier=certifier, passphrase=os.environ.get("ASFVERIFY_KEY_PASSPHRASE"),
                        org_number=org_number, publish_prefix=publish_prefix)
    if as_json:
        console.echo_json({"root": str(ws.root), "config": str(ws.root / workspace.CONFIG_NAME), "keys": str(ws.keys_dir),
                           "ledger": str(ws.db_path), "plugins": str(ws.plugins_dir) if ws.plugins_dir else None})
        return
    click.echo(_("Workspace ready in {root}", root=ws.root))
    rows = [(_("config"), ws.root / workspace.CONFIG_NAME), (_("keys"), ws.keys_dir), (_("ledger"), ws.db_path)]
    if ws.plugins_dir:
        rows.append((_("plugins"), ws.plugins_dir))
    pad = max(9, *(len(name) + 2 for name, _path in rows))
    for name, path in rows:
        click.echo(f"  {name:<{pad}}{path}")


@click.command()
@click.argument("packages", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Machine output: one object per package (an array for several).")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None, help="Worker processes (default: number of cores).")
@click.pass_context
def run(ctx: click.Context, packages: tuple[str, ...], as_json: bool, jobs: int | None) -> None:
    """Verify application PACKAGES (folders or .zip files, or folders of them) and record them in the ledger.

    Exit status: 0 when every package is certifiable, 1 when any is not, 2 when a
    package is invalid (a single invalid package records nothing).
    """
    from .. import __version__
    from ..batch import default_jobs, expand_sources, verify_many
    from ..ledger import open_ledger
    from ..limits import Limits
    from ..model import Receipt
    from ..output import render_run, render_summary
    from ..plugins import load_host

    ws = current_workspace(ctx)
    sources = expand_sources(list(packages))
    host = load_host(ws.plugins_dir)
    for warning in host.warnings:
        click.echo(_("Warning: {warning}", warning=warning), err=True)
    limits = Limits.from_config(ws.config)
    jobs = jobs or default_jobs()
    # The signing key first (a missing passphrase fails here): nothing, not even cache.db, is
    # written for a run that cannot be recorded.
    from ..keys import load_signer

    signer = load_signer(ws.keys_dir)
    ledger = None  # opened on the first recorded run: a rejected package writes nothing
    single = len(sources) == 1

    reports: list[Run] = []
    errors: list[tuple[str, str]] = []
    show_progress = not single and sys.stderr.isatty()
    bar = click.progressbar(length=len(sources), label=_("Verifying"), file=sys.stderr) if show_progress else None
    try:
        for outcome in verify_many(sources, ws=ws, host=host, limits=limits, jobs=jobs):
            if outcome.report is None:
                if single:
                    raise BadInput(outcome.error or _("{source}: failed", source=outcome.source))
                errors.append((outcome.source, outcome.error or _("failed")))
            else:
                if ledger is None:
                    ledger = open_ledger(ws)
                    ledger._signer = signer
                receipt = ledger.append(outcome.report.ledger_entries(__version__))
                reports.append(outcome.report.recorded(Receipt(receipt.first, receipt.last, receipt.checkpoint)))
                if not as_json and not show_progress:
                    click.echo(render_run(reports[-1], columns=console.width(), colour=console.colour_enabled()))
                    if not single:
                        click.echo()
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.render_finish()

    if as_json:
        items: list[dict] = [r.run_json() for r in reports] + [{"source": s, "error": e} for s, e in errors]
        click.echo(json.dumps(items[0] if single else items, ensure_ascii=False, indent=2))
    elif not single:
        click.echo(render_summary(reports, errors))
    if errors:
        raise BadInput()  # each package's error is in the summary above
    if any(r.decision != Decision.CERTIFIABLE for r in reports):
        raise NegativeOutcome()  # the decision is the output's last line


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Machine output.")
@click.pass_context
def plugins(ctx: click.Context, as_json: bool) -> None:
    """List installed verifiers with version, requirements, document kinds and source."""
    from ..plugins import load_host

    ws = optional_workspace(ctx)
    host = load_host(ws.plugins_dir if ws else None)
    rows = [
        {
            "verifier": r.verifier.name,
            "version": str(r.verifier.version),
            "requirements": list(r.verifier.requirements),
            "document_kinds": list(r.verifier.document_kinds),
            "plugin": r.plugin.name,
            "plugin_version": r.plugin.version,
            "source": r.plugin.source,
        }
        for r in host.verifiers
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        kinds = ", ".join(row["document_kinds"]) or "-"
        click.echo(f"{row['verifier']:<18}{row['version']:<8}{', '.join(row['requirements']):<55}"
                   + _("kinds: {kinds}", kinds=f"{kinds:<28}") + str(row["source"]))
    for warning in host.warnings:
        click.echo(_("Warning: {warning}", warning=warning), err=True)


@click.command()
@click.option("--set", "set_id", default="asf-v1", show_default=True, help="Criteria set id.")
@click.option("--json", "as_json", is_flag=True, help="Machine output.")
@click.pass_context
def criteria(ctx: click.Context, set_id: str, as_json: bool) -> None:
    """Show the criteria set and mark requirements that no installed verifier covers."""
    from .. import criteria as criteria_mod
    from ..plugins import load_host

    ws = optional_workspace(ctx)
    host = load_host(ws.plugins_dir if ws else None)
    cset = criteria_mod.load(set_id, [ws.criteria_dir] if ws else []).with_extra(host.criteria)
    covered: dict[str, list[str]] = {}
    for r in host.verifiers:
        for req in r.verifier.requirements:
            covered.setdefault(req, []).append(r.verifier.name)
    if as_json:
        click.echo(json.dumps({
            "id": cset.id,
            "title": cset.title,
            "criteria": [
                {
                    "id": c.id, "sv": c.sv, "en": c.en, "required": c.required,
                    "requirements": [{"id": q.id, "evidence": q.evidence, "verifiers": covered.get(q.id, [])} for q in c.requirements],
                }
                for c in cset.criteria
            ],
        }, ensure_ascii=False, indent=2))
        return
    click.echo(f"{cset.id}: {cset.title}")
    for c in cset.criteria:
        click.echo(f"\n{c.id}{'' if c.required else ' ' + _('(informative)')}  {c.sv}")
        click.echo(f"     {c.en}")
        for q in c.requirements:
            who = ", ".join(covered.get(q.id, [])) or _("NO VERIFIER INSTALLED")
            click.echo(f"     - {q.id:<15} {_(q.evidence)}  [{who}]")  # the shipped texts are catalogue msgids
