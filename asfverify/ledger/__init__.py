"""The signed append-only ledger. Importing this package stays light: the pure modules
(merkle, note, tlogproof) must load without sqlite so offline certificate verification starts fast."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..workspace import Workspace
    from .store import Ledger

__all__ = ["open_ledger", "Ledger", "LedgerEntry", "Receipt", "VerifyReport"]


def open_ledger(ws: Workspace, *, readonly: bool = False) -> Ledger:
    """The ledger of a workspace (its database with migrations applied); `readonly` for commands that
    only read, so a read-only copy of a workspace can still be verified."""
    from .store import Ledger

    return Ledger(ws, ws.db(readonly=True) if readonly else None)


def __getattr__(name: str) -> Any:
    if name in ("Ledger", "LedgerEntry", "Receipt", "Transaction"):
        from . import store

        return getattr(store, name)
    if name == "VerifyReport":
        from .verify import VerifyReport

        return VerifyReport
    raise AttributeError(name)
