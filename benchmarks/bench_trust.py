"""Whole-process `asfverify verify CERT --trust-list FILE` (200 certifiers × 3 keys) beside `python -c pass`.

Run: .venv/bin/python benchmarks/bench_trust.py   (prints a Markdown table; target ≤ 0.25 s)
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_verify import _cli, _issue, _median_seconds  # noqa: E402
from common import luhn_complete  # noqa: E402

CERTIFIERS = 200
KEYS_EACH = 3
TARGET_SECONDS = 0.25


def _synthetic_certifier(n: int) -> dict:
    """A listed certifier with three keys (two rotated out), both logs, a policy and two periods."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    from asfverify.ledger.note import format_vkey
    from asfverify.multibase import did_key

    origin, register = f"cert{n}.example/ledger", f"cert{n}.example/asf/register"
    publics = [Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
               for _ in range(KEYS_EACH)]
    bounds = ["2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z", None]
    keys = [{"id": did_key(p), "vkey": format_vkey(origin, p), "validFrom": bounds[i], "validUntil": bounds[i + 1]}
            for i, p in enumerate(publics)]
    org = luhn_complete(f"5566{n:05d}")
    return {
        "name": f"Certifieringsorgan {n} AB", "orgNumber": f"{org[:6]}-{org[6:]}", "keys": keys,
        "ledger": {"origin": origin, "vkey": format_vkey(origin, publics[-1])},
        "register": {"origin": register, "vkey": format_vkey(register, publics[-1])},
        "witnessPolicy": f"witness w{n} w{n}.example+01234567+AQAA\nquorum none\n",
        "accreditations": [
            {"criteriaSets": ["asf-v1"], "validFrom": "2024-01-01T00:00:00Z", "validUntil": "2025-06-01T00:00:00Z"},
            {"criteriaSets": ["asf-v1"], "validFrom": "2025-09-01T00:00:00Z", "validUntil": None},
        ],
    }


def make_list(root: Path, ws_root: Path) -> tuple[Path, str]:
    """A signed trust list of CERTIFIERS certifiers, the workspace's certifier last; (file, owner did)."""
    from asfverify import workspace
    from asfverify.issuer import build_issuer_json
    from asfverify.trustlist.owner import CERTIFIERS_FILE, add_certifier, init_owner, sign_list

    owner = init_owner(root / "owner", "Bench Scheme Owner")
    synthetic = [_synthetic_certifier(n) for n in range(CERTIFIERS - 1)]
    (owner.root / CERTIFIERS_FILE).write_text(json.dumps({"certifiers": synthetic}), encoding="utf-8")
    add_certifier(owner, build_issuer_json(workspace.find(ws_root)), ("asf-v1",), "2020-01-01T00:00:00Z", None)
    signed, _ = sign_list(owner)
    path = root / "trust-list.json"
    path.write_text(json.dumps(signed, indent=2, ensure_ascii=False), encoding="utf-8")
    return path, owner.did


def rows() -> list[dict]:
    root = Path(tempfile.mkdtemp(prefix="asfverify-bench-trust-"))
    try:
        cert, _status, pem = _issue(root)
        listing, owner_did = make_list(root, root / "ws")
        env = {k: v for k, v in os.environ.items() if not k.startswith("ASFVERIFY_")}
        floor = _median_seconds([sys.executable, "-c", "pass"], env=env)
        size = listing.stat().st_size
        cases = [
            ("asfverify verify CERT --trust PEM", [*_cli(), "verify", str(cert), "--trust", str(pem)]),
            (f"asfverify verify CERT --trust-list FILE ({CERTIFIERS} certifiers × {KEYS_EACH} keys, {size // 1000} kB)",
             [*_cli(), "verify", str(cert), "--trust-list", str(listing), "--trust-list-key", owner_did]),
        ]
        out = []
        for figure, argv in cases:
            check = subprocess_check(argv, env, root)
            if check:
                raise RuntimeError(f"{figure} failed: {check}")
            median = _median_seconds(argv, env=env)
            out.append({"figure": figure, "median": round(median, 4), "floor": round(floor, 4),
                        "floor_label": "python -c pass (process)", "ratio": round(median / floor, 2),
                        "target": f"≤ {TARGET_SECONDS} s"})
        return out
    finally:
        shutil.rmtree(root, ignore_errors=True)


def subprocess_check(argv: list[str], env: dict[str, str], cwd: Path) -> str | None:
    import subprocess

    proc = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=cwd)
    return None if proc.returncode == 0 else proc.stdout + proc.stderr


def main() -> None:
    print("| figure | median (s) | `python -c pass` (s) | ratio | target |")
    print("|---|---|---|---|---|")
    for row in rows():
        verdict = "ok" if row["median"] <= TARGET_SECONDS else "OVER"
        print(f"| {row['figure']} | {row['median']:.3f} | {row['floor']:.3f} | {row['ratio']:.1f}× | ≤ {TARGET_SECONDS} s {verdict} |")


if __name__ == "__main__":
    main()
