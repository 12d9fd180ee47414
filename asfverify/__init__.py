"""asfverify: evidence verification and a signed audit ledger for ASF certification."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

# The one place the version is written: pyproject.toml reads it (tool.setuptools.dynamic), so do
# the wheel, `asfverify --version`, the ledger's run entries and plugin dependency checks.
__version__ = "0.1.0"
__all__ = [
    "hookimpl", "BaseVerifier", "Evidence", "Organisation", "Result", "plugin_translator", "__version__",
    # The plugin API's protocols, for typing a plugin (asfverify.verifier).
    "AgreementSource", "Application", "Context", "Document", "Verifier",
]

if TYPE_CHECKING:
    from .hookspecs import hookimpl
    from .i18n import plugin_translator
    from .verifier import AgreementSource, Application, BaseVerifier, Context, Document, Evidence, Organisation, Result, Verifier


def __getattr__(name: str) -> Any:
    # Loaded on first use, so `asfverify verify` does not pay for pluggy and the verifier API.
    if name == "plugin_translator":
        from .i18n import plugin_translator

        return plugin_translator
    if name == "hookimpl":
        from .hookspecs import hookimpl

        return hookimpl
    if name in ("BaseVerifier", "Evidence", "Organisation", "Result", "AgreementSource", "Application", "Context", "Document", "Verifier"):
        from . import verifier

        return getattr(verifier, name)
    raise AttributeError(f"module 'asfverify' has no attribute {name!r}")
