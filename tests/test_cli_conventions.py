"""CLI conventions of tools people know: help, did-you-mean, --json on writers, stdin, colour, width."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from asfverify.cli import cli

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "vagen-framat"
ANSI = re.compile(r"\x1b\[")


@pytest.fixture(scope="module")
def certified(tmp_path_factory: pytest.TempPathFactory):
    """A workspace with a certifiable run of the example and its certificate."""
    base = tmp_path_factory.mktemp("conventions")
    ws = base / "ws"
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(ws)]).exit_code == 0
    assert runner.invoke(cli, ["-w", str(ws), "agreements", "import", str(ROOT / "examples" / "registry.csv")]).exit_code == 0
    run = runner.invoke(cli, ["-w", str(ws), "run", "--json", str(EXAMPLE)])
    assert run.exit_code == 0, run.output
    run_id = json.loads(run.stdout)["run_id"]
    cert = base / "cert.json"
    assert runner.invoke(cli, ["-w", str(ws), "certify", run_id, "-o", str(cert)]).exit_code == 0
    return ws, run_id, cert


def _cli(*args: str, input: str | bytes | None = None, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, list(args), input=input, env=env)


def test_bare_command_prints_help_and_exits_0() -> None:
    result = _cli()
    assert result.exit_code == 0
    assert "Usage:" in result.stdout and "Commands:" in result.stdout and not result.stderr


def test_help_points_at_no_developer_path_and_documents_completion() -> None:
    result = _cli("--help")
    assert "../shared" not in result.stdout
    assert "_ASFVERIFY_COMPLETE=bash_source asfverify" in result.stdout


@pytest.mark.parametrize(("typed", "suggested"), [("verfy", "verify"), ("certfy", "certify"), ("reveiw", "review")])
def test_mistyped_command_suggests_the_nearest(typed: str, suggested: str) -> None:
    result = _cli(typed)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and f"Did you mean '{suggested}'" in result.stderr


def test_unknown_command_without_a_near_name_has_no_suggestion() -> None:
    result = _cli("xyzzy")
    assert result.exit_code == 2 and "No such command 'xyzzy'." in result.stderr and "Did you mean" not in result.stderr


def test_init_json(tmp_path: Path) -> None:
    result = _cli("init", "--json", str(tmp_path / "ws"))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert Path(data["config"]).is_file() and Path(data["keys"]).is_dir() and data["plugins"].endswith("plugins")


def test_writing_commands_have_json(certified, tmp_path: Path) -> None:
    ws, run_id, _cert = certified
    w = ["-w", str(ws)]
    cert = tmp_path / "c.json"
    issued = json.loads(_cli(*w, "certify", run_id, "-o", str(cert), "--json").stdout)
    assert issued["id"].startswith("urn:uuid:") and issued["output"] == str(cert) and issued["valid_until"]
    reviewed = json.loads(_cli(*w, "review", run_id, "C1.purpose", "--pass", "--note", "Läst stadgarna", "--json").stdout)
    assert reviewed["requirement"] == "C1.purpose" and reviewed["decision"] == "certifiable" and reviewed["ledger_entry"] > 0
    report = json.loads(_cli(*w, "report", run_id, "-o", str(tmp_path / "r.html"), "--json").stdout)
    assert Path(report["output"]).is_file()
    revoked = json.loads(_cli(*w, "revoke", issued["id"], "--reason", "test", "--json").stdout)
    assert revoked["id"] == issued["id"] and isinstance(revoked["ledger_entry"], int)
    listing = json.loads(_cli(*w, "status-list", "-o", str(tmp_path / "s.json"), "--json").stdout)
    assert listing["output"] == str(tmp_path / "s.json") and listing["valid_from"]
    written = json.loads(_cli(*w, "plugin", "new", "json-check", "--json").stdout)
    assert Path(written["module"]).is_file() and Path(written["test"]).is_file()
    Path(written["module"]).unlink()
    rotated = json.loads(_cli(*w, "keys", "rotate", "--json").stdout)
    assert rotated["old_key_id"] != rotated["new_key_id"] and rotated["did"].startswith("did:key:")


def test_report_confirms_on_stdout(certified, tmp_path: Path) -> None:
    ws, run_id, _cert = certified
    result = _cli("-w", str(ws), "report", run_id, "-o", str(tmp_path / "r.html"))
    assert result.exit_code == 0 and "r.html" in result.stdout and not result.stderr


def test_verify_reads_standard_input(certified) -> None:
    _ws, _run_id, cert = certified
    issuer = json.loads(cert.read_text(encoding="utf-8"))["issuer"]
    did = issuer["id"] if isinstance(issuer, dict) else issuer  # the fixture's key may be rotated by now
    result = _cli("verify", "-", "--trust", did, input=cert.read_bytes())
    assert result.exit_code == 0, result.output
    assert "OK: 2 proof" in result.stdout
    bad = _cli("verify", "-", "--trust", did, input=b"{not json")
    assert bad.exit_code == 2 and bad.stderr.count("\n") == 1


def test_run_output_wraps_to_columns(certified) -> None:
    ws, run_id, _cert = certified
    wide = _cli("-w", str(ws), "status", run_id)
    assert max(len(line) for line in wide.stdout.splitlines()) > 150  # piped: whole lines
    narrow = _cli("-w", str(ws), "status", run_id, env={"COLUMNS": "80"})
    lines = narrow.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80, [line for line in lines if len(line) > 80]
    # Continuation lines sit under the summary's first word, not at the margin.
    assert any(line.startswith(" " * 14) and not line.strip().startswith(("C", "Q")) for line in lines)


def _on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run asfverify with standard output and error on a pseudo-terminal; what it wrote."""
    main, child = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "asfverify", *args], stdout=child, stderr=child, stdin=subprocess.DEVNULL,
                            env={**os.environ, **env}, close_fds=True)
    os.close(child)
    chunks = []
    while True:
        ready, _, _ = select.select([main], [], [], 60)
        if not ready:
            break
        try:
            data = os.read(main, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(main)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.slow
def test_colour_only_on_a_terminal_and_never_with_no_color(certified) -> None:
    ws, run_id, _cert = certified
    args = ["-w", str(ws), "status", run_id]
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    coloured = _on_a_terminal(args, {"NO_COLOR": ""} if "NO_COLOR" in os.environ else {})
    assert ANSI.search(coloured), coloured[:300]
    plain = _on_a_terminal(args, {"NO_COLOR": "1"})
    assert "certifiable" in plain and not ANSI.search(plain)
    piped = subprocess.run([sys.executable, "-m", "asfverify", *args], capture_output=True, text=True, env=env, timeout=60)
    assert "certifiable" in piped.stdout and not ANSI.search(piped.stdout + piped.stderr)
    error = _on_a_terminal(["verfy"], {"NO_COLOR": "1"})
    assert "Did you mean" in error and not ANSI.search(error)
