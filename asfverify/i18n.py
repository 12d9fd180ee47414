"""Messages in Swedish by default, English with `--lang en` or ASFVERIFY_LANG=en.

The mechanism is the standard library's gettext: messages are written in English in the code as
`_("…")` (placeholders in `{name}` form, filled by keyword: `_("{n} employees", n=12)`), and each
language has a GNU gettext catalogue (`asfverify/locale/<lang>/LC_MESSAGES/asfverify.po`). The .po
sources are read directly by `read_po` below (a small, strict reader of the format's plain
`msgid`/`msgstr` entries) into a `gettext.NullTranslations` subclass, so no compile step can be
forgotten in a build and translators edit the .po file with any gettext tool (Poedit, msgfmt --check).

Plugins ship their own catalogue beside their module: `plugin_translator(__file__)` reads
`<module>.sv.po` (see docs/plugins.md). A message without a translation falls back to English;
tests/test_i18n.py fails when any `_()` message lacks one.
"""

from __future__ import annotations

import ast
import gettext
import os
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = ("sv", "en")
DEFAULT = "sv"
ENV = "ASFVERIFY_LANG"
DOMAIN = "asfverify"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_chosen: str | None = None


def set_language(lang: str | None) -> None:
    """Choose the language for this process (the --lang option); None goes back to ASFVERIFY_LANG."""
    global _chosen
    _chosen = normalise(lang) if lang else None


@contextmanager
def in_language(lang: str) -> Iterator[None]:
    """Messages in `lang` inside the block (the bilingual report renders each message in both languages)."""
    global _chosen
    before = _chosen
    _chosen = normalise(lang)
    try:
        yield
    finally:
        _chosen = before


def _code(lang: str) -> str | None:
    """'sv', 'sv_SE.UTF-8', 'en-GB' -> 'sv' / 'en'; None for a language we have no messages in."""
    code = lang.strip().lower().replace("-", "_").split(".")[0].split("_")[0]
    return code if code in LANGUAGES else None


def normalise(lang: str) -> str:
    """'sv', 'sv_SE.UTF-8', 'en-GB' -> 'sv' / 'en'; anything else is an error naming the choices."""
    code = _code(lang)
    if code is None:
        from .errors import BadInput

        raise BadInput(_("language {lang!r}: choose one of {choices}", lang=lang, choices=", ".join(LANGUAGES)))
    return code


def language() -> str:
    """The language in force: --lang, else ASFVERIFY_LANG, else Swedish (also for an unknown ASFVERIFY_LANG)."""
    if _chosen:
        return _chosen
    raw = os.environ.get(ENV, "").strip()
    return (_code(raw) if raw else None) or DEFAULT


class Catalogue(gettext.NullTranslations):
    """A gettext translation read from a .po file's entries."""

    def __init__(self, messages: dict[str, str]) -> None:
        super().__init__()
        self.messages = messages

    def gettext(self, message: str) -> str:
        return self.messages.get(message) or message


def _unquote(token: str, where: str) -> str:
    if not (token.startswith('"') and token.endswith('"') and len(token) >= 2):
        raise ValueError(f"{where}: expected a quoted string, found {token[:40]!r}")
    body = token[1:-1]
    if "\\" not in body and '"' not in body:
        # Most entries have no escape at all; reading them without the parser keeps the catalogue's
        # load (every Swedish command, verify included) at a few ms instead of ~20 ms.
        return body
    value = ast.literal_eval(token)  # a .po string is a C string: the escapes are Python's too
    if not isinstance(value, str):
        raise ValueError(f"{where}: not a string")
    return value


def read_po(path: Path) -> dict[str, str]:
    """msgid -> msgstr for every entry of a .po file (empty msgstr: untranslated, left out; the header too).

    Supports what our catalogues use: comments, msgctxt-free singular entries, multi-line strings,
    `#, fuzzy` (fuzzy entries are skipped, as msgfmt does). Anything else is an error naming the line.
    """
    messages: dict[str, str] = {}
    entry: dict[str, str] = {}
    field: str | None = None
    fuzzy = False

    def flush() -> None:
        nonlocal entry, field, fuzzy
        if "msgid" in entry and entry["msgid"] and entry.get("msgstr") and not fuzzy:
            messages[entry["msgid"]] = entry["msgstr"]
        entry, field, fuzzy = {}, None, False

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        where = f"{path.name}:{number}"
        if not line:
            flush()
        elif line.startswith("#"):
            if field == "msgstr":
                flush()
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
        elif line.startswith(("msgid ", "msgstr ")):
            key, _, rest = line.partition(" ")
            if key == "msgid" and "msgid" in entry:
                flush()
            field = key
            entry[key] = _unquote(rest.strip(), where)
        elif line.startswith('"'):
            if field is None:
                raise ValueError(f"{where}: a string outside an entry")
            entry[field] += _unquote(line, where)
        else:
            raise ValueError(f"{where}: unsupported line {line[:40]!r} (plain msgid/msgstr entries only)")
    flush()
    return messages


@cache
def _catalogue(path: str) -> Catalogue:
    file = Path(path)
    return Catalogue(read_po(file) if file.is_file() else {})


def read_po_cached(path: Path) -> dict[str, str]:
    """msgid -> msgstr of a catalogue, read once per process."""
    return _catalogue(str(path)).messages


def catalogue_path(lang: str, domain: str = DOMAIN) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po"


class Message(str):
    """A translated message that remembers what it was made from: its English msgid, its fields, the
    language it was rendered in and the plugin catalogue it came from (None: asfverify's own).

    It is the rendered text (a str) everywhere; `asfverify.summaries` keeps the record of a result's
    summary in the ledger, so `status` and `report` can show it in the reader's language."""

    msgid: str
    fields: dict[str, Any]
    lang: str
    catalogue: str | None

    def __new__(cls, text: str = "", msgid: str | None = None, fields: dict[str, Any] | None = None,
                lang: str = "en", catalogue: str | None = None) -> Message:
        self = super().__new__(cls, text)
        self.msgid = text if msgid is None else msgid
        self.fields = dict(fields or {})
        self.lang = lang
        self.catalogue = catalogue
        if text:
            RECENT.append(str(text))
        return self


def compose(template: str, /, **fields: Any) -> str:
    """Text put together from messages with a template that is the same in every language (only
    placeholders and punctuation: "{requirement} {why}."), instead of an f-string, so a summary built
    this way keeps its record and can be shown in another language (summaries.py)."""
    if any(c.isalpha() for c in _PLACEHOLDER.sub("", template)):
        raise ValueError(f"compose() templates hold no words (they are not translated): {template!r}")
    return Message(template.format(**fields), template, fields, language(), VERBATIM)


_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def join(separator: str, items: Iterable[Any]) -> str:
    """`separator.join(items)` that keeps the record of each item (see compose)."""
    parts = list(items)
    names = {f"i{number}": item for number, item in enumerate(parts)}
    return compose(separator.replace("{", "{{").replace("}", "}}").join("{" + name + "}" for name in names), **names)


# The catalogue name of a compose() template: rendered as it is in every language.
VERBATIM = ":verbatim"


# The texts of the latest messages made in this process: a field of a summary that contains one was
# composed from translated pieces, so its record could not be rendered again in another language.
RECENT: deque[str] = deque(maxlen=512)


def translate(message: str, catalogue: Path | None = None, /, **fields: Any) -> str:
    """`message` in the current language, its {placeholders} filled from `fields`."""
    return _render(message, catalogue, None if catalogue is None else catalogue_name(catalogue), fields)


def _render(message: str, catalogue: Path | None, name: str | None, fields: dict[str, Any]) -> Message:
    lang = language()
    text = message
    if lang != "en":
        text = _catalogue(str(catalogue or catalogue_path(lang))).gettext(message)
    return Message(text.format(**fields) if fields else text, message, fields, lang, name)


def catalogue_name(po: Path) -> str:
    """A plugin catalogue's name in a message record: its module's name (`work_training.sv.po` ->
    `work_training`; a package's `__init__.sv.po` -> the package's name)."""
    stem = po.name.split(".")[0]
    return po.parent.name if stem == "__init__" else stem


# Plugin modules met in this process, by catalogue name (their catalogues are found beside them).
PLUGIN_MODULES: dict[str, Path] = {}


def _(message: str, /, **fields: Any) -> str:
    """The message in the current language: `_("{n} of {total} employees", n=8, total=12)`."""
    return translate(message, **fields)


def N_(message: str) -> str:
    """Mark a message for the catalogue without translating it now (gettext_noop): it is translated
    where it is shown, with `_(text)` on the stored English (a default text kept in a data class)."""
    return message


def plugin_translator(module_file: str) -> Callable[..., str]:
    """A `_` for a plugin module: its messages come from `<module>.<lang>.po` beside the module file.

    In the plugin: `_ = plugin_translator(__file__)`; then `_("{n} documents", n=3)`. The catalogue is
    looked up beside the file as given and, for a symbolic link (the bundled examples), beside its target.
    """
    module = Path(module_file)
    name = catalogue_name(module.with_suffix(".sv.po"))
    PLUGIN_MODULES.setdefault(name, module)

    def plugin_(message: str, /, **fields: Any) -> str:
        lang = language()
        candidate = None if lang == "en" else plugin_catalogue(module, lang)
        if lang != "en" and candidate is None:  # no catalogue for the language: English, and recorded as such
            return Message(message.format(**fields) if fields else message, message, fields, "en", name)
        return _render(message, candidate, name, fields)

    return plugin_


def plugin_catalogue(module: Path, lang: str) -> Path | None:
    """`<module>.<lang>.po` beside the module file as given or, for a symbolic link, beside its target."""
    target = module.resolve()
    for folder, stem in ((module.parent, module.stem), (target.parent, target.stem)):
        candidate = folder / f"{stem}.{lang}.po"
        if candidate.is_file():
            return candidate
    return None


def label(value: str) -> str:
    """An outcome or decision word for terminal output, in the current language (outcomes.py labels)."""
    from .outcomes import Decision, Outcome

    if value in Outcome.values():
        member = Outcome(value)
        return member.symbol if language() == "en" else (member.sv.upper() if member is Outcome.FAIL else member.sv)
    if value in Decision.values():
        decision = Decision(value)
        return decision.value if language() == "en" else decision.sv
    return value


def messages_in(source: str) -> list[str]:
    """Every literal message passed to `_()` (or marked with `N_()`) in Python source text, in order."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "N_")
                and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            if node.args[0].value not in found:
                found.append(node.args[0].value)
    return found


# Prose in the shipped data files (asfverify/data/*.toml: rule explanations, requirement texts) is
# English msgids as well, collected into the catalogue by these keys and translated where it is shown
# with `_(text)`; a certifier's own rule or criteria file falls back to its own words.
DATA_TEXT_KEYS = frozenset({"explanation", "default_why", "partial_why", "pass_why", "why", "evidence"})


def data_messages(text: str, keys: frozenset[str] = DATA_TEXT_KEYS) -> list[str]:
    """Every prose value (a string under one of `keys`) of a TOML file's text, in file order."""
    import tomllib

    found: list[str] = []

    def walk(value: Any, key: str = "") -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and key in keys and value.strip() and value.strip() not in found:
            found.append(value.strip())

    walk(tomllib.loads(text))
    return found


def po_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


def write_po(path: Path, messages: list[str], existing: dict[str, str], *, lang: str = "sv") -> list[str]:
    """Write a catalogue holding `messages` (existing translations kept); the untranslated ones returned."""
    header = (f'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: {lang}\\n"\n')
    parts = [header]
    missing = []
    for message in messages:
        translated = existing.get(message, "")
        if not translated:
            missing.append(message)
        parts.append(f"msgid {po_quote(message)}\nmsgstr {po_quote(translated)}\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(parts), encoding="utf-8")
    return missing
