"""RFC 8785 canonical JSON for everything asfverify signs, and strict parsing of what it verifies."""

from __future__ import annotations

import json
from typing import Any

import rfc8785

from .errors import FormatError

MAX_SAFE_INT = 2**53 - 1


class CanonicalJSONError(FormatError):
    """A value cannot be signed: float, unsafe integer, non-string key or invalid Unicode."""


def _check(value: Any, where: str) -> None:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INT:
            raise CanonicalJSONError(f"{where}: integer {value} is beyond 2^53-1; use a string")
        return
    if isinstance(value, float):
        raise CanonicalJSONError(f"{where}: floats are not allowed in signed data; use a string or integer")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise CanonicalJSONError(f"{where}: object key {key!r} is not a string")
            _check(item, f"{where}.{key}")
        return
    if isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            _check(item, f"{where}[{i}]")
        return
    raise CanonicalJSONError(f"{where}: {type(value).__name__} cannot be canonicalised")


def canonical(value: Any) -> bytes:
    """RFC 8785 bytes of value; refuses floats and integers beyond 2^53-1 anywhere inside it."""
    try:
        _check(value, "$")
        return rfc8785.dumps(value)
    except rfc8785.CanonicalizationError as exc:
        raise CanonicalJSONError(str(exc)) from None
    except RecursionError:
        raise CanonicalJSONError("nested too deeply to canonicalise") from None


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise CanonicalJSONError(f"duplicate JSON key {key!r}")
        out[key] = value
    return out


def _no_float(text: str) -> Any:
    raise CanonicalJSONError(f"floating-point number {text} is not allowed")


def _no_constant(text: str) -> Any:
    raise CanonicalJSONError(f"{text} is not valid JSON")


def loads_strict(text: str | bytes) -> Any:
    """Parse JSON to be verified: duplicate keys, floats, NaN/Infinity are errors."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CanonicalJSONError(f"not UTF-8: {exc.reason}") from None
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_float=_no_float, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise CanonicalJSONError(f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:  # hostile input: [[[[…]]]] deep enough to exhaust the parser's stack
        raise CanonicalJSONError("nested too deeply") from None
