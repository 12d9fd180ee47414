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


def test_a_zip_with_a_member_twice_is_refused_by_confine_in_swedish(tmp_path: Path, monkeypatch) -> None:
    import warnings
    import zipfile

    monkeypatch.delenv("ASFVERIFY_WORKSPACE", raising=False)
    ws = tmp_path / "ws"
    assert _english("init", str(ws)).exit_code == 0
    package = tmp_path / "ansokan.zip"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the duplicate name is the point
        with zipfile.ZipFile(package, "w") as zf:
            zf.writestr("application.toml", "[organisation]\n")
            zf.writestr("stadgar.pdf", b"%PDF-1.4 a")
            zf.writestr("Stadgar.pdf", b"%PDF-1.4 b")
    result = _swedish("-w", str(ws), "run", str(package))
    assert result.exit_code == 2
    line = _one_line(result)
    assert "ansokan.zip: filen 'Stadgar.pdf' förekommer två gånger i zip-filen (även som 'stadgar.pdf')" in line, line
    english = _english("-w", str(ws), "run", str(package))
    assert "member 'Stadgar.pdf' appears twice in the zip" in _one_line(english)

    hidden = tmp_path / "dold.zip"
    with zipfile.ZipFile(hidden, "w") as zf:
        zf.writestr("application.toml", "[organisation]\n")
        zf.writestr("stadgar\u202efdp.pdf", b"%PDF-1.4")
    line = _one_line(_swedish("-w", str(ws), "run", str(hidden)))
    assert "namnet innehåller ett osynligt eller riktningsändrande tecken (U+202E)" in line, line


def test_workspace_errors_are_swedish_and_name_what_to_run(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("ASFVERIFY_WORKSPACE", raising=False)
    missing = tmp_path / "ingen"
    result = _swedish("-w", str(missing), "ledger", "verify")
    assert result.exit_code == 2
    line = _one_line(result)
    assert f"{missing}: ingen asfverify-arbetsyta (ingen asfverify.toml); kör 'asfverify init {missing}'" in line, line
    assert f"{missing}: not an asfverify workspace" in _one_line(_english("-w", str(missing), "ledger", "verify"))

    refused = _swedish("init", str(tmp_path / "ws"), "--org-number", "123")
    assert refused.exit_code == 2
    assert "--org-number 123: inget giltigt svenskt organisationsnummer (NNNNNN-NNNN)" in _one_line(refused)
    assert not (tmp_path / "ws").exists()


def test_a_limit_written_with_quotes_is_refused_naming_the_key(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("ASFVERIFY_WORKSPACE", raising=False)
    ws = tmp_path / "ws"
    assert _english("init", str(ws)).exit_code == 0
    config = ws / "asfverify.toml"
    original = config.read_text(encoding="utf-8")
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "application.toml").write_text("[organisation]\n", encoding="utf-8")
    config.write_text(original + '\n[limits]\nmax_pages = "500"\n', encoding="utf-8")
    line = _one_line(_swedish("-w", str(ws), "run", str(package)))
    assert "asfverify.toml: [limits] max_pages = '500': skriv ett positivt heltal utan citattecken" in line, line
    config.write_text(original + "\n[limits]\nmax_page = 10\n", encoding="utf-8")
    english = _english("-w", str(ws), "run", str(package))
    assert english.exit_code == 2
    assert "[limits] max_page is not a limit; the limits are max_document_bytes, " in _one_line(english)
    config.write_text(original + "\n[limits]\nmax_seconds_per_document = 2.5\n", encoding="utf-8")
    assert "[limits]" not in _english("-w", str(ws), "run", str(package)).output


def test_a_state_file_from_elsewhere_is_refused_in_swedish(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    state = tmp_path / "state.json"
    state.write_text('{"version": 99}\n', encoding="utf-8")
    result = _swedish("monitor", str(site), "--state", str(state))
    assert result.exit_code == 2
    assert f"--state {state}: ingen tillståndsfil för monitor (okänd version)" in _one_line(result)
