"""Whole-process `asfverify verify CERT` beside `python -c pass`, measured in the same run.

Run: .venv/bin/python benchmarks/bench_verify.py   (prints a Markdown table; target ≤ 0.25 s)
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 15
TARGET_SECONDS = 0.25


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("asfverify")
    return [str(script)] if script.exists() else [sys.executable, "-c", "from asfverify.cli import main; main()"]


def _median_seconds(argv: list[str], runs: int = RUNS, env: dict[str, str] | None = None) -> float:
    times = []
    subprocess.run(argv, capture_output=True, env=env)  # warm the OS file cache once
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _issue(root: Path) -> tuple[Path, Path, Path]:
    """A fresh workspace with one certified run, one revoked certificate and a status list."""
    from asfverify import workspace
    from asfverify.certs.issue import build_status_list, issue_certificate, revoke_certificate
    from asfverify.ledger import open_ledger

    ws = workspace.init(root / "ws", certifier="bench", publish_prefix="https://bench.example/asf")
    criteria = [{"id": f"C{i}", "outcome": "pass", "required": True,
                 "requirements": [{"id": f"C{i}.x", "outcome": "pass"}]} for i in range(1, 7)]
    ledger = open_ledger(ws)
    # Some history before the certificate, so the inclusion path is realistic.
    for n in range(20):
        run_id = f"bench{n:04d}"
        ledger.append([
            {"kind": "run", "run_id": run_id, "organisation": {"name": "Bench ek. för.", "org_number": "769612-3459"},
             "reference_date": "2026-10-31", "criteria": "asf-v1",
             "documents": [{"path": "stadgar.pdf", "kind": "bylaws", "sha256": "a" * 64}], "plugins": []},
            {"kind": "decision", "run_id": run_id, "decision": "certifiable", "criteria": criteria},
        ])
    cert = issue_certificate(ws, "bench0000")
    revoked = issue_certificate(ws, "bench0001")
    revoke_certificate(ws, revoked["id"], "benchmark")
    cert_path, status_path = root / "cert.json", root / "status.json"
    cert_path.write_text(json.dumps(cert, ensure_ascii=False), encoding="utf-8")
    status_path.write_text(json.dumps(build_status_list(ws), ensure_ascii=False), encoding="utf-8")
    return cert_path, status_path, ws.keys_dir / "ledger.pub"


def rows() -> list[dict]:
    """Median wall time of the verify commands, the `python -c pass` floor and their ratio."""
    root = Path(tempfile.mkdtemp(prefix="asfverify-bench-"))
    try:
        cert, status, pem = _issue(root)
        env = {k: v for k, v in os.environ.items() if k != "ASFVERIFY_WORKSPACE"}
        floor = _median_seconds([sys.executable, "-c", "pass"], env=env)
        cases = [
            ("asfverify verify CERT --trust PEM", [*_cli(), "verify", str(cert), "--trust", str(pem)]),
            ("asfverify verify CERT --trust PEM --status FILE",
             [*_cli(), "verify", str(cert), "--trust", str(pem), "--status", str(status)]),
        ]
        out = []
        for figure, argv in cases:
            check = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=root)
            if check.returncode != 0:
                raise RuntimeError(f"{figure} failed: {check.stdout}{check.stderr}")
            median = _median_seconds(argv, env=env)
            out.append({"figure": figure, "median": round(median, 4), "floor": round(floor, 4),
                        "floor_label": "python -c pass (process)", "ratio": round(median / floor, 2),
                        "target": f"≤ {TARGET_SECONDS} s"})
        return out
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    """Print the figures as a Markdown table."""
    print("| figure | median (s) | `python -c pass` (s) | ratio | target |")
    print("|---|---|---|---|---|")
    for row in rows():
        verdict = "ok" if row["median"] <= TARGET_SECONDS else "OVER"
        print(f"| {row['figure']} | {row['median']:.3f} | {row['floor']:.3f} | {row['ratio']:.1f}× | ≤ {TARGET_SECONDS} s {verdict} |")


if __name__ == "__main__":
    main()
