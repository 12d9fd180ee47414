"""RFC 6962 / RFC 9162 golden vectors, negative cases, and generated proofs checked by the verifier."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asfverify.ledger import merkle

V = json.loads((Path(__file__).parent / "vectors" / "ledger" / "merkle.json").read_text())
LEAVES = [bytes.fromhex(x) for x in V["leaves"]]
LEAF_HASHES = [merkle.leaf_hash(x) for x in LEAVES]
ROOTS = {int(k): bytes.fromhex(v) for k, v in V["roots"].items()}
H = bytes.fromhex


def mth(start: int, end: int) -> bytes:
    return merkle.root_of(LEAF_HASHES[start:end])


def test_hasher_vectors():
    hv = V["hasher"]
    assert merkle.EMPTY_ROOT.hex() == hv["empty_root"]
    assert merkle.root_of([]).hex() == hv["empty_root"]
    assert merkle.leaf_hash(b"").hex() == hv["leaf_empty"]
    assert merkle.leaf_hash(b"L123456").hex() == hv["leaf_L123456"]
    assert merkle.node_hash(b"N123", b"N456").hex() == hv["node_N123_N456"]


@pytest.mark.parametrize("size", range(1, 9))
def test_roots_sizes_1_to_8(size):
    assert merkle.root_of(LEAF_HASHES[:size]) == ROOTS[size]


@pytest.mark.parametrize("case", V["inclusion"], ids=lambda c: f"{c['index']}-of-{c['size']}")
def test_inclusion_vectors(case):
    index, size, leaf = case["index"], case["size"], H(case["leaf_hash"])
    path = [H(p) for p in case["path"]]
    assert leaf == LEAF_HASHES[index]
    assert merkle.inclusion_path(index, size, mth) == path
    assert merkle.verify_inclusion(index, size, leaf, path, ROOTS[size])


@pytest.mark.parametrize("case", V["inclusion"], ids=lambda c: f"{c['index']}-of-{c['size']}")
def test_inclusion_negative(case):
    index, size, leaf = case["index"], case["size"], H(case["leaf_hash"])
    path = [H(p) for p in case["path"]]
    root = ROOTS[size]
    ok = merkle.verify_inclusion
    assert not ok(index, size, merkle.leaf_hash(b"wrong"), path, root)  # wrong leaf
    assert not ok(index + 1, size, leaf, path, root)  # wrong index
    assert not ok(index, size * 2, leaf, path, root)  # a size with another proof shape
    assert not ok(index, size, leaf, path + [root], root)  # trailing garbage
    assert not ok(index, size, leaf, path[:-1], root)  # truncated
    assert not ok(index, size, leaf, [bytes(32)] + path[1:], root)  # modified proof
    assert not ok(index, size, leaf, path, ROOTS[size - 1] if size > 1 else ROOTS[2])  # other root
    assert not ok(index, size, leaf, path, root[:-1])  # short root
    assert not ok(index, size, b"", path, root)  # empty leaf hash
    assert not ok(index, size, leaf, [p[:31] for p in path], root)  # short path hashes
    assert not ok(size, size, leaf, path, root)  # index outside the tree
    assert not ok(-1, size, leaf, path, root)


def test_inclusion_single_entry_edge_cases():
    root = ROOTS[1]
    assert merkle.verify_inclusion(0, 1, LEAF_HASHES[0], [], root)
    assert not merkle.verify_inclusion(0, 1, b"", [], b"")  # empty-root-and-leaf
    assert not merkle.verify_inclusion(0, 0, LEAF_HASHES[0], [], root)


def _old_root(case):
    return ROOTS[case["size1"]]


@pytest.mark.parametrize("case", V["consistency"], ids=lambda c: f"{c['size1']}-to-{c['size2']}")
def test_consistency_vectors(case):
    s1, s2 = case["size1"], case["size2"]
    path = [H(p) for p in case["path"]]
    assert merkle.consistency_path(s1, s2, mth) == path
    assert merkle.verify_consistency(s1, s2, ROOTS[s1], ROOTS[s2], path)


@pytest.mark.parametrize("case", V["consistency"], ids=lambda c: f"{c['size1']}-to-{c['size2']}")
def test_consistency_negative(case):
    s1, s2 = case["size1"], case["size2"]
    path = [H(p) for p in case["path"]]
    ok = merkle.verify_consistency
    r1, r2 = ROOTS[s1], ROOTS[s2]
    assert not ok(s1, s2, r2, r1, path)  # swapped roots
    assert not ok(s1 + 1, s2, r1, r2, path)  # size1 plus one
    assert not ok(s1, s2 * 2, r1, r2, path)  # a size2 with another proof shape
    assert not ok(s1, s2, r1, r2, path + [r1])  # trailing garbage
    assert not ok(s1, s2, r1, r2, path[:-1])  # truncated
    assert not ok(s1, s2, r1, r2, [bytes(32)] + path[1:])  # modified first element
    assert not ok(s1, s2, r1, r2, path[:-1] + [bytes(32)])  # modified last element
    assert not ok(s1, s2, r1, r2, [])  # empty proof
    assert not ok(s1, s2, r1[:31], r2, path)
    assert not ok(s2, s1, r2, r1, path)  # second size smaller


def test_consistency_trivial_cases():
    assert merkle.verify_consistency(5, 5, ROOTS[5], ROOTS[5], [])
    assert not merkle.verify_consistency(5, 5, ROOTS[5], ROOTS[5], [ROOTS[5]])
    assert not merkle.verify_consistency(5, 5, ROOTS[5], ROOTS[4], [])
    assert not merkle.verify_consistency(0, 0, merkle.EMPTY_ROOT, merkle.EMPTY_ROOT, [])  # sizes equal zero
    assert not merkle.verify_consistency(0, 3, merkle.EMPTY_ROOT, ROOTS[3], [ROOTS[3]])


def test_decompose_covers_ranges_with_aligned_perfect_subtrees():
    assert merkle.decompose(0, 13) == [(3, 0), (2, 2), (0, 12)]
    assert merkle.decompose(8, 13) == [(2, 2), (0, 12)]
    assert merkle.decompose(0, 0) == []


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=1, max_value=300), st.data())
def test_generated_proofs_verify(size, data):
    leaves = [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(size)]

    def stored(start: int, end: int) -> bytes:
        # the way the ledger answers: from aligned perfect subtrees, folded right
        return merkle.fold_right([merkle.root_of(leaves[p << lv:(p + 1) << lv]) for lv, p in merkle.decompose(start, end)])

    root = merkle.root_of(leaves)
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    path = merkle.inclusion_path(index, size, stored)
    assert merkle.verify_inclusion(index, size, leaves[index], path, root)
    assert not merkle.verify_inclusion(index, size, merkle.leaf_hash(b"x"), path, root)
    old = data.draw(st.integers(min_value=1, max_value=size))
    proof = merkle.consistency_path(old, size, stored)
    assert merkle.verify_consistency(old, size, merkle.root_of(leaves[:old]), root, proof)
    if old < size:
        assert not merkle.verify_consistency(old, size, merkle.leaf_hash(b"x"), root, proof)


def test_push_leaf_nodes_match_the_tree():
    frontier: list = []
    nodes = {}
    for i, h in enumerate(LEAF_HASHES):
        for level, pos, value in merkle.push_leaf(frontier, i, h):
            nodes[(level, pos)] = value
    assert nodes[(3, 0)] == ROOTS[8]
    assert nodes[(2, 1)] == mth(4, 8)
    assert nodes[(1, 3)] == mth(6, 8)
