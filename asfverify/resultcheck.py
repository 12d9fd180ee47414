"""Screening every plugin Result where it enters the host, before it is aggregated, signed or shown.

A verifier is third-party code: what it returns is checked like any other hostile input. A result
that breaks the contract (DESIGN §3, §7) does not abort the run or the batch; the host replaces it by
an `error` result attributed to that plugin and says what was wrong, without quoting the bad value
(it may be the very personnummer the check is keeping out).

Contract:
- requirement: one the verifier declared; outcome: pass | fail | review | error;
- summary, excerpts, notes, rules, matched phrases, trace texts: strings, bounded in length, with
  every personnummer or samordningsnummer masked (typographic forms too; no identifier exemption);
- metrics: at most MAX_METRICS, keys short names (letters, digits, _ . : -) without a personal
  number hidden in them, values strings or integers (no floats, booleans, None or containers:
  results are signed as RFC 8785 JSON, whose integers must stay within ±2^53);
- trace: a list of flat objects whose values are strings, integers, booleans, None or lists of
  strings, with string keys.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from .i18n import _
from .idnumbers import contains_personal_number, mask_personal_numbers
from .verifier import OUTCOMES, Evidence, Result

MAX_SUMMARY = 2000
MAX_TEXT = 2000
MAX_EVIDENCE = 200
MAX_METRICS = 64
MAX_TRACE = 2000
MAX_LIST = 200
MAX_INT = 2**53 - 1
_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_.:-]{0,63}", re.ASCII)
_SHA256 = re.compile(r"[0-9a-f]{64}", re.ASCII)


class ResultViolation(Exception):
    """A plugin result that breaks the contract; the message never quotes the offending value."""


@dataclass(frozen=True)
class Screened:
    """A result that passed the checks, as the dict the host records (personal numbers masked)."""

    data: dict[str, Any]


def _text(value: Any, what: str, limit: int = MAX_TEXT, optional: bool = False) -> Any:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise ResultViolation(_("{what} is a {error_type}, not a string", what=what, error_type=type(value).__name__))
    if len(value) > limit:
        raise ResultViolation(_("{what} is {count} characters, over the limit of {limit}", what=what, count=len(value), limit=limit))
    # str(): a plain string in the record (an i18n.Message is a str subclass; the ledger's fast encoder takes exact strs).
    return mask_personal_numbers(str(value), keep_identifiers=False)


def _key(key: Any, what: str) -> str:
    if isinstance(key, str) and contains_personal_number(key, across_punctuation=True):
        raise ResultViolation(_("{what}: a key holds a personnummer or samordningsnummer", what=what))
    if not isinstance(key, str) or _KEY.fullmatch(key) is None:
        raise ResultViolation(_("{what}: a key must be a short name of letters, digits and _ . : - (at most 64)", what=what))
    return key


def _integer(value: int, what: str) -> int:
    if not -MAX_INT <= value <= MAX_INT:
        raise ResultViolation(_("{what} is an integer outside ±2^53", what=what))
    return value


def _metrics(metrics: Any) -> dict[str, Any]:
    if not isinstance(metrics, dict):
        raise ResultViolation(_("metrics is a {error_type}, not a dict", error_type=type(metrics).__name__))
    if len(metrics) > MAX_METRICS:
        raise ResultViolation(_("{count} metrics, over the limit of {MAX_METRICS}", count=len(metrics), MAX_METRICS=MAX_METRICS))
    out: dict[str, Any] = {}
    for key, value in metrics.items():
        name = _key(key, "metrics")
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise ResultViolation(_("metric {name!r} is a {error_type}; metrics are strings or integers", name=name, error_type=type(value).__name__))
        out[name] = _integer(value, f"metric {name!r}") if isinstance(value, int) else _text(value, f"metric {name!r}")
    return out


def _evidence(items: Any) -> list[dict[str, Any]]:
    if not isinstance(items, (list, tuple)):
        raise ResultViolation(_("evidence is a {error_type}, not a list", error_type=type(items).__name__))
    if len(items) > MAX_EVIDENCE:
        raise ResultViolation(_("{count} evidence items, over the limit of {MAX_EVIDENCE}", count=len(items), MAX_EVIDENCE=MAX_EVIDENCE))
    out = []
    for number, ev in enumerate(items, start=1):
        what = f"evidence #{number}"
        if not isinstance(ev, Evidence):
            raise ResultViolation(_("{what} is a {error_type}, not an Evidence", what=what, error_type=type(ev).__name__))
        if ev.document is not None and (not isinstance(ev.document, str) or _SHA256.fullmatch(ev.document) is None):
            raise ResultViolation(_("{what}: document must be a document's sha256 (64 hex digits) or None", what=what))
        if ev.page is not None and (isinstance(ev.page, bool) or not isinstance(ev.page, int) or not 0 <= ev.page <= 1_000_000):
            raise ResultViolation(_("{what}: page must be a page number or None", what=what))
        if not isinstance(ev.matched, (list, tuple)) or len(ev.matched) > MAX_LIST:
            raise ResultViolation(_("{what}: matched must be a list of at most {MAX_LIST} strings", what=what, MAX_LIST=MAX_LIST))
        _text(ev.excerpt, f"{what} excerpt", limit=100_000)
        item = ev.to_dict()  # cuts the excerpt to EXCERPT_MAX
        item["excerpt"] = _text(item["excerpt"], f"{what} excerpt")
        if "rule" in item:
            item["rule"] = _text(item["rule"], f"{what} rule", limit=200)
        if "matched" in item:
            item["matched"] = [_text(m, f"{what} matched", limit=500) for m in item["matched"]]
        if "note" in item:
            item["note"] = _text(item["note"], f"{what} note")
        out.append(item)
    return out


def _trace_value(value: Any, what: str) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return _integer(value, what)
    if isinstance(value, str):
        return _text(value, what)
    if isinstance(value, (list, tuple)):
        if len(value) > MAX_LIST:
            raise ResultViolation(_("{what} has {count} items, over the limit of {MAX_LIST}", what=what, count=len(value), MAX_LIST=MAX_LIST))
        return [_text(v, what, limit=500) for v in value]
    raise ResultViolation(_("{what} is a {error_type}; trace values are strings, integers, booleans, None or lists of strings",
                            what=what, error_type=type(value).__name__))


def _trace(steps: Any) -> list[dict[str, Any]]:
    if not isinstance(steps, (list, tuple)):
        raise ResultViolation(_("trace is a {error_type}, not a list", error_type=type(steps).__name__))
    if len(steps) > MAX_TRACE:
        raise ResultViolation(_("{count} trace steps, over the limit of {MAX_TRACE}", count=len(steps), MAX_TRACE=MAX_TRACE))
    out = []
    for number, step in enumerate(steps, start=1):
        if not isinstance(step, dict):
            raise ResultViolation(_("trace step #{number} is a {error_type}, not a dict", number=number, error_type=type(step).__name__))
        out.append({_key(k, f"trace step #{number}"): _trace_value(v, f"trace step #{number} field {k!r}") for k, v in step.items()})
    return out


def screen(result: Any, declared: Collection[str], *, verifier: str, version: str, plugin: str) -> Screened:
    """The result as the host records it, or ResultViolation saying which part broke the contract."""
    if not isinstance(result, Result):
        raise ResultViolation(_("returned a {error_type}, not an asfverify Result", error_type=type(result).__name__))
    if not isinstance(result.requirement, str) or result.requirement not in declared:
        raise ResultViolation(_("returned a result for a requirement it did not declare"))
    if result.outcome not in OUTCOMES:
        raise ResultViolation(_("returned an outcome that is not one of {items}", items=', '.join(OUTCOMES)))
    data: dict[str, Any] = {
        "verifier": verifier,
        "version": version,
        "plugin": plugin,
        "requirement": result.requirement,
        "outcome": result.outcome,
        "summary": _text(result.summary, "summary", limit=MAX_SUMMARY),
        "evidence": _evidence(result.evidence),
        "metrics": _metrics(result.metrics),
    }
    if result.trace:
        data["trace"] = _trace(result.trace)
    # The summary's language-neutral record, so a reader in another language sees it in theirs (summaries.py).
    from .summaries import record

    message = record(result.summary, data["summary"], lambda text: mask_personal_numbers(text, keep_identifiers=False))
    if message is not None:
        data["message"] = message
    return Screened(data)
