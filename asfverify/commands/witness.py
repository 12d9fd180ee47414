"""witness init/add-log/serve: run a C2SP tlog-witness that cosigns other logs' checkpoints.

A witness needs no asfverify workspace: its folder holds its key and its state database.
"""

from __future__ import annotations

import click

from ..i18n import _


@click.group()
def witness() -> None:
    """Run a transparency-log witness (c2sp.org/tlog-witness, cosignature/v1).

    \b
    Example:
        asfverify witness init witness1 --name witness.example/w1
        asfverify witness add-log witness1 "certifier.example/asf/register+1a2b3c4d+AUm..."
        asfverify witness serve witness1 --port 8123
    """


@witness.command("init")
@click.argument("folder", metavar="DIR", type=click.Path(file_okay=False))
@click.option("--name", required=True, help="The witness's key name, a schema-less URL such as witness.example/w1.")
def init(folder: str, name: str) -> None:
    """Create a witness in DIR: an Ed25519 key (mode 0600) and a state database.

    Prints the cosigner vkey (type 0x04) on a line of its own: give it to the logs' operators
    for their tlog-policy `witness` lines.
    """
    from ..witness.state import init_witness

    cosigner = init_witness(folder, name)
    click.echo(_("Witness {name} created in {folder}; its cosigner vkey:", name=cosigner.name, folder=folder), err=True)
    click.echo(cosigner.vkey)


@witness.command("add-log")
@click.argument("folder", metavar="DIR", type=click.Path(file_okay=False))
@click.argument("vkey", metavar="VKEY")
@click.option("--origin", help="The log's checkpoint origin, when it differs from the key's name.")
def add_log(folder: str, vkey: str, origin: str | None) -> None:
    """Accept checkpoints signed by the log key VKEY, for the origin that is the key's name.

    VKEY is the log's signed-note verifier key (`asfverify keys show` prints a workspace's).
    Run it again with another key to accept a log's next key during a rotation.
    """
    from ..witness.state import Witness

    state = Witness(folder)
    try:
        verifier, added = state.add_log(vkey, origin)
    finally:
        state.close()
    fields = {"origin": origin or verifier.name, "key": f"{verifier.name}+{verifier.key_id.hex()}"}
    click.echo(_("Accepting checkpoints of {origin} signed by {key}", **fields) if added else
               _("Already accepting checkpoints of {origin} signed by {key}", **fields))


@witness.command("logs")
@click.argument("folder", metavar="DIR", type=click.Path(file_okay=False))
def logs(folder: str) -> None:
    """List the logs this witness follows: origin, key id, latest cosigned size and when.

    Also says how many refused checkpoints it kept as evidence (forks, rolled-back logs).
    """
    from ..witness.state import Witness

    state = Witness(folder)
    try:
        click.echo(_("Witness {name}  {vkey}", name=state.cosigner.name, vkey=state.cosigner.vkey))
        for origin in state.origins():
            latest = state.latest(origin)
            keys = ", ".join(k.key_id.hex() for k in state.log_keys(origin))
            seen = _("size {size}, updated {time}", size=latest.size, time=latest.updated) if latest else _("no checkpoint yet")
            click.echo("  " + _("{origin}  key {keys}  {seen}", origin=origin, keys=keys, seen=seen))
        evidence = state.evidence_count()
        if evidence:
            click.echo("  " + (_("1 inconsistent checkpoint kept as evidence in witness.db") if evidence == 1 else
                               _("{n} inconsistent checkpoints kept as evidence in witness.db", n=evidence)))
    finally:
        state.close()


@witness.command("serve")
@click.argument("folder", metavar="DIR", type=click.Path(file_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind. Keep 127.0.0.1 and put a reverse proxy in front for public use.")
@click.option("--port", type=click.IntRange(0, 65535), default=8123, show_default=True, help="TCP port (0: any free port).")
@click.option("--timeout", type=click.FloatRange(0.1, 300), default=10.0, show_default=True,
              help="Seconds a connection may stay idle or slow before it is closed.")
@click.option("--verbose", is_flag=True, help="Log every request on stderr.")
def serve(folder: str, host: str, port: int, timeout: float, verbose: bool) -> None:
    """Serve POST /add-checkpoint and GET /<origin hash>/checkpoint until interrupted.

    Uses the standard library's HTTP server: it is bounded (body size, timeouts, connections)
    but not hardened for the open Internet; run it behind a reverse proxy there.
    """
    from ..errors import BadInput
    from ..witness.server import WitnessServer
    from ..witness.state import Witness

    state = Witness(folder)
    try:
        server = WitnessServer(state, host, port, request_timeout=timeout, verbose=verbose)
    except OSError as exc:
        raise BadInput(_("cannot listen on {host}:{port}: {reason}", host=host, port=port, reason=exc.strerror)) from None
    origins = state.origins()
    if host not in ("127.0.0.1", "::1", "localhost"):
        click.echo(_("Note: listening on {host}; the standard-library server is not hardened, "
                     "put a reverse proxy (TLS, rate limits) in front of it", host=host), err=True)
    fields = {"name": state.cosigner.name, "url": server.url}
    click.echo(_("Witness {name} listening on {url} (1 log); Ctrl-C stops it", **fields) if len(origins) == 1 else
               _("Witness {name} listening on {url} ({n} logs); Ctrl-C stops it", n=len(origins), **fields), err=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        state.close()
    click.echo(_("Witness stopped"), err=True)
