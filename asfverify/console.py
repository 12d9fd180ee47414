"""Terminal conventions shared by every command: colour, width, JSON confirmations.

Colour only on a terminal and never when NO_COLOR is set (https://no-color.org); text wrapped to the
terminal's width on a terminal (or to COLUMNS when that is set), never when piped, so machine
consumers and files get whole lines. Confirmations go to standard output, diagnostics to standard
error (click.echo(..., err=True)).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import textwrap
from typing import IO, Any

import click

# Outcome words and the colour they take on a terminal.
COLOURS = {
    "pass": "green", "ok": "green", "certifiable": "green", "valid": "green",
    "fail": "red", "rejected": "red", "revoked": "red",
    "review": "yellow", "needs-review": "yellow", "missing": "yellow", "error": "magenta", "skip": "bright_black",
}
MIN_WIDTH = 40


def _stream(err: bool) -> IO[str]:
    return sys.stderr if err else sys.stdout


def colour_enabled(err: bool = False) -> bool:
    """True when writing to a terminal and NO_COLOR is not set (to any non-empty value)."""
    if os.environ.get("NO_COLOR"):
        return False
    stream = _stream(err)
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def paint(text: str, word: str | None = None, *, err: bool = False, bold: bool = False) -> str:
    """`text` coloured for the outcome `word` (default: the text itself), when colour is enabled."""
    if not colour_enabled(err):
        return text
    colour = COLOURS.get((word or text).strip().lower())
    if colour is None and not bold:
        return text
    return click.style(text, fg=colour, bold=bold)


def width(err: bool = False) -> int | None:
    """The width to wrap to: COLUMNS when set, the terminal's on a terminal, else None (no wrapping)."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return max(MIN_WIDTH, int(columns))
    stream = _stream(err)
    try:
        if not stream.isatty():
            return None
    except (AttributeError, ValueError):
        return None
    return max(MIN_WIDTH, shutil.get_terminal_size((100, 24)).columns)


def hang(prefix: str, text: str, columns: int | None, indent: int | None = None) -> str:
    """`prefix` + `text`, the text wrapped to `columns` with continuation lines under its first word.

    `prefix` may hold colour escapes: its visible length sets the indent (or give `indent`).
    """
    visible = len(click.unstyle(prefix)) if indent is None else indent
    if columns is None or visible + len(text) <= columns or columns - visible < 20:
        return prefix + text
    lines = textwrap.wrap(text, columns - visible, break_long_words=False, break_on_hyphens=False) or [""]
    pad = " " * visible
    return prefix + lines[0] + "".join("\n" + pad + line for line in lines[1:])


def wrap_paragraph(text: str, columns: int | None) -> str:
    """A plain line wrapped to `columns`, continuation lines indented like the first."""
    stripped = text.lstrip(" ")
    return hang(text[: len(text) - len(stripped)], stripped, columns)


def echo(text: str = "", *, err: bool = False) -> None:
    """click.echo, wrapping each line to the width of its stream."""
    columns = width(err)
    click.echo("\n".join(wrap_paragraph(line, columns) for line in text.split("\n")) if columns else text, err=err)


def echo_json(data: Any) -> None:
    """Machine output: indented JSON with non-ASCII kept, on standard output."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))
