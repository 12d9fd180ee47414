"""Fixtures for the example plugins' tests: an isolated environment and the plugins folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Tests assert English text; Swedish (the default) is tested explicitly (tests/test_i18n.py). Set at
# session start so subprocesses inherit it too.
os.environ["ASFVERIFY_LANG"] = "en"

PLUGINS = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never see the developer's workspace or plugin selection."""
    for name in ("ASFVERIFY_WORKSPACE", "ASFVERIFY_PLUGINS", "ASFVERIFY_DEBUG"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def plugins_dir() -> Path:
    return PLUGINS
