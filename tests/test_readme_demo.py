"""The README demo check compares a fresh run with the README beyond ids, times, digests, keys and paths."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("readme_demo", ROOT / "scripts" / "readme_demo.py")
assert spec is not None and spec.loader is not None
readme_demo = importlib.util.module_from_spec(spec)
spec.loader.exec_module(readme_demo)

ONE = """$ asfverify run examples/vagen-framat
Vägen Framåt (769612-3459) · reference date 2026-10-31 · run dc971ffd99e14881
$ asfverify certify dc971ffd99e14881 -o out/certificate.json
Certificate urn:uuid:c0c5dc21-eb3a-49d0-895b-20b0705ad45b
  valid 2026-12-01T20:40:42Z .. 2028-11-30T20:40:42Z; verify: --trust did:key:z6MkivyP6vVPqnyxpW7GHKzLVA3uuqKfFmQ39dxyYkNCeXCZ
OK: 5 ledger entry: entry holds credential digest e7437a4fc4ed372b…
MCowBQYDK2VwAyEAQogrNOcpaJvDXr/132hW4NCUkRG8lZwt+BCKjmZk2q4=
Trust-list owner ready in /tmp/asfverify-demo-scheme.WTuWRT/owner
"""
TWO = """$ asfverify run examples/vagen-framat
Vägen Framåt (769612-3459) · reference date 2026-10-31 · run 0123456789abcdef
$ asfverify certify 0123456789abcdef -o out/certificate.json
Certificate urn:uuid:00000000-1111-4222-8333-444444444444
  valid 2027-01-02T03:04:05Z .. 2028-12-31T23:59:59Z; verify: --trust did:key:z6MkfkkxTaz5pdnQ2GBf912dRkNYyqmHsMQGrsyAQhamqvo7
OK: 5 ledger entry: entry holds credential digest 9b9ac110ad9221f7…
MCowBQYDK2VwAyEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=
Trust-list owner ready in /tmp/asfverify-demo-scheme.abc123/owner
"""


def test_ids_times_digests_keys_and_paths_do_not_count() -> None:
    assert readme_demo.normalise(ONE) == readme_demo.normalise(TWO)


def test_a_changed_word_or_number_counts() -> None:
    assert readme_demo.normalise(ONE) != readme_demo.normalise(ONE.replace("reference date", "referensdag"))
    assert readme_demo.normalise(ONE) != readme_demo.normalise(ONE.replace("ledger entry", "ledger entries"))
    assert readme_demo.normalise(ONE) != readme_demo.normalise(ONE.replace("2026-10-31", "2026-11-30"))


def test_the_readme_has_one_demo_block() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start, end = readme_demo.block(readme)
    assert readme.count(readme_demo.START) == 1 and "$ asfverify run examples/vagen-framat" in readme[start:end]
    assert "\x1b[" not in readme
