"""Verifying many packages in worker processes while the parent alone appends to the ledger."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .application import MANIFEST
from .errors import AsfError, BadInput
from .limits import Limits
from .plugins import Host, load_host
from .runner import RunReport, verify_package
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
                raise BadInput(f"{arg}: neither a package (no {MANIFEST}) nor a folder of packages")
            out.extend(found)
        else:
            out.append(arg)
    return out


@dataclass
class Outcome:
    source: str
    report: RunReport | None = None
    error: str | None = None


# Worker state: each worker process loads the plugins once.
_worker: dict[str, object] = {}


def _init_worker(ws_root: str | None, plugins_dir: str | None, limits: Limits) -> None:
    from . import workspace

    _worker["ws"] = workspace.load(Path(ws_root)) if ws_root else None
    _worker["host"] = load_host(Path(plugins_dir) if plugins_dir else None)
    _worker["limits"] = limits


def _verify_in_worker(source: str) -> Outcome:
    try:
        report = verify_package(source, ws=_worker["ws"], host=_worker["host"], limits=_worker["limits"])  # type: ignore[arg-type]
        return Outcome(source, report=report)
    except AsfError as exc:
        return Outcome(source, error=exc.diagnostics())


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
            try:
                yield Outcome(source, report=verify_package(source, ws=ws, host=host, limits=limits))
            except AsfError as exc:
                yield Outcome(source, error=exc.diagnostics())
        return
    # Imported here: a single package never pays for multiprocessing.
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

    # fork: workers inherit the imported modules, so each starts in milliseconds.
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    init_args = (str(ws.root) if ws else None, str(ws.plugins_dir) if ws and ws.plugins_dir else None, limits)
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_init_worker, initargs=init_args) as pool:
        pending: set[Future[Outcome]] = set()
        queue = list(reversed(sources))
        # Keep a bounded number of packages in flight, so memory stays flat for large batches.
        while queue or pending:
            while queue and len(pending) < jobs * 2:
                pending.add(pool.submit(_verify_in_worker, queue.pop()))
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


