"""Ledger benchmark: each figure beside its floor measured in the same run, as markdown rows.

    python benchmarks/bench_ledger.py            # full sizes (100,000-entry verify, 1,000,000-entry log)
    python benchmarks/bench_ledger.py --quick    # a tenth of the sizes, for a smoke run

Targets (issue 3): append >= 5,000 signed entries/s in one transaction; one run's commit <= 50 ms;
`ledger verify` of 100,000 entries <= 1.3x verifying 100,000 Ed25519 signatures alone (both cores
may be used); an inclusion proof in a 1,000,000-entry log <= 10 ms.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from asfverify import workspace  # noqa: E402
from asfverify.ledger import merkle, open_ledger  # noqa: E402
from asfverify.ledger.canon import canonical_entry  # noqa: E402

ORG = {"name": "Exempelkooperativet ek. för.", "org_number": "769600-0004"}
RUN_RESULTS = 12  # a run records itself, 12 verifier results and the decision: 14 entries


def run_entries(run_id: str, results: int = RUN_RESULTS) -> list[dict[str, Any]]:
    """Entries shaped like what `asfverify run` records."""
    out: list[dict[str, Any]] = [{
        "kind": "run", "run_id": run_id, "organisation": ORG, "reference_date": "2026-10-31",
        "criteria": "asf-v1", "documents": [{"kind": "bylaws", "sha256": "3f" * 32}, {"kind": "payroll", "sha256": "a1" * 32}],
        "plugins": [{"name": "asfverify", "version": "0.1.0"}],
    }]
    for i in range(results):
        out.append({
            "kind": "result", "run_id": run_id, "organisation": ORG, "verifier": "bylaws", "version": "0.1.0",
            "requirement": f"C{i % 6 + 1}.purpose", "outcome": "pass",
            "summary": "Stadgarna anger att överskottet återinvesteras i verksamheten.",
            "evidence": [{"document": "3f" * 32, "page": i % 5 + 1, "excerpt": "Överskottet ska i sin helhet återinvesteras."}],
            "metrics": {"employees": 14, "eligible": 9},
        })
    out.append({"kind": "decision", "run_id": run_id, "organisation": ORG, "decision": "certifiable"})
    return out


def _median_time(fn: Callable[[], Any], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _paired_medians(fn: Callable[[], Any], floor: Callable[[], Any], repeats: int) -> tuple[float, float]:
    """Medians of fn and its floor, measured alternately so that load changes hit both alike."""
    times, floors = [], []
    for _ in range(repeats):
        for target, out in ((fn, times), (floor, floors)):
            start = time.perf_counter()
            target()
            out.append(time.perf_counter() - start)
    return statistics.median(times), statistics.median(floors)


def _workspace(root: Path):
    os.environ.pop("ASFVERIFY_KEY_PASSPHRASE", None)
    return workspace.init(root, certifier="bench")


def bench_append(tmp: Path, n: int = 5000, repeats: int = 5) -> dict[str, Any]:
    ledger = open_ledger(_workspace(tmp / "append"))
    entries = [e for r in range(n // 14 + 1) for e in run_entries(f"r{r}")][:n]

    def append_all() -> None:
        with ledger.transaction() as tx:
            for entry in entries:
                tx.append(entry)

    signer = ledger.signer
    payloads = [canonical_entry({**e, "time": "2026-11-27T00:00:00Z", "actor": "bench"}) for e in entries]

    def sign_all() -> None:
        for data in payloads:
            signer.sign(data)

    t, floor = _paired_medians(append_all, sign_all, repeats)
    return {"figure": f"append, {n:,} signed entries in one transaction", "median": f"{n / t:,.0f} entries/s",
            "floor": f"{n / floor:,.0f} entries/s (Ed25519 signing alone)", "ratio": t / floor,
            "target": ">= 5,000 entries/s", "value": n / t}


def bench_commit(tmp: Path, runs: int = 40) -> dict[str, Any]:
    ledger = open_ledger(_workspace(tmp / "commit"))
    for i in range(20):  # a ledger that is not empty
        ledger.append(run_entries(f"warm-{i}"))
    counter = iter(range(10**9))
    t = _median_time(lambda: ledger.append(run_entries(f"run-{next(counter)}")), runs)
    signer = ledger.signer
    payloads = [canonical_entry(e) for e in run_entries("floor")] + [b"origin\n100\n" + b"A" * 44 + b"\n"]
    floor = _median_time(lambda: [signer.sign(p) for p in payloads], runs)
    return {"figure": f"one run's commit ({RUN_RESULTS + 2} entries + checkpoint)", "median": f"{t * 1000:.1f} ms",
            "floor": f"{floor * 1000:.1f} ms (signing its {len(payloads)} messages alone)", "ratio": t / floor,
            "target": "<= 50 ms", "value": t * 1000}


def build(ledger, n: int, per_tx: int, small: bool = False) -> None:
    """Fill a ledger with n entries in transactions of per_tx entries."""
    i = 0
    batch: list[dict[str, Any]] = []
    while i < n:
        count = min(per_tx, n - i)
        if small:
            batch = [{"kind": "result", "run_id": f"r{(i + k) // 14}", "n": i + k} for k in range(count)]
        else:
            batch = [e for r in range(count // 14 + 1) for e in run_entries(f"b{i}-{r}")][:count]
        with ledger.transaction() as tx:
            for entry in batch:
                tx.append(entry)
        i += count


_MSGS: list[bytes] = []
_SIGS: list[bytes] = []
_PUB = b""


def _verify_span(span: tuple[int, int]) -> int:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    key = Ed25519PublicKey.from_public_bytes(_PUB)
    for i in range(*span):
        key.verify(_SIGS[i], _MSGS[i])
    return span[1] - span[0]


def _verify_signatures_alone(jobs: int) -> None:
    import multiprocessing

    n = len(_MSGS)
    step = -(-n // (jobs * 32))  # as fine-grained as ledger verify's own tasks
    spans = [(s, min(n, s + step)) for s in range(0, n, step)]
    if jobs <= 1:
        for span in spans:
            _verify_span(span)
        return
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        assert sum(pool.imap_unordered(_verify_span, spans)) == n


def bench_verify(tmp: Path, n: int = 100_000, repeats: int = 5) -> dict[str, Any]:
    global _MSGS, _SIGS, _PUB
    ledger = open_ledger(_workspace(tmp / "verify"))
    build(ledger, n, per_tx=14)  # one checkpoint per run-sized transaction, as in real use
    jobs = os.cpu_count() or 1
    report = ledger.verify()
    assert report.ok, report.problem
    rows = ledger.db.conn.execute("SELECT entry, signature FROM ledger_entries ORDER BY idx").fetchall()
    _MSGS = [r[0].encode() for r in rows]
    _SIGS = [bytes(r[1]) for r in rows]
    _PUB = ledger.signer.public_key
    del rows
    t, floor = _paired_medians(lambda: ledger.verify(jobs=jobs), lambda: _verify_signatures_alone(jobs), repeats)
    _MSGS, _SIGS = [], []
    return {"figure": f"`ledger verify` of {n:,} entries ({report.checkpoints:,} checkpoints), {jobs} processes",
            "median": f"{t:.2f} s", "floor": f"{floor:.2f} s (verifying {n:,} Ed25519 signatures alone, {jobs} processes)",
            "ratio": t / floor, "target": "<= 1.3x floor", "value": t}


def bench_inclusion(tmp: Path, n: int = 1_000_000, samples: int = 300) -> dict[str, Any]:
    ledger = open_ledger(_workspace(tmp / "inclusion"))
    build(ledger, n, per_tx=10_000, small=True)
    size = ledger.size()
    root = ledger.root()
    rng = random.Random(7)
    indexes = [rng.randrange(size) for _ in range(samples)]
    proofs: dict[int, list[bytes]] = {}
    times = []
    for i in indexes:
        start = time.perf_counter()
        proofs[i] = ledger.inclusion_proof(i)
        times.append(time.perf_counter() - start)
    leaves = {i: bytes.fromhex(ledger.get(i).leaf_hash) for i in indexes}
    floor_times = []
    for i in indexes:
        start = time.perf_counter()
        ok = merkle.verify_inclusion(i, size, leaves[i], proofs[i], root)
        floor_times.append(time.perf_counter() - start)
        assert ok
    t, floor = statistics.median(times), statistics.median(floor_times)
    return {"figure": f"inclusion proof in a {size:,}-entry log (random index, {samples} samples)",
            "median": f"{t * 1000:.2f} ms", "floor": f"{floor * 1000:.3f} ms (recomputing the root from the path)",
            "ratio": t / floor, "target": "<= 10 ms", "value": t * 1000}


def rows(scale: float = 1.0) -> list[dict[str, Any]]:
    """Run every ledger benchmark; scale shrinks the 100,000 and 1,000,000 sizes for a quick run."""
    with tempfile.TemporaryDirectory(prefix="bench-ledger-") as tmp_name:
        tmp = Path(tmp_name)
        return [
            bench_append(tmp),
            bench_commit(tmp),
            bench_verify(tmp, n=max(1000, int(100_000 * scale))),
            bench_inclusion(tmp, n=max(1000, int(1_000_000 * scale))),
        ]


def markdown(table: list[dict[str, Any]]) -> str:
    lines = ["| figure | median | floor measured in the same run | ratio | target |", "|---|---|---|---|---|"]
    for row in table:
        lines.append(f"| {row['figure']} | {row['median']} | {row['floor']} | {row['ratio']:.2f} | {row['target']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Print the benchmark table as markdown."""
    args = sys.argv[1:] if argv is None else argv
    scale = 0.1 if "--quick" in args else 1.0
    print(markdown(rows(scale)), flush=True)


if __name__ == "__main__":
    main()
