"""Reading bylaws (stadgar, bolagsordning, policy decisions): text normalisation, rules as data, decisions.

The verifier is asfverify.verifiers.bylaws.BylawsVerifier; the rules live in
asfverify/data/bylaws-rules.toml and are described in docs/bylaws-rules.md.
"""

from .report import assess, manifest_sentence
from .rules import RuleFileError, RuleSet, default_rules, load

__all__ = ["assess", "manifest_sentence", "RuleFileError", "RuleSet", "default_rules", "load"]
