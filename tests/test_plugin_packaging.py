"""The packaged work-training plugin installs into a fresh virtual environment and is discovered there.

Slow (it builds two distributions). Offline-safe: nothing is downloaded when the running Python's
setuptools can build asfverify itself (>= 77, for the SPDX license string); otherwise pip fetches the
build backend from the configured package index.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "plugins" / "packaged" / "asfverify-work-training"

pytestmark = pytest.mark.slow


def _setuptools_can_build() -> bool:
    try:
        import setuptools
    except ImportError:
        return False
    major = int(setuptools.__version__.split(".")[0])
    return major >= 77  # bdist_wheel built in (70.1) and SPDX license strings (77)


def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASFVERIFY_") or k == "ASFVERIFY_LANG"}
    env.update(kwargs.pop("env", {}))
    return subprocess.run(args, capture_output=True, text=True, timeout=600, env=env, **kwargs)


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with asfverify and asfverify-work-training installed from local copies (no editable links)."""
    base = tmp_path_factory.mktemp("packaging")
    venv = base / "venv"
    done = _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    assert done.returncode == 0, done.stderr
    # asfverify's own dependencies come from this interpreter's site-packages (a .pth line), so nothing
    # else is installed; a .pth line adds a path but runs no .pth file there, so this environment's
    # editable asfverify stays invisible.
    site = Path(_run([str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    (site / "_asfverify_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")

    src = base / "asfverify-src"
    shutil.copytree(ROOT / "asfverify", src / "asfverify", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", src / "pyproject.toml")
    readme = ROOT / "README.md"
    (src / "README.md").write_text(readme.read_text(encoding="utf-8") if readme.is_file() else "asfverify\n", encoding="utf-8")
    plugin = base / "asfverify-work-training"
    shutil.copytree(DIST, plugin)  # follows the symbolic link: the copy holds the module itself

    isolation = ["--no-build-isolation"] if _setuptools_can_build() else []
    done = _run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "-q", "--no-deps", *isolation, str(src), str(plugin)])
    assert done.returncode == 0, done.stdout + done.stderr
    return venv


def test_the_installed_plugin_is_discovered_by_asfverify_plugins(venv: Path, tmp_path: Path) -> None:
    done = _run([str(venv / "bin" / "asfverify"), "plugins", "--json"], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = {row["verifier"]: row for row in json.loads(done.stdout)}
    row = rows["work-training"]
    assert row["plugin"] == "work_training"
    assert row["source"] == "entry point (asfverify-work-training)"
    assert row["plugin_version"] == "1.0"
    assert row["requirements"] == ["Q1.plan", "Q1.supervisor", "Q1.followup"]


def test_it_runs_from_the_fresh_environment_not_from_the_checkout(venv: Path, tmp_path: Path) -> None:
    code = "import asfverify, asfverify_work_training as m; print(asfverify.__file__); print(m.__file__)"
    done = _run([str(venv / "bin" / "python"), "-c", code], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for line in done.stdout.split():
        assert Path(line).is_relative_to(venv), line


def test_the_installed_plugin_speaks_swedish_from_its_own_catalogue(venv: Path, tmp_path: Path) -> None:
    # The catalogue is the distribution's package data: found beside the installed module, not in the checkout.
    code = ("import asfverify_work_training as m; from pathlib import Path; "
            "po = Path(m.__file__).with_name('__init__.sv.po'); print(po); "
            "print(m._('Every participant has an individual plan.'))")
    done = _run([str(venv / "bin" / "python"), "-c", code], cwd=tmp_path, env={"ASFVERIFY_LANG": "sv"})
    assert done.returncode == 0, done.stderr
    po, text = done.stdout.splitlines()
    assert Path(po).is_relative_to(venv) and Path(po).is_file() and not Path(po).is_symlink()
    assert text == "Varje deltagare har en individuell plan."
    # And through the CLI: the example's Q1 lines, by the installed plugin (it replaces the bundled copy), in Swedish.
    exe = str(venv / "bin" / "asfverify")
    assert _run([exe, "init", str(tmp_path / "ws")], cwd=tmp_path).returncode == 0
    swedish = {k: v for k, v in os.environ.items() if not k.startswith("ASFVERIFY_")}  # ASFVERIFY_LANG unset: the default
    run = subprocess.run([exe, "-w", str(tmp_path / "ws"), "run", str(ROOT / "examples" / "vagen-framat")], cwd=tmp_path,
                         capture_output=True, text=True, timeout=600, env=swedish)
    assert "Q1.plan" in run.stdout, run.stdout + run.stderr
    assert "Varje deltagare har en individuell plan." in run.stdout
    assert "Every participant" not in run.stdout


def test_asfverify_plugins_empty_leaves_it_out(venv: Path, tmp_path: Path) -> None:
    done = _run([str(venv / "bin" / "asfverify"), "plugins", "--json"], cwd=tmp_path, env={"ASFVERIFY_PLUGINS": ""})
    assert done.returncode == 0, done.stderr
    assert "work-training" not in {row["verifier"] for row in json.loads(done.stdout)}


def test_the_informative_criterion_is_listed(venv: Path, tmp_path: Path) -> None:
    done = _run([str(venv / "bin" / "asfverify"), "criteria", "--json"], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    q1 = next(c for c in json.loads(done.stdout)["criteria"] if c["id"] == "Q1")
    assert q1["required"] is False
    assert all(r["verifiers"] == ["work-training"] for r in q1["requirements"])


def test_the_templates_ship_in_the_asfverify_wheel(venv: Path, tmp_path: Path) -> None:
    exe = str(venv / "bin" / "asfverify")
    assert _run([exe, "init", str(tmp_path / "ws")], cwd=tmp_path).returncode == 0
    done = _run([exe, "--workspace", str(tmp_path / "ws"), "plugin", "new", "board-decision"], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "ws" / "plugins" / "board_decision.py").is_file()
