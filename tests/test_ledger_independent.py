"""The ledger's checkpoint and proofs checked by an independent verifier (Node's crypto, written from the C2SP and RFC 9162 texts)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from asfverify import testing
from asfverify.cli import cli
from asfverify.jcs import canonical

SCRIPT = Path(__file__).parent / "vectors" / "ledger" / "independent_verifier.js"
NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None, reason="node is not installed: the independent verifier is a Node script")
def test_checkpoint_and_inclusion_verify_independently(tmp_path: Path) -> None:
    runner = CliRunner()
    ws = tmp_path / "ws"
    assert runner.invoke(cli, ["init", str(ws)]).exit_code == 0

    def invoke(*args: str):
        return runner.invoke(cli, ["--workspace", str(ws), *args])

    for name in ("a", "b", "c"):
        pkg = tmp_path / name
        testing.build_package(pkg, [testing.pdf_document("stadgar.pdf", "bylaws", "Stadgar")])
        assert invoke("run", str(pkg)).exit_code in (0, 1)
    vkey = json.loads(invoke("keys", "show", "--json").output)["vkey"]
    entries = json.loads(invoke("ledger", "show", "--json").output)
    for index in (0, len(entries) // 2, len(entries) - 1):
        proof = invoke("ledger", "prove", "--index", str(index))
        assert proof.exit_code == 0
        (tmp_path / "proof.txt").write_text(proof.output, encoding="utf-8")
        (tmp_path / "entry.json").write_bytes(canonical(entries[index]["entry"]))
        done = subprocess.run([NODE, str(SCRIPT), vkey, str(tmp_path / "proof.txt"), str(tmp_path / "entry.json")],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert f"index {index}" in done.stdout

    # A changed entry, or a checkpoint text edited after signing, is refused.
    tampered = dict(entries[0]["entry"], kind="forged")
    (tmp_path / "entry.json").write_bytes(canonical(tampered))
    assert subprocess.run([NODE, str(SCRIPT), vkey, str(tmp_path / "proof.txt"), str(tmp_path / "entry.json")],
                          capture_output=True, timeout=60).returncode != 0
    (tmp_path / "entry.json").write_bytes(canonical(entries[-1]["entry"]))
    text = (tmp_path / "proof.txt").read_text(encoding="utf-8")
    lines = text.split("\n")
    size_line = next(i for i, line in enumerate(lines) if line.isdigit() and i > 2)
    lines[size_line] = str(int(lines[size_line]) + 1)
    (tmp_path / "proof.txt").write_text("\n".join(lines), encoding="utf-8")
    assert subprocess.run([NODE, str(SCRIPT), vkey, str(tmp_path / "proof.txt"), str(tmp_path / "entry.json")],
                          capture_output=True, timeout=60).returncode != 0
