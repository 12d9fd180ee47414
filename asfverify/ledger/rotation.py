"""Key rotation: the old key signs a `key` entry introducing the new key, then the new key takes over."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from .. import keys
from .store import Ledger
from .verify import key_entry_message


@dataclass(frozen=True)
class Rotation:
    old_key_id: str
    new_key_id: str
    index: int
    checkpoint: str


def _recorded_index(ledger: Ledger, new_key_id: str) -> int | None:
    for item in ledger.entries(kind="key"):
        if item.entry.get("key_id") == new_key_id:
            return item.index
    return None


def _register_of(ledger: Ledger):
    """The workspace's register when it has entries (a register not started yet begins with the new key)."""
    if not ledger.ws.publish_prefix:
        return None
    from .store import open_register

    register = open_register(ledger.ws, db=ledger.db)
    return register if register.size() > 0 else None


def rotate(ledger: Ledger) -> Rotation:
    """Rotate the workspace key; resumes an interrupted rotation instead of starting another."""
    keys_dir = ledger.ws.keys_dir
    old = keys.load_signer(keys_dir)
    pending = keys.load_next(keys_dir)
    if pending is not None:
        index = _recorded_index(ledger, pending.key_id)
        if index is not None:  # recorded but not installed: finish it
            entry = ledger.get(index).entry
            keys.install_next(keys_dir, old.public_key, entry["time"])
            return Rotation(old.key_id, pending.key_id, index, ledger.checkpoint())
        keys.discard_next(keys_dir)
    new = keys.generate_next(keys_dir)
    entry = {
        "kind": "key",
        "action": "rotate",
        "time": keys.now_rfc3339(),
        "actor": ledger.ws.actor,
        "previous_key_id": old.key_id,
        "key_id": new.key_id,
        "public_key": base64.b64encode(new.public_key).decode(),
        "did": new.did,
        "vkey": new.vkey(ledger.origin),
    }
    # The new key proves possession by signing the entry; the old key signs the entry itself.
    entry["possession_signature"] = base64.b64encode(new.sign(key_entry_message(entry))).decode()
    register = _register_of(ledger)
    with ledger.transaction(signer=old) as tx:
        index = tx.append(entry)
        if register is not None:
            # The public register learns of the new key the same way, in the same transaction.
            public = {k: v for k, v in entry.items() if k != "possession_signature"}
            public["vkey"] = new.vkey(register.origin)
            public["possession_signature"] = base64.b64encode(new.sign(key_entry_message(public))).decode()
            with register.transaction(signer=old, join=True) as rtx:
                rtx.append(public)
    assert tx.receipt is not None
    keys.install_next(keys_dir, old.public_key, entry["time"])
    ledger._signer = None  # the next write loads the new key
    return Rotation(old.key_id, new.key_id, index, tx.receipt.checkpoint)
