"""Witness add-checkpoint round trips on localhost, and 4 concurrent clients keeping the state monotonic.

The witness runs as its own process (`asfverify witness serve --port 0`), as in use. Figures:
- the median round trip of POST /add-checkpoint on a keep-alive connection (each request grows
  the log by one entry and carries its consistency proof, so every one is a real cosigning: log
  signature check, proof check, SQLite BEGIN IMMEDIATE + durable commit, Ed25519 cosignature),
  beside GET / on the same connection (the HTTP round trip alone) measured in the same run;
- 4 clients × 250 requests at once, each asking for a size just past what it believes the witness
  holds (a 409 corrects the belief), while a monitor polls the checkpoint: the sizes it sees must
  never decrease and the final size must be the largest one cosigned.

Run: .venv/bin/python benchmarks/bench_witness.py   (target: median ≤ 5 ms)
"""

from __future__ import annotations

import hashlib
import http.client
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

SEQUENTIAL = 400
CLIENTS, PER_CLIENT = 4, 250
TARGET_MS = 5.0
ORIGIN = "bench.example/register"


class _Log:
    """Leaf hashes with every subtree hash cached, so proofs cost nothing inside the timed loop."""

    def __init__(self, size: int):
        from asfverify.ledger.merkle import leaf_hash

        self.leaves = [leaf_hash(f"entry {i}".encode()) for i in range(size)]
        self.key = Ed25519PrivateKey.generate()
        self.public = self.key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self._cache: dict[tuple[int, int], bytes] = {}

    def mth(self, start: int, end: int) -> bytes:
        from asfverify.ledger.merkle import node_hash, split_point

        key = (start, end)
        if key not in self._cache:
            if end - start == 1:
                self._cache[key] = self.leaves[start]
            else:
                k = split_point(end - start)
                self._cache[key] = node_hash(self.mth(start, start + k), self.mth(start + k, end))
        return self._cache[key]

    def checkpoint(self, size: int) -> str:
        from asfverify.ledger.note import format_checkpoint, sign_note

        return sign_note(format_checkpoint(ORIGIN, size, self.mth(0, size)), ORIGIN, self.public, self.key.sign)

    def body(self, old: int, new: int) -> bytes:
        from asfverify.ledger.merkle import consistency_path
        from asfverify.witness.protocol import format_add_checkpoint

        proof = consistency_path(old, new, self.mth) if 0 < old < new else []
        return format_add_checkpoint(old, proof, self.checkpoint(new))


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("asfverify")
    return [str(script)] if script.exists() else [sys.executable, "-m", "asfverify"]


def _start_witness(root: Path, log: _Log) -> tuple[subprocess.Popen, int]:
    from asfverify.ledger.note import format_vkey

    folder = root / "witness"
    subprocess.run([*_cli(), "witness", "init", str(folder), "--name", "bench.example/witness"],
                   check=True, capture_output=True)
    subprocess.run([*_cli(), "witness", "add-log", str(folder), format_vkey(ORIGIN, log.public)],
                   check=True, capture_output=True)
    proc = subprocess.Popen([*_cli(), "witness", "serve", str(folder), "--port", "0"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    line = proc.stderr.readline() if proc.stderr else ""
    if "http://127.0.0.1:" not in line:
        proc.kill()
        raise RuntimeError(f"witness did not start: {line}")
    return proc, int(line.split("http://127.0.0.1:")[1].split()[0])


def _request(conn: http.client.HTTPConnection, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
    conn.request(method, path, body=body)
    response = conn.getresponse()
    return response.status, response.read()


def _sequential(port: int, log: _Log, start: int) -> tuple[list[float], list[float]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    bodies = [log.body(size - 1 if size > 1 else 0, size) for size in range(start + 1, start + SEQUENTIAL + 1)]
    posts, gets = [], []
    for body in bodies:
        t0 = time.perf_counter()
        status, answer = _request(conn, "POST", "/add-checkpoint", body)
        posts.append(time.perf_counter() - t0)
        if status != 200:
            raise RuntimeError(f"add-checkpoint answered {status}: {answer[:200]!r}")
        t0 = time.perf_counter()
        status, _ = _request(conn, "GET", "/")
        gets.append(time.perf_counter() - t0)
    conn.close()
    return posts, gets


def _concurrent(port: int, log: _Log, base: int) -> dict:
    top = base + CLIENTS * CLIENTS * PER_CLIENT  # room for every request to advance by up to CLIENTS
    origin_hash = hashlib.sha256(ORIGIN.encode()).hexdigest()
    seen: list[int] = []
    errors: list[str] = []
    counts = {"200": 0, "409": 0}
    lock = threading.Lock()
    stop = threading.Event()

    def monitor() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while not stop.is_set():
            status, body = _request(conn, "GET", f"/{origin_hash}/checkpoint")
            if status == 200:
                seen.append(int(body.split(b"\n")[1]))
        conn.close()

    cosigned: list[int] = []

    def client(c: int) -> None:
        # Exactly PER_CLIENT requests; each asks for a size c+1 past what it believes the witness
        # holds, so the four race for neighbouring sizes; a 409 corrects the belief.
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        known = base
        for _ in range(PER_CLIENT):
            size = min(known + 1 + c, top)
            status, body = _request(conn, "POST", "/add-checkpoint", log.body(known, size))
            with lock:
                counts[str(status)] = counts.get(str(status), 0) + 1
            if status == 409:
                known = int(body)
            elif status == 200:
                cosigned.append(size)
                known = size
            else:
                errors.append(f"{status} {body[:100]!r}")
                return
        conn.close()

    for size in range(base + 1, top + 1):  # warm the subtree cache outside the timed part
        log.mth(0, size)
    watcher = threading.Thread(target=monitor)
    watcher.start()
    threads = [threading.Thread(target=client, args=(c,)) for c in range(CLIENTS)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    stop.set()
    watcher.join()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    final = int(_request(conn, "GET", f"/{origin_hash}/checkpoint")[1].split(b"\n")[1])
    conn.close()
    monotonic = seen == sorted(seen) and bool(cosigned) and final == max(cosigned) and not errors
    return {"elapsed": elapsed, "requests": sum(counts.values()), "counts": counts, "final": final,
            "monotonic": monotonic, "observations": len(seen), "errors": errors}


def rows() -> list[dict]:
    root = Path(tempfile.mkdtemp(prefix="asfverify-witness-bench-"))
    log = _Log(SEQUENTIAL + CLIENTS * CLIENTS * PER_CLIENT + 10)
    proc, port = _start_witness(root, log)
    try:
        for size in range(1, SEQUENTIAL + 1):
            log.mth(0, size)
        posts, gets = _sequential(port, log, 0)
        post_ms = statistics.median(posts) * 1000
        get_ms = statistics.median(gets) * 1000
        p90 = sorted(posts)[int(len(posts) * 0.9)] * 1000
        race = _concurrent(port, log, SEQUENTIAL)
        if not race["monotonic"]:
            raise RuntimeError(f"state not monotonic: {race}")
        return [
            {"figure": f"witness add-checkpoint round trip, localhost keep-alive ({SEQUENTIAL} requests; p90 {p90:.2f} ms)",
             "median": post_ms / 1000, "floor": get_ms / 1000, "floor_label": "GET / on the same connection",
             "ratio": post_ms / get_ms, "target": f"≤ {TARGET_MS:.0f} ms"},
            {"figure": (f"witness, {CLIENTS} clients × {PER_CLIENT} requests racing ({race['requests']} requests: "
                        f"{race['counts'].get('200', 0)} cosigned, {race['counts'].get('409', 0)} × 409); "
                        f"monitor saw {race['observations']} sizes, never decreasing; final {race['final']} "
                        "= largest cosigned"),
             "median": f"{race['requests'] / race['elapsed']:.0f} requests/s", "floor": None,
             "target": "state monotonic"},
        ]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    for row in rows():
        median = row["median"] if isinstance(row["median"], str) else f"{row['median'] * 1000:.2f} ms"
        floor = "" if row["floor"] is None else f"{row['floor'] * 1000:.2f} ms"
        print(f"| {row['figure']} | {median} | {row.get('floor_label', '')} {floor} | {row['target']} |")


if __name__ == "__main__":
    main()
