"""Helpers shared by the benchmark scripts: timing whole commands and generating packages."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "vagen-framat"


def cli() -> list[str]:
    """The asfverify console script beside this interpreter (or the module as a fallback)."""
    script = Path(sys.executable).with_name("asfverify")
    return [str(script)] if script.exists() else [sys.executable, "-m", "asfverify"]


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASFVERIFY_")}
    env.update(extra)
    return env


def time_command(argv: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None,
                 before: Callable[[], None] | None = None, ok=(0, 1)) -> float:
    if before:
        before()
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if proc.returncode not in ok:
        raise RuntimeError(f"{' '.join(argv)} exited {proc.returncode}: {proc.stderr.decode()[-300:]}")
    return elapsed


def median_of(fn: Callable[[], float], runs: int = 5) -> float:
    return statistics.median(fn() for _ in range(runs))


def luhn_complete(nine: str) -> str:
    from stdnum import luhn

    return nine + luhn.calc_check_digit(nine)


def generate_packages(target: Path, count: int, source: Path = EXAMPLE) -> list[Path]:
    """`count` packages copied from the example, each with its own org number and unique PDF digests."""
    target.mkdir(parents=True, exist_ok=True)
    manifest = (source / "application.toml").read_text(encoding="utf-8")
    # Each generated organisation is a Fremia member in the certifier's registry, like the example.
    registry = ["org_number;counterparty;agreement;kind;valid_from;valid_to"]
    out = []
    for i in range(count):
        pkg = target / f"pkg-{i:04d}"
        pkg.mkdir()
        for path in source.iterdir():
            if path.name == "application.toml":
                continue
            data = path.read_bytes()
            if path.suffix == ".pdf":
                data += f"\n% generated copy {i}\n".encode()  # a new digest: no cache hits between packages
            (pkg / path.name).write_bytes(data)
        org = luhn_complete(f"7696{i:05d}")
        (pkg / "application.toml").write_text(
            manifest.replace("769612-3459", f"{org[:6]}-{org[6:]}"), encoding="utf-8"
        )
        registry.append(f"{org[:6]}-{org[6:]};Fremia;Kollektivavtal för arbetsintegrerande sociala företag (ASF-avtalet);medlemskap;2019-09-01;")
        out.append(pkg)
    (target.parent / f"{target.name}-registry.csv").write_text("\n".join(registry) + "\n", encoding="utf-8")
    return out


def fresh_workspace(root: Path, plugins: bool = True, registry: Path | None = None) -> Path:
    """An initialised workspace with the repository's plugins and the example registry imported."""
    if root.exists():
        shutil.rmtree(root)
    env = clean_env()
    subprocess.run([*cli(), "init", str(root)], env=env, check=True, stdout=subprocess.DEVNULL)
    if plugins:
        for module in (ROOT / "plugins").glob("*.py"):
            shutil.copy2(module, root / "plugins" / module.name)
    registry = registry or ROOT / "examples" / "registry.csv"
    subprocess.run([*cli(), "--workspace", str(root), "agreements", "import", str(registry)],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    return root
