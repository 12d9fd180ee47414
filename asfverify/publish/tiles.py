"""c2sp.org/tlog-tiles maths: which tiles a tree size has, their paths, and entry bundles (pure, no I/O).

A tile at level L, index N holds up to 256 hashes; hash i is the Merkle tree hash of the perfect
subtree of height 8*L at position N*256 + i, i.e. the stored node (8*L, N*256 + i) of the log.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..i18n import _

TILE_WIDTH = 256
TILE_HEIGHT = 8
HASH_SIZE = 32
MAX_ENTRY_BYTES = 65535
MAX_LEVEL = 63


@dataclass(frozen=True)
class Tile:
    """One tile: level (0..63, or -1 for the entry bundle), index, width (1..256; 256 is full)."""

    level: int
    index: int
    width: int

    @property
    def full(self) -> bool:
        return self.width == TILE_WIDTH

    def path(self) -> str:
        """tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>]."""
        head = "tile/entries" if self.level < 0 else f"tile/{self.level}"
        tail = "" if self.full else f".p/{self.width}"
        return f"{head}/{index_path(self.index)}{tail}"

    def first_node(self) -> int:
        """Position of hash 0 among the log's nodes at height 8*level."""
        return self.index * TILE_WIDTH


def index_path(n: int) -> str:
    """Tile index as zero-padded 3-digit elements, all but the last prefixed x: 1234067 -> x001/x234/067."""
    if n < 0:
        raise ValueError("tile index must not be negative")
    parts = [f"{n % 1000:03d}"]
    n //= 1000
    while n:
        parts.append(f"x{n % 1000:03d}")
        n //= 1000
    return "/".join(reversed(parts))


def parse_index_path(text: str) -> int:
    """The inverse of index_path, strict (no other spelling of an index is accepted)."""
    parts = text.split("/")
    if not parts or any(len(p) != (3 if i == len(parts) - 1 else 4) for i, p in enumerate(parts)):
        raise ValueError(f"not a tile index path: {text!r}")
    n = 0
    for i, part in enumerate(parts):
        digits = part if i == len(parts) - 1 else part[1:]
        if (i < len(parts) - 1 and part[0] != "x") or not digits.isdigit() or not digits.isascii():
            raise ValueError(f"not a tile index path: {text!r}")
        n = n * 1000 + int(digits)
    if index_path(n) != text:
        raise ValueError(f"not a canonical tile index path: {text!r}")
    return n


def tiles_for(size: int, since: int = 0) -> list[Tile]:
    """The hash tiles a client of a tree of `size` may fetch, skipping full tiles already present at `since`.

    Full tiles are immutable, so a site published at size `since` already has every full tile of that
    size; the partial tiles of `size` (one per level at most) are always included.
    """
    out: list[Tile] = []
    level = 0
    while level <= MAX_LEVEL:
        span = TILE_WIDTH ** level
        count = size // span  # hashes at this level
        if count == 0:
            break
        full, partial = divmod(count, TILE_WIDTH)
        done = (since // span) // TILE_WIDTH
        out.extend(Tile(level, n, TILE_WIDTH) for n in range(min(done, full), full))
        if partial:
            out.append(Tile(level, full, partial))
        level += 1
    return out


def bundles_for(size: int, since: int = 0) -> list[Tile]:
    """The entry bundles of a tree of `size` (level -1), like the level-0 tiles."""
    return [Tile(-1, t.index, t.width) for t in tiles_for(size, since) if t.level == 0]


def encode_bundle(entries: Iterable[bytes]) -> bytes:
    """Entries as big-endian uint16 length-prefixed byte strings."""
    out = bytearray()
    for data in entries:
        if len(data) > MAX_ENTRY_BYTES:
            raise ValueError(_("entry of {size} bytes is over the tlog-tiles limit of {limit}", size=len(data), limit=MAX_ENTRY_BYTES))
        out += struct.pack(">H", len(data)) + data
    return bytes(out)


def decode_bundle(data: bytes, width: int) -> list[bytes]:
    """Exactly `width` entries from a bundle; ValueError on a short, long or malformed bundle."""
    out, pos = [], 0
    for _entry in range(width):
        if pos + 2 > len(data):
            raise ValueError(_("entry bundle holds fewer than {width} entries", width=width))
        (length,) = struct.unpack_from(">H", data, pos)
        pos += 2
        if pos + length > len(data):
            raise ValueError(_("entry bundle is truncated inside an entry"))
        out.append(data[pos:pos + length])
        pos += length
    if pos != len(data):
        raise ValueError(_("entry bundle has bytes after its {width} entries", width=width))
    return out


def split_hashes(data: bytes, width: int) -> list[bytes]:
    """A tile's bytes as its `width` hashes; ValueError when the size is wrong."""
    if len(data) != width * HASH_SIZE:
        raise ValueError(_("tile has {size} bytes, expected {expected}", size=len(data), expected=width * HASH_SIZE))
    return [data[i:i + HASH_SIZE] for i in range(0, len(data), HASH_SIZE)]


def iter_levels(size: int) -> Iterator[int]:
    level = 0
    while size // (TILE_WIDTH ** level):
        yield level
        level += 1
