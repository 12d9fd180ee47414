"""The certifier's workspace: asfverify.toml, keys/, ledger.db, plugins/."""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import tomllib
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import BadInput, WorkspaceError
from .i18n import _

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

    # -- the certifier and the published site (DESIGN §11) -----------------------------------------

    def _setting(self, section: str, key: str) -> str | None:
        value = self.config.get(section, {}).get(key) if isinstance(self.config.get(section), dict) else None
        return value.strip() if isinstance(value, str) and value.strip() else None

    def setting(self, section: str, key: str) -> str | None:
        """An optional string setting of asfverify.toml (None when absent or blank)."""
        return self._setting(section, key)

    @property
    def certifier_name(self) -> str | None:
        return self._setting("certifier", "name")

    @property
    def certifier_org_number(self) -> str | None:
        return self._setting("certifier", "org_number")

    @property
    def publish_prefix(self) -> str | None:
        """[publish] prefix without a trailing slash, e.g. https://certifier.example/asf."""
        value = self._setting("publish", "prefix")
        return value.rstrip("/") if value else None

    @property
    def register_origin(self) -> str | None:
        """The register's checkpoint origin: host/path of the publish prefix + /register (None without one)."""
        prefix = self.publish_prefix
        return origin_of_prefix(prefix) + "/register" if prefix else None

    @property
    def witness_policy_path(self) -> Path | None:
        """[witnesses] policy (a C2SP tlog-policy file), relative to the workspace."""
        value = self._setting("witnesses", "policy")
        return (self.root / value) if value else None

    def require(self, section: str, key: str) -> str:
        """A setting certify, revoke, suspend and publish cannot do without; one line naming it otherwise."""
        value = self._setting(section, key)
        if value is None:
            flag = {"name": "--certifier NAME", "org_number": "--org-number N", "prefix": "--publish-prefix URL"}.get(key)
            how = _("; run 'asfverify init {flag}'", flag=flag) if flag else ""
            raise WorkspaceError(_("{file}: [{section}] {key} is not set{how}", file=self.root / CONFIG_NAME,
                                   section=section, key=key, how=how))
        if (section, key) == ("publish", "prefix"):
            check_prefix(value)
            return value.rstrip("/")
        return value

    def require_publishing(self) -> None:
        """What a public statement needs (DESIGN §11): the certifier's name and the publish prefix.

        The org number is published when set (issuer.json, register.json) but a certifier may start
        without it.
        """
        self.require("certifier", "name")
        self.require("publish", "prefix")

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
        raise WorkspaceError(_("{file}: invalid TOML: {error}", file=path, error=exc)) from None
    except OSError as exc:
        raise WorkspaceError(_("{file}: cannot read: {reason}", file=path, reason=exc.strerror)) from None
    return Workspace(root=root.resolve(), config=config)


def find(explicit: str | os.PathLike[str] | None = None, start: Path | None = None) -> Workspace:
    """--workspace, then $ASFVERIFY_WORKSPACE, then the current directory and its parents."""
    chosen = explicit or os.environ.get(ENV_VAR)
    if chosen:
        root = Path(chosen)
        if not (root / CONFIG_NAME).is_file():
            raise WorkspaceError(_("{root}: not an asfverify workspace (no {config}); run 'asfverify init {root}'",
                                   root=root, config=CONFIG_NAME))
        return load(root)
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / CONFIG_NAME).is_file():
            return load(candidate)
    raise WorkspaceError(_("no {config} in {folder} or its parents; run 'asfverify init' or pass --workspace",
                           config=CONFIG_NAME, folder=here))


_PREFIX_PATH = re.compile(r"^(/[A-Za-z0-9._~%!$&'()*,;=:@-]+)*/?$")


def check_prefix(prefix: str) -> None:
    """A publish prefix is an absolute http(s) URL without query or fragment (it becomes an origin)."""
    parts = urlsplit(prefix)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment \
            or parts.username or not _PREFIX_PATH.match(parts.path or "/") or "+" in prefix:
        raise BadInput(_("publish prefix {prefix!r}: must be an http(s) URL like https://certifier.example/asf (no "
                         "query, fragment, user or '+')", prefix=prefix))


def origin_of_prefix(prefix: str) -> str:
    """The prefix without its scheme and trailing slash (c2sp.org/tlog-tiles): certifier.example/asf."""
    check_prefix(prefix)
    parts = urlsplit(prefix.rstrip("/"))
    return (parts.netloc + parts.path).rstrip("/")


def _toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def set_config_values(text: str, values: dict[tuple[str, str], str]) -> str:
    """text with each [section] key set to the value, replacing the line or adding section and key."""
    lines = text.splitlines()
    for (section, key), value in values.items():
        line = f"{key} = {_toml_string(value)}"
        start = next((i for i, ln in enumerate(lines) if ln.strip() == f"[{section}]"), None)
        if start is None:
            lines += ["", f"[{section}]", line]
            continue
        end = next((i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("[")), len(lines))
        hit = next((i for i in range(start + 1, end) if re.match(rf"\s*{re.escape(key)}\s*=", lines[i])), None)
        if hit is None:
            while end > start + 1 and not lines[end - 1].strip():
                end -= 1
            lines.insert(end, line)
        else:
            lines[hit] = line
    return "\n".join(lines) + "\n"


def render_config(ledger_id: str, origin: str, certifier: str | None = None) -> str:
    # No placeholders: a setting the certifier has not given stays absent, and the commands that need
    # it refuse naming it (DESIGN §11).
    return (
        "# asfverify workspace\n"
        'database = "ledger.db"\n'
        'keys = "keys"\n'
        "# Local verifier plugins: every *.py module in this folder is loaded.\n"
        'plugins = "plugins"\n'
        "\n[certifier]\n"
        + (f"name = {_toml_string(certifier)}\n" if certifier else "")
        + "\n[ledger]\n"
        f'id = "{ledger_id}"\n'
        f'origin = "{origin}"\n'
    )


def init(root: Path, *, certifier: str | None = None, passphrase: str | None = None,
         org_number: str | None = None, publish_prefix: str | None = None) -> Workspace:
    """Create (or complete) a workspace: config, keys/, plugins/, database and key pair.

    The certifier's name, org number and publish prefix, when given, are set in asfverify.toml
    (also in an existing one: init is how a certifier fills them in later).
    """
    values: dict[tuple[str, str], str] = {}
    if certifier is not None:
        if not certifier.strip() or any(c in certifier for c in "\n\r\t"):
            raise BadInput(_("--certifier: give the certifier's name on one line"))
        values["certifier", "name"] = certifier.strip()
    if org_number is not None:
        from .agreements.orgnumbers import normalise

        number = normalise(org_number)
        if number is None:
            raise BadInput(_("--org-number {number}: not a valid Swedish organisation number (NNNNNN-NNNN)", number=org_number))
        values["certifier", "org_number"] = number
    if publish_prefix is not None:
        try:
            check_prefix(publish_prefix)
        except BadInput as exc:
            raise BadInput(_("--publish-prefix: {error}", error=exc)) from None
        values["publish", "prefix"] = publish_prefix.rstrip("/")
    root.mkdir(parents=True, exist_ok=True)
    config_path = root / CONFIG_NAME
    if not config_path.exists():
        ledger_id = uuid.uuid4().hex[:12]
        host = socket.gethostname().split(".")[0].lower() or "localhost"
        origin = f"{host}.asfverify.local/{ledger_id}"
        config_path.write_text(render_config(ledger_id, origin), encoding="utf-8")
    if values:
        current = load(root)
        if ("publish", "prefix") in values and current.publish_prefix not in (None, values["publish", "prefix"]):
            _refuse_prefix_change(current, values["publish", "prefix"])
        text = set_config_values(config_path.read_text(encoding="utf-8"), values)
        tmp = config_path.with_name(f".{CONFIG_NAME}.{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(config_path)
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


def _refuse_prefix_change(ws: Workspace, new_prefix: str) -> None:
    """The register's origin derives from the prefix: once the register has entries it is fixed."""
    if not ws.db_path.exists():
        return
    from .ledger.store import open_register

    register = open_register(ws)
    if register.size() > 0 and origin_of_prefix(new_prefix) + "/register" != register.origin:
        raise WorkspaceError(_(
            "--publish-prefix {prefix}: the register already has entries under origin {origin!r}; it would become "
            "{new!r}, and an origin cannot change", prefix=new_prefix, origin=register.origin,
            new=origin_of_prefix(new_prefix) + "/register"))
