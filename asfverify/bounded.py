"""Running one parse of a hostile document in a child process with a memory and a wall-clock limit.

A PDF page can inflate to gigabytes and a parser can spin inside one page, where no check between
pages ever runs. So each parse (PDF text, PDF tables, an XLSX sheet) runs in a forked child whose
address space is capped (RLIMIT_AS) and which the parent kills when max_seconds_per_document has
passed. Whatever happens in the child — a timeout, an out-of-memory abort, a crash in C code — the
parent gets a DocumentError naming the document and the limit, and the package's run goes on: the
verifier turns it into an `error` result.

fork makes this cheap (the child inherits the loaded libraries; only the result is pickled back).
Where fork or setrlimit do not exist (Windows, some sandboxes) the parse runs in-process with the
parsers' own checks between pages and rows, the portable fallback.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import time
from collections.abc import Callable
from typing import TypeVar

from .errors import DocumentError
from .i18n import _, language

T = TypeVar("T")
MiB = 1024 * 1024

try:
    import resource
except ImportError:  # pragma: no cover - not on Linux
    resource = None  # type: ignore[assignment]


def available() -> bool:
    """True where documents are parsed in a bounded child process."""
    return hasattr(os, "fork") and resource is not None and hasattr(resource, "RLIMIT_AS") \
        and os.environ.get("ASFVERIFY_INPROCESS_PARSE") != "1"


def _address_space() -> int:
    """This process's current virtual size in bytes (the child starts as a copy of it)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 1024 * MiB


def _child(fn: Callable[[], T], write_fd: int, memory: int) -> None:
    status = 0
    try:
        try:
            soft = _address_space() + memory
            _hard_soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            if hard != resource.RLIM_INFINITY:
                soft = min(soft, hard)
            resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
            value: tuple[str, object] = ("ok", fn())
        except DocumentError as exc:
            value = ("document", str(exc))
        except MemoryError:
            value = ("memory", None)
        except Exception as exc:  # noqa: BLE001 - a parser's bug: its type only (the message may quote content)
            value = ("error", type(exc).__name__)
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(data)
        while view:
            view = view[os.write(write_fd, view[: 1 << 20]):]
    except MemoryError:
        status = 3
    except BaseException:  # noqa: BLE001 - never let the child return into the parent's code
        status = 4
    finally:
        os._exit(status)  # no atexit handlers, no flushing of the parent's buffers


def call(fn: Callable[[], T], *, what: str, seconds: float, memory: int) -> T:
    """fn() in a bounded child; DocumentError (naming `what` and the limit) when it goes over.

    `what` names the work and the document, e.g. "stadgar.pdf: text extraction".
    """
    if not available():
        return fn()
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child (coverage does not follow os._exit)
        os.close(read_fd)
        _child(fn, write_fd, memory)
    os.close(write_fd)
    chunks: list[bytes] = []
    deadline = time.monotonic() + seconds
    timed_out = False
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                timed_out = True
                break
            ready, _w, _x = select.select([read_fd], [], [], remaining)
            if not ready:
                continue
            block = os.read(read_fd, 1 << 20)
            if not block:
                break
            chunks.append(block)
    finally:
        os.close(read_fd)
        if timed_out:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        _pid, status = os.waitpid(pid, 0)
    if timed_out:
        raise DocumentError(_("{what} took longer than the limit of {seconds} s (max_seconds_per_document)", what=what,
                                  seconds=_number(seconds)))
    kind, payload = _decode(b"".join(chunks))
    if kind == "ok":
        return payload  # type: ignore[return-value]
    if kind == "document":
        raise DocumentError(str(payload))
    if kind == "error":
        raise DocumentError(_("{what} failed ({error})", what=what, error=payload))
    # No result, or MemoryError: the child ran out of its address space (C code aborts instead of
    # raising MemoryError, so a death by signal is read the same way).
    died = _(", the parser died with signal {signal}", signal=os.WTERMSIG(status)) if os.WIFSIGNALED(status) else ""
    raise DocumentError(_("{what} needed more than the limit of {mib} MiB of memory (max_memory_per_document{died})",
                          what=what, mib=memory // MiB, died=died))


def _number(value: float) -> str:
    """2.5 as '2,5' in Swedish prose (decimal comma), '2.5' in English; whole numbers without decimals."""
    text = f"{value:g}"
    return text.replace(".", ",") if language() != "en" else text


def _decode(data: bytes) -> tuple[str, object]:
    if not data:
        return "memory", None
    try:
        value = pickle.loads(data)  # our own child's bytes, through a private pipe
    except Exception:  # noqa: BLE001 - a child killed mid-write
        return "memory", None
    if not (isinstance(value, tuple) and len(value) == 2):
        return "memory", None
    return value
