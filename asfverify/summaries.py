"""A result's summary in the reader's language, whatever language the run was made in.

A summary is recorded twice in its result's ledger entry: as the text shown when the run was made
(`summary`, in the run's language, as ever) and, when it can be, as a language-neutral record
(`message`): the English msgid, its fields, the language of `summary` and, for a plugin's message,
the name of the plugin catalogue it came from:

    "summary": "Varje deltagare har en individuell plan.",
    "message": {"id": "Every participant has an individual plan.", "fields": {}, "lang": "sv",
                "catalogue": "work_training"}

`status`, `report` and `explain` show `text(result)`: the stored summary when the reader's language is
the run's, else the record rendered in the reader's language — falling back to the stored summary
for entries without a record (ledgers written before it existed), for a plugin whose catalogue is
not found, and for a message the catalogue does not translate.

A record is kept only when it is faithful: every field is an integer, a plain string (masked like the
summary) or a nested message; no string field contains the text of another translated message (it
was composed from translated pieces, which a record cannot translate again); and rendering the record
in the run's language gives exactly the stored summary. So the record never holds anything the
summary does not show, and a reader in the run's language sees what the certifier saw.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from . import i18n

MAX_RECORD = 4000  # characters of msgid and string fields together, nested messages included
MAX_DEPTH = 8
BUNDLED = Path(__file__).resolve().parent / "bundled_plugins"


def _field_names(msgid: str) -> list[str] | None:
    """The fields the msgid uses (plain names only: `{n}`, `{n:,}`, `{x!r}`); None for `{a.b}` or `{a[0]}`."""
    names = []
    try:
        for _literal, name, _spec, _conversion in string.Formatter().parse(msgid):
            if name is None:
                continue
            if not name.isidentifier():
                return None
            names.append(name)
    except ValueError:
        return None
    return names


def _composed(value: str, own: str) -> bool:
    """True when `value` holds the text of a translated message other than the summary itself."""
    return any(len(text) >= 2 and text != own and text in value for text in i18n.RECENT)


def record(summary: str, stored: str, scrub: Callable[[str], str]) -> dict[str, Any] | None:
    """The language-neutral record of `summary` (an `i18n.Message`), or None when it would not be faithful.

    `stored` is the summary as recorded (masked); `scrub` masks a string field the same way."""
    if not isinstance(summary, i18n.Message):
        return None
    budget = [MAX_RECORD]
    made = _record(summary, scrub, str(summary), budget, 0)
    if made is None:
        return None
    try:
        if _render(made, made["lang"]) != stored:
            return None
    except (KeyError, ValueError, TypeError, IndexError):
        return None
    return made


def _record(message: i18n.Message, scrub: Callable[[str], str], own: str, budget: list[int], depth: int) -> dict[str, Any] | None:
    names = _field_names(message.msgid)
    if names is None or depth > MAX_DEPTH:
        return None
    budget[0] -= len(message.msgid)
    fields: dict[str, Any] = {}
    for name in names:
        if name not in message.fields:
            return None
        value = message.fields[name]
        if isinstance(value, i18n.Message):
            nested = _record(value, scrub, own, budget, depth + 1)
            if nested is None:
                return None
            fields[name] = nested
        elif isinstance(value, bool):
            return None  # str.format writes True/False in English
        elif isinstance(value, int):
            fields[name] = int(value)
        elif isinstance(value, str):
            if _composed(value, own):
                return None
            fields[name] = scrub(str(value))
            budget[0] -= len(fields[name])
        else:
            return None  # a date, a float, a path: only integers and strings are recorded as they are shown
    if budget[0] < 0:
        return None
    out: dict[str, Any] = {"id": message.msgid, "fields": fields, "lang": message.lang}
    if message.catalogue is not None:
        out["catalogue"] = message.catalogue
    return out


def _template(message: Mapping[str, Any], lang: str) -> str | None:
    """The msgid in `lang`, or None when no catalogue translates it."""
    msgid = message["id"]
    if not isinstance(msgid, str):
        raise TypeError("message id")
    name = message.get("catalogue")
    if lang == "en" or name == i18n.VERBATIM:
        return msgid
    if name is None:
        po: Path | None = i18n.catalogue_path(lang)
    else:
        module = i18n.PLUGIN_MODULES.get(str(name)) or BUNDLED / f"{name}.py"
        po = i18n.plugin_catalogue(module, lang)
    if po is None:
        return None
    translated = i18n.read_po_cached(po).get(msgid)
    return translated or None


def _render(message: Mapping[str, Any], lang: str) -> str:
    template = _template(message, lang)
    if template is None:
        raise KeyError(message.get("id"))
    fields = message.get("fields") or {}
    if not isinstance(fields, Mapping):
        raise TypeError("fields")
    values = {name: _render(value, lang) if isinstance(value, Mapping) else value for name, value in fields.items()}
    return template.format(**values)


def text(result: Mapping[str, Any]) -> str:
    """The result's summary in the current language (the stored summary when it cannot be rendered)."""
    stored = str(result.get("summary") or "")
    message = result.get("message")
    lang = i18n.language()
    if not isinstance(message, Mapping) or message.get("lang") == lang:
        return stored
    try:
        return _render(message, lang)
    except (KeyError, ValueError, TypeError, IndexError, AttributeError, OSError):
        return stored
