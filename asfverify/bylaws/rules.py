"""The bylaws rule file: loading, validation and compiled rules."""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import FormatError
from ..i18n import N_, _
from .patterns import Compiler, Lexicon, PatternError, Sequence_, WordTest
from .structure import Grammar, firsts_of

EFFECTS = ("pass", "fail", "review", "doubt", "none")
OUTCOMES = ("pass", "fail", "review")
_RULE_KEYS = {"id", "requirement", "effect", "patterns", "also", "unless", "facts", "explanation", "gap",
              "negatable", "manifest", "subject", "appointer", "appointed", "legal_forms", "except_legal_forms", "unless_not_within"}
_FORM_KEYS = {"names", "self_words", "outcomes", "needs_also"}
_REQ_KEYS = {"needs", "default", "default_why", "partial_why", "pass_why"}


class RuleFileError(FormatError):
    """The rule file is invalid; the message names the rule and the key."""


@dataclass(frozen=True)
class Requirement:
    """How one requirement's outcome follows from its rules' matches."""

    id: str
    needs: tuple[str, ...]  # facts pass rules must establish together
    default: str  # the outcome when no rule decides
    default_why: str
    partial_why: str
    pass_why: str


@dataclass(frozen=True)
class Rule:
    """One rule: where a match counts, what it means and why."""

    id: str
    requirement: str
    effect: str
    patterns: tuple[str, ...]
    also: tuple[str, ...]
    unless: tuple[str, ...]
    facts: tuple[str, ...]
    explanation: str
    negatable: bool
    manifest: bool
    compiled: tuple[Sequence_, ...] = field(repr=False, compare=False, default=())
    # Word-test ids of which a sentence must hold at least one for any pattern to match (a pre-check).
    triggers: frozenset[int] = field(repr=False, compare=False, default=frozenset())
    slot_sets: tuple[tuple[frozenset[int], ...], ...] = field(repr=False, compare=False, default=())
    compiled_also: tuple[Sequence_, ...] = field(repr=False, compare=False, default=())
    compiled_unless: tuple[Sequence_, ...] = field(repr=False, compare=False, default=())
    # Structure (asfverify/bylaws/structure.py): the subjects a match may have ("self": the organisation
    # itself); for an appointment rule, the appointer kinds and what is appointed; the legal-form
    # families the rule applies to (empty: all) or does not apply to.
    compiled_unless_not_within: tuple[Sequence_, ...] = field(repr=False, compare=False, default=())
    subject: tuple[str, ...] = ()
    appointer: tuple[str, ...] = ()
    appointed: tuple[str, ...] = ("board",)
    legal_forms: tuple[str, ...] = ()
    except_legal_forms: tuple[str, ...] = ()

    def applies_to(self, form: str) -> bool:
        """Whether the rule is read for a document of this legal-form family ("" = unknown)."""
        if self.legal_forms and form not in self.legal_forms:
            return False
        return not (form and form in self.except_legal_forms)


@dataclass(frozen=True)
class LegalForm:
    """A legal-form family: the application.toml names it covers, how a document names itself, and
    what the form allows (outcomes it forces, facts a pass additionally needs)."""

    family: str
    names: tuple[str, ...]
    self_words: tuple[Sequence_, ...] = field(repr=False, compare=False, default=())
    outcomes: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # requirement -> (outcome, why)
    needs_also: Mapping[str, tuple[tuple[str, ...], str]] = field(default_factory=dict)  # requirement -> (facts, why)


@dataclass(frozen=True)
class RuleSet:
    """A loaded rule file."""

    version: str
    rules: tuple[Rule, ...]
    requirements: Mapping[str, Requirement]
    spelling: Mapping[str, str]
    negators: frozenset[int]  # word-test ids of the negation class
    lexicon: Lexicon
    relative: frozenset[str]  # words opening a relative clause ("som"): negation after them is local
    clause_breaks: frozenset[str]  # words that start a new clause ("men")
    conjunctions: frozenset[str]  # "och", "samt": start a new clause when a finite verb follows
    finite_verbs: frozenset[str]  # "ska", "får", "är" …
    clause_words: frozenset[str]  # clause_breaks and conjunctions together (a fast pre-check)
    source: str
    digest: str = ""
    grammar: Grammar | None = None
    barrier_requirements: frozenset[str] = frozenset()
    form_checked: frozenset[str] = frozenset()  # requirements a legal-form mismatch turns from pass to review
    legal_forms: Mapping[str, LegalForm] = field(default_factory=dict)

    def family(self, legal_form: str | None) -> str:
        """The legal-form family of an application.toml legal_form ("" when unknown or not given)."""
        name = (legal_form or "").strip().casefold()
        for fam in self.legal_forms.values():
            if name in fam.names:
                return fam.family
        return ""  # SHA-256 of the rule file's text: which rules decided, recorded with each result

    def for_requirement(self, requirement: str) -> list[Rule]:
        """The rules of one requirement, in file order."""
        return [r for r in self.rules if r.requirement == requirement]


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RuleFileError(_("{where}: expected a string or a list of strings", where=where))
    return tuple(value)


def _flat_words(seq: Sequence_) -> list[WordTest]:
    out: list[WordTest] = []
    for slot in seq.slots:
        for alt in slot.alternatives:
            out.extend([alt] if isinstance(alt, WordTest) else _flat_words(alt))
    return out


def _triggers(compiled: tuple[Sequence_, ...]) -> frozenset[int]:
    """Per pattern its most selective slot (fewest ids); a match needs one of their words."""
    out: set[int] = set()
    for seq in compiled:
        out |= min((slot.firsts for slot in seq.slots), key=len)
    return frozenset(out)


def parse(data: Mapping[str, Any], source: str = "<rules>", digest: str = "") -> RuleSet:
    """Validate and compile a parsed rule file."""
    settings = data.get("settings", {})
    gap = int(settings.get("gap", 3))
    class_gap = int(settings.get("class_gap", 2))
    classes = {k: _strings(v, f"classes.{k}") for k, v in data.get("classes", {}).items()}
    compiler = Compiler(classes, class_gap, int(settings.get("long_gap", 40)))
    neg_class = settings.get("negation_class", "NEG")
    try:
        negators = tuple(_flat_words(compiler.compile(f"@{neg_class}", 0)))
    except PatternError as exc:
        raise RuleFileError(_("settings.negation_class: {problem}", problem=exc)) from None
    requirements: dict[str, Requirement] = {}
    for rid, cfg in data.get("requirements", {}).items():
        unknown = set(cfg) - _REQ_KEYS
        if unknown:
            raise RuleFileError(_("requirements.{id}: unknown key {key!r}", id=rid, key=sorted(unknown)[0]))
        default = cfg.get("default", "review")
        if default not in OUTCOMES:
            raise RuleFileError(_("requirements.{id}.default: must be one of {choices}", id=rid, choices=", ".join(OUTCOMES)))
        requirements[rid] = Requirement(
            rid, _strings(cfg.get("needs", []), f"requirements.{rid}.needs"), default,
            # English msgids, translated where they are shown (decide.py); N_ puts the defaults in the catalogue.
            str(cfg.get("default_why", N_("no rule decided"))).strip(),
            str(cfg.get("partial_why", N_("only part of what a pass needs was found"))).strip(),
            str(cfg.get("pass_why", N_("the rules that pass it matched"))).strip(),
        )
    rules: list[Rule] = []
    seen: set[str] = set()
    for n, raw in enumerate(data.get("rules", []), start=1):
        rid = raw.get("id")
        where = _("rule {id}", id=rid or "#" + str(n))
        if not rid or not isinstance(rid, str):
            raise RuleFileError(_("{where}: missing id", where=where))
        if rid in seen:
            raise RuleFileError(_("{where}: duplicate id", where=where))
        seen.add(rid)
        unknown = set(raw) - _RULE_KEYS
        if unknown:
            raise RuleFileError(_("{where}: unknown key {key!r}", where=where, key=sorted(unknown)[0]))
        req = raw.get("requirement")
        if req not in requirements:
            raise RuleFileError(_("{where}: requirement {requirement!r} has no [requirements] entry", where=where, requirement=req))
        effect = raw.get("effect")
        if effect not in EFFECTS:
            raise RuleFileError(_("{where}: effect must be one of {choices}", where=where, choices=", ".join(EFFECTS)))
        patterns = _strings(raw.get("patterns", []), f"{where}.patterns")
        if not patterns and not raw.get("appointer"):
            raise RuleFileError(_("{where}: needs at least one pattern (or an appointer)", where=where))
        if not raw.get("explanation"):
            raise RuleFileError(_("{where}: needs an explanation", where=where))
        rgap = int(raw.get("gap", gap))
        try:
            compiled = tuple(compiler.compile(p, rgap) for p in patterns)
            also = _strings(raw.get("also", []), f"{where}.also")
            unless = _strings(raw.get("unless", []), f"{where}.unless")
            compiled_also = tuple(compiler.compile(p, rgap) for p in also)
            compiled_unless = tuple(compiler.compile(p, gap) for p in unless)
        except PatternError as exc:
            raise RuleFileError(_("{where}: {problem}", where=where, problem=exc)) from None
        # A rule that names negation itself ("får inte ske") states its own polarity.
        names_negation = any(f"@{neg_class}" in p for p in patterns)
        facts = _strings(raw.get("facts", [rid]), f"{where}.facts")
        rules.append(Rule(
            rid, req, effect, patterns, also, unless, facts, raw["explanation"].strip(),
            bool(raw.get("negatable", not names_negation)), bool(raw.get("manifest", False)),
            compiled, _triggers(compiled), tuple(tuple(sl.firsts for sl in c.slots) for c in compiled),
            compiled_also, compiled_unless,
            compiled_unless_not_within=_compile_list(compiler, raw.get("unless_not_within", []), f"{where}.unless_not_within", rgap),
            subject=_strings(raw.get("subject", []), f"{where}.subject"),
            appointer=_strings(raw.get("appointer", []), f"{where}.appointer"),
            appointed=_strings(raw.get("appointed", ["board"]), f"{where}.appointed"),
            legal_forms=_strings(raw.get("legal_forms", []), f"{where}.legal_forms"),
            except_legal_forms=_strings(raw.get("except_legal_forms", []), f"{where}.except_legal_forms"),
        ))
    for req in requirements.values():
        established = {f for r in rules if r.requirement == req.id and r.effect == "pass" for f in r.facts}
        missing = [f for f in req.needs if f not in established]
        if missing:
            raise RuleFileError(_("requirements.{id}.needs: no pass rule establishes {fact!r}", id=req.id, fact=missing[0]))
    grammar, forms = _structure(data, compiler)
    for r in rules:
        unknown_forms = [f for f in r.legal_forms + r.except_legal_forms if f not in forms]
        if unknown_forms:
            raise RuleFileError(_("rule {id}: unknown legal form {form!r} (see [legal_forms])", id=r.id, form=unknown_forms[0]))
        unknown_kinds = [k for k in r.appointer if k not in APPOINTER_KINDS]
        if unknown_kinds:
            raise RuleFileError(_("rule {id}: unknown appointer kind {kind!r}", id=r.id, kind=unknown_kinds[0]))
    breaks = [w.casefold() for w in settings.get("clause_breaks", ["men"])]
    conjunctions = [w.casefold() for w in settings.get("conjunctions", ["och", "samt"])]
    return RuleSet(
        version=str(data.get("version", "0")),
        rules=tuple(rules),
        requirements=requirements,
        spelling={k.casefold(): v.casefold() for k, v in data.get("spelling", {}).items()},
        negators=frozenset(t.id for t in negators),
        lexicon=compiler.lexicon(),
        relative=frozenset(w.casefold() for w in settings.get("relative_words", ["som"])),
        clause_breaks=frozenset(breaks),
        conjunctions=frozenset(conjunctions),
        clause_words=frozenset(conjunctions) | frozenset(breaks),
        finite_verbs=frozenset(w.casefold() for w in settings.get("finite_verbs", ["ska", "får", "kan", "är", "har"])),
        source=source,
        digest=digest,
        grammar=grammar,
        form_checked=frozenset(_strings(settings.get("form_checked_requirements", []), "settings.form_checked_requirements")),
        barrier_requirements=frozenset(_strings(settings.get("barrier_requirements", []), "settings.barrier_requirements")),
        legal_forms=forms,
    )


APPOINTER_KINDS = ("meeting", "owners", "board", "public", "public-office", "delegates", "founder", "other-body", "named",
                   "foundation-meeting", "unknown")


def _compile_list(compiler: Compiler, values: Any, where: str, gap: int) -> tuple[Sequence_, ...]:
    try:
        return tuple(compiler.compile(p, gap) for p in _strings(values, where))
    except PatternError as exc:
        raise RuleFileError(_("{where}: {problem}", where=where, problem=exc)) from None


def _structure(data: Mapping[str, Any], compiler: Compiler) -> tuple[Grammar | None, dict[str, LegalForm]]:
    """The [structure], [actors], [subjects] and [legal_forms] tables (all optional)."""
    forms: dict[str, LegalForm] = {}
    for fam, cfg in data.get("legal_forms", {}).items():
        unknown = set(cfg) - _FORM_KEYS
        if unknown:
            raise RuleFileError(_("legal_forms.{family}: unknown key {key!r}", family=fam, key=sorted(unknown)[0]))
        outcomes = {}
        for req, v in cfg.get("outcomes", {}).items():
            if v.get("outcome") not in OUTCOMES or not v.get("why"):
                raise RuleFileError(_("legal_forms.{family}.outcomes.{requirement}: needs an outcome ({choices}) and a why",
                                      family=fam, requirement=req, choices=", ".join(OUTCOMES)))
            outcomes[req] = (v["outcome"], str(v["why"]).strip())
        needs_also = {}
        for req, v in cfg.get("needs_also", {}).items():
            if not v.get("why"):
                raise RuleFileError(_("legal_forms.{family}.needs_also.{requirement}: needs facts and a why", family=fam, requirement=req))
            needs_also[req] = (_strings(v.get("facts", []), f"legal_forms.{fam}.needs_also.{req}.facts"), str(v["why"]).strip())
        forms[fam] = LegalForm(
            fam, tuple(n.casefold() for n in _strings(cfg.get("names", []), f"legal_forms.{fam}.names")),
            _compile_list(compiler, cfg.get("self_words", []), f"legal_forms.{fam}.self_words", 0), outcomes, needs_also)
    st = data.get("structure")
    if st is None:
        return None, forms
    actors = tuple((kind, _compile_list(compiler, pats, f"actors.{kind}", 1)) for kind, pats in data.get("actors", {}).items())
    for kind, _patterns in actors:
        if kind not in APPOINTER_KINDS:
            raise RuleFileError(_("actors.{kind}: unknown actor kind (one of {choices})", kind=kind, choices=", ".join(APPOINTER_KINDS)))
    subjects = tuple((kind, _compile_list(compiler, pats, f"subjects.{kind}", 0)) for kind, pats in data.get("subjects", {}).items())

    def one(key: str) -> Sequence_:
        try:
            return compiler.compile(" ".join(_strings(st.get(key, []), f"structure.{key}")[:1]) or "@" + key.upper(), 1)
        except PatternError as exc:
            raise RuleFileError(_("structure.{key}: {problem}", key=key, problem=exc)) from None

    def words(key: str) -> frozenset[str]:
        return frozenset(w.casefold() for w in _strings(st.get(key, []), f"structure.{key}"))

    grammar = Grammar(
        actors=actors, subjects=subjects, appoint=one("appoint"), seat=one("seat"), not_seat=one("not_seat"),
        agent_preps=words("agent_prepositions"), segment_words=words("segment_words"),
        relative=frozenset(w.casefold() for w in data.get("settings", {}).get("relative_words", ["som"])),
        conditional=words("conditional_words"), noun_negation_after=words("noun_negation_after"),
        internal=words("internal_words"), own_genitives=words("own_genitives"), actor_firsts=firsts_of(actors), subject_firsts=firsts_of(subjects),
    )
    return grammar, forms


def load(path: str | Path | None = None) -> RuleSet:
    """Load a rule file (default: the one shipped in the package)."""
    if path is None:
        text = resources.files("asfverify").joinpath("data", "bylaws-rules.toml").read_text(encoding="utf-8")
        source = "asfverify/data/bylaws-rules.toml"
    else:
        text = Path(path).read_text(encoding="utf-8")
        source = str(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleFileError(_("{source}: {problem}", source=source, problem=exc)) from None
    return parse(data, source, hashlib.sha256(text.encode("utf-8")).hexdigest())


_DEFAULT: RuleSet | None = None


def default_rules() -> RuleSet:
    """The shipped rule set, loaded once per process."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = load()
    return _DEFAULT
