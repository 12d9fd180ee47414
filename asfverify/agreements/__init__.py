"""The collective-agreement registry, agreement sources and recognised parties (criterion C6.agreement)."""

from .model import KINDS, Agreement
from .sources import AgreementSource, RegistrySource, find_agreements

__all__ = ["KINDS", "Agreement", "AgreementSource", "RegistrySource", "find_agreements"]
