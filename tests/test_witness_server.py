"""The witness: `witness init/add-log/serve` and add-checkpoint over real HTTP on 127.0.0.1."""

from __future__ import annotations

import base64
import hashlib
import http.client
import os
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from witnesslog import MemoryLog, Running

from asfverify.cli import cli
from asfverify.ledger.note import split_note
from asfverify.witness.cosignature import parse_cosigner_vkey
from asfverify.witness.protocol import format_add_checkpoint


def _init(tmp_path: Path, log: MemoryLog, name: str = "witness.example/w1") -> tuple[Path, str]:
    folder = tmp_path / "witness"
    runner = CliRunner()
    result = runner.invoke(cli, ["witness", "init", str(folder), "--name", name])
    assert result.exit_code == 0, result.output
    vkey = result.stdout.strip().splitlines()[-1]
    result = runner.invoke(cli, ["witness", "add-log", str(folder), log.vkey])
    assert result.exit_code == 0, result.output
    return folder, vkey


@pytest.fixture
def log() -> MemoryLog:
    return MemoryLog()


@pytest.fixture
def served(tmp_path: Path, log: MemoryLog):
    folder, vkey = _init(tmp_path, log)
    running = Running(folder)
    running.vkey = vkey
    running.folder = folder
    yield running
    running.stop()


def _add(running: Running, log: MemoryLog, old: int, size: int | None = None, note: str | None = None, proof=None):
    size = len(log.leaves) if size is None else size
    note = note if note is not None else log.checkpoint(size)
    proof = proof if proof is not None else (log.proof(old, size) if 0 < old < size else [])
    return running.post(format_add_checkpoint(old, proof, note))


# ---------------------------------------------------------------- CLI


def test_init_prints_the_vkey_alone_and_keeps_the_key_private(tmp_path: Path, log: MemoryLog):
    folder, vkey = _init(tmp_path, log)
    cosigner = parse_cosigner_vkey(vkey)
    assert cosigner.name == "witness.example/w1"
    assert stat.S_IMODE(os.stat(folder / "witness.key").st_mode) == 0o600
    assert (folder / "witness.vkey").read_text().strip() == vkey
    again = CliRunner().invoke(cli, ["witness", "init", str(folder), "--name", "w2.example"])
    assert again.exit_code == 2 and "refusing to overwrite" in again.output
    assert "Traceback" not in again.output


def test_init_refuses_a_bad_name_and_add_log_a_bad_vkey(tmp_path: Path, log: MemoryLog):
    runner = CliRunner()
    bad = runner.invoke(cli, ["witness", "init", str(tmp_path / "w"), "--name", "has space"])
    assert bad.exit_code == 2 and len(bad.output.strip().splitlines()) == 1
    assert not (tmp_path / "w").exists()
    folder, vkey = _init(tmp_path, log)
    for value in ("not-a-vkey", vkey):  # a cosigner (0x04) key is not a log key
        result = runner.invoke(cli, ["witness", "add-log", str(folder), value])
        assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1, result.output
    again = runner.invoke(cli, ["witness", "add-log", str(folder), log.vkey])
    assert again.exit_code == 0 and "Already accepting" in again.output
    missing = runner.invoke(cli, ["witness", "serve", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and "not a witness folder" in missing.output


def test_serve_on_a_port_in_use_is_one_line(tmp_path: Path, log: MemoryLog):
    folder, _ = _init(tmp_path, log)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(cli, ["witness", "serve", str(folder), "--port", str(port)])
    assert result.exit_code == 2 and f"cannot listen on 127.0.0.1:{port}" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_serve_command_binds_localhost_and_cosigns(tmp_path: Path, log: MemoryLog):
    folder, vkey = _init(tmp_path, log)
    log.append(3)
    proc = subprocess.Popen([sys.executable, "-m", "asfverify", "witness", "serve", str(folder), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()
        assert "listening on http://127.0.0.1:" in line, line
        port = int(line.split("http://127.0.0.1:")[1].split()[0])
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("POST", "/add-checkpoint", body=format_add_checkpoint(0, [], log.checkpoint()))
        response = conn.getresponse()
        body = response.read()
        assert response.status == 200, body
        text, sigs = split_note(log.checkpoint() + body.decode())
        assert parse_cosigner_vkey(vkey).verify(split_note(log.checkpoint())[0], sigs[-1])
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# ---------------------------------------------------------------- add-checkpoint


def test_first_checkpoint_then_growth_then_409_then_monitor_view(served: Running, log: MemoryLog):
    cosigner = parse_cosigner_vkey(served.vkey)
    log.append(3)
    status, ctype, body = _add(served, log, 0)
    assert status == 200 and ctype.startswith("text/plain")
    assert body.startswith("— witness.example/w1 ".encode()) and body.endswith(b"\n")
    text = split_note(log.checkpoint())[0]
    _, sigs = split_note(log.checkpoint() + body.decode())
    assert cosigner.verify(text, sigs[-1]) and abs(cosigner.verify(text, sigs[-1]) - time.time()) < 120

    # Starting again from 0 teaches the client the witness's size: 409, `3\n`, text/x.tlog.size.
    log.append(4)
    status, ctype, body = _add(served, log, 0)
    assert (status, ctype, body) == (409, "text/x.tlog.size", b"3\n")
    status, _, body = _add(served, log, 3)
    assert status == 200
    # The same checkpoint again (old = size, same root) is cosigned again.
    assert _add(served, log, 7)[0] == 200

    origin_hash = hashlib.sha256(log.origin.encode()).hexdigest()
    status, stored = served.get(f"/{origin_hash}/checkpoint")
    assert status == 200
    text, sigs = split_note(stored.decode())
    assert text == split_note(log.checkpoint())[0]
    assert {s.name for s in sigs} == {log.origin, "witness.example/w1"}
    assert served.get("/" + "0" * 64 + "/checkpoint")[0] == 404
    status, about = served.get("/")
    assert status == 200 and served.vkey.encode() in about


def test_status_codes_for_bad_requests(served: Running, log: MemoryLog):
    log.append(5)
    assert _add(served, log, 0)[0] == 200
    log.append(3)
    # 400: old larger than the checkpoint, or a malformed body.
    assert _add(served, log, 9, size=8, proof=[])[0] == 400
    assert served.post(b"old 5\nnot base64\n\n" + log.checkpoint().encode())[0] == 400
    assert served.post(b"garbage")[0] == 400
    assert served.post(format_add_checkpoint(5, log.proof(5, 8), "not a checkpoint\n\n— x AAAAAAA=\n"))[0] == 400
    # 400: sizes beyond what any log holds, or too many digits for int().
    for size_text in (str(2**63), "9" * 5000):
        note = log.checkpoint().replace(f"\n{len(log.leaves)}\n", f"\n{size_text}\n")
        assert served.post(format_add_checkpoint(0, [], note))[0] == 400
    # 404: unknown origin.
    other = MemoryLog(origin="other.example/log")
    other.append(2)
    status, _, body = _add(served, other, 0)
    assert status == 404 and b"unknown log origin" in body
    # 403: signed only by an unknown key; or the trusted key's name and id with a bad signature.
    impostor = MemoryLog(origin=log.origin, leaves=list(log.leaves))
    assert _add(served, impostor, 5)[0] == 403
    note = log.checkpoint()
    raw = base64.b64decode(note.rsplit(" ", 1)[1])  # keep the key id, zero the signature
    broken = note.rsplit(" ", 1)[0] + " " + base64.b64encode(raw[:4] + bytes(64)).decode() + "\n"
    assert _add(served, log, 5, note=broken)[0] == 403
    # 422: a proof that does not verify; a non-empty proof from 0; size 0 with another root.
    assert _add(served, log, 5, proof=[b"\x01" * 32] * len(log.proof(5, 8)))[0] == 422
    assert _add(served, log, 5, proof=[])[0] == 422
    empty = MemoryLog(origin=log.origin, key=log.key)
    assert _add(served, empty, 0, size=0, note=empty.checkpoint(0, root=b"\x07" * 32))[0] == 422
    # Still at 5: none of that moved the state.
    assert served.witness.latest(log.origin).size == 5
    assert _add(served, log, 5)[0] == 200
    assert served.witness.latest(log.origin).size == 8


def test_a_log_whose_origin_is_not_its_key_name(tmp_path: Path):
    from asfverify.ledger.note import format_checkpoint, format_vkey, sign_note

    log = MemoryLog(origin="sigsum.example/v1/tree/abc")
    folder, _ = _init(tmp_path, MemoryLog())
    signer_name = "sigsum.example/log-key"
    vkey = format_vkey(signer_name, log.public)
    runner = CliRunner()
    bad = runner.invoke(cli, ["witness", "add-log", str(folder), vkey, "--origin", "two\nlines"])
    assert bad.exit_code == 2
    result = runner.invoke(cli, ["witness", "add-log", str(folder), vkey, "--origin", log.origin])
    assert result.exit_code == 0 and f"Accepting checkpoints of {log.origin} signed by {signer_name}+" in result.output
    log.append(2)
    note = sign_note(format_checkpoint(log.origin, 2, log.root()), signer_name, log.public, log.key.sign)
    running = Running(folder)
    try:
        assert running.post(format_add_checkpoint(0, [], note))[0] == 200
        # Signed under the origin's name instead of the configured key name: not a trusted signature.
        assert running.post(format_add_checkpoint(2, [], log.checkpoint()))[0] == 403
    finally:
        running.stop()


def test_a_size_zero_checkpoint_needs_the_empty_root(tmp_path: Path, log: MemoryLog):
    folder, _ = _init(tmp_path, log)
    running = Running(folder)
    try:
        assert _add(running, log, 0, size=0)[0] == 200
        assert running.witness.latest(log.origin).size == 0
        log.append(2)
        assert _add(running, log, 0)[0] == 200  # from the empty tree no proof is needed
    finally:
        running.stop()


def test_logs_lists_what_the_witness_follows(served: Running, log: MemoryLog):
    before = CliRunner().invoke(cli, ["witness", "logs", str(served.folder)])
    assert before.exit_code == 0 and f"{log.origin}  key {log.verifier.key_id.hex()}  no checkpoint yet" in before.output
    log.append(4)
    assert _add(served, log, 0)[0] == 200
    fork = MemoryLog(origin=log.origin, key=log.key, leaves=[b"\x05" * 32] * 4)
    assert _add(served, fork, 4)[0] == 422
    after = CliRunner().invoke(cli, ["witness", "logs", str(served.folder)])
    assert after.exit_code == 0 and "size 4, updated 20" in after.output
    assert "1 inconsistent checkpoint kept as evidence" in after.output
    assert served.vkey in after.output.splitlines()[0]


def test_a_forked_log_is_refused_and_kept_as_evidence(served: Running, log: MemoryLog):
    log.append(6)
    assert _add(served, log, 0)[0] == 200
    fork = MemoryLog(origin=log.origin, key=log.key, leaves=list(log.leaves[:4]))
    fork.leaves += [hashlib.sha256(b"other %d" % i).digest() for i in range(2)]
    assert fork.root() != log.root()
    # Two different checkpoints of one size: the second is refused.
    status, _, body = _add(served, fork, 6)
    assert status == 422 and b"fork" in body
    # A fork that grows on: its proof does not lead from the cosigned root.
    fork.append(3)
    assert _add(served, fork, 6, proof=fork.proof(6, 9))[0] == 422
    assert served.witness.latest(log.origin).root == log.root()
    assert served.witness.evidence_count() == 2


def test_body_limits_and_protocol_errors(served: Running, log: MemoryLog):
    log.append(1)
    assert served.post(b"x" * (200 * 1024))[0] == 413
    assert served.post(b"", path="/elsewhere")[0] == 404
    # No Content-Length: refused without waiting for a body.
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as sock:
        sock.sendall(b"POST /add-checkpoint HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        assert sock.recv(100).startswith(b"HTTP/1.1 411")
    assert _add(served, log, 0)[0] == 200


def test_a_slow_client_is_cut_off(tmp_path: Path, log: MemoryLog):
    folder, _ = _init(tmp_path, log)
    running = Running(folder, request_timeout=0.5)
    try:
        with socket.create_connection(("127.0.0.1", running.port), timeout=20) as sock:
            sock.sendall(b"POST /add-checkpoint HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nold 0\n")
            assert sock.recv(100) == b""  # closed by the server, no answer for half a body
        log.append(1)
        assert _add(running, log, 0)[0] == 200
    finally:
        running.stop()


def test_concurrent_requests_never_roll_the_state_back(served: Running, log: MemoryLog):
    """The race of tlog-witness: requests A (size N) and B (size N+K) checked against the same old size."""
    log.append(10)
    assert _add(served, log, 0)[0] == 200
    log.append(100)
    bodies = [format_add_checkpoint(10, log.proof(10, size), log.checkpoint(size)) for size in range(11, 111)]
    results: list[tuple[int, int, bytes]] = []  # (size, status, body); list.append is thread-safe
    barrier = threading.Barrier(len(bodies))

    def send(i: int) -> None:
        barrier.wait()
        status, _, body = served.post(bodies[i])
        results.append((11 + i, status, body))

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(bodies))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(results) == 100
    winners = [size for size, status, _ in results if status == 200]
    assert len(winners) == 1, sorted(s for _, s, _ in results)
    assert {status for _, status, _ in results} == {200, 409}
    assert all(body == f"{winners[0]}\n".encode() for _, status, body in results if status == 409)
    assert served.witness.latest(log.origin).size == winners[0]


def test_several_clients_keep_the_state_monotonic(served: Running, log: MemoryLog):
    log.append(200)
    seen: list[int] = []
    stop = threading.Event()

    def watch() -> None:
        origin_hash = hashlib.sha256(log.origin.encode()).hexdigest()
        while not stop.is_set():
            status, body = served.get(f"/{origin_hash}/checkpoint")
            if status == 200:
                seen.append(int(body.decode().split("\n")[1]))

    errors: list[str] = []
    cosigned: list[int] = []

    def client(sizes: range) -> None:
        old = 0
        for size in sizes:
            while old < size:  # a size another client already passed is not sent
                status, _, body = _add(served, log, old, size=size)
                if status == 409:
                    old = int(body)
                elif status == 200:
                    cosigned.append(size)
                    old = size
                else:
                    errors.append(f"{status} {body!r}")
                    return

    watcher = threading.Thread(target=watch)
    watcher.start()
    clients = [threading.Thread(target=client, args=(range(start, 201, 4),)) for start in (1, 2, 3, 4)]
    for t in clients:
        t.start()
    for t in clients:
        t.join(120)
    stop.set()
    watcher.join(10)
    assert errors == []
    assert served.witness.latest(log.origin).size == 200
    assert cosigned and 200 in cosigned
    assert seen and seen == sorted(seen)
