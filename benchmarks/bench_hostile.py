"""Hostile documents: wall time and peak memory of `asfverify run` on each, and the cost of bounding.

- each hostile document (a ~1.5 MB PDF whose one page inflates to 1 GiB, as bylaws and as payroll;
  an XLSX with sparse rows reaching column 16,384; a CSV with one 49 MB line) run as a package with
  max_seconds_per_document = 10: median wall time of the whole command and peak RSS of the largest
  process in its tree (the parent or a parser's child), beside the limit it must stay within;
- the fast path: `run` of the example package with parsing in bounded child processes (the
  default) beside the same run parsed in-process (ASFVERIFY_INPROCESS_PARSE=1), cold cache.

`python benchmarks/bench_hostile.py` prints the rows; benchmarks/run.py includes them as "hostile".
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

from common import EXAMPLE, clean_env, cli, fresh_workspace, time_command  # noqa: E402
from hostile import inflating_pdf, long_line_csv, wide_xlsx  # noqa: E402

LIMIT_SECONDS = 10
MiB = 1024 * 1024
# The command, then the peak RSS (KiB) of the largest process in its tree, on the last stderr line.
PEAK = ("import resource, subprocess, sys; "
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
        "sys.stdout.write(p.stdout); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(p.returncode)")


def _package(root: Path, source: Path, name: str, kind: str) -> Path:
    root.mkdir(parents=True)
    shutil.copy(source, root / name)
    (root / "application.toml").write_text(
        '[organisation]\nname = "Test ek. för."\norg_number = "769612-3459"\n'
        f'[application]\nreference_date = 2026-10-31\n[[documents]]\npath = "{name}"\nkind = "{kind}"\n',
        encoding="utf-8")
    return root


def _measure(ws: Path, pkg: Path) -> tuple[float, int, str]:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", PEAK, *cli(), "-w", str(ws), "run", "--json", str(pkg)],
                          capture_output=True, text=True, env=clean_env())
    elapsed = time.perf_counter() - start
    if proc.returncode != 1:
        raise RuntimeError(f"exit {proc.returncode}: {proc.stderr[-300:]}")
    errors = [r["summary"] for r in json.loads(proc.stdout)["results"] if r["outcome"] == "error"]
    return elapsed, int(proc.stderr.strip().splitlines()[-1]) * 1024, errors[0] if errors else "no error result"


def hostile_rows(runs: int = 3) -> list[dict]:
    root = Path(tempfile.mkdtemp(prefix="asfverify-bench-hostile-"))
    try:
        ws = fresh_workspace(root / "ws")
        with (ws / "asfverify.toml").open("a", encoding="utf-8") as fh:
            fh.write(f"\n[limits]\nmax_seconds_per_document = {LIMIT_SECONDS}\n")
        bomb = inflating_pdf(root / "bomb.pdf")
        docs = [
            (f"1 GiB-page PDF ({bomb.stat().st_size / MiB:.1f} MB) as bylaws", bomb, "stadgar.pdf", "bylaws"),
            ("1 GiB-page PDF as payroll (pdfplumber tables)", bomb, "lista.pdf", "payroll"),
            ("XLSX, 20,000 sparse rows to column 16,384 (0.3 MB)", wide_xlsx(root / "wide.xlsx"), "lista.xlsx", "payroll"),
            ("CSV with one 49 MB line", long_line_csv(root / "long.csv"), "lista.csv", "payroll"),
        ]
        out = []
        for number, (label, source, name, kind) in enumerate(docs):
            pkg = _package(root / f"pkg{number}", source, name, kind)
            samples = [_measure(ws, pkg) for _ in range(runs)]
            elapsed = sorted(s[0] for s in samples)[len(samples) // 2]
            peak = max(s[1] for s in samples)
            why = samples[0][2].split(": ", 1)[-1][:90]
            out.append({"figure": f"run, {label} → error: {why}", "median": round(elapsed, 3),
                        "floor": LIMIT_SECONDS + 5, "floor_label": "max_seconds_per_document + 5 s", "unit": "s",
                        "ratio": round(elapsed / (LIMIT_SECONDS + 5), 2), "target": "≤ limit + 5 s"})
            out.append({"figure": f"  peak RSS, {label}", "median": round(peak / MiB, 1), "floor": 1024.0,
                        "floor_label": "1 GiB", "unit": "MB", "ratio": round(peak / MiB / 1024, 2), "target": "< 1 GiB"})
        return out
    finally:
        shutil.rmtree(root, ignore_errors=True)


def fast_path_rows(runs: int = 5) -> list[dict]:
    root = Path(tempfile.mkdtemp(prefix="asfverify-bench-bounded-"))
    try:
        ws = fresh_workspace(root / "ws")
        argv = [*cli(), "run", str(EXAMPLE), "--jobs", "1"]

        def drop_cache() -> None:
            for path in ws.glob("cache.db*"):
                path.unlink()

        env = clean_env(ASFVERIFY_WORKSPACE=str(ws))
        inproc_env = clean_env(ASFVERIFY_WORKSPACE=str(ws), ASFVERIFY_INPROCESS_PARSE="1")
        # Interleaved, so both see the same machine load.
        bounded, inproc = [], []
        for _ in range(runs):
            bounded.append(time_command(argv, env=env, before=drop_cache))
            inproc.append(time_command(argv, env=inproc_env, before=drop_cache))
        b, i = sorted(bounded)[runs // 2], sorted(inproc)[runs // 2]
        return [{"figure": "run example, cold cache, parsers in bounded child processes (process)", "median": round(b, 4),
                 "floor": round(i, 4), "floor_label": "same run parsed in-process (ASFVERIFY_INPROCESS_PARSE=1)",
                 "ratio": round(b / i, 2), "target": "≈ 1×", "unit": "s"}]
    finally:
        shutil.rmtree(root, ignore_errors=True)


def fork_overhead_rows(samples: int = 50) -> list[dict]:
    """One bounded parse's own cost (fork, RLIMIT_AS, pickling 20 pages back, wait) in this process."""
    import pdfplumber  # noqa: F401 - the parent's size as in a real run
    import pypdfium2  # noqa: F401

    from asfverify import bounded

    pages = ["x" * 2000] * 20
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        bounded.call(lambda: list(pages), what="bench", seconds=10, memory=768 * MiB)
        times.append(time.perf_counter() - start)
    plain = []
    for _ in range(samples):
        start = time.perf_counter()
        list(pages)
        plain.append(time.perf_counter() - start)
    med = sorted(times)[samples // 2]
    return [{"figure": "one bounded parse's overhead: fork + RLIMIT_AS + 20 pages pickled back + wait", "median": round(med, 5),
             "floor": round(sorted(plain)[samples // 2], 7), "floor_label": "the same call in-process", "unit": "s",
             "ratio": None, "target": "≪ a PDF's extraction"}]


def rows() -> list[dict]:
    return fork_overhead_rows() + fast_path_rows() + hostile_rows()


def main() -> None:
    for row in rows():
        print(row)


if __name__ == "__main__":
    main()
