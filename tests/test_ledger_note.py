"""C2SP signed-note, Go sumdb/note, checkpoint and tlog-proof golden vectors."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from asfverify.ledger import merkle
from asfverify.ledger.note import (
    EM_DASH,
    NoteError,
    format_checkpoint,
    format_vkey,
    open_checkpoint,
    open_note,
    parse_checkpoint,
    parse_vkey,
    sign_note,
    verifier_for,
)
from asfverify.ledger.tlogproof import TlogProofError, format_tlog_proof, parse_tlog_proof, verify_tlog_proof

V = json.loads((Path(__file__).parent / "vectors" / "ledger" / "notes.json").read_text())
M = json.loads((Path(__file__).parent / "vectors" / "ledger" / "merkle.json").read_text())


def go_private_key() -> Ed25519PrivateKey:
    # PRIVATE+KEY+<name>+<hex id>+<base64(0x01 || seed)>; base64 may contain '+', so split at most 4 times.
    _, _, name, _hex_id, b64 = V["go"]["skey"].split("+", 4)
    raw = base64.b64decode(b64)
    assert name == "PeterNeumann" and raw[0] == 1
    return Ed25519PrivateKey.from_private_bytes(raw[1:])


def test_c2sp_example_verifies():
    verifier = parse_vkey(V["c2sp"]["vkey"])
    text, signers = open_note(V["c2sp"]["note"], [verifier])
    assert text == "This is an example message.\n"
    assert signers == [verifier]
    assert verifier.vkey == V["c2sp"]["vkey"]


def test_go_vector_verifies_and_signing_reproduces_it():
    verifier = parse_vkey(V["go"]["vkey"])
    assert "+" in V["go"]["skey"].split("+", 4)[4]  # the pitfall: '+' inside base64
    open_note(V["go"]["note"], [verifier])
    key = go_private_key()
    public = key.public_key().public_bytes_raw()
    assert format_vkey("PeterNeumann", public) == V["go"]["vkey"]
    assert sign_note(V["go"]["text"], "PeterNeumann", public, key.sign) == V["go"]["note"]


def test_self_generated_checkpoint_vector():
    key = go_private_key()
    public = key.public_key().public_bytes_raw()
    root8 = bytes.fromhex(M["roots"]["8"])
    note = sign_note(format_checkpoint("PeterNeumann", 8, root8), "PeterNeumann", public, key.sign)
    assert note == V["checkpoint"]["note"]
    checkpoint, _ = open_checkpoint(note, [parse_vkey(V["go"]["vkey"])], origin="PeterNeumann")
    assert (checkpoint.size, checkpoint.root) == (8, root8)


def test_self_generated_tlog_proof_vector():
    leaves = [merkle.leaf_hash(bytes.fromhex(x)) for x in M["leaves"]]
    leaf = merkle.leaf_hash(bytes.fromhex(V["tlog_proof"]["leaf_input_hex"]))
    assert base64.b64encode(leaf).decode() == V["tlog_proof"]["leaf_hash_b64"]
    path = merkle.inclusion_path(5, 8, lambda a, b: merkle.root_of(leaves[a:b]))
    text = format_tlog_proof(5, path, V["checkpoint"]["note"])
    assert text == V["tlog_proof"]["text"]
    index, parsed_path, note = parse_tlog_proof(text)
    assert (index, parsed_path, note) == (5, path, V["checkpoint"]["note"])
    verifier = parse_vkey(V["go"]["vkey"])
    assert verify_tlog_proof(text, leaf, [verifier])[0] == 5
    with pytest.raises(TlogProofError):
        verify_tlog_proof(text, merkle.leaf_hash(b"other"), [verifier])
    with pytest.raises(TlogProofError):
        verify_tlog_proof(text.replace("index 5", "index 4"), leaf, [verifier])
    with pytest.raises(NoteError):
        verify_tlog_proof(text, leaf, [parse_vkey(V["c2sp"]["vkey"])])  # untrusted key


@pytest.mark.parametrize("bad", [
    "c2sp.org/tlog-proof@v2\nindex 5\n\nx\n",
    "c2sp.org/tlog-proof@v1\nindex 05\n\nx\n",
    "c2sp.org/tlog-proof@v1\nindex -1\n\nx\n",
    "c2sp.org/tlog-proof@v1\nidx 5\n\nx\n",
    "c2sp.org/tlog-proof@v1\nindex 5\nnot-base64!\n\nx\n",
    "c2sp.org/tlog-proof@v1\nindex 5\nAAAA\n\nx\n",
    "c2sp.org/tlog-proof@v1\nindex 5\n",
])
def test_malformed_tlog_proofs(bad):
    with pytest.raises(TlogProofError):
        parse_tlog_proof(bad)


def test_tlog_proof_extra_line_is_ignored():
    text = V["tlog_proof"]["text"].replace("index 5", "extra aGVsbG8=\nindex 5")
    assert parse_tlog_proof(text)[0] == 5


def test_unknown_signatures_are_ignored_and_last_blank_line_splits():
    key = go_private_key()
    public = key.public_key().public_bytes_raw()
    text = "first paragraph\n\nsecond paragraph\n"  # the text itself has an empty line
    note = sign_note(text, "PeterNeumann", public, key.sign)
    other = Ed25519PrivateKey.generate()
    other_line = sign_note(text, "witness.example/w1", other.public_key().public_bytes_raw(), other.sign).split("\n\n")[-1]
    both = note + other_line
    got, signers = open_note(both, [verifier_for("PeterNeumann", public)])
    assert got == text and [s.name for s in signers] == ["PeterNeumann"]
    # both known: both must verify
    _, signers = open_note(both, [verifier_for("PeterNeumann", public),
                                  verifier_for("witness.example/w1", other.public_key().public_bytes_raw())])
    assert len(signers) == 2


def test_note_rejections():
    verifier = parse_vkey(V["go"]["vkey"])
    note = V["go"]["note"]
    with pytest.raises(NoteError, match="not signed by any trusted key"):
        open_note(note, [parse_vkey(V["c2sp"]["vkey"])])
    with pytest.raises(NoteError, match="does not verify"):
        open_note(note.replace("answer", "Answer"), [verifier])
    with pytest.raises(NoteError):
        open_note(note.replace(EM_DASH, "-"), [verifier])  # a hyphen is not the em dash
    with pytest.raises(NoteError):
        open_note(note.replace("\n\n", "\n"), [verifier])
    with pytest.raises(NoteError):
        open_note(note.replace("is.\n", "is.\x07\n"), [verifier])
    with pytest.raises(NoteError):
        open_note(note.rstrip("\n"), [verifier])


@pytest.mark.parametrize("bad", [
    "PeterNeumann+c74f20a3",
    "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # wrong key id
    "PeterNeumann+c74f20a3+AhpcMQ==",
    "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    "PeterNeumann+zz4f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
])
def test_bad_vkeys(bad):
    with pytest.raises(NoteError):
        parse_vkey(bad)


@pytest.mark.parametrize("text", [
    "origin\n8\n",
    "origin\n08\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
    "origin\n-1\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
    "origin\n8\nAAAA\n",
    "origin\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=",
    "origin\n\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
])
def test_bad_checkpoints(text):
    with pytest.raises(NoteError):
        parse_checkpoint(text)


def test_checkpoint_extension_lines_are_kept():
    cp = parse_checkpoint("o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\nTimestamp: 1\n")
    assert cp.size == 0 and cp.root == merkle.EMPTY_ROOT and cp.extensions == ("Timestamp: 1",)
