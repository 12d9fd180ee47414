"""Register benchmarks (issue 14): publish and monitor at scale, each beside a floor measured in the same run.

    python benchmarks/bench_register.py            # 100,000-entry incremental publish and monitor, 1,000,000 full
    python benchmarks/bench_register.py --quick    # a tenth of the sizes, for a smoke run

Targets: `publish` after one new certificate into a 100,000-entry register <= 0.5 s and <= 2x the time
to write only the files that changed; a full `publish` of a 1,000,000-entry register <= 60 s (beside
hashing the same leaves into tiles); `monitor` catching up on 100,000 new entries from a folder <= 10 s.

Big registers are generated in bulk: entries shaped like what certify/publish append, signed by the
workspace key, inserted with executemany together with their subtree nodes and one checkpoint.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from click.testing import CliRunner  # noqa: E402

from asfverify import workspace  # noqa: E402
from asfverify.cli import cli  # noqa: E402
from asfverify.ledger import merkle  # noqa: E402
from asfverify.ledger.canon import canonical_entry  # noqa: E402
from asfverify.ledger.note import format_checkpoint, sign_note  # noqa: E402
from asfverify.ledger.schema import CREDENTIALS  # noqa: E402
from asfverify.publish.registry import open_logs  # noqa: E402
from asfverify.publish.tiles import encode_bundle, tiles_for  # noqa: E402

PREFIX = "https://certifier.example/asf"
# The register's own files only: the directory pages (asfverify.web, PDFs per certificate) have their
# own benchmarks, and a generated credential is not a renderable certificate.
import asfverify.publish.site as _site  # noqa: E402

_site.PAGE_MODULES = ()
CERT_SHARE = 2  # every other entry is a certificate


def _credential(i: int, time_text: str) -> dict[str, Any]:
    """A small credential of the certificate's shape (the register entry holds its digest)."""
    return {"@context": ["https://www.w3.org/ns/credentials/v2"], "id": f"urn:uuid:{uuid.UUID(int=i)}",
            "type": ["VerifiableCredential", "AsfCertificate"], "issuer": "did:key:z6Mkbench",
            "validFrom": time_text, "validUntil": "2028-11-01T10:00:00Z",
            "credentialSubject": {"name": f"Kooperativ {i} ek. för.", "orgNumber": "769600-0004",
                                  "criteriaSet": "asf-v1", "decision": "certifiable"}}


def _entry(i: int) -> dict[str, Any]:
    """Entry i of a generated register: half certificates, the rest status lists, ledger-anchor-like
    entries and the odd suspension (as publishing and certifying produce them)."""
    time_text = f"2026-11-{i % 28 + 1:02d}T10:00:00Z"
    if i % CERT_SHARE == 0:
        from asfverify.certs.credential import credential_digest

        return {"kind": "certificate", "cert_id": f"urn:uuid:{uuid.UUID(int=i)}", "time": time_text,
                "actor": "Certifieringsorganet AB",
                "organisation": {"name": f"Kooperativ {i} ek. för.", "org_number": "769600-0004"},
                "criteria_set": "asf-v1", "credential_sha256": credential_digest(_credential(i, time_text)),
                "valid_from": time_text, "valid_until": "2028-11-01T10:00:00Z", "status_index": i // CERT_SHARE}
    if i % 40 == 1:
        return {"kind": "suspension", "cert_id": f"urn:uuid:{uuid.UUID(int=i - 1)}", "status_index": (i - 1) // CERT_SHARE,
                "reason_category": "under-investigation", "time": time_text, "actor": "Certifieringsorganet AB"}
    return {"kind": "status-list", "purpose": "revocation", "url": PREFIX + "/status/revocation.json",
            "sha256": f"{i:064x}", "valid_from": time_text, "valid_until": "2026-12-31T10:00:00Z",
            "time": time_text, "actor": "Certifieringsorganet AB"}


def make_workspace(root: Path, entries: int) -> Path:
    """A workspace whose register holds `entries` signed entries (bulk-inserted) and a checkpoint."""
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(root), "--certifier", "Certifieringsorganet AB", "--org-number",
                               "556677-8899", "--publish-prefix", PREFIX]).exit_code == 0
    ws = workspace.find(root)
    ledger, register = open_logs(ws)
    signer = register.signer
    conn = register.db.conn
    t = register.tables
    frontier: list[tuple[int, bytes]] = []
    rows, nodes, creds = [], [], []
    conn.execute("BEGIN IMMEDIATE")
    for i in range(entries):
        entry = _entry(i)
        if entry["kind"] == "certificate":
            creds.append((entry["cert_id"], i, json.dumps(_credential(i, entry["time"]), ensure_ascii=False)))
        data = canonical_entry(entry)
        leaf = merkle.leaf_hash(data)
        rows.append((i, entry["kind"], None, (entry.get("organisation") or {}).get("org_number"),
                     data.decode(), leaf, signer.sign(data), signer.key_id))
        nodes.extend(merkle.push_leaf(frontier, i, leaf))
        if len(rows) >= 20_000:
            conn.executemany(f"INSERT INTO {t.entries} (idx, kind, run_id, org_number, entry, leaf_hash, signature, "
                             "key_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
            conn.executemany(f"INSERT INTO {t.nodes} (level, pos, hash) VALUES (?, ?, ?)", nodes)
            conn.executemany(f"INSERT INTO {CREDENTIALS} (cert_id, register_index, credential) VALUES (?, ?, ?)", creds)
            rows, nodes, creds = [], [], []
    if rows:
        conn.executemany(f"INSERT INTO {t.entries} (idx, kind, run_id, org_number, entry, leaf_hash, signature, "
                         "key_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        conn.executemany(f"INSERT INTO {t.nodes} (level, pos, hash) VALUES (?, ?, ?)", nodes)
        conn.executemany(f"INSERT INTO {CREDENTIALS} (cert_id, register_index, credential) VALUES (?, ?, ?)", creds)
    root_hash = merkle.fold_right([h for _, h in frontier])
    note = sign_note(format_checkpoint(register.origin, entries, root_hash), register.origin, signer.public_key,
                     signer.sign)
    conn.execute(f"INSERT INTO {t.checkpoints} (size, root, key_id, note) VALUES (?, ?, ?, ?)",
                 (entries, root_hash, signer.key_id, note))
    conn.execute("COMMIT")
    return root


def _publish(root: Path, site: Path) -> float:
    start = time.perf_counter()
    result = CliRunner().invoke(cli, ["-w", str(root), "publish", str(site)])
    elapsed = time.perf_counter() - start
    if result.exit_code != 0:
        raise RuntimeError(result.output)
    return elapsed


def _add_certificate(root: Path, n: int) -> None:
    """What certify adds: a ledger entry, a register entry and the stored credential."""
    ws = workspace.find(root)
    ledger, register = open_logs(ws)
    number = 10**9 + n * CERT_SHARE
    entry = _entry(number)
    with ledger.transaction() as tx:
        with register.transaction(join=True) as rtx:
            tx.append({"kind": "certificate", "cert_id": entry["cert_id"], "run_id": f"bench{n}"})
            index = rtx.append(entry)
    with register.db.conn:
        register.db.conn.execute(f"INSERT INTO {CREDENTIALS} (cert_id, register_index, credential) VALUES (?, ?, ?)",
                                 (entry["cert_id"], index, json.dumps(_credential(number, entry["time"]))))


def _write_only(site: Path, changed: dict[str, bytes], scratch: Path) -> float:
    """The floor: writing just the files one publish changed (same bytes), atomically, into a scratch copy."""
    start = time.perf_counter()
    for rel, data in changed.items():
        target = scratch / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name("." + target.name + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
    return time.perf_counter() - start


def incremental(size: int, runs: int = 5) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        root = make_workspace(Path(tmp) / "ws", size)
        site = Path(tmp) / "site"
        _publish(root, site)
        times, floors = [], []
        for n in range(runs):
            _add_certificate(root, n)
            before = {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}
            times.append(_publish(root, site))
            changed = {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*")
                       if p.is_file() and before.get(p) != p.stat().st_mtime_ns}
            floors.append(_write_only(site, changed, Path(tmp) / f"scratch{n}"))
        median, floor = statistics.median(times), statistics.median(floors)
        return [{"figure": f"publish after one new certificate, {size:,}-entry register", "median": median,
                 "floor_label": "writing only the changed files", "floor": floor, "ratio": median / floor,
                 "target": "≤ 0.5 s and ≤ 2× floor"}]


def _hash_tiles_floor(root: Path, size: int) -> float:
    """The floor for a full publish: read the leaves, hash them into every tile and bundle, write them."""
    ws = workspace.find(root)
    _ledger, register = open_logs(ws)
    conn = register.db.conn
    start = time.perf_counter()
    out = Path(tempfile.mkdtemp())
    leaves = [bytes(r[0]) for r in conn.execute(f"SELECT leaf_hash FROM {register.tables.entries} ORDER BY idx")]
    frontier: list[tuple[int, bytes]] = []
    level8: dict[tuple[int, int], bytes] = {}
    for i, leaf in enumerate(leaves):
        for level, pos, h in merkle.push_leaf(frontier, i, leaf):
            if level % 8 == 0:
                level8[(level, pos)] = h
    for tile in tiles_for(size):
        first = tile.first_node()
        if tile.level == 0:
            data = b"".join(leaves[first:first + tile.width])
        else:
            data = b"".join(level8[(8 * tile.level, p)] for p in range(first, first + tile.width))
        path = out / tile.path()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    for t in tiles_for(size):
        if t.level == 0:
            rows = conn.execute(f"SELECT entry FROM {register.tables.entries} WHERE idx >= ? AND idx < ? ORDER BY idx",
                                (t.first_node(), t.first_node() + t.width))
            path = out / "entries" / t.path()
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(encode_bundle(r[0].encode() for r in rows))
    elapsed = time.perf_counter() - start
    shutil.rmtree(out)
    return elapsed


def full(size: int) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        root = make_workspace(Path(tmp) / "ws", size)
        floor = _hash_tiles_floor(root, size)
        elapsed = _publish(root, Path(tmp) / "site")
        return [{"figure": f"full publish of a {size:,}-entry register", "median": elapsed,
                 "floor_label": "hashing the leaves into tiles and bundles", "floor": floor,
                 "ratio": elapsed / floor, "target": 60.0 if size >= 1_000_000 else ""}]


def monitor(size: int, runs: int = 3) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        root = make_workspace(Path(tmp) / "ws", size)
        site = Path(tmp) / "site"
        _publish(root, site)
        times = []
        for n in range(runs):
            state = Path(tmp) / f"state{n}.json"
            start = time.perf_counter()
            result = CliRunner().invoke(cli, ["monitor", str(site), "--state", str(state)])
            times.append(time.perf_counter() - start)
            if result.exit_code != 0:
                raise RuntimeError(result.output[-500:])
        return [{"figure": f"monitor catching up on {size:,} entries from a folder", "median": statistics.median(times),
                 "target": 10.0}]


def rows(quick: bool = False) -> list[dict[str, Any]]:
    scale = 10 if quick else 1
    return incremental(100_000 // scale) + monitor(100_000 // scale) + full(1_000_000 // scale)


if __name__ == "__main__":
    quick = "--quick" in sys.argv
    for row in rows(quick):
        ratio = f" ({row['ratio']:.2f}× {row.get('floor_label')}: {row['floor']:.3f} s)" if row.get("ratio") else ""
        print(f"{row['figure']}: {row['median']:.3f} s{ratio}")
