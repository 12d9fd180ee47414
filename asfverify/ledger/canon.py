"""RFC 8785 bytes for ledger entries, fast: the stdlib C encoder where it provably agrees with JCS.

For the values a ledger accepts (no floats, integers within 2^53-1, str keys) `json.dumps` with sorted
keys, no ASCII escaping and compact separators writes exactly the RFC 8785 form, except that it sorts
keys by code point where JCS sorts by UTF-16 code unit; the two orders differ only when a key holds a
character above U+FFFF. Anything unusual goes to asfverify.jcs.canonical, which also words the errors.
"""

from __future__ import annotations

import json
from typing import Any

from ..jcs import MAX_SAFE_INT, canonical

_encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False, sort_keys=True, separators=(",", ":")).encode


def _plain(value: Any) -> bool:
    """True when value holds only what the fast path writes exactly like RFC 8785."""
    if value is None or value is True or value is False or type(value) is str:
        return True
    if type(value) is int:
        return -MAX_SAFE_INT <= value <= MAX_SAFE_INT
    if type(value) is dict:
        for key, item in value.items():
            if type(key) is not str or (not key.isascii() and any(ord(c) > 0xFFFF for c in key)):
                return False
            if not _plain(item):
                return False
        return True
    if type(value) is list:
        return all(_plain(item) for item in value)
    return False


def canonical_entry(value: Any) -> bytes:
    """RFC 8785 canonical bytes of value; raises asfverify.jcs.CanonicalJSONError like jcs.canonical."""
    if _plain(value):
        try:
            return _encode(value).encode("utf-8")
        except UnicodeEncodeError:  # lone surrogate: let jcs.canonical report it
            pass
    return canonical(value)
