"""Benchmark: the payroll verifier on a 100,000-row CSV (targets ≤ 2 s and ≤ 100 MB peak), beside csv alone.

Run: .venv/bin/python benchmarks/bench_payroll.py [--rows N] [--json]
Times are medians of several in-process runs; `floor` is csv.reader reading the same file (no counting).
Memory is measured in a fresh subprocess each: peak RSS of the verifier run beside the peak RSS of a
process that imports the same modules and only reads the file with csv; and tracemalloc's peak.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from stdnum import luhn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

ROWS = 100_000
TIME_TARGET_S = 2.0
MEMORY_TARGET_MB = 100.0
FORMS = ["Nystartsjobb", "", "Lönebidrag för trygghet i anställning", "Ingen", "LB", "Introduktionsjobb", "-"]


def _luhn_digit(nine: str) -> str:
    return luhn.calc_check_digit(nine)


def make_csv(path: Path, n: int, personal_numbers: bool = False, seed: int = 1) -> Path:
    """A realistic ';' UTF-8-with-BOM export: n rows, ~20 % ended, a few hired after the reference date."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        fh.write("Anst.nr;Befattning;Anställningsdatum;Slutdatum;Stödform vid anställning;Sysselsättningsgrad\r\n")
        for i in range(n):
            if personal_numbers:
                born = dt.date(1950, 1, 1) + dt.timedelta(days=i % 18000)
                nine = f"{born:%y%m%d}{980 + i // 18000 % 10:03d}"
                ident = f"{born.year}{born:%m%d}-{nine[6:]}{_luhn_digit(nine)}"
            else:
                ident = str(100000 + i)
            y, m, d = rng.randint(2000, 2027), rng.randint(1, 12), rng.randint(1, 28)
            end = "" if rng.random() < 0.8 else f"{rng.randint(y, 2027)}-{m:02d}-{d:02d}"
            fh.write(f"{ident};Kock;{y}-{m:02d}-{d:02d};{end};{rng.choice(FORMS)};{rng.choice(['100', '62,5', '50'])}\r\n")
    return path


def verify_file(path: Path) -> Any:
    from test_payroll_helpers import run_payroll

    return run_payroll(path)


def csv_floor(path: Path) -> int:
    count = 0
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for _ in csv.reader(fh, delimiter=";"):
            count += 1
    return count


def median_time(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


_CHILD = """
import resource, sys, time, tracemalloc
sys.path.insert(0, {root!r}); sys.path.insert(0, {tests!r})
from pathlib import Path
import bench_payroll as b
import asfverify.verifiers.payroll, openpyxl, personnummer  # the same imports in both modes
path = Path({path!r})
if {trace}:
    tracemalloc.start()
start = time.perf_counter()
if {mode!r} == "verify":
    result = b.verify_file(path)
    assert result.metrics["employees"] > 0
else:
    b.csv_floor(path)
elapsed = time.perf_counter() - start
peak = tracemalloc.get_traced_memory()[1] if {trace} else 0
# VmHWM starts afresh at exec; ru_maxrss would carry over the forked parent's high-water mark.
hwm = next((int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:")), None)
print(hwm if hwm is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, peak, elapsed)
"""


def child_memory(path: Path, mode: str, trace: bool = False) -> tuple[float, float]:
    """(peak RSS in MB, tracemalloc peak in MB) of one fresh process running `mode` on the file."""
    code = _CHILD.format(root=str(ROOT), tests=str(ROOT / "tests"), path=str(path), mode=mode, trace=trace)
    env_path = str(Path(__file__).resolve().parent)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"})
    rss_kb, peak, _elapsed = proc.stdout.split()
    return int(rss_kb) / 1024, int(peak) / (1024 * 1024)


def row(figure: str, median: float, floor: float, floor_label: str, *, unit: str = "s",
        target: str = "", ok: bool | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"figure": figure, "median": round(median, 4), "floor": round(floor, 4), "floor_label": floor_label,
                           "ratio": round(median / floor, 1) if floor else None, "unit": unit}
    if target:
        out["target"] = target
        out["ok"] = ok
    return out


def rows(n: int = ROWS, repeat: int = 3) -> list[dict[str, Any]]:
    """Measure time and memory for an n-row list, with anställningsnummer and with personnummer ids."""
    out: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        plain = make_csv(Path(tmp) / "plain.csv", n)
        pnr = make_csv(Path(tmp) / "pnr.csv", n, personal_numbers=True)
        floor = median_time(lambda: csv_floor(plain), repeat)
        t_plain = median_time(lambda: verify_file(plain), repeat)
        out.append(row(f"verify {n:,}-row CSV (anst.nr ids)", t_plain, floor, "csv.reader over the same file",
                       target=f"≤ {TIME_TARGET_S:g} s", ok=t_plain <= TIME_TARGET_S))
        floor_pnr = median_time(lambda: csv_floor(pnr), repeat)
        t_pnr = median_time(lambda: verify_file(pnr), repeat)
        out.append(row(f"verify {n:,}-row CSV (personnummer ids: validated, HMAC)", t_pnr, floor_pnr,
                       "csv.reader over the same file", target=f"≤ {TIME_TARGET_S:g} s", ok=t_pnr <= TIME_TARGET_S))
        rss, _ = child_memory(plain, "verify")
        rss_floor, _ = child_memory(plain, "floor")
        out.append(row(f"peak RSS, {n:,}-row CSV", rss, rss_floor, "same imports + csv.reader alone", unit="MB",
                       target=f"≤ {MEMORY_TARGET_MB:g} MB", ok=rss <= MEMORY_TARGET_MB))
        _, traced = child_memory(plain, "verify", trace=True)
        _, traced_floor = child_memory(plain, "floor", trace=True)
        out.append(row(f"peak Python allocations (tracemalloc), {n:,}-row CSV", traced, traced_floor,
                       "csv.reader alone", unit="MB"))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    results = rows(args.rows, args.repeat)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        for r in results:
            unit = r["unit"]
            ratio = f"{r['ratio']}×" if r["ratio"] is not None else "–"
            print(f"{r['figure']}: {r['median']:g} {unit} (floor {r['floor']:g} {unit}, {r['floor_label']}; {ratio})"
                  + (f"  target {r['target']}: {'ok' if r['ok'] else 'MISSED'}" if r.get("target") else ""))
    return 0 if all(r.get("ok", True) for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
