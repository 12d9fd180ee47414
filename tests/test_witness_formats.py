"""cosignature/v1, tlog-policy and the add-checkpoint body, against the C2SP texts' own examples."""

from __future__ import annotations

import base64
import struct

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from asfverify.ledger.note import NoteError, format_checkpoint, format_vkey, sign_note, split_note, verifier_for
from asfverify.witness.cosignature import (
    CosignatureError,
    Cosigner,
    cosign,
    cosigner_key_id,
    format_cosigner_vkey,
    parse_cosigner_vkey,
    signed_message,
)
from asfverify.witness.policy import PolicyError, evaluate, parse_policy
from asfverify.witness.protocol import ProtocolError, format_add_checkpoint, parse_add_checkpoint, parse_size

# c2sp.org/tlog-cosignature, "Format": a checkpoint carrying a log signature and a cosignature.
SPEC_CHECKPOINT_TEXT = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
SPEC_NOTE = (SPEC_CHECKPOINT_TEXT + "\n"
             "— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
             "— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n")
# c2sp.org/tlog-cosignature, "Ed25519 signed message".
SPEC_SIGNED_MESSAGE = ("cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\n"
                       "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")
# c2sp.org/tlog-witness, "add-checkpoint": the example request body.
SPEC_REQUEST = (
    "old 20852014\n"
    "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n"
    "jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n"
    "5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=\n"
    "/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=\n"
    "\n"
    "example.com/behind-the-sofa\n"
    "20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    "\n"
    "— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
    "— example.com/behind-the-sofa opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=\n"
)
# c2sp.org/tlog-witness, the example 200 response body (three cosignature lines, two witnesses).
SPEC_RESPONSE_LINES = [
    "— witness.example/w1 CMp+6LWBU0anHGH5aNDTJkH/gj79sG+T6+iP2ThYN5krrDJbR1HDnucjL39QsZTSvVjyQLrdk3DXDqI5G2HgLatVs0pWh6Up69HVOw==",
    "— witness.example/w1 I7rEps0pvK2UqkS2gSpVUDhrhVtQV9lgF6pRrWAvjJHjyWpW7VcE3SiOlVlbQNt64vWhO+DlkL0+UfzuOBMh9ChdMkP1vi/lCAsmlw==",
    "— witness.example/w2 AWui8Sk55XjYLOijihBjhqEH6nS1ndDymE0a+6idX7pLcnoB+dhnz0854aLZgrrKbYKA7nC3HNJhm/kWl7oJlqU3rXXvpysAdyP3wQ==",
]


def _key() -> tuple[Ed25519PrivateKey, bytes]:
    key = Ed25519PrivateKey.generate()
    return key, key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


# ---------------------------------------------------------------- cosignature/v1


def test_spec_cosignature_line_frames_key_id_timestamp_and_signature():
    _, signatures = split_note(SPEC_NOTE)
    cosig = signatures[1]
    assert cosig.name == "witness.example.com/w1"
    assert len(cosig.signature) == 8 + 64
    # The example's timestamp is the one its signed-message example shows.
    assert struct.unpack(">Q", cosig.signature[:8])[0] == 1679315147


def test_signed_message_is_the_spec_example():
    assert signed_message(SPEC_CHECKPOINT_TEXT, 1679315147) == SPEC_SIGNED_MESSAGE.encode()


def test_key_id_and_vkey_follow_the_spec_formula():
    import hashlib

    _, public = _key()
    name = "witness.example/w1"
    assert cosigner_key_id(name, public) == hashlib.sha256(name.encode() + b"\n\x04" + public).digest()[:4]
    vkey = format_cosigner_vkey(name, public)
    parsed = parse_cosigner_vkey(vkey)
    assert parsed == Cosigner(name, public)
    assert base64.b64decode(vkey.split("+", 2)[2])[0] == 0x04
    # A log (type 0x01) key is not a cosigner key, and a wrong key id is refused.
    with pytest.raises(CosignatureError, match="0x04"):
        parse_cosigner_vkey(format_vkey(name, public))
    with pytest.raises(CosignatureError, match="key id"):
        parse_cosigner_vkey(name + "+00000000+" + vkey.split("+", 2)[2])


def test_cosign_then_verify_and_tampering_fails():
    key, public = _key()
    cosigner = Cosigner("witness.example/w1", public)
    line = cosign(SPEC_CHECKPOINT_TEXT, cosigner.name, public, key.sign, timestamp=1679315147)
    _, sigs = split_note(SPEC_CHECKPOINT_TEXT + "\n" + line)
    assert cosigner.verify(SPEC_CHECKPOINT_TEXT, sigs[0]) == 1679315147
    # The signature is over the spec's message: check it with the raw key.
    key.public_key().verify(sigs[0].signature[8:], SPEC_SIGNED_MESSAGE.encode())
    other = SPEC_CHECKPOINT_TEXT.replace("20852163", "20852164")
    assert cosigner.verify(other, sigs[0]) is None
    forged = sigs[0].__class__(sigs[0].name, sigs[0].key_id, struct.pack(">Q", 1679315148) + sigs[0].signature[8:])
    assert cosigner.verify(SPEC_CHECKPOINT_TEXT, forged) is None  # the timestamp is signed
    zero = sigs[0].__class__(sigs[0].name, sigs[0].key_id, struct.pack(">Q", 0) + sigs[0].signature[8:])
    assert cosigner.verify(SPEC_CHECKPOINT_TEXT, zero) is None
    with pytest.raises(CosignatureError):
        signed_message(SPEC_CHECKPOINT_TEXT, 0)


# ---------------------------------------------------------------- tlog-policy


def _policy_keys(count: int) -> list[tuple[Ed25519PrivateKey, Cosigner]]:
    out = []
    for i in range(count):
        key, public = _key()
        out.append((key, Cosigner(f"w{i}.example/w", public)))
    return out


def test_spec_example_policy_parses_and_evaluates():
    log_key, log_public = _key()
    origin = "example.com/behind-the-sofa"
    ws = _policy_keys(6)
    names = ["X1", "X2", "X3", "Y1", "Y2", "Y3"]
    v = {n: c.vkey for n, (_, c) in zip(names, ws)}
    # The example policy of c2sp.org/tlog-policy with its elided keys filled in.
    text = f"""log {format_vkey(origin, log_public)}

witness X1 {v['X1']}
witness X2 {v['X2']}
witness X3 {v['X3']}
group X-witnesses 2 X1 X2 X3

witness Y1 {v['Y1']}
witness Y2 {v['Y2']}
witness Y3 {v['Y3']}
group Y-witnesses any Y1 Y2 Y3

group X-and-Y all X-witnesses Y-witnesses
quorum X-and-Y
"""
    policy = parse_policy(text)
    assert [w.name for w in policy.witnesses] == names
    assert [(g.name, g.threshold, g.members) for g in policy.groups] == [
        ("X-witnesses", 2, ("X1", "X2", "X3")),
        ("Y-witnesses", 1, ("Y1", "Y2", "Y3")),
        ("X-and-Y", 2, ("X-witnesses", "Y-witnesses")),
    ]
    assert policy.quorum == "X-and-Y"
    body = format_checkpoint(origin, 5, b"\x11" * 32)
    note = sign_note(body, origin, log_public, log_key.sign)

    def cosigned_by(*which: str) -> str:
        lines = [cosign(body, ws[names.index(n)][1].name, ws[names.index(n)][1].public_key, ws[names.index(n)][0].sign)
                 for n in which]
        return note + "".join(lines)

    assert not evaluate(policy, note).satisfied
    assert not evaluate(policy, cosigned_by("X1", "X2")).satisfied          # no Y
    assert not evaluate(policy, cosigned_by("X1", "Y3")).satisfied          # one X
    result = evaluate(policy, cosigned_by("X1", "X3", "Y2"))
    assert result.satisfied and result.cosigned == ("X1", "X3", "Y2")
    assert result.log is not None and result.log.name == origin
    assert "quorum met" in result.reason
    # A cosignature that does not verify does not count and is named.
    # Y1's name and key id, but signed with X1's key.
    bad = cosigned_by("X1", "X3") + cosign(body, ws[3][1].name, ws[3][1].public_key, ws[0][0].sign)
    outcome = evaluate(policy, bad)
    assert not outcome.satisfied and outcome.invalid == ("Y1",)
    # The log signature is required: the same cosignatures on an unsigned-by-the-log note fail.
    other_key, other_public = _key()
    foreign = sign_note(body, origin, other_public, other_key.sign) + "".join(
        cosign(body, ws[i][1].name, ws[i][1].public_key, ws[i][0].sign) for i in (0, 1, 3))
    assert evaluate(policy, foreign).log is None and not evaluate(policy, foreign).satisfied


def test_quorum_none_and_single_witness_and_logs_from_context():
    log_key, log_public = _key()
    origin = "example.com/log"
    (wkey, w), = _policy_keys(1)
    body = format_checkpoint(origin, 1, b"\x22" * 32)
    note = sign_note(body, origin, log_public, log_key.sign)
    assert evaluate(parse_policy("quorum none\n"), note, logs=[verifier_for(origin, log_public)]).satisfied
    single = parse_policy(f"# comment\n  witness  W\t{w.vkey}   https://w.example/\nquorum W\n")
    assert single.witnesses[0].url == "https://w.example/"
    assert not evaluate(single, note).satisfied  # no log line and no log from context
    cosigned = note + cosign(body, w.name, w.public_key, wkey.sign)
    assert evaluate(single, cosigned, logs=[verifier_for(origin, log_public)]).satisfied


@pytest.mark.parametrize("text, message", [
    ("", "no quorum"),
    ("quorum X\n", "not defined"),
    ("quorum none\nquorum none\n", "exactly one"),
    ("witness none {w0}\nquorum none\n", "already defined"),
    ("witness A {w0}\nwitness A {w1}\nquorum A\n", "already defined"),
    ("witness A {w0}\nwitness B {w0}\nquorum A\n", "duplicate witness key"),
    ("log {log}\nlog {log}\nquorum none\n", "duplicate log key"),
    ("witness A {w0}\ngroup G 2 A\nquorum G\n", "threshold"),
    ("witness A {w0}\ngroup G 0 A\nquorum G\n", "threshold"),
    ("witness A {w0}\ngroup G 01 A\nquorum G\n", "threshold"),
    ("witness A {w0}\ngroup G " + "9" * 5000 + " A\nquorum G\n", "threshold"),
    ("witness A {w0}\ngroup G any\nquorum G\n", "expected"),
    ("witness A {w0}\ngroup G any A A\nquorum G\n", "already a member"),
    ("witness A {w0}\ngroup G any A\ngroup H any A\nquorum H\n", "already a member"),
    ("group G any B\nwitness B {w0}\nquorum G\n", "earlier line"),
    ("witness A {w0}\ngroup G any none\nquorum G\n", "'none' cannot"),
    ("witness A {w0} https://a extra\nquorum A\n", "expected"),
    ("witness A {log}\nquorum A\n", "0x04"),
    ("log {w0}\nquorum none\n", "log key"),
    ("witnes A {w0}\nquorum A\n", "unknown line type"),
    ("quorum none\r\n", "control characters"),
])
def test_policy_refusals(text, message):
    (_, w0), (_, w1) = _policy_keys(2)
    _, log_public = _key()
    filled = text.format(w0=w0.vkey, w1=w1.vkey, log=format_vkey("example.com/log", log_public))
    with pytest.raises(PolicyError, match=message):
        parse_policy(filled)


def test_policy_names_are_opaque_octets():
    (_, w0), (_, w1) = _policy_keys(2)
    # "K" and the Kelvin sign are different names; non-UTF-8 octets are allowed in comments.
    text = f"# caf\xe9\nwitness K {w0.vkey}\nwitness \u212a {w1.vkey}\ngroup G all K \u212a\nquorum G\n"
    policy = parse_policy(text.encode("utf-8").replace("caf\xe9".encode(), b"caf\xe9"))
    assert len(policy.witnesses) == 2 and policy.groups[0].threshold == 2


# ---------------------------------------------------------------- add-checkpoint body


def test_spec_request_body_parses():
    request = parse_add_checkpoint(SPEC_REQUEST.encode())
    assert request.old_size == 20852014
    assert len(request.proof) == 4 and all(len(h) == 32 for h in request.proof)
    assert request.checkpoint_note.startswith("example.com/behind-the-sofa\n20852163\n")
    text, sigs = split_note(request.checkpoint_note)
    assert text == SPEC_CHECKPOINT_TEXT and len(sigs) == 2
    assert format_add_checkpoint(request.old_size, request.proof, request.checkpoint_note) == SPEC_REQUEST.encode()


def test_spec_response_lines_are_note_signatures():
    body = "".join(line + "\n" for line in SPEC_RESPONSE_LINES)
    _, sigs = split_note(SPEC_CHECKPOINT_TEXT + "\n" + body)
    assert [s.name for s in sigs] == ["witness.example/w1", "witness.example/w1", "witness.example/w2"]


@pytest.mark.parametrize("body, message", [
    (b"", "old"),
    (b"old 01\n\nx", "leading zeroes"),
    (b"old -1\n\nx", "decimal"),
    (b"old 1 \n\nx", "decimal"),
    (b"new 1\n\nx", "old"),
    (b"old 1\nnot-base64!\n\nx", "base64"),
    (b"old 1\nAAAA\n\nx", "32 bytes"),
    (b"old 1\n" + b"".join(base64.b64encode(b"\0" * 32) + b"\n" for _ in range(64)) + b"\nx", "63"),
    (b"old 1\n", "empty line"),
    (b"old 1\n\n", "no checkpoint"),
    (b"old 1\n\n\xff", "UTF-8"),
])
def test_malformed_bodies(body, message):
    with pytest.raises(ProtocolError, match=message):
        parse_add_checkpoint(body)


def test_size_body():
    assert parse_size(b"20852014\n") == 20852014
    for bad in (b"12", b"012\n", b"-1\n", b"1 2\n", b"\xff\n"):
        with pytest.raises(ProtocolError):
            parse_size(bad)


def test_note_errors_are_verification_errors():
    with pytest.raises(NoteError):
        split_note("no signatures\n")


def test_a_checkpoint_size_of_thousands_of_digits_is_a_note_error():
    # int() refuses strings of more than 4,300 digits with a bare ValueError; the parser says why first.
    from asfverify.ledger.note import parse_checkpoint

    root = base64.b64encode(bytes(32)).decode()
    with pytest.raises(NoteError, match="more than 20 digits"):
        parse_checkpoint(f"example.com/log\n{'9' * 5000}\n{root}\n")
    assert parse_checkpoint(f"example.com/log\n{2**64 - 1}\n{root}\n").size == 2**64 - 1
