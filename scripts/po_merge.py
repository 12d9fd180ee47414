#!/usr/bin/env python3
"""A git merge driver for our .po catalogues: the union of both sides' entries.

Two branches that each translate messages of different modules touch neighbouring lines of one
catalogue; a line merge then conflicts although nothing contradicts. This driver keeps every entry of
ours (%A) in its order, adds theirs' (%B) new entries, and takes a translation from either side when
the other left it empty. A message translated differently on both sides keeps ours and fails the
merge, so a person decides. Run `python scripts/i18n_update.py` afterwards to put entries back in
source order and drop messages no longer in the code.

    git config merge.po-union.driver "python3 scripts/po_merge.py %O %A %B"   # .gitattributes: *.po merge=po-union
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from asfverify.i18n import read_po, write_po  # noqa: E402


def ordered_ids(path: Path) -> list[str]:
    """Every msgid of a .po file in file order, translated or not (read_po keeps only translated ones)."""
    ids: list[str] = []
    current: list[str] | None = None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if line.startswith("msgid "):
            current = [ast.literal_eval(line[6:].strip())]
        elif line.startswith('"') and current is not None:
            current.append(ast.literal_eval(line))
        else:
            if current is not None and "".join(current):
                ids.append("".join(current))
            current = None
    return ids


def main(argv: list[str]) -> int:
    base_path, ours_path, theirs_path = (Path(a) for a in argv[1:4])
    ours, theirs = read_po(ours_path), read_po(theirs_path)
    base = read_po(base_path) if base_path.is_file() and base_path.stat().st_size else {}
    messages = ordered_ids(ours_path)
    messages += [m for m in ordered_ids(theirs_path) if m not in messages]
    # A translation changed on one side only (the other still has the base's) is that side's: no clash.
    changed = [m for m in messages if ours.get(m) and theirs.get(m) and ours[m] != theirs[m]]
    clash = [m for m in changed if base.get(m) not in (ours[m], theirs[m])]
    merged = {**theirs, **ours}
    merged.update({m: theirs[m] for m in changed if base.get(m) == ours[m]})
    lang = "sv"
    for line in ours_path.read_text(encoding="utf-8").splitlines():
        if line.startswith('"Language: '):
            lang = line[len('"Language: '):].split("\\")[0]
    write_po(ours_path, messages, merged, lang=lang)
    for message in clash:
        print(f"po_merge: {ours_path}: two translations of {message!r}; kept ours", file=sys.stderr)
    return 1 if clash else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
