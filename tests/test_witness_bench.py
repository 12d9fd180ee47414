"""The witness benchmark still runs and still checks monotonic state (tiny sizes; no timing is asserted)."""

from __future__ import annotations

import importlib
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def test_the_witness_benchmark_runs_and_checks_monotonic_state(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    bench = importlib.import_module("bench_witness")
    monkeypatch.setattr(bench, "SEQUENTIAL", 10)
    monkeypatch.setattr(bench, "PER_CLIENT", 8)
    round_trip, race = bench.rows()
    assert round_trip["median"] > 0 and round_trip["floor"] > 0 and round_trip["ratio"] > 0
    assert "4 clients × 8 requests" in race["figure"] and "never decreasing" in race["figure"]
    assert "(32 requests:" in race["figure"]
