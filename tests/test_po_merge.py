"""The .po union merge driver: both sides' entries kept; a translation changed on one side only wins."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from asfverify.i18n import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]


def _po(path: Path, entries: dict[str, str]) -> Path:
    write_po(path, list(entries), entries)
    return path


def _merge(tmp_path: Path, base: dict[str, str], ours: dict[str, str], theirs: dict[str, str]) -> tuple[int, dict[str, str]]:
    paths = [_po(tmp_path / f"{n}.po", e) for n, e in (("base", base), ("ours", ours), ("theirs", theirs))]
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "po_merge.py"), *map(str, paths)], capture_output=True)
    return done.returncode, read_po(paths[1])


def test_entries_of_both_sides_are_kept_and_a_one_sided_change_wins(tmp_path: Path) -> None:
    base = {"a": "A", "b": "B"}
    code, merged = _merge(tmp_path, base, {"a": "A2", "b": "B", "c": "C"}, {"a": "A", "b": "B3", "d": "D"})
    assert code == 0
    assert merged == {"a": "A2", "b": "B3", "c": "C", "d": "D"}


def test_two_different_changes_of_one_translation_fail_the_merge(tmp_path: Path) -> None:
    code, merged = _merge(tmp_path, {"a": "A"}, {"a": "ours"}, {"a": "theirs"})
    assert code == 1 and merged["a"] == "ours"
