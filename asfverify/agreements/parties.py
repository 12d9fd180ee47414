"""Recognised collective-agreement parties and agreement wording, loaded from data/agreement-parties.toml."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import BadInput
from ..i18n import _

DATA_FILE = "agreement-parties.toml"
EMPLOYER = "employer"
UNION = "union"


@dataclass(frozen=True)
class Party:
    """An employer organisation or a union that signs collective agreements."""

    name: str
    kind: str  # "employer" | "union"
    aliases: tuple[str, ...] = ()
    exact: tuple[str, ...] = ()
    former: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The name with its former names, e.g. 'Fremia (formerly KFO, Idea)'."""
        return f"{self.name} (formerly {', '.join(self.former)})" if self.former else self.name


@dataclass(frozen=True)
class Match:
    """Where a party or term occurs in a text."""

    text: str
    start: int
    end: int
    party: Party | None = None


def _word(pattern: str) -> str:
    # Whole words only, where a "word" also includes Swedish letters (\w covers them in Python 3).
    return rf"(?<!\w){pattern}(?!\w)"


class Parties:
    """The recognised parties and the wording that marks an agreement document."""

    def __init__(self, data: dict[str, Any]):
        self.parties: tuple[Party, ...] = tuple(
            Party(
                name=str(entry["name"]),
                kind=kind,
                aliases=tuple(entry.get("aliases", ())),
                exact=tuple(entry.get("exact", ())),
                former=tuple(entry.get("former", ())),
            )
            for key, kind in (("employer", EMPLOYER), ("union", UNION))
            for entry in data.get(key, ())
        )
        self._party_patterns: list[tuple[re.Pattern[str], Party]] = []
        for party in self.parties:
            if party.aliases:
                alt = "|".join(re.escape(a) for a in sorted(party.aliases, key=len, reverse=True))
                self._party_patterns.append((re.compile(_word(f"(?:{alt})"), re.IGNORECASE), party))
            if party.exact:
                alt = "|".join(re.escape(a) for a in sorted(party.exact, key=len, reverse=True))
                self._party_patterns.append((re.compile(_word(f"(?:{alt})")), party))
        terms = data.get("terms", {})
        self._agreement = _compile_any(terms.get("agreement", ()))
        self._membership = _compile_any(terms.get("membership", ()))
        asf = data.get("asf_agreement", {})
        self.asf_agreement_name: str = asf.get("name", "Fremia–Kommunal ASF-avtalet")
        self._asf = _compile_any(asf.get("patterns", ()))

    def by_name(self, name: str) -> Party | None:
        """The party whose name or alias is exactly `name` (case-insensitive), if recognised."""
        folded = name.strip().casefold()
        for party in self.parties:
            if folded in {n.casefold() for n in (party.name, *party.aliases, *party.exact)}:
                return party
        # Registry counterparties are often written "Sveriges Kommuner och Regioner (SKR)".
        found = self.find_parties(name)
        return found[0].party if found else None

    def find_parties(self, text: str) -> list[Match]:
        """Every recognised party named in the text, in order of appearance."""
        hits = [
            Match(m.group(0), m.start(), m.end(), party)
            for pattern, party in self._party_patterns
            for m in pattern.finditer(text)
        ]
        return sorted(hits, key=lambda h: h.start)

    def agreement_terms(self, text: str) -> list[Match]:
        """Words that name a collective agreement (kollektivavtal, hängavtal, ASF-avtalet …)."""
        return _matches(self._agreement, text)

    def membership_terms(self, text: str) -> list[Match]:
        """Words that state membership of an organisation (medlemsintyg, är medlem i …)."""
        return _matches(self._membership, text)

    def asf_agreement(self, text: str) -> Match | None:
        """The first mention of the Fremia–Kommunal ASF agreement, if any."""
        found = _matches(self._asf, text)
        return found[0] if found else None


def _compile_any(patterns: Any) -> re.Pattern[str] | None:
    patterns = [str(p) for p in patterns]
    if not patterns:
        return None
    return re.compile("|".join(_word(f"(?:{p})") for p in patterns), re.IGNORECASE)


def _matches(pattern: re.Pattern[str] | None, text: str) -> list[Match]:
    if pattern is None:
        return []
    return [Match(m.group(0), m.start(), m.end()) for m in pattern.finditer(text)]


def load_parties(path: Path | None = None) -> Parties:
    """The packaged parties, extended by a certifier's file at `path` (same layout; its entries are added)."""
    if path is None:
        return default_parties()
    try:
        extra = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        return Parties(merge(_packaged(), extra))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, TypeError, re.error) as exc:
        raise BadInput(_("{path}: not a usable agreement-parties file: {problem}", path=path, problem=exc)) from None


def merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Parties data with `extra`'s parties and terms added to `base`'s; extra's asf_agreement wins."""
    out = {
        "employer": [*base.get("employer", ()), *extra.get("employer", ())],
        "union": [*base.get("union", ()), *extra.get("union", ())],
        "terms": {
            key: [*base.get("terms", {}).get(key, ()), *extra.get("terms", {}).get(key, ())]
            for key in {*base.get("terms", {}), *extra.get("terms", {})}
        },
        "asf_agreement": {**base.get("asf_agreement", {}), **extra.get("asf_agreement", {})},
    }
    return out


def _packaged() -> dict[str, Any]:
    text = resources.files("asfverify").joinpath("data", DATA_FILE).read_text(encoding="utf-8")
    return tomllib.loads(text)


@lru_cache(maxsize=1)
def default_parties() -> Parties:
    """The packaged parties file (parsed once per process)."""
    return Parties(_packaged())


def workspace_parties(workspace: Any) -> Parties:
    """The parties for a workspace: packaged, plus the file its asfverify.toml names under [agreements] parties."""
    name = (getattr(workspace, "config", None) or {}).get("agreements", {}).get("parties") if workspace else None
    if not name:
        return default_parties()
    return _cached_load(str(Path(workspace.root) / name))


@lru_cache(maxsize=8)
def _cached_load(path: str) -> Parties:
    return load_parties(Path(path))
