"""Writing public statements to the register beside the ledger, and reading the register's state back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ..errors import BadInput
from ..i18n import _
from ..ledger.schema import CREDENTIALS, REGISTER
from .statements import key_statement

if TYPE_CHECKING:
    from ..ledger.store import Ledger, Transaction
    from ..workspace import Workspace


def open_logs(ws: Workspace) -> tuple[Ledger, Ledger]:
    """The ledger and the register over one connection, so one transaction can write both."""
    from ..ledger import open_ledger
    from ..ledger.store import open_register

    ledger = open_ledger(ws)
    return ledger, open_register(ws, db=ledger.db)


@contextmanager
def register_transaction(register: Ledger) -> Iterator[Transaction]:
    """Register appends joined to the ledger transaction already open on the connection.

    The register's first entry introduces the key that signs it, so a reader of the site alone
    learns the key from the log itself.
    """
    with register.transaction(join=True) as rtx:
        if rtx.start == 0:
            signer = register.signer
            rtx.append(key_statement(signer.public_key, signer.key_id, signer.did, signer.vkey(register.origin)))
        yield rtx


@contextmanager
def both_logs(ws: Workspace) -> Iterator[tuple[Ledger, Transaction, Ledger, Transaction]]:
    """One SQLite transaction appending to the private ledger and the public register together."""
    ws.require_publishing()
    ledger, register = open_logs(ws)
    with ledger.transaction() as tx:
        with register_transaction(register) as rtx:
            yield ledger, tx, register, rtx


def register_entries(register: Ledger, kind: str) -> list[dict[str, Any]]:
    return [e.entry for e in register.entries(kind=kind)]


def store_credential(register: Ledger, cert_id: str, index: int, credential_json: str) -> None:
    """Keep the issued certificate for certificates/<uuid>.json (outside the log: it is large)."""
    register.db.conn.execute(
        f"INSERT OR IGNORE INTO {CREDENTIALS} (cert_id, register_index, credential) VALUES (?, ?, ?)",
        (cert_id, index, credential_json))


def find_certificate(register: Ledger, cert_id: str) -> dict[str, Any]:
    row = register.db.conn.execute(
        f"SELECT entry FROM {REGISTER.entries} WHERE kind = 'certificate' AND instr(entry, ?) > 0",
        (f'"cert_id":"{cert_id}"',)).fetchone()
    if row is None:
        raise BadInput(_("{cert_id}: no such certificate in the register", cert_id=cert_id))
    import json

    return json.loads(row[0])


def current_status(register: Ledger, cert_id: str) -> str:
    """revoked | suspended | valid, from the register's status statements in order."""
    status = "valid"
    rows = register.db.conn.execute(
        f"SELECT kind FROM {REGISTER.entries} WHERE kind IN ('revocation', 'suspension', 'reinstatement') "
        "AND instr(entry, ?) > 0 ORDER BY idx", (f'"cert_id":"{cert_id}"',))
    for (kind,) in rows:
        if kind == "revocation":
            return "revoked"
        status = "suspended" if kind == "suspension" else "valid"
    return status
