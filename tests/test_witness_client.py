"""The certifier's witness client against real witnesses and misbehaving ones on 127.0.0.1."""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from witnesslog import MemoryLog

from asfverify.ledger.note import split_note
from asfverify.witness.client import request_cosignatures
from asfverify.witness.cosignature import cosign
from asfverify.witness.policy import evaluate, parse_policy
from asfverify.witness.protocol import format_add_checkpoint
from asfverify.witness.server import WitnessServer
from asfverify.witness.state import Witness, init_witness


class Fake(ThreadingHTTPServer):
    """A witness that misbehaves: answers with `reply(body) -> (status, body)` after `delay` seconds."""

    daemon_threads = True

    def __init__(self, reply, delay: float = 0.0):
        self.reply, self.delay = reply, delay

        class Handler(BaseHTTPRequestHandler):
            def do_POST(inner) -> None:  # noqa: N802
                body = inner.rfile.read(int(inner.headers["Content-Length"]))
                time.sleep(self.delay)
                status, answer = self.reply(body)
                inner.send_response(status)
                inner.send_header("Content-Length", str(len(answer)))
                inner.end_headers()
                inner.wfile.write(answer)

            def log_message(inner, *args) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request, client_address) -> None:
        pass  # the slow fake writes after the client gave up: expected, not worth a traceback

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


@pytest.fixture
def log() -> MemoryLog:
    return MemoryLog()


@pytest.fixture
def witnesses(tmp_path: Path, log: MemoryLog):
    """Two real witnesses serving on ephemeral ports."""
    running = []
    for i in (1, 2):
        folder = tmp_path / f"w{i}"
        init_witness(folder, f"w{i}.example/witness")
        state = Witness(folder)
        state.add_log(log.vkey)
        server = WitnessServer(state, "127.0.0.1", 0)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        running.append((state, server))
    yield running
    for state, server in running:
        server.shutdown()
        server.server_close()
        state.close()


def _closed_port_url() -> str:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}"


def test_quorum_from_real_witnesses_despite_down_slow_garbage_and_wrong_ones(witnesses, log: MemoryLog):
    (s1, w1), (s2, w2) = witnesses
    impostor_key = Ed25519PrivateKey.generate()

    def wrong_cosignature(body: bytes) -> tuple[int, bytes]:
        # A cosignature under the name and key id of witness "wrong", made with another key.
        text = split_note(body.decode().split("\n\n", 1)[1])[0]
        return 200, cosign(text, wrong_cosigner.name, wrong_cosigner.public_key, impostor_key.sign).encode()

    from asfverify.witness.cosignature import Cosigner

    wrong_cosigner = Cosigner("wrong.example/w", Ed25519PrivateKey.generate().public_key().public_bytes_raw())
    garbage = Fake(lambda body: (200, b"\x00\xffnot a signature\n"))
    slow = Fake(lambda body: (200, b""), delay=4.0)
    wrong = Fake(wrong_cosignature)
    try:
        text = f"""log {log.vkey}
witness W1 {s1.cosigner.vkey} {w1.url}
witness W2 {s2.cosigner.vkey} {w2.url}
witness DOWN {Cosigner('down.example/w', bytes(range(32))).vkey} {_closed_port_url()}
witness SLOW {Cosigner('slow.example/w', bytes(range(1, 33))).vkey} {slow.url}
witness JUNK {Cosigner('junk.example/w', bytes(range(2, 34))).vkey} {garbage.url}
witness WRONG {wrong_cosigner.vkey} {wrong.url}
witness NOURL {Cosigner('nourl.example/w', bytes(range(3, 35))).vkey}
group G 2 W1 W2 DOWN SLOW JUNK WRONG NOURL
quorum G
"""
        policy = parse_policy(text)
        log.append(5)
        started = time.monotonic()
        result = request_cosignatures(policy, log.checkpoint(), log.proof, timeout=0.5, total_timeout=2.0)
        elapsed = time.monotonic() - started
        outcomes = {o.name: o for o in result.outcomes}
        assert outcomes["W1"].ok and outcomes["W2"].ok
        assert outcomes["DOWN"].error.startswith("unreachable")
        assert outcomes["SLOW"].error == "timed out"
        assert "not note signature lines" in outcomes["JUNK"].error or "UTF-8" in outcomes["JUNK"].error
        assert "no valid cosignature" in outcomes["WRONG"].error
        assert outcomes["NOURL"].error == "no URL in the policy"
        assert elapsed < 3.9  # bounded by the timeouts, not by the slow witness's 4 s
        assert result.quorum.satisfied and result.quorum.cosigned == ("W1", "W2")
        assert len(result.cosignatures) == 2 and all(line in result.note for line in result.cosignatures)
        assert evaluate(policy, result.note).satisfied
        assert result.sizes["W1"] == 5
    finally:
        for fake in (garbage, slow, wrong):
            fake.stop()


def test_409_is_answered_with_a_proof_from_the_witness_size(witnesses, log: MemoryLog):
    (s1, w1), (s2, w2) = witnesses
    policy = parse_policy(f"witness A {s1.cosigner.vkey} {w1.url}\nwitness B {s2.cosigner.vkey} {w2.url}\n"
                          "group G all A B\nquorum G\n")
    log.append(4)
    first = request_cosignatures(policy, log.checkpoint(), log.proof, log_keys=[log.verifier])
    assert first.quorum.satisfied
    log.append(9)
    asked: list[tuple[int, int]] = []

    def proof(old: int, new: int):
        asked.append((old, new))
        return log.proof(old, new)

    # Not told the sizes: each witness answers 409 with 4, and the client resends from 4.
    second = request_cosignatures(policy, log.checkpoint(), proof, log_keys=[log.verifier])
    assert second.quorum.satisfied, second.outcomes
    assert asked == [(4, 13), (4, 13)]
    assert s1.latest(log.origin).size == 13 and second.sizes == {"A": 13, "B": 13}
    # Told the sizes: no 409 round trip; the proof starts at the known size.
    log.append(1)
    asked.clear()
    third = request_cosignatures(policy, log.checkpoint(), proof, known_sizes=second.sizes, log_keys=[log.verifier])
    assert third.quorum.satisfied and asked == [(13, 14), (13, 14)]


def test_a_rolled_back_log_gets_no_cosignature(witnesses, log: MemoryLog):
    (s1, w1), _ = witnesses
    policy = parse_policy(f"witness A {s1.cosigner.vkey} {w1.url}\nquorum A\n")
    log.append(10)
    assert request_cosignatures(policy, log.checkpoint(), log.proof, log_keys=[log.verifier]).quorum.satisfied
    # The log's tail is deleted back to 6 (the truncation attack) and it signs a new checkpoint.
    truncated = MemoryLog(origin=log.origin, key=log.key, leaves=log.leaves[:6])
    truncated.append(1)
    result = request_cosignatures(policy, truncated.checkpoint(), truncated.proof, log_keys=[log.verifier])
    assert not result.quorum.satisfied
    assert "larger than ours" in result.outcomes[0].error
    # Same size as the witness but another history: the witness itself refuses it (422).
    forked = MemoryLog(origin=log.origin, key=log.key, leaves=log.leaves[:6] + [bytes([i]) * 32 for i in range(4)])
    assert forked.root() != log.root()
    result = request_cosignatures(policy, forked.checkpoint(), forked.proof, known_sizes={"A": 10},
                                  log_keys=[log.verifier])
    assert not result.quorum.satisfied and "HTTP 422" in result.outcomes[0].error
    assert s1.latest(log.origin).root == log.root()


def test_a_witness_that_keeps_changing_its_size_is_given_up(log: MemoryLog):
    sizes = iter(range(1, 100))
    flapping = Fake(lambda body: (409, f"{next(sizes)}\n".encode()))
    try:
        from asfverify.witness.cosignature import Cosigner

        policy = parse_policy(f"witness F {Cosigner('f.example/w', bytes(32)).vkey} {flapping.url}\nquorum F\n")
        log.append(200)
        result = request_cosignatures(policy, log.checkpoint(), log.proof, timeout=2)
        assert not result.quorum.satisfied and "409" in result.outcomes[0].error
        bad_size = Fake(lambda body: (409, b"lots\n"))
        try:
            policy = parse_policy(f"witness F {Cosigner('f.example/w', bytes(32)).vkey} {bad_size.url}\nquorum F\n")
            result = request_cosignatures(policy, log.checkpoint(), log.proof, timeout=2)
            assert "409 with a bad body" in result.outcomes[0].error
        finally:
            bad_size.stop()
    finally:
        flapping.stop()


def test_the_client_body_is_what_the_server_parses(log: MemoryLog):
    from asfverify.witness.protocol import parse_add_checkpoint

    log.append(7)
    body = format_add_checkpoint(3, log.proof(3, 7), log.checkpoint())
    request = parse_add_checkpoint(body)
    assert request.old_size == 3 and list(request.proof) == log.proof(3, 7)
    assert request.checkpoint_note == log.checkpoint()


def test_a_monitor_reads_what_each_witness_cosigned(witnesses, log: MemoryLog):
    from asfverify.witness.client import fetch_witness_checkpoint

    (s1, w1), (s2, w2) = witnesses
    policy = parse_policy(f"witness A {s1.cosigner.vkey} {w1.url}\nwitness B {s2.cosigner.vkey} {w2.url}\n"
                          "group G any A B\nquorum G\n")
    a, b = policy.witnesses
    assert fetch_witness_checkpoint(a, log.origin) is None  # nothing cosigned yet: 404
    log.append(3)
    request_cosignatures(policy, log.checkpoint(), log.proof, log_keys=[log.verifier])
    seen = fetch_witness_checkpoint(a, log.origin)
    assert seen is not None and seen.startswith(split_note(log.checkpoint())[0])
    assert evaluate(parse_policy(f"witness A {s1.cosigner.vkey}\nquorum A\n"), seen, logs=[log.verifier]).satisfied
    # B's answer is not A's: checked against the witness asked.
    swapped = type(a)(a.name, a.cosigner, w2.url)
    assert fetch_witness_checkpoint(swapped, log.origin) is None
    down = type(a)(a.name, a.cosigner, _closed_port_url())
    assert fetch_witness_checkpoint(down, log.origin, timeout=1) is None
