"""`asfverify ledger verify / show / checkpoint / prove`."""

from __future__ import annotations

import base64
import json
import sys

import click

from ..i18n import _


@click.group()
def ledger() -> None:
    """Verify, list, prove and checkpoint the ledger."""


def _open(readonly: bool = False):
    from . import current_ledger

    return current_ledger(readonly=readonly)


@ledger.command()
@click.option("--checkpoint", "checkpoints", multiple=True, type=click.Path(dir_okay=False),
              help="A signed checkpoint kept elsewhere (e.g. by a third party) that the ledger must extend.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable report.")
def verify(checkpoints: tuple[str, ...], as_json: bool) -> None:
    """Re-check every entry's signature and leaf hash, the tree and every stored checkpoint; then the
    public register the same way, its ledger-anchors against the ledger, and both logs against the
    latest witnessed checkpoints the workspace kept (a truncated or forked log fails, naming sizes).

    The checks are numbered steps: 1 keys, 2 entries, 3 checkpoint signatures, 4 checkpoint roots,
    5 trusted checkpoints, 6 subtree hashes, 7 append-only triggers, 8 register, 9 ledger anchors,
    10 public statements. Exit 0 with a summary, or exit 1 with one line naming the failed step, the
    first bad entry and why; --json lists every step with its status and detail or problem.

    \b
    Example:
        asfverify ledger checkpoint > kept.note   # keep this somewhere else
        asfverify ledger verify --checkpoint kept.note
    """
    from ..errors import BadInput, NegativeOutcome
    from ..ledger.audit import audit_ledger

    notes = []
    for path in checkpoints:
        try:
            with open(path, encoding="utf-8") as fh:
                notes.append(fh.read(1 << 20))  # a signed note is a few hundred bytes
        except (OSError, UnicodeDecodeError) as exc:
            raise BadInput(_("{path}: cannot read checkpoint: {reason}", path=path,
                             reason=getattr(exc, "strerror", None) or exc)) from None
    report = audit_ledger(_open(readonly=True), trusted_checkpoints=notes)
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False))
    if not report.ok:
        raise NegativeOutcome(report.failure())
    if not as_json:
        for line in report.lines():
            click.echo(line)


@ledger.command()
@click.option("--run", "run_id", help="Only entries of this run id.")
@click.option("--org", "org_number", help="Only entries about this organisation number (NNNNNN-NNNN).")
@click.option("--kind", help="Only entries of this kind (run, result, decision, review, certificate, ...).")
@click.option("--json", "as_json", is_flag=True,
              help="Every entry with index, leaf_hash (hex), entry, signature (base64) and key_id.")
def show(run_id: str | None, org_number: str | None, kind: str | None, as_json: bool) -> None:
    """List ledger entries, oldest first.

    \b
    Example:
        asfverify ledger show --org 769600-0004 --json
    """
    items = _open(readonly=True).entries(kind=kind, run_id=run_id, org_number=org_number)
    if as_json:
        click.echo("[", nl=False)
        for i, item in enumerate(items):
            click.echo(("," if i else "") + "\n  " + json.dumps(item.to_json(), ensure_ascii=False), nl=False)
        click.echo("\n]")
        return
    for item in items:
        e = item.entry
        detail = e.get("summary") or e.get("outcome") or e.get("decision") or ""
        parts = [f"{item.index:>6}", e.get("time", ""), f"{e.get('kind', ''):<15}"]
        if e.get("run_id"):
            parts.append(f"run={e['run_id']}")
        if e.get("requirement"):
            parts.append(str(e["requirement"]))
        if e.get("outcome"):
            parts.append(str(e["outcome"]))
        if detail and detail != e.get("outcome"):
            parts.append(str(detail)[:80])
        click.echo("  ".join(p for p in parts if p))


@ledger.command()
def checkpoint() -> None:
    """Print the latest signed checkpoint (a C2SP signed note)."""
    click.echo(_open(readonly=True).checkpoint(), nl=False)


@ledger.command()
@click.option("--index", type=int, help="Prove inclusion of this entry (0-based).")
@click.option("--size", type=int, help="Against the signed checkpoint of this size (default: the latest).")
@click.option("--consistency", nargs=2, type=int, metavar="OLD NEW",
              help="Print the consistency path from tree size OLD to NEW instead.")
def prove(index: int | None, size: int | None, consistency: tuple[int, int] | None) -> None:
    """Print a c2sp.org/tlog-proof@v1 for an entry, or a consistency path between two sizes.

    \b
    Examples:
        asfverify ledger prove --index 12
        asfverify ledger prove --consistency 10 25
    """
    from ..errors import BadInput

    if consistency and index is not None:
        raise BadInput(_("give either --index or --consistency, not both"))
    led = _open(readonly=True)
    if consistency:
        old, new = consistency
        for h in led.consistency_proof(old, new):
            click.echo(base64.b64encode(h).decode())
        return
    if index is None:
        raise BadInput(_("give --index I or --consistency OLD NEW"))
    click.echo(led.tlog_proof(index, size), nl=False)


@ledger.command("check-consistency")
@click.argument("old_checkpoint", type=click.Path(dir_okay=False))
@click.argument("new_checkpoint", type=click.Path(dir_okay=False))
@click.argument("proof", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--key", "keys", multiple=True, required=True, metavar="KEY",
              help="The log's public key: C2SP vkey, did:key or PEM (inline or a file); repeatable.")
def check_consistency(old_checkpoint: str, new_checkpoint: str, proof: str, keys: tuple[str, ...]) -> None:
    """Check, without the database, that NEW_CHECKPOINT extends OLD_CHECKPOINT using PROOF.

    For a third party who kept an old signed checkpoint: PROOF is what the certifier's
    'asfverify ledger prove --consistency OLD_SIZE NEW_SIZE' prints ('-' reads it from stdin).
    Both checkpoints must be signed by KEY. Exit 0 when consistent, 1 when not, 2 for unreadable input.

    \b
    Example:
        asfverify ledger check-consistency kept.note latest.note proof.txt --key ledger.vkey
    """
    from ..certs.trust import parse_trust
    from ..errors import BadInput
    from ..ledger.consistency import check_consistency as check
    from ..ledger.consistency import parse_proof

    def read(path: str, what: str) -> str:
        try:
            if path == "-":
                return sys.stdin.read(1 << 20)
            with open(path, encoding="utf-8") as fh:
                return fh.read(1 << 20)
        except (OSError, UnicodeDecodeError) as exc:
            raise BadInput(_("{path}: cannot read {what}: {reason}", path=path, what=what,
                             reason=getattr(exc, "strerror", None) or exc)) from None

    trusted = [parse_trust(k) for k in keys]
    report = check(read(old_checkpoint, _("the old checkpoint")), read(new_checkpoint, _("the new checkpoint")),
                   parse_proof(read(proof, _("the proof"))), [(k.public_key, k.name) for k in trusted])
    click.echo(_("OK: {origin}: size {new} extends size {old} ({hashes} proof hashes, both checkpoints signed)",
                 origin=report.origin, new=report.new.size, old=report.old.size, hashes=report.proof_hashes))
