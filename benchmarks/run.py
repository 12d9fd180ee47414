"""Run every benchmark of the project and print one Markdown table (`make bench`).

Each benchmark module exposes rows() -> [{figure, median, floor, ratio, ...}], where the floor or
baseline is measured in the same run. Pass module names to run only some: `python benchmarks/run.py core ledger`.
"""

from __future__ import annotations

import importlib
import os
import platform
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

MODULES = ["core", "bylaws", "payroll", "agreements", "ledger", "verify", "trust", "witness", "buyer", "hostile"]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def fmt(value, unit: str) -> str:
    if value is None:
        return "–"
    if isinstance(value, str):  # a benchmark that formats its own figure
        return value
    if unit == "s" and value < 0.001:
        return f"{value * 1e6:.1f} µs"
    if unit == "s" and value < 1:
        return f"{value * 1000:.1f} ms"
    if unit == "s":
        return f"{value:.2f} s"
    return f"{value:.1f} {unit}".strip()


def main(argv: list[str]) -> int:
    chosen = argv or MODULES
    print(f"Machine: {machine()}  ")
    print(f"Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n")
    print("| benchmark | figure | median | floor / baseline (same run) | floor | ratio | target |")
    print("|---|---|---|---|---|---|---|")
    failed = 0
    for name in chosen:
        try:
            module = importlib.import_module(f"bench_{name}")
            rows = module.rows()
        except Exception as exc:  # one broken benchmark must not hide the others
            failed += 1
            print(f"| {name} | FAILED: {type(exc).__name__}: {exc} | | | | | |")
            traceback.print_exc(file=sys.stderr)
            continue
        for row in rows:
            unit = row.get("unit", "s")
            ratio = row.get("ratio")
            target = row.get("target", "")
            if isinstance(target, (int, float)):
                target = f"≤ {fmt(target, unit)}"
            print(
                f"| {name} | {row['figure']} | {fmt(row['median'], unit)} | {row.get('floor_label', '')} | "
                f"{fmt(row.get('floor'), row.get('floor_unit', unit))} | {'' if ratio is None else f'{ratio:.2f}×'} | {target} |"
            )
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
