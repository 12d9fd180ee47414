"""The CLI's subcommands, one module per group, and the one way into the workspace and the ledger.

Commands ask for what they need with click's pass-decorator pattern instead of resolving it
themselves::

    @click.command()
    @pass_workspace
    def keys_show(ws): ...

    @click.command()
    @pass_ledger
    def runs(ledger): ...

`--workspace` / `ASFVERIFY_WORKSPACE` / the nearest asfverify.toml upwards is resolved once per
invocation (cached on the root context) and the ledger is opened once.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from ..ledger.store import Ledger
    from ..workspace import Workspace

F = TypeVar("F", bound=Callable[..., Any])

_WS_KEY = "asfverify.workspace"
_LEDGER_KEY = "asfverify.ledger"


def workspace_argument(ctx: click.Context) -> str | None:
    """What --workspace said (None: ASFVERIFY_WORKSPACE or the nearest asfverify.toml decides)."""
    root = ctx.find_root()
    if root.obj and root.obj.get("workspace"):
        return root.obj["workspace"]
    value = root.meta.get("asfverify.workspace_arg") or root.params.get("workspace")
    return str(value) if value else None


def current_workspace(ctx: click.Context | None = None) -> Workspace:
    """The invocation's workspace, resolved once (WorkspaceError when there is none)."""
    from .. import workspace

    ctx = ctx or click.get_current_context()
    root = ctx.find_root()
    if _WS_KEY not in root.meta:
        root.meta[_WS_KEY] = workspace.find(workspace_argument(ctx))
    return root.meta[_WS_KEY]


def optional_workspace(ctx: click.Context | None = None) -> Workspace | None:
    """The invocation's workspace, or None when there is none (commands that also work without)."""
    from ..errors import WorkspaceError

    try:
        return current_workspace(ctx)
    except WorkspaceError:
        return None


def current_ledger(ctx: click.Context | None = None, *, readonly: bool = False) -> Ledger:
    """The workspace's ledger, opened once per invocation; `readonly` for commands that only read
    (they work on a read-only copy of a workspace and never migrate it)."""
    from ..ledger import open_ledger

    ctx = ctx or click.get_current_context()
    root = ctx.find_root()
    key = f"{_LEDGER_KEY}.{'ro' if readonly else 'rw'}"
    if key not in root.meta:
        root.meta[key] = open_ledger(current_workspace(ctx), readonly=readonly)
    return root.meta[key]


def _passing(get: Callable[[click.Context], Any], f: F) -> F:
    @click.pass_context
    def wrapper(ctx: click.Context, *args: Any, **kwargs: Any) -> Any:
        return ctx.invoke(f, get(ctx), *args, **kwargs)

    return update_wrapper(wrapper, f)  # type: ignore[return-value]


def pass_workspace(f: F) -> F:
    """Pass the invocation's workspace as the first argument (WorkspaceError, exit 2, when none)."""
    return _passing(current_workspace, f)


def pass_optional_workspace(f: F) -> F:
    """Pass the invocation's workspace, or None when there is none."""
    return _passing(optional_workspace, f)


def pass_ledger(f: F) -> F:
    """Pass the workspace's ledger as the first argument."""
    return _passing(current_ledger, f)


def pass_ledger_readonly(f: F) -> F:
    """Pass the workspace's ledger, opened read-only, as the first argument (for commands that only read)."""
    return _passing(lambda ctx: current_ledger(ctx, readonly=True), f)
