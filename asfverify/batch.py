"""Verifying many packages in worker processes while the parent alone appends to the ledger."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .application import MANIFEST
from .errors import AsfError, BadInput
from .hostspec import PluginSpec, host_specs
from .i18n import _
from .limits import Limits
from .model import Run
from .plugins import Host
from .runner import verify_package
from .workspace import Workspace


def expand_sources(args: list[str]) -> list[str]:
    """Packages as given; a folder without application.toml stands for the packages inside it."""
    out: list[str] = []
    for arg in args:
        path = Path(arg)
        if path.is_dir() and not (path / MANIFEST).exists():
            found = sorted(
                str(child)
                for child in path.iterdir()
                if (child.is_dir() and (child / MANIFEST).is_file()) or (child.is_file() and child.suffix.lower() == ".zip")
            )
            if not found:
                raise BadInput(_("{arg}: neither a package (no {manifest}) nor a folder of packages", arg=arg, manifest=MANIFEST))
            out.extend(found)
        else:
            out.append(arg)
    return out


@dataclass
class Outcome:
    source: str
    report: Run | None = None
    error: str | None = None


# What workers verify with: the caller's workspace, host and limits. Set in the parent just before
# the pool forks, so every worker runs exactly the host it was given (extra plugins included); a
# spawned worker sets it from what _init_worker receives.
_worker: dict[str, object] = {}


def _init_worker(ws_root: str | None, specs: tuple[PluginSpec, ...], limits: Limits) -> None:
    """Without fork (Windows, macOS, spawn): the worker loads the caller's plugins from their specs."""
    from . import workspace
    from .hostspec import load_specs

    _worker["ws"] = workspace.load(Path(ws_root)) if ws_root else None
    _worker["host"] = load_specs(specs)
    _worker["limits"] = limits


def _guarded(source: str, verify: Callable[[], Run]) -> Outcome:
    """One package's outcome; any failure, even a bug, becomes an error for that package alone."""
    try:
        return Outcome(source, report=verify())
    except AsfError as exc:
        return Outcome(source, error=exc.diagnostics())
    except Exception as exc:
        return Outcome(source, error=f"internal error: {type(exc).__name__}: {exc}")


def _verify_in_worker(source: str) -> Outcome:
    import faulthandler

    limits: Limits = _worker["limits"]  # type: ignore[assignment]
    # The time checks between pages cannot interrupt a parser stuck inside one page; faulthandler's
    # watchdog thread ends the whole worker instead, which the parent reports for this package alone.
    with open(os.devnull, "w") as sink:
        faulthandler.dump_traceback_later(limits.max_seconds_per_package, exit=True, file=sink)
        try:
            return _guarded(
                source,
                lambda: verify_package(source, ws=_worker["ws"], host=_worker["host"], limits=limits),  # type: ignore[arg-type]
            )
        finally:
            faulthandler.cancel_dump_traceback_later()


def verify_many(
    sources: list[str],
    *,
    ws: Workspace | None,
    host: Host,
    limits: Limits,
    jobs: int,
) -> Iterator[Outcome]:
    """Yield each package's outcome as it completes (in-process for one job, else worker processes)."""
    if jobs <= 1 or len(sources) <= 1:
        for source in sources:
            yield _guarded(source, functools.partial(verify_package, source, ws=ws, host=host, limits=limits))
        return
    import multiprocessing

    forks = "fork" in multiprocessing.get_all_start_methods()
    # Without fork, the workers load the same plugins from their specs; one that cannot be sent is
    # refused here, before anything runs, rather than missing from the workers' results.
    specs = () if forks else host_specs(host)
    init_args = (str(ws.root) if ws else None, specs, limits)
    _worker.update(ws=ws, host=host, limits=limits)
    try:
        yield from _verify_in_pool(sources, jobs, init_args, forks)
    finally:
        _worker.clear()


def _verify_in_pool(sources: list[str], jobs: int, init_args: tuple[str | None, tuple[PluginSpec, ...], Limits],
                    forks: bool) -> Iterator[Outcome]:
    """Worker processes; a worker that dies (a parser crashing on a hostile PDF) costs only its package."""
    # Imported here: a single package never pays for multiprocessing.
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    # fork: workers inherit the imported modules and the caller's host (see _worker), so each starts
    # in milliseconds and runs exactly the plugins it was given; spawn: see _init_worker.
    context = multiprocessing.get_context("fork" if forks else "spawn")

    def pool(workers: int) -> ProcessPoolExecutor:
        if forks:
            return ProcessPoolExecutor(max_workers=workers, mp_context=context)
        return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker, initargs=init_args)

    queue = list(reversed(sources))
    while queue:
        in_flight: dict[Future[Outcome], str] = {}
        with pool(jobs) as executor:
            try:
                # Keep a bounded number of packages in flight, so memory stays flat for large batches.
                while queue or in_flight:
                    while queue and len(in_flight) < jobs * 2:
                        source = queue.pop()
                        in_flight[executor.submit(_verify_in_worker, source)] = source
                    done, _pending = wait(in_flight, return_when=FIRST_COMPLETED)
                    for future in done:
                        outcome = future.result()  # BrokenProcessPool when a worker died
                        del in_flight[future]
                        yield outcome
            except BrokenProcessPool:
                pass
        # The pool broke: which in-flight package killed it is unknown, so each runs alone once more.
        for source in in_flight.values():
            with pool(1) as alone:
                try:
                    yield alone.submit(_verify_in_worker, source).result()
                except BrokenProcessPool:
                    yield Outcome(source, error=(
                        f"the verifying process died or ran over {init_args[2].max_seconds_per_package:g} s "
                        "(a document crashed or hung a parser?); nothing was recorded for it"))


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


