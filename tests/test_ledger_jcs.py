"""RFC 8785 edge cases as they reach the ledger: the stored bytes are exactly the canonical form."""

from __future__ import annotations

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st
from test_ledger_support import make_workspace

from asfverify.errors import BadInput
from asfverify.jcs import CanonicalJSONError
from asfverify.ledger import merkle, open_ledger
from asfverify.ledger.canon import canonical_entry


@pytest.fixture
def ledger(tmp_path, monkeypatch):
    monkeypatch.delenv("ASFVERIFY_KEY_PASSPHRASE", raising=False)
    return open_ledger(make_workspace(tmp_path / "ws"))


def stored_bytes(ledger, index: int) -> bytes:
    (text,) = ledger.db.conn.execute("SELECT entry FROM ledger_entries WHERE idx = ?", (index,)).fetchone()
    return text.encode("utf-8")


BASE = {"kind": "result", "time": "2026-01-01T00:00:00Z", "actor": "a"}


def test_keys_sorted_by_utf16_code_units(ledger):
    ledger.append([{**BASE, "\U0001F600": 1, "\ufb33": 2}])
    data = stored_bytes(ledger, 0)
    assert data.index("\U0001F600".encode()) < data.index("\ufb33".encode())  # not Python's code-point order


def test_string_escapes_and_raw_utf8(ledger):
    ledger.append([{**BASE, "s": "a/b\u007f\u2028\"\\\n\t\u001f\u00e5"}])
    data = stored_bytes(ledger, 0)
    assert b'"s":"a/b\x7f\xe2\x80\xa8\\"\\\\\\n\\t\\u001f\xc3\xa5"' in data


def test_no_unicode_normalisation(ledger):
    ledger.append([{**BASE, "s": "caf\u00e9"}, {**BASE, "s": "cafe\u0301"}])
    a, b = ledger.entries()
    assert a.leaf_hash != b.leaf_hash


def test_safe_integer_bounds(ledger):
    ledger.append([{**BASE, "max": 2**53 - 1, "min": -(2**53 - 1), "zero": 0, "flag": True, "none": None}])
    assert b'"max":9007199254740991' in stored_bytes(ledger, 0)
    for value in (2**53, -(2**53), 10**20):
        with pytest.raises(BadInput, match="2\\^53"):
            ledger.append([{**BASE, "n": value}])


@pytest.mark.parametrize("value", [0.5, 1.0, -0.0, float("nan"), float("inf"), 1e21])
def test_floats_are_refused(ledger, value):
    with pytest.raises(BadInput, match="float"):
        ledger.append([{**BASE, "x": value}])
    assert ledger.size() == 0


@pytest.mark.parametrize("value", ["\ud800", {"k": ["\udfff"]}])
def test_lone_surrogates_are_refused(ledger, value):
    with pytest.raises(BadInput):
        ledger.append([{**BASE, "x": value}])


def test_stored_bytes_are_the_rfc8785_form_and_the_leaf(ledger):
    entry = {**BASE, "b": [3, {"z": 1, "a": "ä"}], "a": {"y": None, "x": False}}
    ledger.append([entry])
    data = stored_bytes(ledger, 0)
    assert data == rfc8785.dumps(entry)
    assert data == b'{"a":{"x":false,"y":null},"actor":"a","b":[3,{"a":"\xc3\xa4","z":1}],"kind":"result","time":"2026-01-01T00:00:00Z"}'
    assert ledger.get(0).leaf_hash == merkle.leaf_hash(data).hex()


_scalars = st.none() | st.booleans() | st.integers(min_value=-(2**53 - 1), max_value=2**53 - 1) | st.text()
_values = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=12)


@settings(max_examples=200, deadline=None)
@given(_values)
def test_fast_canonical_form_equals_rfc8785(value):
    try:
        expected = rfc8785.dumps(value)
    except rfc8785.CanonicalizationError:
        with pytest.raises(CanonicalJSONError):
            canonical_entry(value)
        return
    assert canonical_entry(value) == expected


def test_fast_canonical_form_astral_keys_and_refusals():
    value = {"\U0001F600": 1, "\ufb33": 2, "a": [{"\U0001F601x": 1, "\uffff": 0}]}
    assert canonical_entry(value) == rfc8785.dumps(value)
    for bad in ({"x": 1.5}, {"x": 2**53}, {1: 2}, {"x": b"bytes"}, {"x": "\ud800"}):
        with pytest.raises(CanonicalJSONError):
            canonical_entry(bad)
