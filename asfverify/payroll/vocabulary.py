"""The default subsidy vocabulary: Arbetsförmedlingen support forms and the names payroll exports use.

Used when the criteria set's [policy] has no `subsidy_forms`. DESIGN.md §2 reads "lönestöd" broadly:
every form below counts. A certifier who wants the narrow reading (lönebidrag and skyddat arbete only)
publishes a criteria set whose other forms carry `eligible = false`. Sources: reference/domain.md §b.
"""

from __future__ import annotations

from typing import Any

# Each form: name (official), aliases (names, legacy names and abbreviations seen in exports).
# Matching folds case, accents and punctuation, so "LB-utv", "lb utv" and "LB utv." are the same.
DEFAULT_SUBSIDY_FORMS: tuple[dict[str, Any], ...] = (
    {"name": "Lönebidrag för utveckling i anställning",
     "aliases": ["lönestöd för utveckling i anställning", "lönestöd utveckling", "lönebidrag utveckling", "lönebidrag för utveckling", "LB utv", "LB utveckling",
                 "utvecklingsanställning"]},
    {"name": "Lönebidrag för anställning",
     "aliases": ["lönestöd för anställning", "lönebidrag", "LB", "lönebidragsanställning", "lönebidrag anställning"]},
    {"name": "Lönebidrag för trygghet i anställning",
     "aliases": ["lönestöd för trygghet i anställning", "lönestöd trygghet", "lönebidrag trygghet", "lönebidrag för trygghet", "LB trygghet", "LB tryggh",
                 "trygghetsanställning"]},
    {"name": "Skyddat arbete hos offentlig arbetsgivare",
     "aliases": ["lönestöd för skyddat arbete hos offentlig arbetsgivare", "skyddat arbete hos offentlig arbetsgivare", "OSA", "offentligt skyddat arbete", "skyddat arbete", "skyddad anställning"]},
    {"name": "Skyddat arbete hos Samhall",
     "aliases": ["lönestöd för skyddat arbete hos Samhall", "skyddat arbete hos Samhall", "anställning hos Samhall", "lönestöd Samhall", "Samhall", "skyddat arbete Samhall", "lönebidrag Samhall"]},
    {"name": "Nystartsjobb",
     "aliases": ["nystartsjobb för nyanlända", "NSJ", "nystart", "nystartjobb", "särskilt nystartsjobb", "stöd för nystartsjobb"]},
    {"name": "Introduktionsjobb",
     "aliases": ["introduktionsjobb (särskilt anställningsstöd)", "intro", "introjobb", "introduktionsjobb"]},
    {"name": "Särskilt anställningsstöd",
     "aliases": ["SA", "SAS", "förstärkt särskilt anställningsstöd", "FSA"]},
    {"name": "Instegsjobb",
     "aliases": ["insteg"]},
    {"name": "Extratjänst",
     "aliases": ["ET", "extratjänster"]},
    {"name": "Yrkesintroduktion",
     "aliases": ["YA", "yrkesintroduktionsanställning", "yrkesintro", "YA-jobb"]},
    {"name": "Etableringsjobb",
     # "EJ" is deliberately absent: in Swedish "ej" means "not", so a bare "EJ" is left to a human.
     "aliases": ["etableringsjobb"]},
    {"name": "Traineejobb",
     "aliases": ["trainee", "traineeanställning", "traineejobb"]},
    {"name": "Lönestöd (ospecificerat)",
     # The broad reading: a list that only says "lönestöd"/"anställningsstöd" names some AF support.
     "aliases": ["lönestöd", "anställningsstöd"]},
)

# Values meaning "hired without subsidy": not eligible, and not unknown either.
NO_SUBSIDY_VALUES: tuple[str, ...] = (
    "", "-", "–", "—", "ingen", "inget", "inga", "nej", "no", "none", "n/a", "na", "saknas",
    "ej aktuellt", "ej tillämpligt", "ingen stödform", "inget stöd", "utan stöd", "ordinarie",
    "ingen lönestöd", "inget lönestöd", "0",
)

# Words that negate a subsidy name inside a longer value ("ej lönebidrag"): such a value needs a human.
NEGATIONS: frozenset[str] = frozenset({"ej", "ingen", "inget", "inga", "inte", "nej", "no", "not", "utan", "ejberattigad"})


def vocabulary_toml() -> str:
    """The default vocabulary as the criteria file's [policy] keys (for asfverify/data/asf-v1.toml)."""

    def quote(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = ["subsidy_forms = ["]
    for form in DEFAULT_SUBSIDY_FORMS:
        aliases = ", ".join(quote(a) for a in form["aliases"])
        lines.append(f"  {{ name = {quote(form['name'])}, aliases = [{aliases}] }},")
    lines.append("]")
    lines.append("no_subsidy_values = [" + ", ".join(quote(v) for v in NO_SUBSIDY_VALUES) + "]")
    return "\n".join(lines) + "\n"
