"""W3C Bitstring Status List v1.0: the revocation bitstring and its credential (unsigned)."""

from __future__ import annotations

import base64
import zlib
from collections.abc import Iterable
from typing import Any

from ..errors import VerificationError
from ..i18n import _

V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
# The spec's minimum: 16 KiB of bits, so a list does not reveal how many certificates exist.
MIN_ENTRIES = 131_072
# Refuse lists that inflate beyond this (a gzip bomb in a --status file).
MAX_BYTES = 16 * 1024 * 1024


class StatusListError(VerificationError, ValueError):
    """An encodedList that is not u-prefixed base64url GZIP of at least MIN_ENTRIES bits."""


def encode_list(revoked: Iterable[int], size: int = MIN_ENTRIES) -> str:
    """`u` + base64url(GZIP(bitstring)); index 0 is the most significant bit of the first byte."""
    indices = sorted(set(revoked))
    if indices and indices[0] < 0:
        raise ValueError("status list indices are non-negative")
    size = max(size, MIN_ENTRIES, (indices[-1] + 1) if indices else 0)
    size = (size + 7) // 8 * 8
    bits = bytearray(size // 8)
    for index in indices:
        bits[index // 8] |= 0x80 >> (index % 8)
    import gzip  # only the issuer compresses; verifiers inflate with zlib

    # mtime=0 keeps the output reproducible for the same set of revocations.
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def decode_list(encoded: Any) -> bytes:
    """The raw bitstring of an encodedList; raises StatusListError for anything malformed."""
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise StatusListError(_("encodedList must be a multibase base64url string starting with 'u'"))
    body = encoded[1:]
    try:
        compressed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (ValueError, TypeError):
        raise StatusListError(_("encodedList is not base64url")) from None
    try:
        inflater = zlib.decompressobj(wbits=31)  # 31: gzip header and trailer
        bits = inflater.decompress(compressed, MAX_BYTES)
        if inflater.unconsumed_tail:
            raise StatusListError(_("encodedList inflates beyond the size limit"))
        if not inflater.eof:
            raise StatusListError(_("encodedList is truncated GZIP data"))
    except zlib.error:
        raise StatusListError(_("encodedList is not GZIP data")) from None
    if len(bits) * 8 < MIN_ENTRIES:
        raise StatusListError(_("the status list has {count} entries, fewer than {minimum}", count=len(bits) * 8, minimum=MIN_ENTRIES))
    return bits


def is_set(bits: bytes, index: int) -> bool:
    """The status bit at index (0 = first, most significant bit of byte 0)."""
    if index < 0 or index >= len(bits) * 8:
        raise StatusListError(_("statusListIndex {index} is outside the list of {count} entries", index=index, count=len(bits) * 8))
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_list_credential(list_id: str, issuer: str, revoked: Iterable[int], valid_from: str,
                           valid_until: str | None = None) -> dict[str, Any]:
    """An unsigned BitstringStatusListCredential for the revocation purpose (validUntil: when to fetch a new one)."""
    listing: dict[str, Any] = {
        "@context": [V2_CONTEXT],
        "id": list_id,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": valid_from,
        "credentialSubject": {
            "id": f"{list_id}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_list(revoked),
        },
    }
    if valid_until is not None:
        listing["validUntil"] = valid_until
    return listing


def status_entry(list_id: str, index: int) -> dict[str, Any]:
    """The credentialStatus entry a certificate carries (statusListIndex is a string, per the spec)."""
    return {
        "id": f"{list_id}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": list_id,
    }
