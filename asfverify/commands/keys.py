"""`asfverify keys show / rotate`: the workspace public key in PEM, C2SP vkey and did:key forms."""

from __future__ import annotations

import json

import click

from ..i18n import _


@click.group()
def keys() -> None:
    """Show or rotate the workspace signing key."""


def _describe(info, origin: str, register_origin: str | None = None) -> dict:
    from ..ledger.note import format_vkey

    extra = {"register_vkey": format_vkey(register_origin, info.public_key)} if register_origin else {}
    return {**extra, 
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
    """Print the public key as PEM, as C2SP verifier keys of both logs (the ledger's and, once
    [publish] prefix is set, the register's) and as did:key.

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
        raise BadInput(_("{folder}: no public key; run 'asfverify init'", folder=ws.keys_dir))
    chosen = infos if show_all else [k for k in infos if k.current][-1:] or infos[-1:]
    register_origin = ws.register_origin if ws.publish_prefix else None
    described = [_describe(k, ws.origin, register_origin) for k in chosen]
    if as_json:
        click.echo(json.dumps(described if show_all else described[0], indent=2))
        return
    for i, item in enumerate(described):
        if i:
            click.echo()
        period = f"{item['valid_from'] or '?'} .. {item['valid_until'] or _('now')}"
        if item["current"]:
            click.echo(_("key {key_id} (current; {period})", key_id=item["key_id"], period=period))
        else:
            click.echo(_("key {key_id} (rotated out; {period})", key_id=item["key_id"], period=period))
        click.echo(f"vkey: {item['vkey']}")  # not for translation: the key format's name and the key
        if "register_vkey" in item:
            click.echo(_("register vkey: {vkey}", vkey=item["register_vkey"]))
        click.echo(f"did:  {item['did']}")  # not for translation: the key format's name and the key
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
    click.echo(_("rotated key {old} -> {new} (ledger entry {entry}, signed by the old key)", old=result.old_key_id,
                 new=result.new_key_id, entry=result.index))
    click.echo(f"vkey: {signer.vkey(ws.origin)}")  # not for translation: the key format's name and the key
    click.echo(f"did:  {signer.did}")  # not for translation: the key format's name and the key
