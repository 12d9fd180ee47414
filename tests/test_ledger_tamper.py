"""Tamper matrix: every manipulation of the database is detected by `ledger verify`."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from test_ledger_support import make_workspace, raw, record_runs, restore_triggers

from asfverify import jcs
from asfverify.keys import key_id_of
from asfverify.ledger import merkle, open_ledger
from asfverify.ledger.note import format_checkpoint, sign_note

COLUMNS = "idx, kind, run_id, org_number, entry, leaf_hash, signature, key_id"


@pytest.fixture
def ws(tmp_path, monkeypatch):
    monkeypatch.delenv("ASFVERIFY_KEY_PASSPHRASE", raising=False)
    ws = make_workspace(tmp_path / "ws")
    record_runs(ws, 4)  # 4 runs x 8 entries = 32 entries, 4 checkpoints
    assert open_ledger(ws).verify().ok
    return ws


def replace_database(source, target) -> None:
    """Overwrite target's content with source's through SQLite (safe with other connections open)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    src.backup(dst)
    src.close()
    dst.close()


def verify(ws, trusted=()):
    return open_ledger(ws).verify(trusted_checkpoints=list(trusted))


def test_entry_json_edited(ws):
    conn = raw(ws)
    conn.execute("UPDATE ledger_entries SET entry = replace(entry, '\"pass\"', '\"fail\"') WHERE idx = 10")
    report = verify(ws)
    assert not report.ok and report.bad_index == 10 and "leaf hash" in report.problem


def test_entry_json_edited_with_leaf_hash_recomputed(ws):
    conn = raw(ws)
    (text,) = conn.execute("SELECT entry FROM ledger_entries WHERE idx = 10").fetchone()
    forged = text.replace('"pass"', '"fail"').encode()
    conn.execute("UPDATE ledger_entries SET entry = ?, leaf_hash = ? WHERE idx = 10",
                 (forged.decode(), merkle.leaf_hash(forged)))
    report = verify(ws)
    assert not report.ok and report.bad_index == 10 and "signature" in report.problem


def test_signature_edited(ws):
    conn = raw(ws)
    (sig,) = conn.execute("SELECT signature FROM ledger_entries WHERE idx = 5").fetchone()
    conn.execute("UPDATE ledger_entries SET signature = ? WHERE idx = 5", (bytes([sig[0] ^ 1]) + sig[1:],))
    report = verify(ws)
    assert not report.ok and report.bad_index == 5 and "signature" in report.problem


def test_filter_column_edited(ws):
    raw(ws).execute("UPDATE ledger_entries SET run_id = 'other' WHERE idx = 9")
    report = verify(ws)
    assert not report.ok and report.bad_index == 9 and "column" in report.problem


def test_row_deleted(ws):
    raw(ws).execute("DELETE FROM ledger_entries WHERE idx = 12")
    report = verify(ws)
    assert not report.ok and report.bad_index == 12 and "missing" in report.problem


def test_two_rows_swapped(ws):
    conn = raw(ws)
    a = conn.execute(f"SELECT {COLUMNS} FROM ledger_entries WHERE idx = 17").fetchone()
    b = conn.execute(f"SELECT {COLUMNS} FROM ledger_entries WHERE idx = 18").fetchone()
    conn.execute("DELETE FROM ledger_entries WHERE idx IN (17, 18)")
    conn.execute(f"INSERT INTO ledger_entries ({COLUMNS}) VALUES (?,?,?,?,?,?,?,?)", (17, *b[1:]))
    conn.execute(f"INSERT INTO ledger_entries ({COLUMNS}) VALUES (?,?,?,?,?,?,?,?)", (18, *a[1:]))
    report = verify(ws)
    assert not report.ok and report.bad_index == 16 and "does not match signed checkpoint" in report.problem


def test_tail_truncated(ws):
    raw(ws).execute("DELETE FROM ledger_entries WHERE idx >= 29")
    report = verify(ws)
    assert not report.ok and report.bad_index == 29 and "truncated" in report.problem


def test_tail_truncated_with_its_checkpoints_detected_by_a_kept_checkpoint(ws):
    kept = open_ledger(ws).checkpoint()
    conn = raw(ws)
    conn.execute("DELETE FROM ledger_entries WHERE idx >= 24")
    conn.execute("DELETE FROM ledger_checkpoints WHERE size > 24")
    conn.execute("DELETE FROM ledger_nodes")  # and rebuild the nodes, as a careful attacker would
    frontier: list = []
    for idx, leaf in conn.execute("SELECT idx, leaf_hash FROM ledger_entries ORDER BY idx").fetchall():
        conn.executemany("INSERT INTO ledger_nodes VALUES (?, ?, ?)", merkle.push_leaf(frontier, idx, bytes(leaf)))
    restore_triggers(conn)
    assert verify(ws).ok  # internally consistent...
    report = verify(ws, [kept])
    assert not report.ok and "truncated or rolled back" in report.problem  # ...but not what was published


def test_forged_row_appended_with_another_key(ws):
    attacker = Ed25519PrivateKey.generate()
    entry = jcs.canonical({"kind": "certificate", "run_id": "run-0", "time": "2026-11-27T00:00:00Z", "actor": "x"})
    public = attacker.public_key().public_bytes_raw()
    conn = raw(ws)
    conn.execute(f"INSERT INTO ledger_entries ({COLUMNS}) VALUES (?,?,?,?,?,?,?,?)",
                 (32, "certificate", "run-0", None, entry.decode(), merkle.leaf_hash(entry),
                  attacker.sign(entry), key_id_of(public)))
    report = verify(ws)
    assert not report.ok and report.bad_index == 32 and "was current" in report.problem


def test_forged_row_claiming_the_real_key_id(ws):
    attacker = Ed25519PrivateKey.generate()
    entry = jcs.canonical({"kind": "certificate", "run_id": "run-0", "time": "2026-11-27T00:00:00Z", "actor": "x"})
    conn = raw(ws)
    (key_id,) = conn.execute("SELECT key_id FROM ledger_entries WHERE idx = 0").fetchone()
    conn.execute(f"INSERT INTO ledger_entries ({COLUMNS}) VALUES (?,?,?,?,?,?,?,?)",
                 (32, "certificate", "run-0", None, entry.decode(), merkle.leaf_hash(entry),
                  attacker.sign(entry), key_id))
    report = verify(ws)
    assert not report.ok and report.bad_index == 32 and "signature" in report.problem


def _rewrite_with_another_key(ws, tmp_path):
    """The attacker builds a whole new log (same origin) with their own key and swaps it in."""
    other = make_workspace(tmp_path / "attacker")
    shutil.copy(ws.root / "asfverify.toml", other.root / "asfverify.toml")
    other = type(other)(root=other.root, config=ws.config)
    record_runs(other, 4, prefix="forged")
    replace_database(other.db_path, ws.db_path)
    return other


def test_whole_log_rewritten_with_another_key(ws, tmp_path):
    _rewrite_with_another_key(ws, tmp_path)
    report = verify(ws)
    assert not report.ok and report.bad_index == 0


def test_whole_log_and_keys_rewritten_detected_by_a_third_party_checkpoint(ws, tmp_path):
    kept = open_ledger(ws).checkpoint()
    other = _rewrite_with_another_key(ws, tmp_path)
    shutil.rmtree(ws.keys_dir)
    shutil.copytree(other.keys_dir, ws.keys_dir)
    assert verify(ws).ok  # self-consistent under the attacker's key...
    report = verify(ws, [kept])
    assert not report.ok and "trusted checkpoint" in report.problem  # ...but not the published history


def test_rewritten_log_under_the_same_keys_detected_by_a_third_party_checkpoint(ws, tmp_path):
    # Same key (e.g. a stolen key): the rewritten tree's root differs from the published one.
    kept = open_ledger(ws).checkpoint()
    fresh = make_workspace(tmp_path / "fresh")
    replace_database(fresh.db_path, ws.db_path)  # empty ledger, same keys
    record_runs(ws, 4, prefix="rewritten")
    assert verify(ws).ok
    report = verify(ws, [kept])
    assert not report.ok and "rewritten" in report.problem


def test_checkpoint_rolled_back(ws):
    conn = raw(ws)
    (old_note, old_root) = conn.execute("SELECT note, root FROM ledger_checkpoints WHERE size = 16").fetchone()
    conn.execute("INSERT INTO ledger_checkpoints (size, root, key_id, note) "
                 "SELECT 16, root, key_id, note FROM ledger_checkpoints WHERE size = 16")
    report = verify(ws)
    assert not report.ok and "rolled back" in report.problem


def test_database_restored_from_an_old_backup(ws, tmp_path):
    backup = tmp_path / "backup.db"
    replace_database(ws.db_path, backup)
    record_runs(ws, 2, prefix="later")
    kept = open_ledger(ws).checkpoint()
    replace_database(backup, ws.db_path)
    assert verify(ws).ok
    report = verify(ws, [kept])
    assert not report.ok and "rolled back" in report.problem


def test_index_duplicated(ws):
    conn = raw(ws)
    conn.execute("ALTER TABLE ledger_entries RENAME TO old_entries")
    conn.execute("CREATE TABLE ledger_entries (idx INTEGER, kind TEXT, run_id TEXT, org_number TEXT, entry TEXT, "
                 "leaf_hash BLOB, signature BLOB, key_id TEXT)")
    conn.execute(f"INSERT INTO ledger_entries SELECT {COLUMNS} FROM old_entries ORDER BY idx")
    conn.execute(f"INSERT INTO ledger_entries SELECT {COLUMNS} FROM old_entries WHERE idx = 7")
    report = verify(ws)
    assert not report.ok and report.bad_index == 7 and "more than once" in report.problem


def test_checkpoint_signed_by_an_unknown_key(ws):
    attacker = Ed25519PrivateKey.generate()
    public = attacker.public_key().public_bytes_raw()
    ledger = open_ledger(ws)
    root = ledger.root(32)
    note = sign_note(format_checkpoint(ws.origin, 32, root), ws.origin, public, attacker.sign)
    raw(ws).execute("INSERT INTO ledger_checkpoints (size, root, key_id, note) VALUES (?, ?, ?, ?)",
                    (32, root, key_id_of(public), note))
    report = verify(ws)
    assert not report.ok and "not signed by any trusted key" in report.problem


def test_checkpoint_note_edited(ws):
    conn = raw(ws)
    conn.execute("UPDATE ledger_checkpoints SET note = replace(note, char(10) || '24' || char(10), "
                 "char(10) || '25' || char(10)) WHERE size = 24")
    report = verify(ws)
    assert not report.ok and "checkpoint" in report.problem


def test_stored_subtree_hash_edited(ws):
    raw(ws).execute("UPDATE ledger_nodes SET hash = zeroblob(32) WHERE level = 2 AND pos = 1")
    report = verify(ws)
    assert not report.ok and "subtree" in report.problem


def test_trusted_checkpoint_from_an_unknown_key_is_refused(ws):
    attacker = Ed25519PrivateKey.generate()
    public = attacker.public_key().public_bytes_raw()
    note = sign_note(format_checkpoint(ws.origin, 8, open_ledger(ws).root(8)), ws.origin, public, attacker.sign)
    report = verify(ws, [note])
    assert not report.ok and "trusted checkpoint" in report.problem


def test_parallel_verification_finds_the_same_problems(ws, monkeypatch):
    from asfverify.ledger import verify as verify_module

    monkeypatch.setattr(verify_module, "PARALLEL_THRESHOLD", 0)  # worker processes even for a small ledger
    ledger = open_ledger(ws)
    assert ledger.verify(jobs=2).ok
    conn = raw(ws)
    (sig,) = conn.execute("SELECT signature FROM ledger_entries WHERE idx = 27").fetchone()
    conn.execute("UPDATE ledger_entries SET signature = ? WHERE idx = 27", (bytes([sig[0] ^ 1]) + sig[1:],))
    conn.execute("UPDATE ledger_entries SET entry = replace(entry, '\"pass\"', '\"fail\"') WHERE idx = 21")
    report = ledger.verify(jobs=2)
    assert not report.ok and report.bad_index == 21  # the first bad entry, whichever worker found it
    conn.execute("UPDATE ledger_entries SET entry = replace(entry, '\"fail\"', '\"pass\"') WHERE idx = 21")
    assert ledger.verify(jobs=2).bad_index == 27
    conn.execute("UPDATE ledger_entries SET signature = ? WHERE idx = 27", (sig,))
    conn.execute("UPDATE ledger_checkpoints SET note = replace(note, '—', '-') WHERE size = 16")
    report = ledger.verify(jobs=2)
    assert not report.ok and "checkpoint" in report.problem


def test_verify_inside_a_transaction_uses_its_snapshot(ws):
    ledger = open_ledger(ws)
    with ledger.transaction() as tx:
        tx.append({"kind": "review", "run_id": "run-0"})
        report = ledger.verify()  # no nested BEGIN error; sees the committed ledger
    assert report.ok and report.size == 32
    assert ledger.verify().ok and ledger.size() == 33
