"""`asfverify keys show / rotate`: the workspace public key in PEM, C2SP vkey and did:key forms."""

from __future__ import annotations

import json

import click


@click.group()
def keys() -> None:
    """Show or rotate the workspace signing key."""


def _describe(info, origin: str) -> dict:
    from ..ledger.note import format_vkey

    return {
        "key_id": info.key_id,
        "current": info.current,
        "valid_from": info.valid_from,
        "valid_until": info.valid_until,
        "pem": info.pem,
        "vkey": format_vkey(origin, info.public_key),
        "did": info.did,
    }


@keys.command()
@click.option("--all", "show_all", is_flag=True, help="Also list rotated-out keys with their periods.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (a list with --all).")
def show(show_all: bool, as_json: bool) -> None:
    """Print the public key as PEM, as a C2SP verifier key (name = the ledger origin) and as did:key.

    \b
    Example:
        asfverify keys show --all
    """
    from .. import keys as keystore
    from ..cli import workspace_from
    from ..errors import BadInput

    ws = workspace_from(click.get_current_context())
    infos = keystore.public_keys(ws.keys_dir)
    if not infos:
        raise BadInput(f"{ws.keys_dir}: no public key; run 'asfverify init'")
    chosen = infos if show_all else [k for k in infos if k.current][-1:] or infos[-1:]
    described = [_describe(k, ws.origin) for k in chosen]
    if as_json:
        click.echo(json.dumps(described if show_all else described[0], indent=2))
        return
    for i, item in enumerate(described):
        if i:
            click.echo()
        period = f"{item['valid_from'] or '?'} .. {item['valid_until'] or 'now'}"
        click.echo(f"key {item['key_id']} ({'current' if item['current'] else 'rotated out'}; {period})")
        click.echo(f"vkey: {item['vkey']}")
        click.echo(f"did:  {item['did']}")
        click.echo(item["pem"].rstrip("\n"))


@keys.command()
@click.option("--json", "as_json", is_flag=True, help="Machine output: {old_key_id, new_key_id, ledger_entry, vkey, did}.")
def rotate(as_json: bool) -> None:
    """Make a new signing key; the old key signs a ledger entry introducing it and is archived.

    Certificates and checkpoints signed before keep verifying with the old key.
    """
    from .. import keys as keystore
    from ..cli import workspace_from
    from ..ledger import open_ledger
    from ..ledger.rotation import rotate as do_rotate

    ws = workspace_from(click.get_current_context())
    result = do_rotate(open_ledger(ws))
    signer = keystore.load_signer(ws.keys_dir)
    if as_json:
        from .. import console

        console.echo_json({"old_key_id": result.old_key_id, "new_key_id": result.new_key_id, "ledger_entry": result.index,
                           "vkey": signer.vkey(ws.origin), "did": signer.did})
        return
    click.echo(f"rotated key {result.old_key_id} -> {result.new_key_id} (ledger entry {result.index}, "
               "signed by the old key)")
    click.echo(f"vkey: {signer.vkey(ws.origin)}")
    click.echo(f"did:  {signer.did}")
