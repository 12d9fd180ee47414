"""`asfverify issuer`: write the certifier's issuer.json (what a scheme owner accredits) without publishing."""

from __future__ import annotations

import click

from ..i18n import _


@click.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write issuer.json here (default: stdout).")
@click.option("--json", "as_json", is_flag=True, help="Machine output (with -o FILE): {output, did, name, keys}.")
def issuer(output: str | None, as_json: bool) -> None:
    """Write issuer.json: certifier name and org number, every key (did:key and vkey) with its period,
    the ledger and register origins with their vkeys, and the witness policy; signed by the current key.

    `asfverify publish` writes the same file into the published site. A scheme owner adds it to
    the trust list with 'asfverify trust-list add'.

    \b
    Example:
        asfverify issuer -o issuer.json
        asfverify trust-list add ../agaren issuer.json --criteria asf-v1 --from 2026-12-01
    """
    from ..cli import workspace_from
    from ..issuer import build_issuer_json
    from .certs import _check_output, _write

    ws = workspace_from(click.get_current_context())
    _check_output(output, "-o")
    description = build_issuer_json(ws)
    _write(output, description.dumps().decode("utf-8"))
    if output and output != "-" and as_json:
        from ..console import echo_json

        echo_json({"output": output, "did": description.did, "name": description.name, "keys": len(description.keys)})
    elif output and output != "-":
        fields = {"name": description.name, "did": description.did, "output": output}
        if len(description.keys) == 1:
            click.echo(_("issuer.json for {name} (1 key, current {did}) written to {output}", **fields))
        else:
            click.echo(_("issuer.json for {name} ({n} keys, current {did}) written to {output}", n=len(description.keys),
                         **fields))
