"""Ledger API: appends, receipts, atomic transactions, filters, proofs, triggers, bad entries."""

from __future__ import annotations

import base64
import re
import sqlite3

import pytest
import rfc8785
from test_ledger_support import ORG, make_workspace, record_runs, run_entries

from asfverify.errors import BadInput
from asfverify.keys import load_signer, verify_signature
from asfverify.ledger import merkle, open_ledger
from asfverify.ledger.note import open_checkpoint, parse_vkey
from asfverify.ledger.tlogproof import verify_tlog_proof


@pytest.fixture
def ws(tmp_path, monkeypatch):
    monkeypatch.delenv("ASFVERIFY_KEY_PASSPHRASE", raising=False)
    return make_workspace(tmp_path / "ws")


def test_append_returns_receipt_with_signed_checkpoint(ws):
    ledger = open_ledger(ws)
    first = ledger.append(run_entries("r1"))
    second = ledger.append(run_entries("r2", results=2))
    assert (first.first, first.last) == (0, 7)
    assert (second.first, second.last) == (8, 11)
    assert ledger.size() == 12
    assert ledger.checkpoint() == second.checkpoint
    vkey = load_signer(ws.keys_dir).vkey(ws.origin)
    checkpoint, _ = open_checkpoint(second.checkpoint, [parse_vkey(vkey)], origin=ws.origin)
    assert checkpoint.size == 12 and checkpoint.root == ledger.root()
    assert ledger.verify().ok


def test_entry_fields_filled_and_signed_over_the_canonical_bytes(ws):
    ledger = open_ledger(ws)
    ledger.append([{"kind": "review", "run_id": "r", "time": "2026-01-02T03:04:05Z", "note": "ok"},
                   {"kind": "review", "run_id": "r"}])
    a, b = ledger.entries()
    assert a.entry["time"] == "2026-01-02T03:04:05Z" and a.entry["actor"] == "Test Certifier"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b.entry["time"])
    data = rfc8785.dumps(a.entry)
    assert merkle.leaf_hash(data).hex() == a.leaf_hash
    signer = load_signer(ws.keys_dir)
    assert a.key_id == signer.key_id
    assert verify_signature(signer.public_key, base64.b64decode(a.signature), data)


def test_filters_by_kind_run_and_org(ws):
    ledger = open_ledger(ws)
    ledger.append(run_entries("r1", results=1))
    ledger.append([{"kind": "registry-import", "org_number": "556000-0001", "count": 3}])
    ledger.append(run_entries("r2", results=1))
    assert [e.index for e in ledger.entries(kind="run")] == [0, 4]
    assert [e.index for e in ledger.entries(run_id="r2")] == [4, 5, 6]
    assert [e.index for e in ledger.entries(org_number="556000-0001")] == [3]
    assert len(list(ledger.entries(org_number=ORG["org_number"]))) == 6
    assert [e.index for e in ledger.entries(kind="result", run_id="r1")] == [1]
    assert ledger.get(3).entry["count"] == 3
    with pytest.raises(BadInput):
        ledger.get(99)


def test_exception_rolls_back_entries_and_other_writes(ws):
    ledger = open_ledger(ws)
    ledger.append(run_entries("r0", results=1))
    ledger.db["side_table"].insert({"id": 1}, pk="id")
    with pytest.raises(RuntimeError):
        with ledger.transaction() as tx:
            tx.append({"kind": "run", "run_id": "half"})
            tx.db["side_table"].insert({"id": 2})
            raise RuntimeError("crash in the middle of a run")
    assert ledger.size() == 3 and len(list(ledger.entries())) == 3
    assert [r["id"] for r in ledger.db["side_table"].rows] == [1]
    with ledger.transaction() as tx:
        tx.append({"kind": "registry-import", "count": 1})
        tx.db["side_table"].insert({"id": 3})
    assert tx.receipt.first == 3 and tx.receipt.last == 3
    assert [r["id"] for r in ledger.db["side_table"].rows] == [1, 3]
    assert ledger.verify().ok


def test_transaction_without_entries_writes_no_checkpoint(ws):
    ledger = open_ledger(ws)
    with ledger.transaction() as tx:
        pass
    assert tx.receipt is None
    assert ledger.checkpoints() == []


@pytest.mark.parametrize("entry, message", [
    ({"kind": "result", "score": 0.5}, "floats"),
    ({"kind": "result", "n": 2**53}, "2\\^53"),
    ({"kind": "result", "nested": {"list": [1, 2.0]}}, "floats"),
    ({"kind": "result", 1: "x"}, "not a string"),
    ({"kind": "result", "bad": "\ud800"}, "ledger entry"),
    ({"run_id": "no kind"}, "kind"),
    ({"kind": ""}, "kind"),
    (["not", "an", "object"], "object"),
])
def test_bad_entries_are_refused_and_nothing_is_written(ws, entry, message):
    ledger = open_ledger(ws)
    ledger.append(run_entries("r0", results=1))
    with pytest.raises(BadInput, match=message):
        ledger.append([{"kind": "run", "run_id": "r1"}, entry])
    assert ledger.size() == 3 and len(ledger.checkpoints()) == 1
    assert ledger.verify().ok


def test_empty_append_is_refused(ws):
    with pytest.raises(BadInput):
        open_ledger(ws).append([])


@pytest.mark.parametrize("sql", [
    "UPDATE ledger_entries SET kind = 'x' WHERE idx = 0",
    "DELETE FROM ledger_entries WHERE idx = 0",
    "UPDATE ledger_checkpoints SET size = 1",
    "DELETE FROM ledger_checkpoints",
    "UPDATE ledger_nodes SET hash = x'00'",
    "DELETE FROM ledger_nodes",
])
def test_triggers_reject_update_and_delete(ws, sql):
    record_runs(ws, 2)
    conn = sqlite3.connect(ws.db_path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute(sql)
    conn.close()
    assert open_ledger(ws).verify().ok


def test_proofs_in_a_larger_log(ws):
    ledger = open_ledger(ws)
    sizes = []
    for batch in range(1, 25):
        receipt = ledger.append([{"kind": "result", "run_id": f"b{batch}", "n": i} for i in range(batch)])
        sizes.append(receipt.last + 1)
    size = ledger.size()
    root = ledger.root()
    leaves = [bytes.fromhex(e.leaf_hash) for e in ledger.entries()]
    assert merkle.root_of(leaves) == root
    for index in (0, 1, 2, 100, 150, size - 2, size - 1):
        path = ledger.inclusion_proof(index)
        assert merkle.verify_inclusion(index, size, leaves[index], path, root)
        assert merkle.verify_inclusion(index, 200, leaves[index], ledger.inclusion_proof(index, 200),
                                       merkle.root_of(leaves[:200])) if index < 200 else True
    for old in sizes:
        for new in (old, sizes[-1], sizes[min(len(sizes) - 1, sizes.index(old) + 3)]):
            proof = ledger.consistency_proof(old, new)
            assert merkle.verify_consistency(old, new, ledger.root(old), ledger.root(new), proof)
    with pytest.raises(BadInput):
        ledger.inclusion_proof(size)
    with pytest.raises(BadInput):
        ledger.consistency_proof(0, 5)
    with pytest.raises(BadInput):
        ledger.consistency_proof(5, size + 1)


def test_tlog_proof_verifies_by_rfc9162_against_the_signed_checkpoint(ws):
    ledger = open_ledger(ws)
    record_runs(ws, 3)
    vkey = parse_vkey(load_signer(ws.keys_dir).vkey(ws.origin))
    for index in (0, 9, ledger.size() - 1):
        entry = ledger.get(index)
        leaf = merkle.leaf_hash(rfc8785.dumps(entry.entry))
        got, checkpoint = verify_tlog_proof(ledger.tlog_proof(index), leaf, [vkey], origin=ws.origin)
        assert got == index and checkpoint.size == ledger.size()
    old = ledger.tlog_proof(3, size=8)
    assert verify_tlog_proof(old, bytes.fromhex(ledger.get(3).leaf_hash), [vkey])[1].size == 8
    with pytest.raises(BadInput, match="no signed checkpoint of size 7"):
        ledger.tlog_proof(3, size=7)


def test_a_ledger_with_uncovered_entries_is_not_extended(ws):
    from test_ledger_support import raw

    from asfverify.errors import VerificationError

    record_runs(ws, 1)
    conn = raw(ws)
    conn.execute("INSERT INTO ledger_entries SELECT idx + 100, kind, run_id, org_number, entry, leaf_hash, "
                 "signature, key_id FROM ledger_entries WHERE idx = 0")
    conn.close()
    with pytest.raises(VerificationError, match="last checkpoint covers"):
        open_ledger(ws).append([{"kind": "run"}])


def test_personnummer_never_reaches_the_database(ws):
    pytest.importorskip("asfverify.privacy")
    ledger = open_ledger(ws)
    digest = "0" * 10 + "8112189876" + "ab" * 22  # a digit run inside a digest is left alone
    ledger.append([{"kind": "result", "run_id": "p", "summary": "Anställd 811218-9876 och 198112189876 saknar stöd.",
                    "evidence": [{"document": digest, "excerpt": "pnr 8112189876"}],
                    "path": "underlag/anstallda_19811218-9876_lönelista_2026.csv"}])
    ledger.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = ws.db_path.read_bytes().replace(digest.encode(), b"")
    for form in (b"811218-9876", b"8112189876", b"198112189876", b"19811218-9876"):
        assert form not in data
    entry = ledger.get(0).entry
    assert "[personnummer]" in entry["summary"] and "[personnummer]" in entry["path"]
    assert entry["evidence"][0]["document"] == digest


def test_reads_inside_a_transaction_see_its_appends(ws):
    ledger = open_ledger(ws)
    with ledger.transaction() as tx:
        index = tx.append({"kind": "review", "run_id": "r9"})
        assert ledger.get(index).entry["run_id"] == "r9"
        assert [e.index for e in ledger.entries(run_id="r9")] == [index]
        tx.append({"kind": "review", "run_id": "r9"})
    assert tx.receipt.last == 1 and ledger.verify().ok
