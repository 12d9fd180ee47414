"""example: copy the bundled example application package and its agreement registry into a folder.

The example ships inside the wheel as package data (asfverify/examples, in the repository a link to
the top-level examples/ folder, the one source), so a certifier who installed only the wheel has a
package to run on the first day.
"""

from __future__ import annotations

import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

import click

from .. import console
from ..errors import BadInput
from ..i18n import _

SOURCE = Path(__file__).resolve().parent.parent / "examples"
REGISTRY = "registry.csv"


@dataclass(frozen=True)
class Copied:
    """What `copy_example` wrote: the application packages, the registry and the number of files."""

    directory: Path
    packages: tuple[Path, ...]
    registry: Path
    files: int


def _entries(source: Path) -> list[Path]:
    """The example's top-level entries: the registry and each package folder (no caches, no dot files)."""
    return sorted(p for p in source.iterdir() if not p.name.startswith((".", "__")))


def copy_example(directory: Path, source: Path = SOURCE) -> Copied:
    """Copy the example into `directory` (created); refuses to overwrite anything, before writing anything."""
    if not (source / REGISTRY).is_file():
        raise BadInput(_("the bundled example is missing from this installation ({path}); reinstall asfverify", path=source))
    if directory.exists() and not directory.is_dir():
        raise BadInput(_("{path} is not a folder: give a new or existing folder for the example", path=directory))
    entries = _entries(source)
    for entry in entries:
        target = directory / entry.name
        if target.exists() or target.is_symlink():
            raise BadInput(_("{path} already exists: remove it or give another folder (asfverify example DIR)", path=target))
    directory.mkdir(parents=True, exist_ok=True)
    files = 0
    packages = []
    for entry in entries:
        target = directory / entry.name
        if entry.is_dir():
            # copyfile, not copy2: the installed files' modes and times are the installer's, not the certifier's.
            shutil.copytree(entry, target, copy_function=shutil.copyfile,
                            ignore=shutil.ignore_patterns(".*", "__pycache__"))
            files += sum(1 for p in target.rglob("*") if p.is_file())
            if (target / "application.toml").is_file():
                packages.append(target)
        else:
            shutil.copyfile(entry, target)
            files += 1
    return Copied(directory, tuple(packages), directory / REGISTRY, files)


def _shell(path: Path) -> str:
    return shlex.quote(str(path))


@click.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False), default="example")
@click.option("--json", "as_json", is_flag=True, help="Machine output: {directory, packages, registry, files, next}.")
def example(directory: str, as_json: bool) -> None:
    """Copy the bundled example application package into DIRECTORY (default: ./example).

    It writes DIRECTORY/vagen-framat (a complete package that is certifiable) and
    DIRECTORY/registry.csv (the collective-agreement registry its C6.agreement needs),
    and prints the commands that import the registry and run the package. Nothing
    that exists is overwritten.

    \b
    Example:
        asfverify init ws && cd ws
        asfverify example
        asfverify agreements import example/registry.csv
        asfverify run example/vagen-framat
    """
    copied = copy_example(Path(directory))
    steps = [f"asfverify agreements import {_shell(copied.registry)}"] + [f"asfverify run {_shell(p)}" for p in copied.packages]
    from . import optional_workspace

    if optional_workspace(click.get_current_context()) is None:
        steps.insert(0, "asfverify init .")  # a workspace first: run records into its ledger
    if as_json:
        console.echo_json({"directory": str(copied.directory), "packages": [str(p) for p in copied.packages],
                           "registry": str(copied.registry), "files": copied.files, "next": steps})
        return
    click.echo(_("Example copied to {directory}: {packages} and the agreement registry {registry} ({files} files)",
                 directory=copied.directory, packages=", ".join(str(p) for p in copied.packages),
                 registry=copied.registry, files=copied.files))
    click.echo(_("Next:"))
    for step in steps:
        click.echo(f"  {step}")
