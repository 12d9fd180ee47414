"""Every sentence a user can read goes through the catalogue: no bare error text, echo or summary.

tests/test_i18n.py checks that every `_()` message has a Swedish translation; this test checks that
user-facing text is written as `_()` at all. It reads the source (ast) and flags, outside `_()`:
  - `raise SomeAsfError("…")` / `raise SomeAsfError(f"…")` (any class of the AsfError family and
    click's UsageError/BadParameter/ClickException),
  - `click.echo("…")` / `console.echo(f"…")`,
  - `Result(…, summary="…")`.
Text without a word in it (`f"{a}: {b}"`) is not a sentence and passes. Text that is protocol, not
prose for a person (an HTTP body another program parses), is marked on its line with
`# not for translation: <why>`.

PENDING lists the modules not converted yet; a module leaves it when it is done (the test also fails
when a listed module has nothing left, so the list only shrinks).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "asfverify"
WORD = re.compile(r"[A-Za-z]{2,}")
CLICK_ERRORS = {"UsageError", "BadParameter", "ClickException", "BadOptionUsage", "FileError"}
ECHOES = {"echo", "secho"}

PENDING: set[str] = set()  # every module is converted; a new one starts clean


def _files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "bundled_plugins" not in p.parts)


def _error_classes(files: list[Path]) -> set[str]:
    """Names of the AsfError family, resolved through the class definitions in the package."""
    bases: dict[str, set[str]] = {}
    for file in files:
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                names = {b.id if isinstance(b, ast.Name) else b.attr for b in node.bases
                         if isinstance(b, ast.Name | ast.Attribute)}
                bases.setdefault(node.name, set()).update(names)
    family = {"AsfError"}
    grew = True
    while grew:
        grew = False
        for name, parents in bases.items():
            if name not in family and parents & family:
                family.add(name)
                grew = True
    return family | CLICK_ERRORS


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _is_sentence(node: ast.expr | None) -> bool:
    """A literal that holds words: a str constant, an f-string, a concatenation or "…".format()."""
    if node is None:
        return False
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(WORD.search(node.value))
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.Constant) and WORD.search(str(v.value)) for v in node.values)
    if isinstance(node, ast.BinOp):
        return _is_sentence(node.left) or _is_sentence(node.right)
    if isinstance(node, ast.Call) and _name(node.func) == "format" and isinstance(node.func, ast.Attribute):
        return _is_sentence(node.func.value)
    return False


def untranslated(source: str, errors: set[str]) -> list[tuple[int, str]]:
    """(line, what) for each piece of user-facing text not written through `_()`."""
    found: list[tuple[int, str]] = []
    lines = source.splitlines()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.stmt | ast.expr) and "# not for translation:" in lines[node.lineno - 1]:
            continue
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and _name(node.exc.func) in errors:
            first = node.exc.args[0] if node.exc.args else None
            if _is_sentence(first):
                found.append((node.lineno, f"raise {_name(node.exc.func)}(…)"))
        elif isinstance(node, ast.Call) and _name(node.func) in ECHOES:
            if node.args and _is_sentence(node.args[0]):
                found.append((node.lineno, f"{_name(node.func)}(…)"))
        elif isinstance(node, ast.Call) and _name(node.func) == "Result":
            summary = next((k.value for k in node.keywords if k.arg == "summary"), None)
            if _is_sentence(summary):
                found.append((node.lineno, "Result(summary=…)"))
    return found


def _report() -> dict[str, list[tuple[int, str]]]:
    files = _files()
    errors = _error_classes(files)
    report = {}
    for file in files:
        hits = untranslated(file.read_text(encoding="utf-8"), errors)
        if hits:
            report[file.relative_to(ROOT).as_posix()] = hits
    return report


def test_user_facing_text_goes_through_the_catalogue() -> None:
    report = _report()
    problems = [f"{path}:{line}: {what} with text outside _()" for path, hits in report.items()
                if path not in PENDING for line, what in hits]
    assert problems == []


def test_pending_list_only_shrinks() -> None:
    report = _report()
    done = sorted(path for path in PENDING if path not in report)
    assert done == [], f"these modules are fully translated now: remove them from PENDING: {done}"


def test_the_check_catches_bare_text() -> None:
    errors = {"AsfError", "BadInput"}
    source = (
        'from asfverify.i18n import _\n'
        'def f(x):\n'
        '    raise BadInput(f"file {x} is missing")\n'
        'def g(x):\n'
        '    raise BadInput(_("file {x} is missing", x=x))\n'
        'def h(x):\n'
        '    click.echo(f"{x}: {x}")\n'
        '    click.echo("Wrote the report")\n'
        '    return Result(requirement="C1", outcome="pass", summary="All good")\n'
    )
    assert untranslated(source, errors) == [(3, "raise BadInput(…)"), (8, "echo(…)"), (9, "Result(summary=…)")]
