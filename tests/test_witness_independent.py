"""The witness checked by code we did not write: Go's golang.org/x/mod/sumdb (Debian's
golang-golang-x-mod-dev, offline). tlog.ProveTree makes the consistency proofs our witness must
accept, and note.Open (with a cosignature/v1 note.Verifier, tests/go/witnesscheck) verifies the
log signature and the cosignature our witness returns."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from witnesslog import MemoryLog, Running

from asfverify.ledger.note import split_note
from asfverify.witness.protocol import format_add_checkpoint
from asfverify.witness.state import init_witness

GO_SOURCE = Path(__file__).resolve().parent / "go" / "witnesscheck"
X_MOD = Path("/usr/share/gocode/src/golang.org/x/mod")


@pytest.fixture(scope="module")
def witnesscheck(tmp_path_factory) -> Path:
    go = shutil.which("go")
    if go is None or not X_MOD.is_dir():
        pytest.skip("needs Go and golang-golang-x-mod-dev (CI installs both)")
    out = tmp_path_factory.mktemp("go") / "witnesscheck"
    env = {**os.environ, "GOFLAGS": "-mod=mod", "GOPROXY": "off", "GOTOOLCHAIN": "local"}
    env.setdefault("GOCACHE", str(tmp_path_factory.mktemp("gocache")))
    subprocess.run([go, "build", "-o", str(out), "."], cwd=GO_SOURCE, env=env, check=True, capture_output=True, timeout=300)
    return out


def _go(binary: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([str(binary), *args], input=stdin, capture_output=True, text=True, timeout=60)


def _records(size: int) -> str:
    return "".join(f"entry {i}\n" for i in range(size))  # MemoryLog's leaves: RFC 6962 leaf hash of "entry i"


@pytest.fixture
def served(tmp_path: Path):
    log = MemoryLog()
    folder = tmp_path / "witness"
    init_witness(folder, "witness.example/w1")
    running = Running(folder)
    running.witness.add_log(log.vkey)
    yield running, log
    running.stop()


def test_go_consistency_proofs_are_accepted_and_go_verifies_the_cosignature(witnesscheck: Path, served):
    running, log = served
    log.append(37)
    old = 0
    for new in (1, 2, 4, 8, 13, 16, 17, 36, 37):
        result = _go(witnesscheck, "prove", str(max(old, 1)), str(new), stdin=_records(37))
        assert result.returncode == 0, result.stderr
        root, *proof = result.stdout.split()
        assert base64.b64decode(root) == log.root(new)  # Go's tree hash is ours
        hashes = [base64.b64decode(h) for h in proof] if old else []
        status, _, body = running.post(format_add_checkpoint(old, hashes, log.checkpoint(new)))
        assert status == 200, (old, new, body)
        cosigned = log.checkpoint(new) + body.decode()
        cosigner = running.witness.cosigner
        opened = _go(witnesscheck, "open", log.vkey, cosigner.name, base64.b64encode(cosigner.public_key).decode(),
                     stdin=cosigned)
        assert opened.returncode == 0, opened.stderr
        *names, stamp = opened.stdout.split()
        assert names == [log.origin, cosigner.name] and int(stamp) > 1_700_000_000
        old = new


def test_go_rejects_a_tampered_cosignature_and_a_wrong_proof_is_refused(witnesscheck: Path, served):
    running, log = served
    log.append(10)
    status, _, body = running.post(format_add_checkpoint(0, [], log.checkpoint(6)))
    assert status == 200
    cosigner = running.witness.cosigner
    line = body.decode()
    raw = bytearray(base64.b64decode(line.rsplit(" ", 1)[1]))
    raw[10] ^= 1  # inside the signed timestamp
    tampered = log.checkpoint(6) + line.rsplit(" ", 1)[0] + " " + base64.b64encode(bytes(raw)).decode() + "\n"
    assert split_note(tampered)  # still well-formed
    opened = _go(witnesscheck, "open", log.vkey, cosigner.name, base64.b64encode(cosigner.public_key).decode(),
                 stdin=tampered)
    assert opened.returncode != 0
    # Go's proof for 5 → 10 is not a proof for 6 → 10: the witness answers 422.
    proof = _go(witnesscheck, "prove", "5", "10", stdin=_records(10)).stdout.split()[1:]
    status, _, _ = running.post(format_add_checkpoint(6, [base64.b64decode(h) for h in proof], log.checkpoint(10)))
    assert status == 422
    good = _go(witnesscheck, "prove", "6", "10", stdin=_records(10)).stdout.split()[1:]
    status, _, _ = running.post(format_add_checkpoint(6, [base64.b64decode(h) for h in good], log.checkpoint(10)))
    assert status == 200
