"""One exception family, and the one table mapping it to exit statuses.

Every error asfverify reports is an `AsfError`; its class says which exit status it ends with:

    AsfError
    ├── BadInput (2)             the user gave something unusable
    │   ├── PackageError, WorkspaceError
    │   └── FormatError          a value or file that does not parse (also a ValueError)
    │       ├── jcs.CanonicalJSONError, multibase.MultibaseError
    │       └── bylaws RuleFileError, PatternError
    ├── DocumentError            a document could not be read (becomes an `error` result)
    ├── StorageError (2)         the disk is full or the workspace read-only
    └── NegativeOutcome (1)      a check ended negatively: not certifiable, invalid, broken
        └── VerificationError    cryptographic or structural verification failed
            ├── ledger.note.NoteError, ledger.tlogproof.TlogProofError
            ├── certs.eddsa_jcs.ProofError, certs.statuslist.StatusListError (also ValueErrors)
            └── certs.verify.StepFailed

Anything else escaping a command is a bug: the CLI reports it on one line with EXIT_INTERNAL.
The format errors keep `ValueError` as a second base so callers written against the older
ValueError-based classes keep working.
"""

from __future__ import annotations

# The exit statuses (README "Exit status"): the only place they are defined.
EXIT_OK = 0
EXIT_NEGATIVE = 1
EXIT_BAD_INPUT = 2  # also click's status for a usage error
EXIT_INTERNAL = 70  # EX_SOFTWARE (sysexits.h): a bug in asfverify or a plugin, not the input


class AsfError(Exception):
    """Base of every error asfverify reports to a user."""

    exit_code = EXIT_BAD_INPUT

    def diagnostics(self) -> str:
        """The one line shown to the user (empty: the command has already said everything)."""
        return str(self)


class BadInput(AsfError):
    """The user gave something unusable: a bad package, file, option or key (exit 2)."""

    exit_code = EXIT_BAD_INPUT


class PackageError(BadInput):
    """An application package is invalid; the message names the file or key."""


class WorkspaceError(BadInput):
    """No workspace, or a workspace that is not usable."""


class FormatError(BadInput, ValueError):
    """A value or file does not parse (JSON that cannot be canonicalised, a bad multibase string,
    an invalid rule file); a ValueError too, for callers that predate the family."""


class DocumentError(AsfError):
    """A document could not be read (corrupt, encrypted, too large); becomes an `error` result."""


class NegativeOutcome(AsfError):
    """A check ended negatively: not certifiable, invalid certificate, ledger broken (exit 1).

    Raised without a message when the command's output already shows the outcome.
    """

    exit_code = EXIT_NEGATIVE


class VerificationError(NegativeOutcome):
    """Something failed cryptographic or structural verification."""


class StorageError(AsfError):
    """The workspace cannot be written or read: a full disk, a read-only folder (exit 2, nothing changed)."""

    exit_code = EXIT_BAD_INPUT


def exit_status(exc: BaseException) -> int:
    """The exit status an exception ends the CLI with (the mapping lives here and nowhere else)."""
    if isinstance(exc, AsfError):
        return exc.exit_code
    return EXIT_INTERNAL
