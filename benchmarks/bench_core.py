"""Core figures: `asfverify run` cold and cached beside raw text extraction, `--help` start-up, batches."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import EXAMPLE, clean_env, cli, fresh_workspace, generate_packages, median_of, time_command  # noqa: E402

RAW_EXTRACTION = """
import sys, pypdfium2 as pdfium
for path in sys.argv[1:]:
    pdf = pdfium.PdfDocument(path)
    for i in range(len(pdf)):
        pdf[i].get_textpage().get_text_range()
"""

PLUMBER_EXTRACTION = """
import sys, pdfplumber
for path in sys.argv[1:]:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
"""


def _row(figure: str, median: float, floor: float, floor_label: str, target: str = "", unit: str = "s") -> dict:
    return {"figure": figure, "median": round(median, 4), "floor": round(floor, 4), "floor_label": floor_label,
            "ratio": round(median / floor, 2) if floor else None, "target": target, "unit": unit}


def single_run_rows(runs: int = 5) -> list[dict]:
    root = Path(tempfile.mkdtemp(prefix="asfverify-bench-core-"))
    try:
        ws = fresh_workspace(root / "ws")
        env = clean_env(ASFVERIFY_WORKSPACE=str(ws))
        pdfs = [str(p) for p in sorted(EXAMPLE.glob("*.pdf"))]
        raw = median_of(lambda: time_command([sys.executable, "-c", RAW_EXTRACTION, *pdfs], env=env), runs)
        plumber = median_of(lambda: time_command([sys.executable, "-c", PLUMBER_EXTRACTION, *pdfs], env=env), runs)
        run_argv = [*cli(), "run", str(EXAMPLE), "--jobs", "1"]

        def drop_cache() -> None:
            for path in ws.glob("cache.db*"):
                path.unlink()

        cold = median_of(lambda: time_command(run_argv, env=env, before=drop_cache), runs)
        time_command(run_argv, env=env)  # warm the cache
        cached = median_of(lambda: time_command(run_argv, env=env), runs)
        help_time = median_of(lambda: time_command([*cli(), "--help"], env=env, ok=(0,)), runs)
        bare = median_of(lambda: time_command([sys.executable, "-c", "pass"], env=env), runs)
        return [
            _row("run example, cold cache (process)", cold, raw, "PDFium text of the same PDFs (process)", "≤ 1.3× floor"),
            _row("run example, cached (process)", cached, raw, "PDFium text of the same PDFs (process)", "≤ 0.5 s"),
            _row("pdfplumber text of the same PDFs (process)", plumber, raw, "PDFium text (process)", "kept PDFium"),
            _row("asfverify --help", help_time, bare, "python -c pass", "≤ 0.3 s"),
        ]
    finally:
        shutil.rmtree(root, ignore_errors=True)


def batch_rows(count: int = 300, runs: int = 1) -> list[dict]:
    """A batch of generated applications with --jobs 2 beside --jobs 1 (each in a fresh workspace)."""
    root = Path(tempfile.mkdtemp(prefix="asfverify-bench-batch-"))
    try:
        packages = root / "packages"
        generate_packages(packages, count)
        times: dict[int, list[float]] = {1: [], 2: []}
        for _ in range(runs):
            for jobs in (2, 1):
                ws = fresh_workspace(root / f"ws-{jobs}", registry=root / "packages-registry.csv")
                env = clean_env(ASFVERIFY_WORKSPACE=str(ws))
                start = time.perf_counter()
                proc = subprocess.run([*cli(), "run", str(packages), "--jobs", str(jobs), "--json"],
                                      env=env, capture_output=True)
                times[jobs].append(time.perf_counter() - start)
                if proc.returncode != 0:  # every generated application is certifiable
                    raise RuntimeError(f"exit {proc.returncode}: {proc.stderr.decode()[-400:]}")
        two = sorted(times[2])[len(times[2]) // 2]
        one = sorted(times[1])[len(times[1]) // 2]
        row = _row(f"batch of {count} applications, --jobs 2 (ratio: speed-up over --jobs 1)", two, one,
                   "--jobs 1, same batch", "≤ 60 s and ≥ 1.7× speed-up")
        row["ratio"] = round(one / two, 2)
        return [row]
    finally:
        shutil.rmtree(root, ignore_errors=True)


def rows() -> list[dict]:
    return single_run_rows() + batch_rows()


def main() -> None:
    for row in rows():
        print(row)


if __name__ == "__main__":
    main()
