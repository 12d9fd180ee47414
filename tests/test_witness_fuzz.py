"""Hostile input: the policy parser and the add-checkpoint decision never fail other than by their
own errors or the spec's status codes, and never move the state."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from witnesslog import MemoryLog

from asfverify.witness.policy import PolicyError, parse_policy
from asfverify.witness.protocol import format_add_checkpoint
from asfverify.witness.state import Witness, init_witness

WORDS = st.sampled_from(["log", "witness", "group", "quorum", "none", "any", "all", "1", "2", "0", "#", "A", "B",
                         "\t", " ", "\n", "x+00000000+AAAA", "\xff", "\x00"])


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=400), st.lists(WORDS, max_size=40).map(lambda w: " ".join(w).encode("utf-8", "surrogateescape"))))
def test_policy_parser_raises_only_policy_errors(data: bytes):
    try:
        policy = parse_policy(data)
    except PolicyError:
        return
    assert policy.quorum  # a parsed policy always has its quorum


def test_random_bodies_get_spec_status_codes(tmp_path: Path):
    log = MemoryLog()
    init_witness(tmp_path / "w", "witness.example/w")
    witness = Witness(tmp_path / "w")
    witness.add_log(log.vkey)
    log.append(5)
    assert witness.add_checkpoint(format_add_checkpoint(0, [], log.checkpoint())).status == 200
    note = log.checkpoint()

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(prefix=st.binary(max_size=60), cut=st.integers(0, len(note)), noise=st.binary(max_size=20),
           old=st.integers(0, 12))
    def check(prefix: bytes, cut: int, noise: bytes, old: int) -> None:
        bodies = [prefix, f"old {old}\n\n".encode() + note.encode()[:cut] + noise + note.encode()[cut:],
                  prefix + format_add_checkpoint(old, [], note)]
        for body in bodies:
            answer = witness.add_checkpoint(body)
            assert answer.status in (200, 400, 403, 404, 409, 422)
            assert witness.latest(log.origin).size == 5

    check()
    witness.close()
