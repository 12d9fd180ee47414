"""The agreements benchmark still runs and reports its figures (sizes kept tiny; no timing asserted)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from asfverify.agreements.orgnumbers import normalise

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_agreements.py"


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_agreements", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_org_numbers_are_valid_and_distinct() -> None:
    bench = load_bench()
    numbers = bench.org_numbers(500)
    assert len(set(numbers)) == 500 and all(normalise(n) == n for n in numbers)


def test_rows_report_figure_median_floor_ratio() -> None:
    bench = load_bench()
    figures = bench.rows(n=300, repeat=1, lookups=20)
    assert len(figures) == 4
    for figure in figures:
        assert {"figure", "median", "floor", "ratio"} <= set(figure)
        assert figure["median"] > 0 and figure["floor"] > 0
    assert [f["target"] for f in figures if "target" in f] == [bench.IMPORT_TARGET_S, bench.LOOKUP_TARGET_S]
