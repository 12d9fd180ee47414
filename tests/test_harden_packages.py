"""Packages that try to show one thing and hash another, or to read outside themselves: one line, exit 2."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from asfverify import testing
from asfverify.cli import cli

MANIFEST = (
    '[organisation]\nname = "{name}"\norg_number = "769612-3459"\n'
    "[application]\nreference_date = 2026-10-31\n"
    '[[documents]]\npath = "{path}"\nkind = "bylaws"\n'
)


@pytest.fixture
def pdf_bytes(tmp_path: Path) -> bytes:
    return testing.make_pdf(tmp_path / "src.pdf", ["Stadgar för föreningen"]).read_bytes()


def _zip(path: Path, members: list[tuple[str, bytes]], **kw) -> Path:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name" is what this test builds on purpose
        with zipfile.ZipFile(path, "w", **kw) as zf:
            for name, data in members:
                zf.writestr(name, data)
    return path


def _run(ws: Path, *packages: str):
    return CliRunner().invoke(cli, ["-w", str(ws), "run", *packages])


def _one_line_error(result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


def _ledger(ws: Path) -> str:
    return CliRunner().invoke(cli, ["-w", str(ws), "ledger", "show", "--json"]).stdout


def _manifest(path: str = "stadgar.pdf", name: str = "Test ek. för.") -> bytes:
    return MANIFEST.format(path=path, name=name).encode()


@pytest.mark.parametrize("members, fragments", [
    ([("application.toml", None), ("stadgar.pdf", "pdf"), ("stadgar.pdf", b"%PDF-1.4 other")], ["'stadgar.pdf' appears twice"]),
    ([("application.toml", None), ("application.toml", None), ("stadgar.pdf", "pdf")], ["'application.toml' appears twice"]),
    ([("application.toml", None), ("stadgar.pdf", "pdf"), ("STADGAR.PDF", "pdf")], ["appears twice"]),
    ([("application.toml", None), ("stadgar.pdf", "pdf"), ("./stadgar.pdf", "pdf")], ["appears twice"]),
    ([("application.toml", None), ("stadgar.pdf", "pdf"), ("x", b"1"), ("x/y", b"2")], ["'x' is a file and also a folder"]),
    ([("application.toml", None), ("stadgar.pdf", "pdf"), ("a\u202etxt.pdf", b"1")], ["U+202E"]),
], ids=["duplicate-document", "duplicate-manifest", "case-folded", "dot-slash", "file-and-folder", "bidi-member"])
def test_zip_members_that_hide_or_clash(workspace: Path, tmp_path: Path, pdf_bytes: bytes, members, fragments) -> None:
    built = [(n, _manifest() if d is None else (pdf_bytes if d == "pdf" else d)) for n, d in members]
    before = _ledger(workspace)
    result = _run(workspace, str(_zip(tmp_path / "p.zip", built)))
    _one_line_error(result, "p.zip", *fragments)
    assert _ledger(workspace) == before


def test_unsupported_compression_is_a_package_error(workspace: Path, tmp_path: Path, pdf_bytes: bytes) -> None:
    path = _zip(tmp_path / "p.zip", [("application.toml", _manifest()), ("stadgar.pdf", pdf_bytes)], compression=zipfile.ZIP_LZMA)
    _one_line_error(_run(workspace, str(path)), "compression method 14")


def test_an_encrypted_zip_is_a_package_error(workspace: Path, tmp_path: Path, pdf_bytes: bytes) -> None:
    path = _zip(tmp_path / "p.zip", [("application.toml", _manifest()), ("stadgar.pdf", pdf_bytes)])
    # Set the "encrypted" flag bit in both headers, as an encrypting tool would.
    data = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            data[start + offset] |= 0x1
            start += 4
    path.write_bytes(bytes(data))
    _one_line_error(_run(workspace, str(path)), "is encrypted")


def test_deeply_nested_toml_is_a_package_error(workspace: Path, tmp_path: Path) -> None:
    pkg = tmp_path / "deep"
    pkg.mkdir()
    (pkg / "application.toml").write_text("x = " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    _one_line_error(_run(workspace, str(pkg)), "application.toml", "nested too deeply")


def test_a_hard_link_to_a_file_outside_is_refused(workspace: Path, tmp_path: Path, pdf_bytes: bytes) -> None:
    secret = tmp_path / "outside.pdf"
    secret.write_bytes(pdf_bytes)
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    os.link(secret, pkg / "stadgar.pdf")
    (pkg / "application.toml").write_bytes(_manifest())
    _one_line_error(_run(workspace, str(pkg)), "stadgar.pdf", "hard link")


def test_a_manifest_that_is_a_symlink_out_is_refused(workspace: Path, tmp_path: Path, pdf_bytes: bytes) -> None:
    elsewhere = tmp_path / "elsewhere.toml"
    elsewhere.write_bytes(_manifest())
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "stadgar.pdf").write_bytes(pdf_bytes)
    (pkg / "application.toml").symlink_to(elsewhere)
    _one_line_error(_run(workspace, str(pkg)), "application.toml", "leaves the package")


def test_dot_slash_and_plain_are_one_document(workspace: Path, tmp_path: Path, pdf_bytes: bytes) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "stadgar.pdf").write_bytes(pdf_bytes)
    (pkg / "application.toml").write_bytes(_manifest() + b'[[documents]]\npath = "./stadgar.pdf"\nkind = "bylaws"\n')
    _one_line_error(_run(workspace, str(pkg)), "listed twice")


@pytest.mark.parametrize("field, text", [
    ("name", "Test \u202eek. för"), ("name", "Te\u200bst ek. för."), ("name", "Test\u2066 ek. för."),
    ("path", "stad\u200dgar.pdf"), ("path", "\u202estadgar.pdf"),
])
def test_invisible_and_bidi_characters_are_refused(workspace: Path, tmp_path: Path, pdf_bytes: bytes, field: str, text: str) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    path = text if field == "path" else "stadgar.pdf"
    (pkg / path).write_bytes(pdf_bytes)
    (pkg / "application.toml").write_bytes(_manifest(path=path, name=text if field == "name" else "Test ek. för."))
    _one_line_error(_run(workspace, str(pkg)), "invisible or direction-changing character", f"U+{ord(next(c for c in text if not c.isprintable())):04X}")


def test_a_killed_run_leaves_nothing_the_next_run_does_not_remove(workspace: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch, pdf_bytes: bytes) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    base = temp / f"asfverify-{os.getuid()}"
    base.mkdir(mode=0o700)
    stale = base / f"pkg-{int(dead.stdout)}-leftover"
    stale.mkdir()
    (stale / "anstallda.csv").write_text("Personnummer\n", encoding="utf-8")
    path = _zip(tmp_path / "p.zip", [("application.toml", _manifest()), ("stadgar.pdf", pdf_bytes)])
    result = _run(workspace, str(path))
    assert result.exit_code in (0, 1), result.output
    assert not stale.exists()
    assert list(base.iterdir()) == []  # this run's own folder is gone too
    assert (base.stat().st_mode & 0o777) == 0o700
