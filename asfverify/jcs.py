"""RFC 8785 canonical JSON for everything asfverify signs, and strict parsing of what it verifies."""

from __future__ import annotations

import json
from typing import Any

import rfc8785

from .errors import FormatError
from .i18n import _

MAX_SAFE_INT = 2**53 - 1


class CanonicalJSONError(FormatError):
    """A value cannot be signed: float, unsafe integer, non-string key or invalid Unicode."""


def _check(value: Any, where: str) -> None:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INT:
            raise CanonicalJSONError(_("{where}: integer {value} is beyond 2^53-1; use a string", where=where, value=value))
        return
    if isinstance(value, float):
        raise CanonicalJSONError(_("{where}: floats are not allowed in signed data; use a string or integer", where=where))
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise CanonicalJSONError(_("{where}: object key {key!r} is not a string", where=where, key=key))
            _check(item, f"{where}.{key}")
        return
    if isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            _check(item, f"{where}[{i}]")
        return
    raise CanonicalJSONError(_("{where}: {kind} cannot be canonicalised", where=where, kind=type(value).__name__))


def canonical(value: Any) -> bytes:
    """RFC 8785 bytes of value; refuses floats and integers beyond 2^53-1 anywhere inside it."""
    try:
        _check(value, "$")
        return rfc8785.dumps(value)
    except rfc8785.CanonicalizationError as exc:
        raise CanonicalJSONError(str(exc)) from None
    except RecursionError:
        raise CanonicalJSONError(_("nested too deeply to canonicalise")) from None


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise CanonicalJSONError(_("duplicate JSON key {key!r}", key=key))
        out[key] = value
    return out


def _no_float(text: str) -> Any:
    raise CanonicalJSONError(_("floating-point number {number} is not allowed", number=text))


def _no_constant(text: str) -> Any:
    raise CanonicalJSONError(_("{value} is not valid JSON", value=text))


def loads_strict(text: str | bytes) -> Any:
    """Parse JSON to be verified: duplicate keys, floats, NaN/Infinity are errors."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CanonicalJSONError(_("not UTF-8: {reason}", reason=exc.reason)) from None
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_float=_no_float, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise CanonicalJSONError(_("invalid JSON: {reason} at line {line} column {column}", reason=exc.msg, line=exc.lineno, column=exc.colno)) from None
    except RecursionError:  # hostile input: [[[[…]]]] deep enough to exhaust the parser's stack
        raise CanonicalJSONError(_("nested too deeply")) from None
