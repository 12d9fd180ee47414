"""Benchmark: registry import of 100,000 rows (target ≤ 5 s) and one lookup (target ≤ 1 ms), beside floors.

Run: .venv/bin/python benchmarks/bench_agreements.py [--rows N] [--json]
Each figure is the median of several repetitions; `floor` is the irreducible work for the same result
(the same rows through csv.reader and a bare executemany; a bare indexed SELECT), `ratio` = median / floor.

Measured 2026-11-27 on the shared build machine (busy with other test runs), 100,000 rows:
  import (validate, insert, ledger entry)  1.8–2.1 s  (floor 0.6 s)   target ≤ 5 s
  lookup one org number on a date          0.02–0.05 ms (floor 0.01–0.03 ms)   target ≤ 1 ms
Validation is dominated by the per-row Luhn check (python-stdnum) and Python's per-row overhead.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stdnum import luhn  # noqa: E402

from asfverify import workspace  # noqa: E402
from asfverify.agreements import registry  # noqa: E402
from asfverify.agreements.sources import RegistrySource  # noqa: E402

ROWS = 100_000
IMPORT_TARGET_S = 5.0
LOOKUP_TARGET_S = 0.001
HEADER = "org_number;counterparty;agreement;kind;valid_from;valid_to\n"


def luhn_digit(nine: str) -> str:
    """The check digit that makes `nine` + digit Luhn-valid."""
    return luhn.calc_check_digit(nine)


def org_numbers(n: int, seed: int = 7) -> list[str]:
    """n distinct valid org numbers (group 5, 7 or 8; month digits ≥ 20)."""
    rng = random.Random(seed)
    seen: set[str] = set()
    while len(seen) < n:
        nine = rng.choice("578") + rng.choice("0123456789") + str(rng.randint(2, 9)) + f"{rng.randint(0, 999999):06d}"
        seen.add(nine + luhn_digit(nine))
    return [f"{x[:6]}-{x[6:]}" for x in sorted(seen)]


def registry_csv(numbers: list[str]) -> bytes:
    """A registry file with one agreement per number, every fifth one expired."""
    parts = [HEADER]
    for i, org in enumerate(numbers):
        if i % 5 == 0:
            parts.append(f"{org};Kommunal;Hängavtal till ASF-avtalet;hängavtal;2020-03-01;2023-02-28\n")
        else:
            parts.append(f"{org};Fremia;Kollektivavtal för arbetsintegrerande sociala företag (ASF-avtalet);medlemskap;2019-09-01;\n")
    return "".join(parts).encode("utf-8")


def median_time(fn: Callable[[], Any], repeat: int, setup: Callable[[], Any] | None = None) -> float:
    """Median wall time of fn() over `repeat` runs (setup, untimed, before each)."""
    times = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def row(figure: str, median: float, floor: float, target: float | None = None, floor_label: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {"figure": figure, "median": median, "floor": floor, "floor_label": floor_label,
                           "ratio": median / floor if floor else None}
    if target is not None:
        out["target"] = target
        out["ok"] = median <= target
    return out


def rows(n: int = ROWS, repeat: int = 3, lookups: int = 2000) -> list[dict[str, Any]]:
    """Measure and return the figures: import, parse-only and lookups, each with its floor."""
    numbers = org_numbers(n)
    data = registry_csv(numbers)
    out: list[dict[str, Any]] = []

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        csv_path = tmp_path / "registry.csv"
        csv_path.write_bytes(data)

        # -- parsing: validate every row vs csv.reader alone
        def parse_floor() -> None:
            list(csv.reader(io.StringIO(data.decode("utf-8")), delimiter=";"))

        out.append(row(f"parse + validate {n:,} rows", median_time(lambda: registry.parse_registry(data, "r.csv"), repeat),
                       median_time(parse_floor, repeat), floor_label="csv.reader alone"))

        # -- import: a fresh workspace each time (key creation untimed), ledgered, all-or-nothing
        state: dict[str, Any] = {"i": 0}

        def fresh_ws() -> None:
            state["i"] += 1
            state["ws"] = workspace.init(tmp_path / f"ws{state['i']}")

        full = median_time(lambda: registry.import_file(state["ws"], csv_path), repeat, setup=fresh_ws)

        def insert_floor() -> None:
            # The same rows read by csv.reader and written by one executemany into the same indexed tables.
            db = state["ws"].db()
            records = list(csv.reader(io.StringIO(data.decode("utf-8")), delimiter=";"))[1:]
            with db.atomic():
                db.conn.execute("INSERT INTO agreement_imports (file_sha256, file_name, rows, imported_at) VALUES ('f', 'f', 0, 'now')")
                db.conn.executemany(
                    "INSERT INTO agreements (org_number, counterparty, agreement, kind, valid_from, valid_to, import_id, row_number)"
                    " VALUES (?, ?, ?, ?, ?, ?, 1, 0)",
                    (tuple(r[:5]) + (r[5] or None,) for r in records),
                )
            db.close()

        out.append(row(f"import {n:,} rows (validate, insert, ledger entry)", full,
                       median_time(insert_floor, repeat, setup=fresh_ws), IMPORT_TARGET_S,
                       floor_label="csv.reader + one executemany into the same tables"))

        # -- lookups on the last imported workspace
        ws = state["ws"]
        registry.import_file(ws, csv_path)
        rng = random.Random(11)
        sample = [rng.choice(numbers) for _ in range(lookups)]
        day = dt.date(2026, 10, 31)
        db = ws.db()
        per = _per_call(lambda org: registry.lookup(db, org, day), sample)
        conn = sqlite3.connect(str(ws.db_path))
        bare = _per_call(lambda org: conn.execute("SELECT * FROM agreements WHERE org_number = ?", (org,)).fetchall(), sample)
        out.append(row("lookup one org number on a date", per, bare, LOOKUP_TARGET_S, floor_label="bare indexed SELECT"))
        source = RegistrySource(ws)
        per_source = _per_call(lambda org: source.lookup(org, day), sample[:200])
        out.append(row("verifier's registry source lookup (opens the workspace database)", per_source, bare,
                       floor_label="bare indexed SELECT"))
        conn.close()
        db.close()
    return out


def _per_call(fn: Callable[[str], Any], args: list[str]) -> float:
    """Median seconds per call over 5 batches of the given arguments."""
    batches = []
    for _ in range(5):
        start = time.perf_counter()
        for a in args:
            fn(a)
        batches.append((time.perf_counter() - start) / len(args))
    return statistics.median(batches)


def _fmt(seconds: float) -> str:
    return f"{seconds * 1000:.3f} ms" if seconds < 1 else f"{seconds:.3f} s"


def main(argv: list[str] | None = None) -> int:
    """Print the figures as a table (or JSON); exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    results = rows(args.rows, args.repeat)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(f"{'figure':<66} {'median':>12} {'floor':>12} {'ratio':>7}  target")
        for r in results:
            target = f"≤ {_fmt(r['target'])} {'ok' if r['ok'] else 'MISSED'}" if "target" in r else ""
            print(f"{r['figure']:<66} {_fmt(r['median']):>12} {_fmt(r['floor']):>12} {r['ratio']:>6.1f}x  {target}")
    return 0 if all(r.get("ok", True) for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
