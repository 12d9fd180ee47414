"""RFC 6962 / RFC 9162 Merkle tree hashing, proof generation and verification (pure, no I/O)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

# A function returning MTH(D[start:end]) for a subtree range, e.g. from stored node hashes.
RangeHash = Callable[[int, int], bytes]


def leaf_hash(entry_bytes: bytes) -> bytes:
    """SHA-256(0x00 || entry)."""
    return hashlib.sha256(b"\x00" + entry_bytes).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two strictly below n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def root_of(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH over a list of leaf hashes (reference implementation, O(n))."""
    if not leaf_hashes:
        return EMPTY_ROOT
    return fold_right(perfect_subtrees_of(leaf_hashes))


def perfect_subtrees_of(leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """The roots of the perfect subtrees that make up a tree, largest (leftmost) first."""
    frontier: list[tuple[int, bytes]] = []
    for i, h in enumerate(leaf_hashes):
        push_leaf(frontier, i, h)
    return [h for _, h in frontier]


def push_leaf(frontier: list[tuple[int, bytes]], index: int, leaf: bytes) -> list[tuple[int, int, bytes]]:
    """Append leaf number index to a frontier of (level, hash); return new inner nodes as (level, position, hash).

    A node at (level, position) covers leaves [position * 2**level, (position + 1) * 2**level).
    """
    created: list[tuple[int, int, bytes]] = []
    frontier.append((0, leaf))
    while len(frontier) >= 2 and frontier[-1][0] == frontier[-2][0]:
        level, right = frontier.pop()
        _, left = frontier.pop()
        combined = node_hash(left, right)
        frontier.append((level + 1, combined))
        created.append((level + 1, ((index + 1) >> (level + 1)) - 1, combined))
    return created


def fold_right(hashes: Sequence[bytes]) -> bytes:
    """Combine perfect subtree roots (largest first) into the RFC 6962 root."""
    acc = hashes[-1]
    for h in reversed(hashes[:-1]):
        acc = node_hash(h, acc)
    return acc


def decompose(start: int, end: int) -> list[tuple[int, int]]:
    """Split [start, end) into aligned perfect subtrees as (level, position), left to right."""
    out = []
    while start < end:
        level = (start & -start).bit_length() - 1 if start else (end - start).bit_length() - 1
        while (1 << level) > end - start:
            level -= 1
        out.append((level, start >> level))
        start += 1 << level
    return out


def inclusion_path(index: int, size: int, mth: RangeHash) -> list[bytes]:
    """RFC 6962 PATH(index, D[0:size]), leaf sibling first."""
    if not 0 <= index < size:
        raise ValueError(f"index {index} is outside a tree of size {size}")
    path: list[bytes] = []
    start, end, m = 0, size, index
    while end - start > 1:
        k = split_point(end - start)
        if m < k:
            path.append(mth(start + k, end))
            end = start + k
        else:
            path.append(mth(start, start + k))
            start, m = start + k, m - k
    path.reverse()
    return path


def consistency_path(old: int, new: int, mth: RangeHash) -> list[bytes]:
    """RFC 6962 PROOF(old, D[0:new])."""
    if not 0 < old <= new:
        raise ValueError(f"no consistency proof from size {old} to {new}")
    path: list[bytes] = []
    start, end, m, whole = 0, new, old, True
    while True:
        n = end - start
        if m == n:
            if not whole:
                path.append(mth(start, end))
            break
        k = split_point(n)
        if m <= k:
            path.append(mth(start + k, end))
            end = start + k
        else:
            path.append(mth(start, start + k))
            start, m, whole = start + k, m - k, False
    path.reverse()
    return path


def _valid_hashes(*hashes: bytes) -> bool:
    return all(isinstance(h, (bytes, bytearray)) and len(h) == HASH_SIZE for h in hashes)


def root_from_inclusion(index: int, size: int, leaf: bytes, path: Sequence[bytes]) -> bytes | None:
    """The root implied by an inclusion path (RFC 9162 §2.1.3.2), or None when the path cannot fit."""
    if not 0 <= index < size or not _valid_hashes(leaf, *path):
        return None
    inner = (index ^ (size - 1)).bit_length()
    border = bin(index >> inner).count("1")
    if len(path) != inner + border:
        return None
    r = leaf
    for i, p in enumerate(path[:inner]):
        r = node_hash(p, r) if (index >> i) & 1 else node_hash(r, p)
    for p in path[inner:]:
        r = node_hash(p, r)
    return r


def verify_inclusion(index: int, size: int, leaf_hash: bytes, path: Sequence[bytes], root: bytes) -> bool:
    """True when path proves leaf_hash at index in the tree of size with root (RFC 9162 §2.1.3.2)."""
    if not _valid_hashes(root):
        return False
    computed = root_from_inclusion(index, size, leaf_hash, path)
    return computed is not None and computed == root


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes, path: Sequence[bytes]) -> bool:
    """True when path proves the tree of old_size is a prefix of new_size (RFC 9162 §2.1.4.2)."""
    if not _valid_hashes(old_root, new_root, *path):
        return False
    if old_size <= 0 or new_size < old_size:
        return False
    if old_size == new_size:
        return not path and old_root == new_root
    if not path:
        return False
    proof = list(path)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is the first node
        proof.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root
