"""scripts/no_english.py (check_wheel.sh's check of the wheel's Swedish run) uses test_i18n.py's definitions."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "no_english.py"


def _check(tmp_path: Path, text: str) -> subprocess.CompletedProcess[str]:
    out = tmp_path / "out.txt"
    out.write_text(text, encoding="utf-8")
    return subprocess.run([sys.executable, str(SCRIPT), str(out)], capture_output=True, text=True, timeout=60)


def test_swedish_passes_and_english_is_named(tmp_path: Path) -> None:
    import test_i18n

    pending = getattr(test_i18n, "NOT_YET_TRANSLATED", ())  # it goes away once everything is translated
    ok = _check(tmp_path, "Beslut: kan certifieras\n  Q1.plan  godkänt  Varje deltagare har en individuell plan.\n")
    assert ok.returncode == 0 and "2 lines checked" in ok.stdout and ok.stderr == ""
    bad = _check(tmp_path, "Beslut: kan certifieras\n  Q1.plan  godkänt  Every participant has a plan of the day.\n")
    assert bad.returncode == 1 and "Every participant" in bad.stderr
    if pending:  # lines of ids still waiting for their translation are left out, as in the test
        skipped = _check(tmp_path, f"{pending[0]} the summary is English\n")
        assert skipped.returncode == 0, skipped.stderr
