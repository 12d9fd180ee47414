"""asfverify.testing's builders replace the tests' own package builder (issue 12 point 8)."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from asfverify import testing


def test_listed_document_lists_a_file_without_touching_it(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "big.csv").write_bytes(b"a;b\n" * 10)
    os.symlink(pkg / "big.csv", pkg / "link.csv")
    testing.build_package(pkg, [testing.listed_document("big.csv", "payroll"),
                                testing.listed_document("link.csv", "payroll", columns={"name": "a"})])
    assert (pkg / "big.csv").read_bytes() == b"a;b\n" * 10 and (pkg / "link.csv").is_symlink()
    manifest = tomllib.loads((pkg / "application.toml").read_text(encoding="utf-8"))
    assert [(d["path"], d["kind"]) for d in manifest["documents"]] == [("big.csv", "payroll"), ("link.csv", "payroll")]
    assert manifest["documents"][1]["columns"] == {"name": "a"}
