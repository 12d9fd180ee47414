"""`verify --trust-list` and the scheme owner's commands in Swedish (the default language), through the CLI."""

from __future__ import annotations

import json

from click.testing import CliRunner
from test_trust_list_cli import scheme  # noqa: F401  (the fixture: a certifier, its certificate, a signed list)

from asfverify.cli import cli

SWEDISH = {"ASFVERIFY_LANG": None}  # unset: the default language


def _verify(s: dict, *extra: str, listing=None):
    return CliRunner().invoke(cli, ["verify", str(s["cert"]), "--trust-list", str(listing or s["list"]),
                                    "--trust-list-key", s["key"], *extra], env=SWEDISH)


def test_a_listed_certifier_is_confirmed_in_swedish(scheme):  # noqa: F811
    result = _verify(scheme)
    assert result.exit_code == 0, result.output
    step = next(line for line in result.output.splitlines() if line.startswith("OK: 3 "))
    assert step.startswith("OK: 3 Betrodd utfärdare: Certifieringsorganet AB är ackrediterad för asf-v1 "
                           "(sedan 2026-01-01T00:00:00Z); nyckel ")
    assert "; namnet som certifikatet uppger stämmer; förtroendelista nr 1 från Skoopi, signerad av --trust-list-key" in step
    assert "Certifierare (enligt förtroendelistan): Certifieringsorganet AB" in result.output.splitlines()


def test_an_expired_trust_list_fails_step_three_in_swedish(scheme):  # noqa: F811
    result = _verify(scheme, "--at", "2027-03-01")
    assert result.exit_code == 1
    step = next(line for line in result.output.splitlines() if line.startswith("FEL: 3 "))
    assert step.startswith("FEL: 3 Betrodd utfärdare: förtroendelista nr 1 gick ut ")
    assert step.endswith("; hämta ordningens ägares aktuella lista")


def test_a_malformed_trust_list_is_one_swedish_line_exit_2(scheme, tmp_path):  # noqa: F811
    good = json.loads(scheme["list"].read_text())
    cases = {
        "proof": ({k: v for k, v in good.items() if k != "proof"}, "förtroendelista: dokumentet saknar proof"),
        "extra": ({**good, "extra": 1}, "förtroendelista: dokumentet har den okända egenskapen extra"),
        "inverted": ({**good, "validUntil": "2000-01-01T00:00:00Z"},
                     "förtroendelista: listan: validUntil 2000-01-01T00:00:00Z ligger före validFrom"),
    }
    for name, (document, expected) in cases.items():
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        result = _verify(scheme, listing=path)
        assert result.exit_code == 2, (name, result.output)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and f"--trust-list {path}: {expected}" in lines[0], (name, lines)


def test_the_owner_commands_refuse_in_swedish(scheme, tmp_path):  # noqa: F811
    owner, issuer = str(scheme["owner"]), scheme["root"] / "issuer.json"
    document = json.loads(issuer.read_text())
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({**document, "name": "Ändrat namn"}), encoding="utf-8")
    result = CliRunner().invoke(cli, ["trust-list", "add", owner, str(broken), "--from", "2027-01-01"], env=SWEDISH)
    assert result.exit_code == 2
    assert (f"{broken}: issuer.json: proof: signaturen stämmer inte: certifikatet eller dess bevis har ändrats"
            in result.stderr)
    overlap = CliRunner().invoke(cli, ["trust-list", "add", owner, str(issuer), "--from", "2026-06-01"], env=SWEDISH)
    assert overlap.exit_code == 2 and "överlappar" in overlap.stderr and "ackreditering för asf-v1" in overlap.stderr


def test_a_full_swedish_verification_has_no_english_sentence(scheme, tmp_path):  # noqa: F811
    from test_i18n import ENGLISH

    status = tmp_path / "statuslista.json"
    written = CliRunner().invoke(cli, ["-w", str(scheme["ws"]), "status-list", "-o", str(status)],
                                 env={"ASFVERIFY_LANG": "en"})
    assert written.exit_code == 0, written.output
    result = _verify(scheme, "--status", str(status))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 11 and lines[7].startswith("OK: 8 Inte återkallat: inte återkallat (statuslista från ")
    assert [line for line in lines if ENGLISH.search(line)] == []
