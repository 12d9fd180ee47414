"""A batch survives a package that kills its worker process or trips over a bug in a verifier."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from click.testing import CliRunner

from asfverify import workspace as workspace_mod
from asfverify.cli import cli
from asfverify.ledger import open_ledger

from pkgbuild import make_package, make_pdf

# Stands in for a parser that segfaults on a hostile document: the process dies without a word.
KILLER = '''
import os, signal
from asfverify import hookimpl, BaseVerifier

class Killer(BaseVerifier):
    name = "killer"
    version = "1"
    requirements = ("C5.democracy",)
    document_kinds = ("bylaws",)
    def verify(self, application, context):
        if "Krasch" in application.organisation.name:
            os.kill(os.getpid(), signal.SIGKILL)
        return []

@hookimpl
def register_verifiers(register):
    register(Killer())
'''


def _packages(root: Path) -> Path:
    names = ["Alfa ekonomisk förening", "Krasch ekonomisk förening", "Beta ekonomisk förening", "Gamma ekonomisk förening"]
    for i, name in enumerate(names):
        pkg = root / f"p{i}"
        make_pdf(pkg / "stadgar.pdf", [f"Stadgar för {name}"])
        make_package(pkg, name=name, documents=[("stadgar.pdf", "bylaws")])
    return root


def test_a_worker_that_dies_costs_only_its_package(tmp_path: Path) -> None:
    runner = CliRunner()
    ws = tmp_path / "ws"
    assert runner.invoke(cli, ["init", str(ws)]).exit_code == 0
    (ws / "plugins" / "killer.py").write_text(textwrap.dedent(KILLER), encoding="utf-8")
    batch = _packages(tmp_path / "batch")

    result = runner.invoke(cli, ["--workspace", str(ws), "run", str(batch), "--jobs", "2", "--json"])
    assert result.exit_code == 2, result.output
    items = json.loads(result.stdout)
    errors = [i for i in items if "error" in i]
    assert [Path(e["source"]).name for e in errors] == ["p1"]
    assert "process died" in errors[0]["error"]
    names = sorted(i["application"]["organisation"]["name"] for i in items if "run_id" in i)
    assert names == ["Alfa ekonomisk förening", "Beta ekonomisk förening", "Gamma ekonomisk förening"]

    ledger = open_ledger(workspace_mod.load(ws))
    assert len(list(ledger.entries(kind="run"))) == 3
    assert ledger.verify().ok


def test_a_verifier_bug_in_one_package_does_not_stop_a_serial_batch(tmp_path: Path, monkeypatch) -> None:
    from asfverify import application

    original = application._load_folder

    def flaky(root, *args, **kwargs):
        if root.name == "p2":
            raise KeyError("unexpected")
        return original(root, *args, **kwargs)

    monkeypatch.setattr(application, "_load_folder", flaky)
    runner = CliRunner()
    ws = tmp_path / "ws"
    assert runner.invoke(cli, ["init", str(ws)]).exit_code == 0
    batch = _packages(tmp_path / "batch")
    result = runner.invoke(cli, ["--workspace", str(ws), "run", str(batch), "--jobs", "1"])
    assert result.exit_code == 2
    assert "p2: internal error: KeyError" in result.stdout
    assert "Traceback" not in result.output
    assert len(list(open_ledger(workspace_mod.load(ws)).entries(kind="run"))) == 3


SLEEPER = '''
import time
from asfverify import hookimpl, BaseVerifier

class Sleeper(BaseVerifier):
    name = "sleeper"
    version = "1"
    requirements = ("C5.democracy",)
    document_kinds = ("bylaws",)
    def verify(self, application, context):
        if "Krasch" in application.organisation.name:
            time.sleep(60)  # stands in for a parser hung inside one page
        return []

@hookimpl
def register_verifiers(register):
    register(Sleeper())
'''


def test_a_hung_worker_is_ended_after_the_package_time_limit(tmp_path: Path) -> None:
    runner = CliRunner()
    ws = tmp_path / "ws"
    assert runner.invoke(cli, ["init", str(ws)]).exit_code == 0
    config = ws / "asfverify.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n[limits]\nmax_seconds_per_package = 2\n", encoding="utf-8")
    (ws / "plugins" / "sleeper.py").write_text(textwrap.dedent(SLEEPER), encoding="utf-8")
    batch = _packages(tmp_path / "batch")
    result = runner.invoke(cli, ["--workspace", str(ws), "run", str(batch), "--jobs", "2", "--json"])
    assert result.exit_code == 2, result.output
    items = json.loads(result.stdout)
    errors = [i for i in items if "error" in i]
    assert [Path(e["source"]).name for e in errors] == ["p1"]
    assert "ran over 2 s" in errors[0]["error"]
    assert len([i for i in items if "run_id" in i]) == 3
