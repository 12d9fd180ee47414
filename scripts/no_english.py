#!/usr/bin/env python3
"""Fail when Swedish output holds an English sentence: `no_english.py FILE` (scripts/check_wheel.sh).

The test of the same promise, tests/test_i18n.py, holds the one definition of what counts as English
(its ENGLISH pattern of function words, and IDS, the requirement and rule ids that are not prose) and of the lines still waiting for a translation
(NOT_YET_TRANSLATED, while it exists); both are read from there, so this check and the test cannot
disagree. Prints each English line and exits 1; exits 0 with the number of lines checked.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

TEST = Path(__file__).resolve().parents[1] / "tests" / "test_i18n.py"


# Used only if the test no longer spells its pattern as `ENGLISH = re.compile(r"…")` (said on stderr).
FALLBACK = r"\b(the|is|are|was|were|of|and|no|not|has|have|with|for|by|from|this|which)\b"


def _definitions() -> tuple[re.Pattern[str], tuple[str, ...], re.Pattern[str] | None]:
    pattern: re.Pattern[str] | None = None
    ids: re.Pattern[str] | None = None
    pending: tuple[str, ...] = ()
    for node in ast.parse(TEST.read_text(encoding="utf-8")).body:
        target = node.target if isinstance(node, ast.AnnAssign) else node.targets[0] if isinstance(node, ast.Assign) else None
        value = getattr(node, "value", None)
        if not isinstance(target, ast.Name) or value is None:
            continue
        try:
            if target.id == "ENGLISH" and isinstance(value, ast.Call) and value.args:  # re.compile(r"…")
                pattern = re.compile(ast.literal_eval(value.args[0]))
            elif target.id == "IDS" and isinstance(value, ast.Call) and value.args:  # rule ids are identifiers, not prose
                ids = re.compile(ast.literal_eval(value.args[0]))
            elif target.id == "NOT_YET_TRANSLATED":
                pending = tuple(ast.literal_eval(value))
        except (ValueError, TypeError, SyntaxError, re.error):
            print(f"no_english: cannot read {target.id} in {TEST}; using the defaults", file=sys.stderr)
    if pattern is None:
        print(f"no_english: no ENGLISH pattern in {TEST}; using the script's own", file=sys.stderr)
        pattern = re.compile(FALLBACK)
    return pattern, pending, ids


def main(argv: list[str]) -> int:
    english, pending, ids = _definitions()
    text = Path(argv[1]).read_text(encoding="utf-8")
    checked, found = 0, []
    for line in text.splitlines():
        words = line.split()
        if not words or words[0] in pending:
            continue
        checked += 1
        if english.search(ids.sub(" ", line) if ids else line):
            found.append(line)
    for line in found:
        print(f"no_english: English in the Swedish output: {line}", file=sys.stderr)
    if found:
        return 1
    print(f"no_english: {checked} lines checked, no English sentence" + (f" ({len(pending)} ids still pending)" if pending else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
