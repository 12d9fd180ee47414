"""Swedish by default (issue 18 point 3) for the witness, the published site's monitor, and the
hostile-input guards: each message through the CLI, with ASFVERIFY_LANG unset as a certifier has it."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from asfverify.cli import cli


def _swedish(*args: str):
    return CliRunner().invoke(cli, list(args), env={"ASFVERIFY_LANG": None})


def _english(*args: str):
    return CliRunner().invoke(cli, list(args), env={"ASFVERIFY_LANG": "en"})


def _one_line(result) -> str:
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    return lines[0]


def test_a_bad_policy_file_is_refused_in_swedish_naming_the_line(tmp_path: Path) -> None:
    policy = tmp_path / "witness-policy.txt"
    policy.write_text("witness W1 nonsense\nquorum W1\n")
    result = _swedish("monitor", str(tmp_path / "site"), "--policy", str(policy))
    assert result.exit_code == 2
    line = _one_line(result)
    assert f"policyn {policy} rad 1: vittnesnyckel:" in line, line
    english = _english("monitor", str(tmp_path / "site"), "--policy", str(policy))
    assert english.exit_code == 2 and f"policy {policy} line 1: witness key:" in _one_line(english)

    policy.write_text("quorum W9\n")
    line = _one_line(_swedish("monitor", str(tmp_path / "site"), "--policy", str(policy)))
    assert "rad 1: kvorumet 'W9' är inte definierat på en tidigare rad" in line, line
    line = _one_line(_swedish("monitor", str(tmp_path / "site"), "--policy", str(tmp_path / "missing.txt")))
    assert "kan inte läsas" in line, line


def test_witness_init_refuses_an_existing_witness_in_swedish(tmp_path: Path) -> None:
    folder = tmp_path / "w"
    assert _swedish("witness", "init", str(folder), "--name", "witness.example/w1").exit_code == 0
    again = _swedish("witness", "init", str(folder), "--name", "witness.example/w1")
    assert again.exit_code == 2
    assert "innehåller redan ett vittne; dess nyckel skrivs inte över" in _one_line(again)


def test_the_monitor_reports_a_rolled_back_site_in_swedish(tmp_path: Path, monkeypatch) -> None:
    import shutil

    from test_certs_cli import CERTIFIER_FLAGS, _record_run

    monkeypatch.delenv("ASFVERIFY_WORKSPACE", raising=False)
    ws = tmp_path / "ws"
    assert _english("init", str(ws), *CERTIFIER_FLAGS).exit_code == 0
    for n in range(2):
        _record_run(ws, f"run000{n}certifiable")
    site, old, state = tmp_path / "site", tmp_path / "old-site", tmp_path / "state.json"
    assert _english("-w", str(ws), "certify", "run0000", "-o", str(tmp_path / "a.json")).exit_code == 0
    assert _english("-w", str(ws), "publish", str(site)).exit_code == 0
    shutil.copytree(site, old)
    assert _english("-w", str(ws), "certify", "run0001", "-o", str(tmp_path / "b.json")).exit_code == 0
    assert _english("-w", str(ws), "publish", str(site)).exit_code == 0
    seen = _swedish("monitor", str(site), "--state", str(state))
    assert seen.exit_code == 0, seen.output
    assert "OK: registret 0 -> " in seen.output and "tiles, buntar, kontrollpunkter och konsistens verifierar" in seen.output
    assert "giltigt" in seen.output and "[post " in seen.output

    # The old copy of the site, served as if it were current: a rollback, said in Swedish.
    rolled = _swedish("monitor", str(old), "--state", str(state))
    assert rolled.exit_code == 1
    line = _one_line(rolled)
    assert "register/checkpoint har storlek" in line and "mindre än de" in line and "(kortat eller återställt)" in line, line
    english = _english("monitor", str(old), "--state", str(state))
    assert english.exit_code == 1 and "smaller than the" in english.output and "(truncated or rolled back)" in english.output


def test_the_monitor_on_an_unreachable_url_names_the_site_not_its_policy_file() -> None:
    import socket

    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens on it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    result = _swedish("monitor", url)
    assert result.exit_code == 1
    line = _one_line(result)
    assert f"webbplatsen {url} gick inte att nå" in line and "witness-policy.txt" not in line, line
    english = _english("monitor", url)
    assert f"the site {url} could not be reached" in _one_line(english) and "witness-policy" not in english.output
