"""`asfverify plugin new NAME`: a new verifier plugin and its test, from the packaged templates."""

from __future__ import annotations

import keyword
import re
from importlib import resources
from pathlib import Path
from string import Template

import click

from ..cli import workspace_from
from ..errors import BadInput
from ..i18n import _

_NAME = re.compile(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$")
MAX_NAME = 40


def template(name: str) -> Template:
    """One of the packaged templates (asfverify/templates/<name>)."""
    return Template((resources.files("asfverify") / "templates" / name).read_text(encoding="utf-8"))


def render_plugin(name: str) -> dict[str, str]:
    """{relative path: text} of a new plugin module and its test; BadInput for an unusable NAME."""
    from ..kinds import known_kinds

    if not _NAME.match(name) or len(name) > MAX_NAME:
        raise BadInput(
            _("plugin name {name!r}: use lowercase letters, digits and single - or _ between them, "
              "starting with a letter, at most {MAX_NAME} characters (e.g. work-training)", name=name, MAX_NAME=MAX_NAME)
        )
    module = name.replace("-", "_")
    if keyword.iskeyword(module) or module.startswith("test"):
        raise BadInput(_("plugin name {name!r}: {module!r} cannot be a plugin module name", name=name, module=module))
    if name in known_kinds():
        raise BadInput(_("plugin name {name!r} is a built-in document kind; choose another name", name=name))
    values = {
        "name": name,
        "module": module,
        "cls": "".join(part.capitalize() for part in module.split("_")),
        "kind": name,
        "criterion": name,
        "requirement": f"{name}.document",
        "title": f"{name.replace('-', ' ').replace('_', ' ').capitalize()}: the document records a decision",
    }
    return {
        f"{module}.py": template("plugin_module.py.tmpl").substitute(values),
        f"tests/test_{module}.py": template("plugin_test.py.tmpl").substitute(values),
    }


def write_plugin(plugins_dir: Path, name: str, *, force: bool = False) -> list[Path]:
    """Write the plugin module and its test below plugins_dir; nothing is written if a file exists (unless force)."""
    files = render_plugin(name)
    targets = {plugins_dir / rel: text for rel, text in files.items()}
    if not force:
        existing = [path for path in targets if path.exists()]
        if existing:
            raise BadInput(_("{existing} already exists (use --force to overwrite)", existing=existing[0]))
    for path, text in targets.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(targets)


@click.group()
def plugin() -> None:
    """Create verifier plugins for the workspace's plugins/ folder (guide: docs/plugins.md)."""


@plugin.command("new")
@click.argument("name")
@click.option("--force", is_flag=True, help="Overwrite the module and test if they exist.")
@click.option("--json", "as_json", is_flag=True, help="Machine output: {module, test}.")
@click.pass_context
def new(ctx: click.Context, name: str, force: bool, as_json: bool) -> None:
    """Write plugins/NAME.py and plugins/tests/test_NAME.py from a template.

    The plugin adds a document kind NAME, an informative criterion NAME and a
    verifier for requirement NAME.document; its test passes as generated:

    \b
        asfverify plugin new board-decision
        python -m pytest plugins/tests/test_board_decision.py
    """
    ws = workspace_from(ctx)
    if ws.plugins_dir is None:
        raise BadInput(_("{value} names no plugins folder; add: plugins = \"plugins\"", value=ws.root / 'asfverify.toml'))
    written = write_plugin(ws.plugins_dir, name, force=force)
    if as_json:
        from .. import console

        console.echo_json({"module": str(written[0]), "test": str(written[1])})
        return
    for path in written:
        click.echo(_("Wrote {path}", path=path))
    click.echo(_("Next: python -m pytest {test}  and  asfverify plugins", test=written[1]))
