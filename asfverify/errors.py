"""One exception family; the CLI maps it to exit codes in one place (cli.main)."""

from __future__ import annotations


class AsfError(Exception):
    """Base of every error asfverify reports to a user."""

    exit_code = 2

    def diagnostics(self) -> str:
        """The one line shown to the user."""
        return str(self)


class BadInput(AsfError):
    """The user gave something unusable: a bad package, file, option or key (exit 2)."""

    exit_code = 2


class PackageError(BadInput):
    """An application package is invalid; the message names the file or key."""


class WorkspaceError(BadInput):
    """No workspace, or a workspace that is not usable."""


class DocumentError(AsfError):
    """A document could not be read (corrupt, encrypted, too large); becomes an `error` result."""


class NegativeOutcome(AsfError):
    """A check ended negatively: not certifiable, invalid certificate, ledger broken (exit 1)."""

    exit_code = 1


class VerificationError(NegativeOutcome):
    """Something failed cryptographic or structural verification."""
