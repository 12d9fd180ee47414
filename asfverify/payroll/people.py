"""A compact set of people employed on the reference date: 16 bytes a person, no Python object each.

A dict of a million int keys and values costs about 100 MB; two arrays with open addressing cost 32 MB
at the same load, so a very long list stays within bounded memory.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator

_EMPTY = 0


class PersonTable:
    """Maps a non-zero 63-bit key to a non-negative packed int; merges a repeated key with a function."""

    def __init__(self, capacity: int = 1024) -> None:
        size = 1
        while size < capacity * 2:
            size *= 2
        self._keys = array("q", bytes(8 * size))
        self._values = array("q", bytes(8 * size))
        self._mask = size - 1
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def put(self, key: int, value: int, merge: Callable[[int, int], int]) -> bool:
        """Insert key → value, or merge(old, value) into an existing key; True if the key was new."""
        keys = self._keys
        mask = self._mask
        slot = key & mask
        while True:
            found = keys[slot]
            if found == key:
                self._values[slot] = merge(self._values[slot], value)
                return False
            if found == _EMPTY:
                keys[slot] = key
                self._values[slot] = value
                self._count += 1
                if self._count * 2 > mask:
                    self._grow()
                return True
            slot = (slot + 1) & mask  # linear probing; keys are already well-mixed hashes

    def items(self) -> Iterator[tuple[int, int]]:
        """Every (key, value) pair (order unspecified)."""
        for key, value in zip(self._keys, self._values):
            if key != _EMPTY:
                yield key, value

    def values(self) -> Iterator[int]:
        """Every stored value (order unspecified)."""
        for key, value in zip(self._keys, self._values):
            if key != _EMPTY:
                yield value

    def _grow(self) -> None:
        old_keys, old_values = self._keys, self._values
        size = (self._mask + 1) * 2
        self._keys = array("q", bytes(8 * size))
        self._values = array("q", bytes(8 * size))
        self._mask = size - 1
        keys, values, mask = self._keys, self._values, self._mask
        for key, value in zip(old_keys, old_values):
            if key == _EMPTY:
                continue
            slot = key & mask
            while keys[slot] != _EMPTY:
                slot = (slot + 1) & mask
            keys[slot] = key
            values[slot] = value
