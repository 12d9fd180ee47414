"""`asfverify monitor SITE`: a third party's check of a published site."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("site", metavar="SITE")
@click.option("--org", "org", metavar="ORGNR", help="Only list events of this organisation number.")
@click.option("--state", "state_path", metavar="FILE", type=click.Path(dir_okay=False),
              help="Where to keep what was seen (sizes, roots, keys) between runs; consistency is checked against it.")
@click.option("--policy", "policy_path", metavar="FILE", type=click.Path(dir_okay=False),
              help="The C2SP tlog-policy to apply (default: the site's witness-policy.txt, if any).")
def monitor(site: str, org: str | None, state_path: str | None, policy_path: str | None) -> None:
    """Check a published site (a folder or an http://127.0.0.1:PORT/ URL) using only its public files.

    Verifies the register and ledger checkpoints' signatures and cosignatures, recomputes the register
    tree from its tiles, checks every new entry bundle against its tile and the ledger against the
    register's ledger-anchors, checks consistency with what --state saw last time, and prints the
    certificates, suspensions, reinstatements and revocations that are new since then.
    Exit 1, naming it, on any inconsistency; the state is only updated when everything verifies.

    \b
    Example:
        asfverify monitor http://127.0.0.1:8000/ --state monitor.json --org 556677-8899
    """
    from ..publish.monitor import MonitorState, Site, SiteError, monitor_site

    state_file = Path(state_path) if state_path else None
    state = MonitorState.load(state_file)
    policy = None
    if policy_path:
        from ..witness.policy import load_policy

        policy = load_policy(policy_path)
    else:
        text = Site(site).get("witness-policy.txt", 256 * 1024, required=False)
        if text is not None:
            from ..witness.policy import parse_policy

            try:
                policy = parse_policy(text, "witness-policy.txt")
            except Exception as exc:  # noqa: BLE001 - a malformed policy on the site is the site's fault
                raise SiteError(f"witness-policy.txt: {exc}") from None  # not for translation: file: translated error
    try:
        report = monitor_site(site, state, policy, org)
    except SiteError as exc:
        raise SiteError(f"FAIL: {exc}") from None  # not for translation: the status word monitors grep for
    for event in report.events:
        click.echo(event.line)
    click.echo(report.summary())
    if state_file is not None:
        state.save(state_file)
