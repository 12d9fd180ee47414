"""A batch survives a package that kills its worker process or trips over a bug in a verifier."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from asfverify import testing
from asfverify import workspace as workspace_mod
from asfverify.cli import cli
from asfverify.ledger import open_ledger

# A verifier that misbehaves on the "Krasch" package only; {action} stands in for a parser that
# segfaults (the process dies without a word) or hangs inside one page.
MISBEHAVING = '''
import os, signal, time
from asfverify import hookimpl, BaseVerifier

class Misbehaving(BaseVerifier):
    name = "misbehaving"
    version = "1"
    requirements = ("C5.democracy",)
    document_kinds = ("bylaws",)
    def verify(self, application, context):
        if "Krasch" in application.organisation.name:
            {action}
        return []

@hookimpl
def register_verifiers(register):
    register(Misbehaving())
'''
DIES = "os.kill(os.getpid(), signal.SIGKILL)"
HANGS = "time.sleep(60)"


def _packages(root: Path) -> Path:
    names = ["Alfa ekonomisk förening", "Krasch ekonomisk förening", "Beta ekonomisk förening", "Gamma ekonomisk förening"]
    for i, name in enumerate(names):
        pkg = root / f"p{i}"
        testing.build_package(pkg, [testing.pdf_document("stadgar.pdf", "bylaws", f"Stadgar för {name}")], name=name)
    return root


@pytest.mark.parametrize("action, reason", [(DIES, "process died"), (HANGS, "ran over 2 s")], ids=["dies", "hangs"])
def test_a_worker_that_dies_or_hangs_costs_only_its_package(tmp_path: Path, action: str, reason: str) -> None:
    runner = CliRunner()
    ws = tmp_path / "ws"
    assert runner.invoke(cli, ["init", str(ws)]).exit_code == 0
    config = ws / "asfverify.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n[limits]\nmax_seconds_per_package = 2\n", encoding="utf-8")
    (ws / "plugins" / "misbehaving.py").write_text(MISBEHAVING.format(action=action), encoding="utf-8")
    batch = _packages(tmp_path / "batch")

    result = runner.invoke(cli, ["--workspace", str(ws), "run", str(batch), "--jobs", "2", "--json"])
    assert result.exit_code == 2, result.output
    items = json.loads(result.stdout)
    errors = [i for i in items if "error" in i]
    assert [Path(e["source"]).name for e in errors] == ["p1"]
    assert reason in errors[0]["error"]
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

