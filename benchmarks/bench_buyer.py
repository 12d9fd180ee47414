"""The buyer's side: the web verifier in Chromium and the directory pages publish writes.

Run: .venv/bin/python benchmarks/bench_buyer.py   (prints a Markdown table)

- verifying the demo certificate in the page, all steps, site files already fetched (target ≤ 50 ms),
  beside the six Ed25519 verifications the steps make, done alone in the same page;
- bytes transferred by a first load of verify/ with a fresh profile (target ≤ 150 KB), beside the
  size of the page's own files on disk;
- writing the directory for 5,000 certificates (target ≤ 10 s), beside writing the same files with
  the same bytes straight to disk; a second, idempotent run; one PDF certificate;
- the largest organisation page (target ≤ 20 KB).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

CERTIFICATES = int(os.environ.get("BENCH_DIRECTORY_CERTS", "5000"))
RUNS = 5


def _median(values: list[float]) -> float:
    return statistics.median(values)


def _browser_rows(site_root: Path, certificate: dict) -> list[dict]:
    from web_support import Server, chromium_missing, start_chromium

    reason = chromium_missing()
    if reason:
        return [{"figure": f"web verifier (skipped: {reason})", "median": None, "unit": "s"}]
    server = Server(site_root)
    profile = Path(tempfile.mkdtemp(prefix="bench-chromium-"))
    driver = start_chromium(profile)
    try:
        driver.get_log("performance")
        driver.get(server.url + "verify/")
        driver.execute_script("return window.asfVerify.ready()")
        transferred, urls = 0, {}
        for entry in driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message.get("method") == "Network.requestWillBeSent":
                urls[message["params"]["requestId"]] = message["params"]["request"]["url"]
            elif message.get("method") == "Network.loadingFinished":
                # Only the site's own requests: a fresh profile also loads Chromium's new-tab page (chrome://).
                if urls.get(message["params"]["requestId"], "").startswith(server.url):
                    transferred += int(message["params"].get("encodedDataLength", 0))
        on_disk = sum(p.stat().st_size for p in (site_root / "verify").iterdir())
        text = json.dumps(certificate)
        timings = []
        for _ in range(RUNS + 1):
            started = driver.execute_async_script("""
                const done = arguments[arguments.length - 1];
                const t = performance.now();
                window.asfVerify.verifyText(arguments[0], 'bench').then(
                  (o) => done([performance.now() - t, o.results.filter(r => r.outcome !== 'ok').length]));
            """, text)
            if started[1]:
                raise RuntimeError("the demo certificate did not verify in the page")
            timings.append(started[0] / 1000)
        timings = timings[1:]  # the first run warms the JIT and the key cache
        floor = driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            (async () => {
              const kp = await crypto.subtle.generateKey({name: 'Ed25519'}, true, ['sign', 'verify']);
              const raw = new Uint8Array(await crypto.subtle.exportKey('raw', kp.publicKey));
              const msg = new Uint8Array(64), sig = await crypto.subtle.sign('Ed25519', kp.privateKey, msg);
              const out = [];
              for (let run = 0; run < 6; run++) {
                const t = performance.now();
                for (let i = 0; i < 6; i++) {
                  const key = await crypto.subtle.importKey('raw', raw, {name: 'Ed25519'}, false, ['verify']);
                  await crypto.subtle.verify('Ed25519', key, sig, msg);
                }
                out.push(performance.now() - t);
              }
              out.sort((a, b) => a - b); return out[3];
            })().then(done);
        """) / 1000
    finally:
        driver.quit()
        server.close()
        shutil.rmtree(profile, ignore_errors=True)
    return [
        {"figure": "web verifier: all 10 steps on the demo certificate (Chromium, files fetched)",
         "median": _median(timings), "unit": "s", "floor_label": "6 Ed25519 verifications alone (WebCrypto)",
         "floor": floor, "target": "≤ 50 ms"},
        {"figure": "web verifier: first load of verify/, bytes transferred (fresh profile)",
         "median": f"{transferred / 1000:.1f} kB", "floor_label": "the page's own files on disk",
         "floor": f"{on_disk / 1000:.1f} kB", "ratio": transferred / on_disk if on_disk else None, "target": "≤ 150 KB"},
    ]


def _directory(count: int, credential: dict):
    from common import luhn_complete

    from asfverify.web.directory import Directory, Event, Listing

    listings, events = [], []
    for i in range(count):
        org = luhn_complete(f"7696{i // 2:05d}")  # two cycles per organisation
        uid = f"00000000-0000-4000-8000-{i:012d}"
        year = 2024 + (i % 2) * 2
        status = ("revoked" if i % 97 == 0 else "suspended" if i % 89 == 0 else "expired" if i % 2 == 0 else "valid")
        listings.append(Listing(f"urn:uuid:{uid}", uid, f"Organisation {i // 2} ekonomisk förening",
                                f"{org[:6]}-{org[6:]}", "asf-v1", f"{year}-01-01T00:00:00Z", f"{year + 2}-01-01T00:00:00Z",
                                status, f"{year}-01-01T00:00:00Z", credential))
        if status in ("revoked", "suspended"):
            events.append(Event(count + i, "revocation" if status == "revoked" else "suspension", f"urn:uuid:{uid}",
                                "other", f"{year}-06-01T00:00:00Z"))
    return Directory("https://certifier.example/asf", "Certifieringsorganet AB", tuple(listings), tuple(events))


class _Files:
    """publish's SiteFiles contract (atomic-enough, idempotent) over a folder, for the benchmark."""

    def __init__(self, root: Path):
        self.root, self.written = root, 0

    def exists(self, relpath: str) -> bool:
        return (self.root / relpath).is_file()

    def write(self, relpath: str, data, *, immutable: bool = False) -> bool:
        payload = data.encode("utf-8") if isinstance(data, str) else data
        target = self.root / relpath
        try:
            if target.read_bytes() == payload:
                return False
        except FileNotFoundError:
            target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(payload)
        os.replace(tmp, target)
        self.written += 1
        return True


def _directory_rows(credential: dict) -> list[dict]:
    from datetime import datetime

    from asfverify.certs.pdf import PdfFacts, render_pdf
    from asfverify.web.directory import directory_pages

    now = datetime(2026, 12, 1, tzinfo=UTC)
    directory = _directory(CERTIFICATES, credential)
    first, again, floor, sizes, count = [], [], [], [], 0
    for _ in range(3):
        root = Path(tempfile.mkdtemp(prefix="bench-directory-"))
        try:
            files = _Files(root)
            start = time.perf_counter()
            pages = directory_pages(directory, now)
            for path, text in pages.items():
                files.write(path, text)
            first.append(time.perf_counter() - start)
            start = time.perf_counter()
            for path, text in directory_pages(directory, now).items():
                files.write(path, text)
            again.append(time.perf_counter() - start)
            count = len(pages)
            sizes = [len(pages[p].encode("utf-8")) for p in pages if p.startswith("org/") and p.endswith(".html")]
            blobs = {p: t.encode("utf-8") for p, t in pages.items()}
            plain = Path(tempfile.mkdtemp(prefix="bench-plain-"))
            start = time.perf_counter()
            for path, data in blobs.items():
                target = plain / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            floor.append(time.perf_counter() - start)
            shutil.rmtree(plain, ignore_errors=True)
        finally:
            shutil.rmtree(root, ignore_errors=True)
    facts = PdfFacts("Certifieringsorganet AB", "https://certifier.example/asf")
    render_pdf(credential, facts)
    pdf = []
    for _ in range(RUNS):
        start = time.perf_counter()
        render_pdf(credential, facts)
        pdf.append(time.perf_counter() - start)
    return [
        {"figure": f"directory for {CERTIFICATES:,} certificates, first publish ({count:,} files)",
         "median": _median(first), "unit": "s", "floor_label": "writing the same bytes to the same paths",
         "floor": _median(floor), "target": "≤ 10 s"},
        {"figure": f"directory for {CERTIFICATES:,} certificates, publish again (nothing changed)",
         "median": _median(again), "unit": "s", "floor_label": "writing the same bytes to the same paths",
         "floor": _median(floor), "target": "writes no file"},
        {"figure": "largest organisation page (2 cycles)", "median": f"{max(sizes) / 1000:.1f} kB",
         "target": "≤ 20 KB"},
        {"figure": "one PDF certificate (written once per certificate, never rewritten)", "median": _median(pdf),
         "unit": "s", "target": ""},
    ]


def rows() -> list[dict]:
    from web_support import build_site

    root = Path(tempfile.mkdtemp(prefix="bench-site-"))
    try:
        site = build_site(root)
        certificate = site.certificates["valid"]
        out = _browser_rows(root, certificate)
        out += _directory_rows(certificate)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return out


if __name__ == "__main__":
    from run import fmt

    print("| benchmark | figure | median | floor / baseline (same run) | floor | ratio | target |")
    print("|---|---|---|---|---|---|---|")
    for row in rows():
        unit = row.get("unit", "")
        median, floor = row.get("median"), row.get("floor")
        ratio = row.get("ratio")
        if ratio is None and isinstance(median, float) and isinstance(floor, float) and floor:
            ratio = median / floor
        print(f"| buyer | {row['figure']} | {fmt(median, unit)} | {row.get('floor_label', '')} | "
              f"{fmt(floor, unit) if floor is not None else ''} | {f'{ratio:.2f}×' if ratio else ''} | {row.get('target', '')} |")
