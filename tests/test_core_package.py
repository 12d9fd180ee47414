"""Application packages: every kind of bad package exits 2 with one line and records nothing."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest

from asfverify import testing
from asfverify import workspace as workspace_mod
from asfverify.ledger import open_ledger


def ledger_size(ws: Path) -> int:
    return open_ledger(workspace_mod.load(ws)).size()


def good_package(root: Path) -> Path:
    return testing.build_package(root, [testing.pdf_document("stadgar.pdf", "bylaws", "Stadgar för Testkooperativet ekonomisk förening")])


def assert_rejected(invoke, workspace: Path, package: Path | str, needle: str) -> None:
    before = ledger_size(workspace)
    files_before = sorted(p.name for p in workspace.iterdir())
    result = invoke("run", str(package))
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert needle in lines[0]
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert ledger_size(workspace) == before
    assert sorted(p.name for p in workspace.iterdir()) == files_before


def test_good_package_runs(invoke, workspace, tmp_path):
    pkg = good_package(tmp_path / "pkg")
    result = invoke("run", "--json", str(pkg))
    assert result.exit_code in (0, 1), result.output
    data = json.loads(result.stdout)
    assert data["application"]["organisation"] == {
        "name": "Testkooperativet ekonomisk förening", "org_number": "769612-3459", "legal_form": "ekonomisk förening"}
    assert data["application"]["documents"][0]["sha256"] == __import__("hashlib").sha256((pkg / "stadgar.pdf").read_bytes()).hexdigest()


@pytest.mark.parametrize(
    "toml, needle",
    [
        ("[organisation\nname = 'x'", "invalid TOML"),
        ("[organisation]\nname = 'X'\norg_number = '769612-3459'\ncolour = 'red'\n", "unknown key 'colour'"),
        ("[organisation]\nname = 'X'\n", "missing org_number"),
        ("[organisation]\norg_number = '769612-3459'\n", "missing name"),
        ("[organisation]\nname = 'X'\norg_number = '769612-3458'\n", "wrong check digit"),
        ("[organisation]\nname = 'X'\norg_number = '76961-23459'\n", "not NNNNNN-NNNN"),
        ("[organisation]\nname = 'X'\norg_number = '769612-3459'\nlegal_form = 'kommun'\n", "unknown legal_form"),
        ("[organisation]\nname = 'X'\norg_number = '769612-3459'\n[application]\nreference_date = '31 okt'\n", "reference_date"),
        ("[organisation]\nname = 'X'\norg_number = '769612-3459'\n[application]\nextra = 1\n", "unknown key 'extra'"),
        ("[organisation]\nname = 'X'\norg_number = '769612-3459'\n[[documents]]\npath = 'a.pdf'\nkind = 'bylaws'\nfoo = 1\n", "unknown key 'foo'"),
        ("[organisation]\nname = 'X'\norg_number = '769612-3459'\n[[documents]]\npath = 'stadgar.pdf'\nkind = 'horoscope'\n", "unknown kind 'horoscope'"),
        ("[organisation]\nname = 'X'\norg_number = '769612-3459'\n[[documents]]\npath = 'saknas.pdf'\nkind = 'bylaws'\n", "file not found"),
        ("[organisation]\nname = 'X'\norg_number = '769612-3459'\n[[documents]]\npath = '/etc/passwd'\nkind = 'other'\n", "absolute path"),
        ("[organisation]\nname = 'X'\norg_number = '769612-3459'\n[[documents]]\npath = '../secret.txt'\nkind = 'other'\n", "'..'"),
        ("[organisation]\nname = 'X'\norg_number = '769612-3459'\n[[documents]]\npath = 'stadgar.pdf'\nkind = 'payroll'\n"
         "columns = { salary = 'Lön' }\n", "unknown key 'salary'"),
    ],
)
def test_bad_manifest(invoke, workspace, tmp_path, toml, needle):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    testing.make_pdf(pkg / "stadgar.pdf", ["Stadgar"])
    (tmp_path / "secret.txt").write_text("hemligt")
    (pkg / "application.toml").write_text(toml, encoding="utf-8")
    assert_rejected(invoke, workspace, pkg, needle)


def test_symlink_leaving_package(invoke, workspace, tmp_path):
    pkg = good_package(tmp_path / "pkg")
    (tmp_path / "outside.pdf").write_bytes((pkg / "stadgar.pdf").read_bytes())
    os.symlink(tmp_path / "outside.pdf", pkg / "link.pdf")
    testing.build_package(pkg, [testing.listed_document("link.pdf", "bylaws")])
    assert_rejected(invoke, workspace, pkg, "symlink that leaves the package")


def test_symlink_inside_package_is_fine(invoke, workspace, tmp_path):
    pkg = good_package(tmp_path / "pkg")
    os.symlink(pkg / "stadgar.pdf", pkg / "link.pdf")
    testing.build_package(pkg, [testing.listed_document("link.pdf", "bylaws")])
    assert invoke("run", str(pkg)).exit_code in (0, 1)


def test_file_over_size_limit(invoke, workspace, tmp_path):
    (workspace / "asfverify.toml").write_text(
        (workspace / "asfverify.toml").read_text() + "\n[limits]\nmax_document_bytes = 1000\n", encoding="utf-8"
    )
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "big.csv").write_bytes(b"a;b\n" * 1000)
    testing.build_package(pkg, [testing.listed_document("big.csv", "payroll")])
    assert_rejected(invoke, workspace, pkg, "over the limit")


def test_missing_package_and_no_manifest(invoke, workspace, tmp_path):
    assert_rejected(invoke, workspace, tmp_path / "nope", "no such package")
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "x.txt").write_text("x")
    assert_rejected(invoke, workspace, tmp_path / "empty", "neither a package")


def _zip(folder: Path, target: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(target, "w") as zf:
        for path in folder.rglob("*"):
            zf.write(path, prefix + str(path.relative_to(folder)))
    return target


def test_zip_package(invoke, workspace, tmp_path):
    pkg = good_package(tmp_path / "pkg")
    archive = _zip(pkg, tmp_path / "pkg.zip", prefix="pkg/")
    result = invoke("run", "--json", str(archive))
    assert result.exit_code in (0, 1), result.output
    assert json.loads(result.stdout)["application"]["documents"][0]["path"] == "stadgar.pdf"


def test_zip_member_escaping(invoke, workspace, tmp_path):
    pkg = good_package(tmp_path / "pkg")
    archive = _zip(pkg, tmp_path / "evil.zip")
    with zipfile.ZipFile(archive, "a") as zf:
        zf.writestr("../../evil.txt", "boo")
    assert_rejected(invoke, workspace, archive, "escapes the package folder")
    assert not (tmp_path / "evil.txt").exists()


def test_zip_symlink_member(invoke, workspace, tmp_path):
    pkg = good_package(tmp_path / "pkg")
    archive = _zip(pkg, tmp_path / "link.zip")
    info = zipfile.ZipInfo("link.pdf")
    info.external_attr = (0o120777 << 16)
    with zipfile.ZipFile(archive, "a") as zf:
        zf.writestr(info, "/etc/passwd")
    assert_rejected(invoke, workspace, archive, "symbolic link")


def test_corrupt_zip(invoke, workspace, tmp_path):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    assert_rejected(invoke, workspace, bad, "zip")


def test_no_workspace(runner, tmp_path, monkeypatch):
    from asfverify.cli import cli

    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["run", str(tmp_path)])
    assert result.exit_code == 2
    assert "asfverify init" in result.stderr
    assert "Traceback" not in result.output
