"""The output boundary: every character asfverify writes to stdout or stderr passes one scrubber.

Data is masked where it enters (application.describe, resultcheck, the ledger), but output is
assembled in many places (headers, tables, JSON, error lines quoting file names, plugin commands);
this is the last line, so no channel can print a personnummer or samordningsnummer in any form.
Text is held until a newline or a flush, so a number written in pieces is still seen whole.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from .idnumbers import mask_personal_numbers


class ScrubbingStream(io.TextIOBase):
    """A text stream that masks personal numbers and passes everything else to `target`."""

    def __init__(self, target: TextIO) -> None:
        super().__init__()
        self.target = target
        self._pending = ""

    # encoding and errors always set, so click takes this stream as it is and never re-wraps the
    # binary buffer beneath it for text (which would bypass the scrubber).
    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.target, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str:  # type: ignore[override]
        return getattr(self.target, "errors", None) or "strict"

    @property
    def buffer(self):  # type: ignore[no-untyped-def]
        """The binary stream beneath, for binary output (a PDF to stdout): pending text goes first."""
        self.flush()
        return self.target.buffer

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self.target.isatty()

    def write(self, text: str) -> int:  # type: ignore[override]
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self._pending += text
        cut = self._pending.rfind("\n")
        if cut >= 0:
            ready, self._pending = self._pending[: cut + 1], self._pending[cut + 1:]
            self.target.write(mask_personal_numbers(ready))
        return len(text)

    def flush(self) -> None:
        if self._pending:
            ready, self._pending = self._pending, ""
            self.target.write(mask_personal_numbers(ready))
        self.target.flush()


@contextmanager
def scrubbed_output() -> Iterator[None]:
    """sys.stdout and sys.stderr through ScrubbingStream for the duration (nested calls are no-ops)."""
    if isinstance(sys.stdout, ScrubbingStream):
        yield
        return
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = ScrubbingStream(saved[0]), ScrubbingStream(saved[1])  # type: ignore[assignment]
    try:
        yield
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        sys.stdout, sys.stderr = saved
