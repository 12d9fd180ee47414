"""publish killed midway or onto a full disk leaves the previous site valid; the next run completes it."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_certs_cli import CERTIFIER_FLAGS, _record_run

from asfverify.cli import cli
from asfverify.publish import files as site_files


def _invoke(*args: str, ws: Path | None = None):
    argv = (["-w", str(ws)] if ws else []) + list(args)
    return CliRunner().invoke(cli, argv)


@pytest.fixture()
def ws(tmp_path, monkeypatch) -> Path:
    monkeypatch.delenv("ASFVERIFY_WORKSPACE", raising=False)
    root = tmp_path / "ws"
    assert _invoke("init", str(root), *CERTIFIER_FLAGS).exit_code == 0
    for n in range(2):
        _record_run(root, f"run000{n}certifiable")
    assert _invoke("certify", "run0000", "-o", str(tmp_path / "a.json"), ws=root).exit_code == 0
    assert _invoke("publish", str(tmp_path / "site"), ws=root).exit_code == 0
    assert _invoke("monitor", str(tmp_path / "site"), "--state", str(tmp_path / "state.json")).exit_code == 0
    assert _invoke("certify", "run0001", "-o", str(tmp_path / "b.json"), ws=root).exit_code == 0
    return root


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs, no handler sees it."""


@pytest.mark.parametrize("after", [0, 1, 3, 6])
def test_a_publish_killed_midway_leaves_the_previous_site_valid(ws, tmp_path, monkeypatch, after):
    site, state = tmp_path / "site", tmp_path / "state.json"
    real_replace = os.replace
    calls = {"n": 0}

    def dying_replace(src, dst):
        if calls["n"] >= after:
            raise Killed()
        calls["n"] += 1
        real_replace(src, dst)

    monkeypatch.setattr(site_files.os, "replace", dying_replace)
    with pytest.raises(Killed):
        CliRunner().invoke(cli, ["-w", str(ws), "publish", str(site)], catch_exceptions=False)
    monkeypatch.setattr(site_files.os, "replace", real_replace)
    # What a reader sees now is the previous site: it still verifies, and shows nothing new.
    check = _invoke("monitor", str(site), "--state", str(tmp_path / "copy.json"))
    assert check.exit_code == 0, check.output
    # The next run completes it.
    assert _invoke("publish", str(site), ws=ws).exit_code == 0
    done = _invoke("monitor", str(site), "--state", str(state))
    assert done.exit_code == 0, done.output
    b = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert f"certificate {b['id']}" in done.output


def test_a_full_disk_is_one_line_and_the_site_stays_valid(ws, tmp_path, monkeypatch):
    site = tmp_path / "site"
    real_open = open
    calls = {"n": 0}

    def full_open(path, mode="r", *args, **kwargs):
        if "w" in mode and str(path).endswith(".tmp"):
            calls["n"] += 1
            if calls["n"] > 2:
                raise OSError(errno.ENOSPC, "No space left on device")
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr("builtins.open", full_open)
    result = CliRunner().invoke(cli, ["-w", str(ws), "publish", str(site)])
    monkeypatch.setattr("builtins.open", real_open)
    assert result.exit_code == 2, result.output
    assert "No space left on device" in result.output and len(result.output.strip().splitlines()) == 1
    assert not [p for p in site.rglob("*.tmp")]
    assert _invoke("monitor", str(site), "--state", str(tmp_path / "copy.json")).exit_code == 0
    assert _invoke("publish", str(site), ws=ws).exit_code == 0
    assert _invoke("monitor", str(site), "--state", str(tmp_path / "state.json")).exit_code == 0
