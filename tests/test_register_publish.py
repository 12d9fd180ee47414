"""The public register beside the ledger, its configuration, suspend/reinstate, and `publish` (DESIGN §11)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_certs_cli import CERTIFIER_FLAGS, _record_run

from asfverify import workspace
from asfverify.cli import cli
from asfverify.errors import BadInput
from asfverify.ledger import merkle
from asfverify.ledger.store import open_register
from asfverify.publish.tiles import Tile, decode_bundle, index_path, parse_index_path, split_hashes, tiles_for

PREFIX = "https://certifier.example/asf"


def _invoke(*args: str, ws: Path | None = None):
    argv = (["-w", str(ws)] if ws else []) + list(args)
    return CliRunner().invoke(cli, argv, catch_exceptions=False)


@pytest.fixture()
def ws(tmp_path, monkeypatch) -> Path:
    monkeypatch.delenv("ASFVERIFY_WORKSPACE", raising=False)
    monkeypatch.delenv("ASFVERIFY_KEY_PASSPHRASE", raising=False)
    root = tmp_path / "ws"
    assert _invoke("init", str(root), *CERTIFIER_FLAGS).exit_code == 0
    _record_run(root, "run0001certifiable")
    _record_run(root, "run0002certifiable")
    return root


def _certify(ws: Path, run: str, out: Path) -> dict:
    result = _invoke("certify", run, "-o", str(out), ws=ws)
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text(encoding="utf-8"))


def _snapshot(site: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(site)): (p.read_bytes(), p.stat().st_mtime_ns) for p in site.rglob("*") if p.is_file()}


# ---- configuration -----------------------------------------------------------------------------------

def test_init_sets_the_certifier_and_prefix_and_the_register_origin_derives_from_it(ws):
    config = (ws / "asfverify.toml").read_text(encoding="utf-8")
    assert 'name = "Certifieringsorganet AB"' in config and 'org_number = "556677-8899"' in config
    assert f'prefix = "{PREFIX}"' in config
    loaded = workspace.find(ws)
    assert loaded.register_origin == "certifier.example/asf/register"
    shown = _invoke("keys", "show", ws=ws)
    assert "register vkey: certifier.example/asf/register+" in shown.output
    assert "vkey: " + loaded.origin + "+" in shown.output


def test_init_without_flags_writes_no_placeholder_name(tmp_path):
    root = tmp_path / "bare"
    assert _invoke("init", str(root)).exit_code == 0
    config = (root / "asfverify.toml").read_text(encoding="utf-8")
    assert "name =" not in config


@pytest.mark.parametrize("missing, command", [
    ("[certifier] name", ["certify", "run0001"]),
    ("[publish] prefix", ["revoke", "urn:uuid:4f706184-f0c2-4cb5-99e8-70e6494cf51a", "--reason", "x"]),
    ("[certifier] name", ["suspend", "urn:uuid:4f706184-f0c2-4cb5-99e8-70e6494cf51a", "--reason", "x"]),
    ("[publish] prefix", ["publish", "site"]),
])
def test_commands_refuse_until_the_settings_are_there(tmp_path, missing, command):
    root = tmp_path / "ws"
    flags = {"[certifier] name": ("--org-number", "556677-8899", "--publish-prefix", PREFIX),
             "[certifier] org_number": ("--certifier", "C AB", "--publish-prefix", PREFIX),
             "[publish] prefix": ("--certifier", "C AB", "--org-number", "556677-8899")}[missing]
    assert _invoke("init", str(root), *flags).exit_code == 0
    _record_run(root, "run0001certifiable")
    result = CliRunner().invoke(cli, ["-w", str(root), *command])
    assert result.exit_code == 2
    assert missing in result.output and len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("flag, value", [("--org-number", "556677-8898"), ("--publish-prefix", "ftp://x.example"),
                                         ("--publish-prefix", "https://x.example/a?b=c"), ("--certifier", " ")])
def test_init_refuses_bad_settings(tmp_path, flag, value):
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "ws"), flag, value])
    assert result.exit_code == 2, result.output
    assert flag in result.output and len(result.output.strip().splitlines()) == 1


def test_an_origin_never_changes_once_the_register_has_entries(ws, tmp_path):
    _certify(ws, "run0001", tmp_path / "c.json")
    refused = CliRunner().invoke(cli, ["init", str(ws), "--publish-prefix", "https://other.example/x"])
    assert refused.exit_code == 2
    assert "certifier.example/asf/register" in refused.output and "other.example/x/register" in refused.output
    # Edited by hand: every writer names both origins.
    config = ws / "asfverify.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(PREFIX, "https://other.example/x"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["-w", str(ws), "publish", str(tmp_path / "site")])
    assert result.exit_code == 2
    assert "'other.example/x/register'" in result.output and "'certifier.example/asf/register'" in result.output


# ---- the register ---------------------------------------------------------------------------------------

def test_certify_writes_ledger_and_register_and_proves_the_register_entry(ws, tmp_path):
    cert = _certify(ws, "run0001", tmp_path / "c.json")
    register = open_register(workspace.find(ws))
    kinds = [e.entry["kind"] for e in register.entries()]
    assert kinds == ["key", "certificate"]
    entry = cert["ledgerProof"]["entry"]
    assert entry == register.get(1).entry
    assert entry["organisation"] == {"name": cert["credentialSubject"]["name"],
                                     "org_number": cert["credentialSubject"]["orgNumber"]}
    assert "run_id" not in entry
    assert "certifier.example/asf/register" in cert["ledgerProof"]["tlogProof"]
    assert cert["credentialStatus"]["statusListCredential"] == f"{PREFIX}/status/revocation.json"
    assert _invoke("verify", str(tmp_path / "c.json"), "--trust-workspace", ws=ws).exit_code == 0


def test_a_register_entry_over_65535_bytes_is_refused(ws):
    from asfverify.publish.registry import open_logs

    ledger, register = open_logs(workspace.find(ws))
    size = register.size()
    with pytest.raises(BadInput, match="65535"):
        with ledger.transaction():
            with register.transaction(join=True) as rtx:
                rtx.append({"kind": "key", "padding": "x" * 65536})
    assert register.size() == size
    with ledger.transaction():  # just under the limit is fine
        with register.transaction(join=True) as rtx:
            rtx.append({"kind": "key", "padding": "x" * 65000})
    assert register.size() == size + 1


def test_suspend_reinstate_revoke_and_their_bad_inputs(ws, tmp_path):
    cert = _certify(ws, "run0001", tmp_path / "c.json")
    cid = cert["id"]
    assert CliRunner().invoke(cli, ["-w", str(ws), "reinstate", cid, "--note", "n"]).exit_code == 2
    assert _invoke("suspend", cid, "--reason", "Tillsyn av Anna Andersson", ws=ws).exit_code == 0
    again = CliRunner().invoke(cli, ["-w", str(ws), "suspend", cid, "--reason", "x"])
    assert again.exit_code == 2 and "already suspended" in again.output
    assert _invoke("reinstate", cid, "--note", "klart", ws=ws).exit_code == 0
    assert _invoke("revoke", str(tmp_path / "c.json"), "--reason", "Felaktiga uppgifter", "--category",
                   "incorrect-information", ws=ws).exit_code == 0
    for command in (["suspend", cid, "--reason", "x"], ["revoke", cid, "--reason", "x"]):
        result = CliRunner().invoke(cli, ["-w", str(ws), *command])
        assert result.exit_code == 2 and "already revoked" in result.output
    unknown = CliRunner().invoke(cli, ["-w", str(ws), "suspend", "urn:uuid:4f706184-f0c2-4cb5-99e8-70e6494cf51a",
                                       "--reason", "x"])
    assert unknown.exit_code == 2 and "no such certificate" in unknown.output
    register = open_register(workspace.find(ws))
    statements = [e.entry for e in register.entries()]
    assert [s["kind"] for s in statements][-3:] == ["suspension", "reinstatement", "revocation"]
    assert statements[-1]["reason_category"] == "incorrect-information"
    public = json.dumps(statements, ensure_ascii=False)
    # Free-text reasons and notes stay in the private ledger.
    assert "Anna Andersson" not in public and "Felaktiga" not in public and "klart" not in public


# ---- tiles -------------------------------------------------------------------------------------------

def test_tile_maths_matches_the_spec_examples():
    # c2sp.org/tlog-tiles: size 70,000 has 273 full level-0 tiles, a partial level-0 tile of width 112,
    # one full level-1 tile, a partial level-1 tile of width 17 and a partial level-2 tile of width 1.
    tiles = tiles_for(70_000)
    level0 = [t for t in tiles if t.level == 0]
    assert sum(t.full for t in level0) == 273 and [t.width for t in level0 if not t.full] == [112]
    level1 = [t for t in tiles if t.level == 1]
    assert [(t.index, t.width) for t in level1] == [(0, 256), (1, 17)]
    assert [(t.level, t.index, t.width) for t in tiles if t.level == 2] == [(2, 0, 1)]
    assert max(t.level for t in tiles) == 2
    # Size 256: one full level-0 tile and a partial level-1 tile of width 1.
    assert [(t.level, t.index, t.width) for t in tiles_for(256)] == [(0, 0, 256), (1, 0, 1)]
    assert tiles_for(0) == []
    assert Tile(0, 1234067, 256).path() == "tile/0/x001/x234/067"
    assert Tile(1, 1, 17).path() == "tile/1/001.p/17"
    assert Tile(-1, 0, 5).path() == "tile/entries/000.p/5"
    assert index_path(0) == "000" and parse_index_path("x001/x234/067") == 1234067
    for bad in ("1234", "x1/067", "001/067", "x001/67", "x000/001"):
        with pytest.raises(ValueError):
            parse_index_path(bad)
    # Incremental: a site already at 70,000 needs only the new partial tiles at 70,001.
    assert [(t.level, t.width) for t in tiles_for(70_001, since=70_000)] == [(0, 113), (1, 17), (2, 1)]
    # 70,144 = 274 * 256: tile 273 is now full and there is no partial level-0 tile.
    assert [(t.level, t.index, t.width) for t in tiles_for(70_144, since=70_000)] == [(0, 273, 256), (1, 1, 18), (2, 0, 1)]


# ---- publish -------------------------------------------------------------------------------------------

def test_publish_writes_the_site_and_a_second_run_changes_nothing(ws, tmp_path):
    cert = _certify(ws, "run0001", tmp_path / "c.json")
    _certify(ws, "run0002", tmp_path / "d.json")
    assert _invoke("revoke", cert["id"], "--reason", "x", ws=ws).exit_code == 0
    site = tmp_path / "site"
    site.mkdir()
    (site / "other.txt").write_text("not ours", encoding="utf-8")
    first = _invoke("publish", str(site), ws=ws)
    assert first.exit_code == 0, first.output
    for path in ("register/checkpoint", "ledger/checkpoint", "status/revocation.json", "status/suspension.json",
                 "issuer.json", "register.json", "register.csv", f"certificates/{cert['id'][9:]}.json"):
        assert (site / path).is_file(), path
    assert (site / "other.txt").read_text(encoding="utf-8") == "not ours"
    before = _snapshot(site)
    second = _invoke("publish", str(site), ws=ws)
    assert second.exit_code == 0 and "0 files written" in second.output
    assert _snapshot(site) == before

    # The register as tiles: the bundle's entries hash to the level-0 tile, whose root is the checkpoint's.
    register = open_register(workspace.find(ws))
    size = register.size()
    note = (site / "register/checkpoint").read_text(encoding="utf-8")
    origin, size_text, root_b64 = note.split("\n")[:3]
    assert origin == "certifier.example/asf/register" and int(size_text) == size
    tile = split_hashes((site / f"register/tile/0/000.p/{size}").read_bytes(), size)
    entries = decode_bundle((site / f"register/tile/entries/000.p/{size}").read_bytes(), size)
    assert [merkle.leaf_hash(e) for e in entries] == tile
    assert merkle.root_of(tile) == base64.b64decode(root_b64)
    kinds = [json.loads(e)["kind"] for e in entries]
    assert kinds.count("ledger-anchor") == 1 and kinds.count("status-list") == 2

    # Status lists resolve under the prefix and carry the revocation and a ttl.
    from asfverify.certs.statuslist import decode_list, is_set

    revocation = json.loads((site / "status/revocation.json").read_text(encoding="utf-8"))
    assert revocation["id"] == cert["credentialStatus"]["statusListCredential"]
    assert revocation["credentialSubject"]["ttl"] > 0 and revocation["credentialSubject"]["statusPurpose"] == "revocation"
    assert is_set(decode_list(revocation["credentialSubject"]["encodedList"]), int(cert["credentialStatus"]["statusListIndex"]))
    verified = _invoke("verify", str(tmp_path / "c.json"), "--trust-workspace", "--status", str(site / "status/revocation.json"), ws=ws)
    assert verified.exit_code == 1 and "revoked" in verified.output.lower()
    rows = json.loads((site / "register.json").read_text(encoding="utf-8"))["certificates"]
    assert sorted(r["status"] for r in rows) == ["revoked", "valid"]
    assert all(r["certificate_url"].startswith(f"{PREFIX}/certificates/") for r in rows)
    published = json.loads((site / f"certificates/{cert['id'][9:]}.json").read_text(encoding="utf-8"))
    assert published == cert
    issuer = json.loads((site / "issuer.json").read_text(encoding="utf-8"))
    assert issuer["name"] == "Certifieringsorganet AB" and issuer["register"]["origin"] == origin
    assert issuer["orgNumber"] == "556677-8899" and "proof" in issuer


def test_publish_appends_anchor_and_status_list_only_when_changed(ws, tmp_path):
    site = tmp_path / "site"
    _certify(ws, "run0001", tmp_path / "c.json")
    assert _invoke("publish", str(site), ws=ws).exit_code == 0
    register = open_register(workspace.find(ws))
    size = register.size()
    assert _invoke("publish", str(site), ws=ws).exit_code == 0
    assert register.size() == size
    _certify(ws, "run0002", tmp_path / "d.json")
    assert _invoke("publish", str(site), ws=ws).exit_code == 0
    new = [e.entry["kind"] for e in register.entries()][size:]
    assert new == ["certificate", "ledger-anchor"]  # the status lists did not change


def test_a_key_rotation_reaches_the_register_and_both_logs_verify(ws, tmp_path):
    old = _certify(ws, "run0001", tmp_path / "old.json")
    assert _invoke("keys", "rotate", ws=ws).exit_code == 0
    new = _certify(ws, "run0002", tmp_path / "new.json")
    register = open_register(workspace.find(ws))
    kinds = [e.entry["kind"] for e in register.entries()]
    assert kinds == ["key", "certificate", "key", "certificate"]
    rotation = register.get(2).entry
    assert rotation["action"] == "rotate" and rotation["vkey"].startswith("certifier.example/asf/register+")
    checked = _invoke("ledger", "verify", ws=ws)
    assert checked.exit_code == 0, checked.output
    assert "register: 4 entries" in checked.output
    for cert in (old, new):
        path = tmp_path / "c.json"
        path.write_text(json.dumps(cert), encoding="utf-8")
        assert _invoke("verify", str(path), "--trust-workspace", ws=ws).exit_code == 0


def test_register_csv_and_json_survive_hostile_names(ws, tmp_path):
    import csv

    from asfverify.publish.registry import open_logs

    ledger, register = open_logs(workspace.find(ws))
    nasty = '=HYPERLINK("http://x.example"),"Ek. för.", rad\nett'
    with ledger.transaction():
        with register.transaction(join=True) as rtx:
            rtx.append({"kind": "certificate", "cert_id": "urn:uuid:4f706184-f0c2-4cb5-99e8-70e6494cf51a",
                        "organisation": {"name": nasty, "org_number": "769612-3459"}, "criteria_set": "asf-v1",
                        "credential_sha256": "00" * 32, "valid_from": "2026-01-01T00:00:00Z",
                        "valid_until": "2027-01-01T00:00:00Z", "status_index": 7})
    site = tmp_path / "site"
    assert _invoke("publish", str(site), ws=ws).exit_code == 0
    rows = list(csv.DictReader((site / "register.csv").open(encoding="utf-8", newline="")))
    assert rows[-1]["organisation"] == "'" + nasty and rows[-1]["status"] == "valid"
    assert rows[-1]["certificate_url"] == f"{PREFIX}/certificates/4f706184-f0c2-4cb5-99e8-70e6494cf51a.json"
    listed = json.loads((site / "register.json").read_text(encoding="utf-8"))["certificates"]
    assert listed[-1]["organisation"] == nasty and listed[-1]["org_number"] == "769612-3459"


def test_appended_register_tables_equal_a_full_rebuild(ws, tmp_path):
    site, fresh = tmp_path / "site", tmp_path / "fresh"
    first = _certify(ws, "run0001", tmp_path / "a.json")
    assert _invoke("publish", str(site), ws=ws).exit_code == 0
    _certify(ws, "run0002", tmp_path / "b.json")  # appended to the existing files
    assert _invoke("publish", str(site), ws=ws).exit_code == 0
    assert _invoke("publish", str(fresh), ws=ws).exit_code == 0
    for name in ("register.json", "register.csv"):
        assert (site / name).read_bytes() == (fresh / name).read_bytes(), name
    assert len(json.loads((site / "register.json").read_text(encoding="utf-8"))["certificates"]) == 2
    assert _invoke("suspend", first["id"], "--reason", "x", ws=ws).exit_code == 0  # a status change: rebuilt
    assert _invoke("publish", str(site), ws=ws).exit_code == 0
    rows = json.loads((site / "register.json").read_text(encoding="utf-8"))["certificates"]
    assert [r["status"] for r in rows] == ["suspended", "valid"]
    # A register.json edited on the site is not trusted for appending.
    (site / "register.json").write_text('{"issuer": "x"}\n', encoding="utf-8")
    _record_run(ws, "run0003certifiable")
    _certify(ws, "run0003", tmp_path / "c.json")
    assert _invoke("publish", str(site), ws=ws).exit_code == 0
    assert len(json.loads((site / "register.json").read_text(encoding="utf-8"))["certificates"]) == 3
