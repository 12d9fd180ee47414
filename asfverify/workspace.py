"""The certifier's workspace: asfverify.toml, keys/, ledger.db, plugins/."""

from __future__ import annotations

import os
import secrets
import socket
import tomllib
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import WorkspaceError

CONFIG_NAME = "asfverify.toml"
ENV_VAR = "ASFVERIFY_WORKSPACE"


@dataclass
class Workspace:
    root: Path
    config: dict[str, Any] = field(default_factory=dict)

    @property
    def db_path(self) -> Path:
        return self.root / self.config.get("database", "ledger.db")

    @property
    def keys_dir(self) -> Path:
        return self.root / self.config.get("keys", "keys")

    @property
    def plugins_dir(self) -> Path | None:
        """The local plugins folder, only when asfverify.toml names one."""
        name = self.config.get("plugins")
        return (self.root / name) if name else None

    @property
    def criteria_dir(self) -> Path:
        return self.root / self.config.get("criteria_dir", "criteria")

    @property
    def origin(self) -> str:
        """The ledger's checkpoint origin line (C2SP tlog-checkpoint)."""
        ledger = self.config.get("ledger", {})
        return ledger.get("origin") or f"asfverify.local/{ledger.get('id', 'default')}"

    @property
    def actor(self) -> str:
        return self.config.get("certifier", {}).get("name") or os.environ.get("USER") or "certifier"

    def db(self, *, readonly: bool = False):
        """The workspace database (sqlite-utils), with every migration applied; or read-only as it is."""
        from .database import open_database

        return open_database(self.db_path, readonly=readonly)

    def secret(self, name: str = "pseudonym") -> bytes:
        """A per-workspace secret (created 0600 on first use), e.g. the personnummer HMAC key."""
        path = self.keys_dir / f"{name}.secret"
        if not path.exists():
            self.keys_dir.mkdir(parents=True, exist_ok=True)
            # Written whole under a temporary name, then linked into place: processes racing to
            # create it all end up reading the one that won, never a partial file.
            tmp = path.with_name(f".{name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(secrets.token_bytes(32))
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass
            finally:
                tmp.unlink()
        return path.read_bytes()


def load(root: Path) -> Workspace:
    path = root / CONFIG_NAME
    try:
        config = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise WorkspaceError(f"{path}: invalid TOML: {exc}") from None
    except OSError as exc:
        raise WorkspaceError(f"{path}: cannot read: {exc.strerror}") from None
    return Workspace(root=root.resolve(), config=config)


def find(explicit: str | os.PathLike[str] | None = None, start: Path | None = None) -> Workspace:
    """--workspace, then $ASFVERIFY_WORKSPACE, then the current directory and its parents."""
    chosen = explicit or os.environ.get(ENV_VAR)
    if chosen:
        root = Path(chosen)
        if not (root / CONFIG_NAME).is_file():
            raise WorkspaceError(f"{root}: not an asfverify workspace (no {CONFIG_NAME}); run 'asfverify init {root}'")
        return load(root)
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / CONFIG_NAME).is_file():
            return load(candidate)
    raise WorkspaceError(f"no {CONFIG_NAME} in {here} or its parents; run 'asfverify init' or pass --workspace")


def render_config(ledger_id: str, origin: str, certifier: str) -> str:
    return (
        "# asfverify workspace\n"
        f'database = "ledger.db"\n'
        f'keys = "keys"\n'
        "# Local verifier plugins: every *.py module in this folder is loaded.\n"
        f'plugins = "plugins"\n'
        "\n[certifier]\n"
        f'name = "{certifier}"\n'
        "\n[ledger]\n"
        f'id = "{ledger_id}"\n'
        f'origin = "{origin}"\n'
    )


def init(root: Path, *, certifier: str | None = None, passphrase: str | None = None) -> Workspace:
    """Create (or complete) a workspace: config, keys/, plugins/, database and key pair."""
    root.mkdir(parents=True, exist_ok=True)
    config_path = root / CONFIG_NAME
    if not config_path.exists():
        ledger_id = uuid.uuid4().hex[:12]
        host = socket.gethostname().split(".")[0].lower() or "localhost"
        origin = f"{host}.asfverify.local/{ledger_id}"
        config_path.write_text(render_config(ledger_id, origin, certifier or "certifier"), encoding="utf-8")
    ws = load(root)
    ws.keys_dir.mkdir(parents=True, exist_ok=True)
    ws.keys_dir.chmod(0o700)  # private keys and the pseudonym secret: the owner's alone
    if ws.plugins_dir is not None:
        ws.plugins_dir.mkdir(parents=True, exist_ok=True)
    ws.db()
    from . import keys

    keys.ensure_keypair(ws.keys_dir, passphrase=passphrase)
    ws.secret("pseudonym")
    return ws
