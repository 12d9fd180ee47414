"""The plugin host's and the package loader's words, and the bundled annual-report plugin's
summaries, in Swedish (the default language) through the CLI. The rest of the suite pins
ASFVERIFY_LANG=en (conftest.py); these tests unset it."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from asfverify import testing
from asfverify.cli import cli

ANNUAL_REPORT = "Årsredovisning 2025\nResultaträkning\nBelopp i kr Not 2025 2024\nNettoomsättning 3 842 100 610 551\n"


def sv(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env={"ASFVERIFY_LANG": None})


def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    assert sv("init", str(ws)).exit_code == 0
    return ws


def one_line(result: Result) -> str:
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.output, result.stderr
    return lines[0]


def test_package_errors_are_swedish(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    horoscope = testing.build_package(tmp_path / "a", [testing.text_document("h.txt", "horoscope", "Stjärnorna")])
    line = one_line(sv("-w", str(ws), "run", str(horoscope)))
    assert "dokument 'h.txt': okänd dokumenttyp (kind) 'horoscope' (en av: " in line
    columns = testing.build_package(tmp_path / "b", [testing.text_document("s.txt", "bylaws", "Stadgar", columns={"employee": "Nr"})])
    assert "okänd nyckel 'columns' (tillåtna: description, kind, path)" in one_line(sv("-w", str(ws), "run", str(columns)))
    assert "paketet finns inte" in one_line(sv("-w", str(ws), "run", str(tmp_path / "saknas")))


def test_annual_report_summaries_are_swedish(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    package = testing.build_package(tmp_path / "pkg", [testing.pdf_document("ar.pdf", "annual-report", ANNUAL_REPORT)])
    result = sv("-w", str(ws), "run", "--json", str(package))
    assert result.exit_code in (0, 1), result.output
    summaries = {r["requirement"]: r["summary"] for r in json.loads(result.stdout)["results"] if r["plugin"] == "annual_report"}
    assert summaries["C3.market"] == "Årsredovisningen visar en nettoomsättning på 842 100 kr; inga andra intäkter redovisas."
    assert summaries["C4.accounts"] == "Inget förslag till vinstdisposition hittades i årsredovisningen."


def test_plugin_new_speaks_swedish(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    result = sv("-w", str(ws), "plugin", "new", "styrelsebeslut")
    assert result.exit_code == 0, result.output
    assert "Skrev " in result.stdout and "Nästa steg: python -m pytest" in result.stdout
    assert "finns redan (använd --force för att skriva över)" in one_line(sv("-w", str(ws), "plugin", "new", "styrelsebeslut"))
    assert "är en inbyggd dokumenttyp; välj ett annat namn" in one_line(sv("-w", str(ws), "plugin", "new", "payroll"))
