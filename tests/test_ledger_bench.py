"""The ledger benchmark still runs (tiny sizes; no timing is asserted)."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture
def bench(monkeypatch):
    # importable by name, so that its worker processes can find _verify_span
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    return importlib.import_module("bench_ledger")


def test_every_figure_has_a_floor_and_a_ratio(bench, tmp_path, monkeypatch):
    monkeypatch.delenv("ASFVERIFY_KEY_PASSPHRASE", raising=False)
    table = [
        bench.bench_append(tmp_path, n=60, repeats=1),
        bench.bench_commit(tmp_path, runs=2),
        bench.bench_verify(tmp_path, n=60, repeats=1),
        bench.bench_inclusion(tmp_path, n=200, samples=5),
    ]
    for row in table:
        assert {"figure", "median", "floor", "ratio", "target"} <= set(row) and row["ratio"] > 0
    text = bench.markdown(table)
    assert text.count("\n") == len(table) + 1 and text.startswith("| figure | median | floor")
    assert callable(bench.rows) and callable(bench.main)
