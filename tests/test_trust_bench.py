"""The trust-list benchmark's list is a real one: it parses and the certificate verifies against it (no timing)."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

from click.testing import CliRunner

from asfverify.cli import cli
from asfverify.trustlist.model import read_trust_list

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def test_the_benchmark_list_verifies(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    monkeypatch.delenv("ASFVERIFY_KEY_PASSPHRASE", raising=False)
    monkeypatch.delenv("ASFVERIFY_WORKSPACE", raising=False)
    bench = importlib.import_module("bench_trust")
    monkeypatch.setattr(bench, "CERTIFIERS", 4)
    cert, _status, _pem = bench._issue(tmp_path)
    listing, owner = bench.make_list(tmp_path, tmp_path / "ws")
    parsed = read_trust_list(str(listing))
    assert len(parsed.certifiers) == 4 and all(len(c.keys) == 3 for c in parsed.certifiers[:-1])
    result = CliRunner().invoke(cli, ["verify", str(cert), "--trust-list", str(listing), "--trust-list-key", owner])
    assert result.exit_code == 0, result.output
    assert json.loads(listing.read_text())["credentialSubject"]["sequence"] == 1
    assert callable(bench.rows) and callable(bench.main)
