#!/usr/bin/env python3
"""Update the Swedish catalogues from the code: every `_("…")` message gets an entry (translations kept).

    python scripts/i18n_update.py          # asfverify/locale/sv/LC_MESSAGES/asfverify.po and plugins/*.sv.po

Prints the messages still without a translation; tests/test_i18n.py fails while any is left.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from asfverify.i18n import catalogue_path, data_messages, messages_in, read_po, write_po  # noqa: E402


def sources() -> list[Path]:
    return sorted(p for p in (ROOT / "asfverify").rglob("*.py") if "bundled_plugins" not in p.parts)


def data_files() -> list[Path]:
    """The shipped data files whose prose (rule explanations, requirement texts) is in the catalogue."""
    return sorted((ROOT / "asfverify" / "data").glob("*.toml"))


def update(po: Path, files: list[Path], data: Sequence[Path] = ()) -> list[str]:
    messages: list[str] = []
    for file in files:
        messages += [m for m in messages_in(file.read_text(encoding="utf-8")) if m not in messages]
    for file in data:
        messages += [m for m in data_messages(file.read_text(encoding="utf-8")) if m not in messages]
    existing = read_po(po) if po.is_file() else {}
    if not messages and not po.is_file():
        return []
    return write_po(po, messages, existing)


def main() -> int:
    missing = update(catalogue_path("sv"), sources(), data_files())
    for plugin in sorted((ROOT / "plugins").glob("*.py")):
        missing += update(plugin.with_name(f"{plugin.stem}.sv.po"), [plugin])
    for message in missing:
        print(f"untranslated: {message}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
