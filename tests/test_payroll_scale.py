"""Long lists: the people table stays compact and a 1,000,000-row CSV is read in bounded memory."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from asfverify.payroll.people import PersonTable

ROOT = Path(__file__).resolve().parents[1]


def test_person_table_inserts_merges_and_grows() -> None:
    table = PersonTable(capacity=4)
    for key in range(1, 5001):
        assert table.put(key * 7919, key, lambda old, new: old + new) is True
    assert table.put(7919, 10, lambda old, new: old + new) is False
    assert len(table) == 5000
    values = sorted(table.values())
    assert values[0] == 2 and values[-1] == 5000 and 11 in values  # 1 + 10 merged
    assert sum(values) == sum(range(1, 5001)) + 10


def test_person_table_colliding_slots() -> None:
    table = PersonTable(capacity=2)
    keys = [1 + (i << 40) for i in range(100)]  # identical low bits: every key probes
    for k in keys:
        table.put(k, 1, max)
    for k in keys:
        assert table.put(k, 5, max) is False
    assert list(table.values()) == [5] * 100


# Peak RSS from /proc/self/status (VmHWM), which starts afresh at exec; ru_maxrss would carry over
# the high-water mark of the forked pytest process, which is large late in a full test run.
_CHILD = """
import datetime as dt, json, resource, sys
sys.path.insert(0, {tests!r})
from pathlib import Path
from test_payroll_helpers import run_payroll
result = run_payroll(Path({path!r}))
def peak_mb():
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"rss_mb": peak_mb(),
                  "outcome": result.outcome, "metrics": result.metrics, "summary": result.summary}}))
"""


@pytest.mark.slow
def test_million_row_csv_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "million.csv"
    employees = eligible = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("Anst.nr;Anställningsdatum;Slutdatum;Stödform;Omfattning\n")
        batch = []
        for i in range(1_000_000):
            hired_after = i % 10 == 0
            ended = i % 5 == 1
            subsidy = "LB" if i % 3 == 0 else ""
            batch.append(f"{i};{'2027-01-01' if hired_after else '2020-01-01'};{'2025-01-01' if ended else ''};{subsidy};100\n")
            if not hired_after and not ended:
                employees += 1
                eligible += subsidy == "LB"
            if len(batch) == 10_000:
                fh.write("".join(batch))
                batch.clear()
        fh.write("".join(batch))
    size_mb = path.stat().st_size / 1e6
    code = _CHILD.format(tests=str(ROOT / "tests"), path=str(path))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(proc.stdout)
    assert report["metrics"]["rows"] == 1_000_000
    assert report["metrics"]["employees"] == employees
    assert report["metrics"]["eligible"] == eligible
    assert report["outcome"] == ("pass" if eligible * 100 >= 51 * employees else "fail")
    # 700,000 people on the day: the table is ~16 bytes each; reading the file into lists would need > 1 GB.
    assert report["rss_mb"] < 200, (report["rss_mb"], size_mb)
