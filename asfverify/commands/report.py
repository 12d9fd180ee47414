"""report: the HTML evidence report of one recorded run."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import click

from ..errors import BadInput
from ..i18n import _
from . import current_ledger, current_workspace


def _check_output(output: str) -> Path:
    """The output path, refused before any work when it cannot be written."""
    path = Path(output)
    if path.is_dir():
        raise BadInput(_("{output}: is a folder; give a file name such as report.html", output=output))
    parent = path.parent
    if not parent.is_dir():
        raise BadInput(_("{option} {path}: folder {parent} does not exist; create it first (mkdir -p {parent})",
                         option="-o", path=output, parent=parent))
    if not os.access(parent, os.W_OK):
        raise BadInput(_("{output}: folder {parent} is not writable", output=output, parent=parent))
    return path


def _write_atomically(path: Path, text: str) -> None:
    # A reader (or a browser reloading) never sees half a report.
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _plugin_criteria(ws) -> list:
    """Criteria that installed plugins add (for their texts); none when plugins cannot load."""
    from ..errors import AsfError
    from ..plugins import load_host

    try:
        return list(load_host(ws.plugins_dir).criteria)
    except AsfError:
        return []


@click.command()
@click.argument("run_id", metavar="RUN")
@click.option("--output", "-o", required=True, metavar="FILE.html", help="Where to write the report ('-' for standard output).")
@click.option("--json", "as_json", is_flag=True, help="Machine output: {run_id, output} (not with -o -).")
@click.pass_context
def report(ctx: click.Context, run_id: str, output: str, as_json: bool) -> None:
    """Write the HTML evidence report of RUN: every criterion, requirement, result and excerpt,
    the reviews, the ledger entries and the signed checkpoint, in one self-contained page
    that reads on screen and on paper.
    """
    from ..report import build_report

    path = None if output == "-" else _check_output(output)
    ws = current_workspace(ctx)
    ledger = current_ledger(ctx, readonly=True)
    text = build_report(ledger, run_id, criteria_search=[ws.criteria_dir], extra_criteria=_plugin_criteria(ws))
    if path is None:
        sys.stdout.write(text)
        return
    _write_atomically(path, text)
    if as_json:
        from .. import console

        console.echo_json({"run_id": run_id, "output": str(path)})
        return
    click.echo(_("Wrote {path}", path=path))  # a confirmation: standard output, like every command's
