"""A tiny in-memory log for witness tests: leaves, signed checkpoints and consistency proofs.

It reuses the ledger's RFC 6962 code (merkle.py, note.py), which has its own tests against the
transparency-dev vectors; here it only feeds the witness real checkpoints.
"""

from __future__ import annotations

import http.client
import threading
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from asfverify.ledger.merkle import consistency_path, leaf_hash, root_of
from asfverify.ledger.note import format_checkpoint, format_vkey, sign_note, verifier_for
from asfverify.witness.server import WitnessServer
from asfverify.witness.state import Witness


@dataclass
class MemoryLog:
    origin: str = "certifier.example/asf/register"
    key: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)
    leaves: list[bytes] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def public(self) -> bytes:
        return self.key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    @property
    def vkey(self) -> str:
        return format_vkey(self.origin, self.public)

    @property
    def verifier(self):
        return verifier_for(self.origin, self.public)

    def append(self, count: int = 1) -> int:
        with self.lock:
            for _ in range(count):
                self.leaves.append(leaf_hash(f"entry {len(self.leaves)}".encode()))
            return len(self.leaves)

    def root(self, size: int | None = None) -> bytes:
        size = len(self.leaves) if size is None else size
        return root_of(self.leaves[:size])

    def checkpoint(self, size: int | None = None, root: bytes | None = None, key: Ed25519PrivateKey | None = None) -> str:
        size = len(self.leaves) if size is None else size
        text = format_checkpoint(self.origin, size, root if root is not None else self.root(size))
        signer = key or self.key
        return sign_note(text, self.origin, self.public, signer.sign)

    def proof(self, old: int, new: int) -> list[bytes]:
        leaves = self.leaves[:new]
        if old > new or new > len(self.leaves):
            raise ValueError(f"no proof from {old} to {new}")
        return consistency_path(old, new, lambda a, b: root_of(leaves[a:b]))


class Running:
    """A WitnessServer on an ephemeral port, served from a thread for one test."""

    def __init__(self, folder: Path, **options):
        self.witness = Witness(folder)
        self.server = WitnessServer(self.witness, "127.0.0.1", 0, **options)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def post(self, body: bytes, path: str = "/add-checkpoint", headers: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request("POST", path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.getheader("Content-Type"), response.read()
        finally:
            conn.close()

    def get(self, path: str):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.witness.close()

    @property
    def url(self) -> str:
        return self.server.url
