"""Built-in verifier: reads stadgar, bolagsordning and policy decisions for C1, C3, C4 and C5."""

from __future__ import annotations

from collections.abc import Iterable

from ..bylaws.report import assess, manifest_sentence
from ..bylaws.rules import RuleSet, default_rules
from ..verifier import Application, BaseVerifier, Context, Result


class BylawsVerifier(BaseVerifier):
    """Scans bylaws text with the rules in asfverify/data/bylaws-rules.toml (docs/bylaws-rules.md)."""

    name = "bylaws"
    version = "1.0"
    requirements = ("C1.purpose", "C3.governance", "C4.bylaws", "C5.democracy")
    document_kinds = ("bylaws", "policy")

    def __init__(self, rules: RuleSet | None = None) -> None:
        self._rules = rules

    @property
    def rules(self) -> RuleSet:
        """The rule set in use (the shipped one unless one was given)."""
        if self._rules is None:
            self._rules = default_rules()
        return self._rules

    def verify(self, application: Application, context: Context) -> Iterable[Result]:
        docs = application.documents_of(*self.document_kinds)
        if not docs:
            return []
        # pages() raises DocumentError for a corrupt document: the host turns that into `error`.
        read = [(d.sha256, d.pages(), d.pages_without_text()) for d in docs]
        org = application.organisation
        manifest = manifest_sentence(org.name, org.legal_form)
        # A rule file of one's own may cover fewer requirements: decide only those it has rules for.
        covered = [r for r in self.requirements if r in self.rules.requirements]
        policy = dict(getattr(context, "policy", None) or {})
        return assess(self.rules, read, manifest, covered, legal_form=org.legal_form, policy=policy)
