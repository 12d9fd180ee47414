"""The scheme owner's commands and `verify --trust-list` end to end through the CLI, with real workspaces."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_certs_support import RUN

from asfverify import workspace
from asfverify.cli import cli
from asfverify.ledger import open_ledger


def _invoke(*args: str, ws: Path | None = None):
    argv = (["-w", str(ws)] if ws else []) + list(args)
    return CliRunner().invoke(cli, argv, catch_exceptions=False)


def _certifier(root: Path, name: str) -> Path:
    assert _invoke("init", str(root), "--certifier", name).exit_code == 0
    ledger = open_ledger(workspace.find(root))
    ledger.append([
        {"kind": "run", "run_id": "run0001certifiable", "organisation": RUN["organisation"],
         "reference_date": RUN["reference_date"], "criteria": "asf-v1", "documents": RUN["documents"], "plugins": []},
        {"kind": "decision", "run_id": "run0001certifiable", "decision": "certifiable", "criteria": RUN["criteria"]},
    ])
    return root


def _certify(ws: Path, out: Path) -> Path:
    result = _invoke("certify", "run0001", "-o", str(out), ws=ws)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture()
def scheme(tmp_path, monkeypatch):
    """A certifier with a certificate, and a scheme owner who accredited it and signed list #1."""
    monkeypatch.delenv("ASFVERIFY_WORKSPACE", raising=False)
    monkeypatch.delenv("ASFVERIFY_KEY_PASSPHRASE", raising=False)
    monkeypatch.chdir(tmp_path)
    ws = _certifier(tmp_path / "certifier", "Certifieringsorganet AB")
    cert = _certify(ws, tmp_path / "cert.json")
    assert _invoke("issuer", "-o", str(tmp_path / "issuer.json"), ws=ws).exit_code == 0
    init = _invoke("trust-list", "init", str(tmp_path / "owner"), "--name", "Skoopi", "--org-number", "556677-8899")
    assert init.exit_code == 0, init.output
    owner_key = init.output.strip().splitlines()[-1]
    assert owner_key.startswith("did:key:z6Mk")
    added = _invoke("trust-list", "add", str(tmp_path / "owner"), str(tmp_path / "issuer.json"),
                    "--criteria", "asf-v1", "--from", "2026-01-01")
    assert added.exit_code == 0, added.output
    signed = _invoke("trust-list", "sign", str(tmp_path / "owner"), "-o", str(tmp_path / "list.json"))
    assert signed.exit_code == 0, signed.output
    return {"root": tmp_path, "ws": ws, "cert": cert, "owner": tmp_path / "owner", "key": owner_key,
            "list": tmp_path / "list.json"}


def _verify(s: dict, cert: Path | None = None, *extra: str, listing: Path | None = None, key: str | None = None):
    return CliRunner().invoke(cli, ["verify", str(cert or s["cert"]), "--trust-list", str(listing or s["list"]),
                                    "--trust-list-key", key or s["key"], *extra])


def test_listed_issuer_passes_and_its_name_comes_from_the_list(scheme):
    result = _verify(scheme)
    assert result.exit_code == 0, result.output
    assert ("OK: 3 issuer trusted: Certifieringsorganet AB is accredited for asf-v1 (since 2026-01-01T00:00:00Z)"
            in result.output)
    assert "the certificate's claimed name agrees" in result.output
    assert "Certifier (from the trust list): Certifieringsorganet AB" in result.output
    report = json.loads(_verify(scheme, None, "--json").output)
    assert report["valid"] and report["issuer_listed_name"] == "Certifieringsorganet AB"


def test_unknown_issuer_fails_the_trust_step(scheme):
    stranger = _certifier(scheme["root"] / "stranger", "Oackrediterat Certifieringsorgan AB")
    cert = _certify(stranger, scheme["root"] / "stranger.json")
    result = _verify(scheme, cert)
    assert result.exit_code == 1
    assert "FAIL: 3 issuer trusted: the issuer did:key:" in result.output
    assert "is not on trust list #1 of Skoopi (1 certifier checked, every key of each)" in result.output
    assert "Certifier (from the trust list)" not in result.output


def test_removed_issuer_fails_for_certificates_after_the_removal(scheme):
    removed = _invoke("trust-list", "remove", str(scheme["owner"]), "556677-8899", "--from", "2026-02-01")
    assert removed.exit_code == 2 and "no such certifier" in removed.output  # the certifier set no org number
    removed = _invoke("trust-list", "remove", str(scheme["owner"]), "Certifieringsorganet AB", "--from", "2026-02-01")
    assert removed.exit_code == 0, removed.output
    assert _invoke("trust-list", "sign", str(scheme["owner"]), "-o", str(scheme["list"])).exit_code == 0
    result = _verify(scheme)
    assert result.exit_code == 1
    assert "FAIL: 3 issuer trusted: Certifieringsorganet AB was not accredited when the proof was created" in result.output
    shown = json.loads(_invoke("trust-list", "show", str(scheme["owner"]), "--json").output)
    assert shown["certifiers"][0]["accreditations"][0]["validUntil"] == "2026-02-01T00:00:00Z"  # history kept


def test_criteria_set_not_permitted_fails(scheme, tmp_path):
    owner = tmp_path / "owner2"
    init = _invoke("trust-list", "init", str(owner), "--name", "Annan ägare")
    assert _invoke("trust-list", "add", str(owner), str(tmp_path / "issuer.json"), "--criteria", "asf-v2",
                   "--from", "2026-01-01").exit_code == 0
    assert _invoke("trust-list", "sign", str(owner), "-o", str(tmp_path / "l2.json")).exit_code == 0
    result = _verify(scheme, listing=tmp_path / "l2.json", key=init.output.strip().splitlines()[-1])
    assert result.exit_code == 1
    assert "is not accredited for criteria set 'asf-v1' (permitted at" in result.output


def test_expired_list_fails(scheme):
    result = _verify(scheme, None, "--at", "2027-03-01")  # the list is valid 31 days, the certificate two years
    assert result.exit_code == 1
    assert "FAIL: 3 issuer trusted: the trust list #1 expired at" in result.output
    assert "OK: 4 validity" in result.output


def test_list_signed_by_another_key_fails(scheme, tmp_path):
    other = _invoke("trust-list", "init", str(tmp_path / "fake-owner"), "--name", "Skoopi")
    result = _verify(scheme, key=other.output.strip().splitlines()[-1])
    assert result.exit_code == 1
    assert "the trust list is signed by did:key:" in result.output and "not by the --trust-list-key" in result.output


def test_rolled_back_sequence_fails_with_state(scheme, tmp_path):
    second = tmp_path / "list2.json"
    assert _invoke("trust-list", "sign", str(scheme["owner"]), "-o", str(second)).exit_code == 0
    state = tmp_path / "seen.json"
    assert _verify(scheme, None, "--state", str(state), listing=second).exit_code == 0
    assert json.loads(state.read_text())["trustLists"][scheme["key"]]["sequence"] == 2
    result = _verify(scheme, None, "--state", str(state))
    assert result.exit_code == 1 and "the trust list is #1, older than #2 seen before" in result.output
    assert json.loads(state.read_text())["trustLists"][scheme["key"]]["sequence"] == 2
    state.write_text("{not json", encoding="utf-8")
    broken = _verify(scheme, None, "--state", str(state), listing=second)
    assert broken.exit_code == 2 and "--state" in broken.output and "Traceback" not in broken.output


def test_rotated_out_key_keeps_its_certificates_valid(scheme):
    root, ws = scheme["root"], scheme["ws"]
    assert _invoke("keys", "rotate", ws=ws).exit_code == 0
    fresh = _certify(ws, root / "fresh.json")
    # Before the owner refreshes the list, the new key is unknown.
    assert _verify(scheme, fresh).exit_code == 1
    assert _invoke("issuer", "-o", str(root / "issuer2.json"), ws=ws).exit_code == 0
    refreshed = _invoke("trust-list", "add", str(scheme["owner"]), str(root / "issuer2.json"))
    assert refreshed.exit_code == 0 and "Updated Certifieringsorganet AB: 2 keys" in refreshed.output
    assert _invoke("trust-list", "sign", str(scheme["owner"]), "-o", str(scheme["list"])).exit_code == 0
    old = _verify(scheme)
    assert old.exit_code == 0, old.output  # signed by the rotated-out key within its period
    new = _verify(scheme, fresh)
    assert new.exit_code == 0, new.output


def test_versions_are_kept_and_the_owner_key_is_private(scheme):
    owner = scheme["owner"]
    first = (owner / "versions" / "000001.json").read_bytes()
    assert _invoke("trust-list", "sign", str(owner), "-o", "-").exit_code == 0
    assert sorted(p.name for p in (owner / "versions").iterdir()) == ["000001.json", "000002.json"]
    assert (owner / "versions" / "000001.json").read_bytes() == first
    assert stat.S_IMODE((owner / "keys" / "owner.key").stat().st_mode) == 0o600
    assert stat.S_IMODE((owner / "keys").stat().st_mode) == 0o700
    listing = json.loads((owner / "versions" / "000002.json").read_text())
    assert listing["credentialSubject"]["sequence"] == 2 and listing["issuer"]["id"] == scheme["key"]
    shown = _invoke("trust-list", "show", str(owner))
    assert "Signed:       #2" in shown.output and "Certifieringsorganet AB" in shown.output


def test_owner_folder_is_kept_apart_from_certifier_workspaces(scheme):
    inside = _invoke("trust-list", "init", str(scheme["ws"] / "owner"), "--name", "X")
    assert inside.exit_code == 2 and "inside the certifier workspace" in inside.output
    again = _invoke("trust-list", "init", str(scheme["owner"]), "--name", "X")
    assert again.exit_code == 2 and "already a trust-list owner folder" in again.output
    as_owner = _invoke("trust-list", "show", str(scheme["ws"]))
    assert as_owner.exit_code == 2 and "is a certifier workspace" in as_owner.output


def test_bad_input_is_one_line_exit_2(scheme, tmp_path):
    good = json.loads(scheme["list"].read_text())
    text = json.dumps(good)
    cases = {
        "duplicate JSON key": text.replace('"sequence": 1', '"sequence": 1, "sequence": 1'),
        "floating-point": text.replace('"sequence": 1', '"sequence": 1.0'),
        "unknown cryptosuite": json.dumps({**good, "proof": {**good["proof"], "cryptosuite": "bbs-2023"}}),
        "is before validFrom": json.dumps({**good, "validUntil": "2000-01-01T00:00:00Z"}),
    }
    for expected, data in cases.items():
        path = tmp_path / "bad.json"
        path.write_text(data, encoding="utf-8")
        result = _verify(scheme, listing=path)
        assert result.exit_code == 2, (expected, result.output)
        assert expected in result.output and len(result.output.strip().splitlines()) == 1
    assert CliRunner().invoke(cli, ["verify", str(scheme["cert"]), "--trust-list", str(scheme["list"])]).exit_code == 2
    no_key = CliRunner().invoke(cli, ["verify", str(scheme["cert"]), "--trust-list", str(scheme["list"])])
    assert "--trust-list needs --trust-list-key" in no_key.output
    assert _verify(scheme, key="did:key:zNOPE").exit_code == 2


def test_add_refuses_bad_issuer_json_and_bad_periods(scheme, tmp_path):
    owner, issuer = str(scheme["owner"]), tmp_path / "issuer.json"
    document = json.loads(issuer.read_text())
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({**document, "name": "Ändrat namn"}), encoding="utf-8")
    result = _invoke("trust-list", "add", owner, str(broken), "--from", "2027-01-01")
    assert result.exit_code == 2 and "signature does not verify" in result.output
    broken.write_text("[1, 2", encoding="utf-8")
    assert _invoke("trust-list", "add", owner, str(broken), "--from", "2027-01-01").exit_code == 2
    overlap = _invoke("trust-list", "add", owner, str(issuer), "--from", "2026-06-01")
    assert overlap.exit_code == 2 and "overlaps" in overlap.output
    inverted = _invoke("trust-list", "add", owner, str(issuer), "--from", "2031-01-01", "--until", "2030-01-01")
    assert inverted.exit_code == 2 and "before validFrom" in inverted.output
    early = _invoke("trust-list", "remove", owner, "Certifieringsorganet AB", "--from", "2025-01-01")
    assert early.exit_code == 2 and "not after the accreditation's start" in early.output
    stranger = _certifier(tmp_path / "new", "Ny Certifierare AB")
    assert _invoke("issuer", "-o", str(tmp_path / "new.json"), ws=stranger).exit_code == 0
    no_from = _invoke("trust-list", "add", owner, str(tmp_path / "new.json"))
    assert no_from.exit_code == 2 and "give --from DATE" in no_from.output
    bad_date = _invoke("trust-list", "add", owner, str(tmp_path / "new.json"), "--from", "igår")
    assert bad_date.exit_code == 2 and "not a date" in bad_date.output


def test_writing_commands_take_json(scheme, tmp_path):
    owner = tmp_path / "json-owner"
    init = json.loads(_invoke("trust-list", "init", str(owner), "--name", "Ägaren", "--json").output)
    assert init["did"].startswith("did:key:") and init["name"] == "Ägaren"
    issuer = json.loads(_invoke("issuer", "-o", str(tmp_path / "i.json"), "--json", ws=scheme["ws"]).output)
    assert issuer["did"].startswith("did:key:") and issuer["keys"] == 1
    added = json.loads(_invoke("trust-list", "add", str(owner), str(tmp_path / "i.json"), "--from", "2026-01-01",
                               "--json").output)
    assert added["added"] is True and added["certifier"]["name"] == "Certifieringsorganet AB"
    signed = json.loads(_invoke("trust-list", "sign", str(owner), "-o", str(tmp_path / "l.json"), "--json").output)
    assert signed["sequence"] == 1 and signed["certifiers"] == 1 and Path(signed["kept"]).is_file()
    removed = json.loads(_invoke("trust-list", "remove", str(owner), "Certifieringsorganet AB", "--json").output)
    assert removed["certifier"]["accreditations"][0]["validUntil"] == removed["ended"]


def test_key_outside_its_period_fails(scheme):
    # The scheme owner records a later start for the certifier's key than the certificate's proof.
    working = scheme["owner"] / "certifiers.json"
    data = json.loads(working.read_text(encoding="utf-8"))
    data["certifiers"][0]["keys"][0]["validFrom"] = "2099-01-01T00:00:00Z"
    working.write_text(json.dumps(data), encoding="utf-8")
    assert _invoke("trust-list", "sign", str(scheme["owner"]), "-o", str(scheme["list"])).exit_code == 0
    result = _verify(scheme)
    assert result.exit_code == 1
    assert "FAIL: 3 issuer trusted: the key did:key:" in result.output
    assert "was valid 2099-01-01T00:00:00Z .. open, not when the proof was created" in result.output
