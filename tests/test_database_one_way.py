"""Every SQLite connection asfverify makes is opened by database.connect (issue 12 point 8): the
ledger verifier's workers, the text cache and the witness opened their own before."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "asfverify"


def _opens_sqlite(tree: ast.AST) -> list[int]:
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "connect"
            and isinstance(node.func.value, ast.Name) and node.func.value.id == "sqlite3"]


def test_only_database_py_calls_sqlite3_connect() -> None:
    found = {str(p.relative_to(PACKAGE)): lines for p in sorted(PACKAGE.rglob("*.py"))
             if (lines := _opens_sqlite(ast.parse(p.read_text(encoding="utf-8"))))}
    assert set(found) == {"database.py"}, found
