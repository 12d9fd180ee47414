"""The host screens every plugin Result; cache.db is private and written only for a run that can complete."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from asfverify import testing
from asfverify.cli import cli

BAD_PLUGIN = '''
from asfverify import hookimpl, BaseVerifier, Evidence, Result

class Bad(BaseVerifier):
    name = "badmetrics"
    version = "1"
    requirements = ("C6.sam",)
    document_kinds = ()
    runs_without_documents = True
    def verify(self, application, context):
        r = Result("C6.sam", "pass", "fine")
        {mutation}
        return [r]

@hookimpl
def register_verifiers(register):
    register(Bad())
'''


def _packages(root: Path, n: int = 2) -> list[str]:
    out = []
    for i in range(n):
        pkg = root / f"p{i}"
        testing.build_package(pkg, [testing.pdf_document("stadgar.pdf", "bylaws", f"Stadgar för förening {i}")])
        out.append(str(pkg))
    return out


@pytest.mark.parametrize("mutation, problem", [
    ('r.metrics = {"share": 0.51}', "metric 'share' is a float"),
    ('r.metrics = {"ok": True}', "metric 'ok' is a bool"),
    ('r.metrics = {"n": 2**60}', "outside ±2^53"),
    ('r.metrics = {"a b": 1}', "a key must be a short name"),
    ('r.metrics = {"x": [1]}', "metric 'x' is a list"),
    ('r.outcome = "great"', "outcome that is not one of"),
    ('r.requirement = "C1.purpose"', "did not declare"),
    ('r.summary = 42', "summary is a int"),
    ('r.evidence = [Evidence(page="2")]', "page must be a page number"),
    ('r.evidence = ["see page 2"]', "not an Evidence"),
    ('r.trace = [{"rule": {"nested": 1}}]', "trace values are strings"),
    ('r = "pass"', "not an asfverify Result"),
], ids=lambda v: v if len(v) < 20 else None)
def test_a_broken_result_is_an_error_of_that_plugin_and_the_batch_goes_on(tmp_path: Path, mutation: str, problem: str) -> None:
    ws = tmp_path / "ws"
    assert CliRunner().invoke(cli, ["init", str(ws)]).exit_code == 0
    (ws / "plugins" / "bad.py").write_text(BAD_PLUGIN.format(mutation=mutation), encoding="utf-8")
    result = CliRunner().invoke(cli, ["-w", str(ws), "run", "--json", "--jobs", "1", *_packages(tmp_path)])
    assert result.exit_code == 1, result.output  # not certifiable, but no package failed
    reports = json.loads(result.stdout)
    assert len(reports) == 2
    for report in reports:
        mine = [r for r in report["results"] if r["verifier"] == "badmetrics"]
        assert [r["outcome"] for r in mine] == ["error"], mine
        assert mine[0]["plugin"] == "local:bad" and "badmetrics" in mine[0]["summary"]
        assert problem in mine[0]["summary"]
        assert mine[0]["requirement"] == "C6.sam"
    assert CliRunner().invoke(cli, ["-w", str(ws), "ledger", "verify"]).exit_code == 0


def test_cache_db_is_private_and_masked(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert CliRunner().invoke(cli, ["init", str(ws)]).exit_code == 0
    pkg = tmp_path / "pkg"
    testing.build_package(pkg, [testing.pdf_document("stadgar.pdf", "bylaws", "Stadgar. Ordförande 750505\u20135553 och ledamot 6203031114.")])
    result = CliRunner().invoke(cli, ["-w", str(ws), "run", str(pkg)])
    assert result.exit_code == 1, result.output
    cache = ws / "cache.db"
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    for path in ws.glob("cache.db*"):
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
        data = path.read_bytes()
        assert b"5553" not in data and b"1114" not in data, path


def test_nothing_is_written_when_the_key_passphrase_is_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = tmp_path / "ws"
    monkeypatch.setenv("ASFVERIFY_KEY_PASSPHRASE", "hemligt")
    assert CliRunner().invoke(cli, ["init", str(ws)]).exit_code == 0
    monkeypatch.delenv("ASFVERIFY_KEY_PASSPHRASE")
    before = sorted(p.name for p in ws.iterdir())
    result = CliRunner().invoke(cli, ["-w", str(ws), "run", _packages(tmp_path, 1)[0]])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1, result.output
    assert "ASFVERIFY_KEY_PASSPHRASE" in result.stderr
    assert set(p.name for p in ws.iterdir()) <= set(before)
    assert not (ws / "cache.db").exists()


def test_binary_output_passes_the_scrubbing_stream(tmp_path: Path) -> None:
    # certify --pdf - writes the PDF to stdout's binary buffer, beneath the text scrubber.
    from test_certs_cli import _record_run
    from test_certs_pdf import _configure

    ws = tmp_path / "ws"
    assert CliRunner().invoke(cli, ["init", str(ws)]).exit_code == 0
    _configure(ws)
    _record_run(ws, "run0001certifiable")
    result = CliRunner().invoke(cli, ["-w", str(ws), "certify", "run0001", "-o", str(tmp_path / "c.json"), "--pdf", "-"])
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.startswith(b"%PDF-")
