"""`asfverify monitor SITE`: read a published site as a third party, with only its public files.

Every check is against what the files themselves say, and what this monitor saw last time (the
state file): the checkpoint's log signature (key from --policy, else pinned from issuer.json on the
first run) and its cosignatures against the policy; the level-0 tiles against the checkpoint root;
every entry bundle against its tile; higher tiles against the tiles below them; the new tree
against the size and root seen last time (consistency); the ledger checkpoint against the
register's ledger-anchors; each new certificate's file against the digest in its entry.

The site is hostile: every read is bounded in size and time, and paths are built, never taken
from the site.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import BadInput, VerificationError
from ..i18n import _
from ..ledger import merkle
from ..ledger.note import NoteError, open_checkpoint, parse_vkey
from .tiles import TILE_WIDTH, Tile, decode_bundle, split_hashes, tiles_for

MAX_CHECKPOINT_BYTES = 16 * 1024
MAX_JSON_BYTES = 4 * 1024 * 1024
MAX_TILE_BYTES = TILE_WIDTH * 32
MAX_BUNDLE_BYTES = TILE_WIDTH * (2 + 65535)
TIMEOUT = 10.0
STATE_VERSION = 1


class SiteError(VerificationError):
    """The site is inconsistent or unreadable; the message names the file and what is wrong."""


# ---- reading the site ------------------------------------------------------------------------------

class Site:
    """Bounded reads of a site in a folder or over http(s)."""

    def __init__(self, location: str):
        self.location = location
        self._http = location.startswith(("http://", "https://"))
        if self._http:
            parts = urlsplit(location)
            if not parts.hostname or parts.query or parts.fragment:
                raise BadInput(_("{location}: not a site URL like http://127.0.0.1:8000/", location=location))
            self._parts = parts
            self._conn: http.client.HTTPConnection | None = None
            self._reached = False  # whether the site has answered anything yet
        else:
            self.root = Path(location)
            if not self.root.is_dir():
                raise BadInput(_("{location}: no such folder", location=location))

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            cls = http.client.HTTPSConnection if self._parts.scheme == "https" else http.client.HTTPConnection
            self._conn = cls(self._parts.hostname or "", self._parts.port, timeout=TIMEOUT)
        return self._conn

    def get(self, relpath: str, limit: int, required: bool = True) -> bytes | None:
        """The file's bytes (at most limit); None when absent and not required."""
        data = self._get_http(relpath, limit) if self._http else self._get_file(relpath, limit)
        if data is None and required:
            raise SiteError(_("{file}: missing from the site", file=relpath))
        return data

    def _get_file(self, relpath: str, limit: int) -> bytes | None:
        path = self.root.joinpath(*relpath.split("/"))
        try:
            with open(path, "rb") as fh:
                data = fh.read(limit + 1)
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return None
        except OSError as exc:
            raise SiteError(_("{file}: cannot read: {reason}", file=relpath, reason=exc.strerror)) from None
        if len(data) > limit:
            raise SiteError(_("{file}: larger than {limit} bytes", file=relpath, limit=limit))
        return data

    def _get_http(self, relpath: str, limit: int) -> bytes | None:
        path = self._parts.path.rstrip("/") + "/" + relpath
        for attempt in range(2):  # one retry on a dropped keep-alive connection
            try:
                conn = self._connection()
                conn.request("GET", path, headers={"Accept-Encoding": "identity"})
                response = conn.getresponse()
                self._reached = True
                data = response.read(limit + 1)
                if len(data) > limit:
                    conn.close()
                    self._conn = None
                    raise SiteError(_("{file}: larger than {limit} bytes", file=relpath, limit=limit))
                response.read()  # drain for keep-alive (bounded: the server already sent at most what it had)
                if response.status == 404:
                    return None
                if response.status != 200:
                    raise SiteError(_("{file}: HTTP {status}", file=relpath, status=response.status))
                return data
            except (OSError, http.client.HTTPException) as exc:
                if self._conn is not None:
                    self._conn.close()
                self._conn = None
                if not self._reached:
                    # Nothing ever came back: the site is down or the URL is wrong, whichever file was asked for.
                    raise SiteError(_("the site {url} could not be reached: {reason}", url=self.location,
                                      reason=_reason(exc))) from None
                if attempt:
                    raise SiteError(_("{file}: cannot fetch: {reason}", file=relpath, reason=_reason(exc))) from None
        return None  # pragma: no cover

    def json(self, relpath: str, required: bool = True) -> Any:
        data = self.get(relpath, MAX_JSON_BYTES, required)
        if data is None:
            return None
        from ..jcs import loads_strict

        try:
            return loads_strict(data)
        except ValueError as exc:
            raise SiteError(_("{file}: not valid JSON: {error}", file=relpath, error=exc)) from None


# ---- state --------------------------------------------------------------------------------------------

@dataclass
class MonitorState:
    """What the monitor saw last time: sizes, roots, the pinned keys and the tree frontier."""

    register_size: int = 0
    register_root: str = ""
    ledger_size: int = 0
    ledger_root: str = ""
    register_vkey: str = ""
    ledger_vkey: str = ""
    # Perfect-subtree roots of the register at the last 256-aligned size, and the leaf hashes after it.
    frontier: list[list[Any]] = field(default_factory=list)
    tail: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path | None) -> MonitorState:
        if path is None or not path.exists():
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") != STATE_VERSION:
                raise ValueError(_("unknown version"))
            fields = {k: data[k] for k in cls.__dataclass_fields__}
            return cls(**fields)
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise BadInput(_("--state {path}: not a monitor state file ({error})", path=path, error=exc)) from None

    def save(self, path: Path) -> None:
        data = {"version": STATE_VERSION, **{k: getattr(self, k) for k in self.__dataclass_fields__}}
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, path)


@dataclass(frozen=True)
class Event:
    index: int
    kind: str
    cert_id: str
    org_number: str
    line: str


@dataclass(frozen=True)
class MonitorReport:
    register_size: int
    previous_size: int
    ledger_size: int
    events: tuple[Event, ...]
    witnesses: tuple[str, ...]

    def summary(self) -> str:
        cosigned = _(", cosigned by {names}", names=", ".join(self.witnesses)) if self.witnesses else ""
        return _("OK: register {previous} -> {size} entries{cosigned}, ledger checkpoint {ledger}; tiles, bundles, "
                 "checkpoints and consistency verify; {events} new event(s)", previous=self.previous_size,
                 size=self.register_size, cosigned=cosigned, ledger=self.ledger_size, events=len(self.events))


# ---- checks ---------------------------------------------------------------------------------------------

def _checkpoint(site: Site, relpath: str, vkey: str, what: str):
    data = site.get(relpath, MAX_CHECKPOINT_BYTES)
    assert data is not None
    try:
        note = data.decode("utf-8")
        verifier = parse_vkey(vkey)
        checkpoint, _signers = open_checkpoint(note, [verifier], verifier.name)
    except (UnicodeDecodeError, NoteError) as exc:
        raise SiteError(f"{relpath}: {exc}") from None
    return note, checkpoint


def _fetch_tile(site: Site, tile: Tile) -> list[bytes]:
    relpath = f"register/{tile.path()}"
    data = site.get(relpath, MAX_TILE_BYTES)
    assert data is not None
    try:
        return split_hashes(data, tile.width)
    except ValueError as exc:
        raise SiteError(f"{relpath}: {exc}") from None


def _fold(frontier: list[tuple[int, bytes]]) -> bytes:
    return merkle.fold_right([h for _, h in frontier]) if frontier else merkle.EMPTY_ROOT


def check_register(site: Site, state: MonitorState, size: int, root: bytes) -> list[tuple[int, bytes]]:
    """Verify tiles and bundles from the last aligned size to `size`; return the new entries (index, bytes)."""
    old = state.register_size
    if size < old:
        raise SiteError(_("register/checkpoint has size {size}, smaller than the {old} seen before (truncated or "
                          "rolled back)", size=size, old=old))
    aligned = (old // TILE_WIDTH) * TILE_WIDTH
    frontier = [(int(level), bytes.fromhex(h)) for level, h in state.frontier]
    tail = [bytes.fromhex(h) for h in state.tail]
    if len(tail) != old - aligned:
        raise BadInput(_("--state: the stored tail does not match its size"))
    leaves: list[bytes] = []
    entries: list[tuple[int, bytes]] = []
    level0 = [t for t in tiles_for(size) if t.level == 0 and t.index >= aligned // TILE_WIDTH]
    for tile in level0:
        hashes = _fetch_tile(site, tile)
        relpath = f"register/tile/entries/{tile.path()[len('tile/0/'):]}"
        bundle = site.get(relpath, MAX_BUNDLE_BYTES)
        assert bundle is not None
        try:
            items = decode_bundle(bundle, tile.width)
        except ValueError as exc:
            raise SiteError(f"{relpath}: {exc}") from None
        for i, (data, leaf) in enumerate(zip(items, hashes)):
            index = tile.first_node() + i
            if merkle.leaf_hash(data) != leaf:
                raise SiteError(_("{file}: entry {index} does not hash to its level-0 tile hash (edited)", file=relpath, index=index))
            if index >= old:
                entries.append((index, data))
        leaves.extend(hashes)
    # Consistency with what was seen: the first leaves after the aligned size are the ones seen then.
    if leaves[:len(tail)] != tail:
        raise SiteError(_("register tiles below size {old} differ from what was seen before (the log was forked "
                          "or rewritten)", old=old))
    work = list(frontier)
    old_root = None
    for offset, leaf in enumerate(leaves):
        if aligned + offset == old:
            old_root = _fold(work)
        merkle.push_leaf(work, aligned + offset, leaf)
    if aligned + len(leaves) == old:
        old_root = _fold(work)
    if old and (old_root is None or old_root.hex() != state.register_root):
        raise SiteError(_("the register at size {old} no longer has the root seen before (forked or rewritten)", old=old))
    if _fold(work) != root:
        raise SiteError(_("register tiles do not hash to the root of register/checkpoint (size {size}): "
                          "tiles edited, truncated or swapped", size=size))
    _check_upper_tiles(site, size, aligned, leaves)
    # New state: frontier at the new aligned size, tail after it.
    new_aligned = (size // TILE_WIDTH) * TILE_WIDTH
    keep = list(frontier)
    for offset in range(new_aligned - aligned):
        merkle.push_leaf(keep, aligned + offset, leaves[offset])
    state.frontier = [[level, h.hex()] for level, h in keep]
    state.tail = [h.hex() for h in leaves[new_aligned - aligned:]]
    state.register_size, state.register_root = size, root.hex()
    return entries


def _check_upper_tiles(site: Site, size: int, aligned: int, leaves: list[bytes]) -> None:
    """Level-1 and higher tiles must hold the hashes of the full tiles below them (those read this run)."""
    below: dict[int, bytes] = {}  # tile index -> MTH of that full level-(L-1) tile
    first = aligned // TILE_WIDTH
    for n in range(len(leaves) // TILE_WIDTH):
        below[first + n] = merkle.root_of(leaves[n * TILE_WIDTH:(n + 1) * TILE_WIDTH])
    level = 1
    while below and size >= TILE_WIDTH ** level:
        current: dict[int, bytes] = {}
        for tile in (t for t in tiles_for(size) if t.level == level):
            covered = range(tile.first_node(), tile.first_node() + tile.width)
            if not any(i in below for i in covered):
                continue
            hashes = _fetch_tile(site, tile)
            for i, h in zip(covered, hashes):
                if i in below and below[i] != h:
                    raise SiteError(_("register/{tile}: hash {number} is not the hash of the level-{level} tile below it "
                                      "(edited)", tile=tile.path(), number=i - tile.first_node(), level=level - 1))
            if tile.full and all(i in below for i in covered):
                current[tile.index] = merkle.root_of(hashes)
        below, level = current, level + 1


def _verify_policy(policy: Any, note: str, vkey: str) -> tuple[str, ...]:
    from ..witness.policy import evaluate

    try:
        result = evaluate(policy, note, logs=[parse_vkey(vkey)])
    except NoteError as exc:
        raise SiteError(_("register/checkpoint: {error}", error=exc)) from None
    if not result.satisfied:
        raise SiteError(_("register/checkpoint: witness policy not satisfied ({reason})", reason=result.reason))
    return result.cosigned


def _describe(index: int, entry: dict[str, Any], site: Site) -> Event | None:
    kind = entry.get("kind")
    cert_id = str(entry.get("cert_id", ""))
    if kind == "certificate":
        org = entry.get("organisation") or {}
        uid = cert_id.removeprefix("urn:uuid:")
        import uuid as uuidlib

        try:
            uid = str(uuidlib.UUID(uid))
        except ValueError:
            raise SiteError(_("register entry {index}: certificate id {id!r} is not a urn:uuid", index=index,
                                id=cert_id[:60])) from None
        credential = site.json(f"certificates/{uid}.json")
        from ..certs.credential import credential_digest

        try:
            digest = credential_digest(credential)
        except Exception:  # noqa: BLE001 - any malformed certificate is the site's fault
            digest = ""
        if not isinstance(credential, dict) or digest != entry.get("credential_sha256") or credential.get("id") != cert_id:
            raise SiteError(_("certificates/{uuid}.json: does not hash to the digest in register entry {index}", uuid=uid, index=index))
        line = _("certificate {id} {name} ({org_number}) valid {start} .. {end} [entry {index}]", id=cert_id,
                 name=org.get("name"), org_number=org.get("org_number"), start=entry.get("valid_from"),
                 end=entry.get("valid_until"), index=index)
        return Event(index, "certificate", cert_id, str(org.get("org_number") or ""), line)
    if kind in ("revocation", "suspension", "reinstatement"):
        template = {"revocation": _("revoked {id} ({reason}) at {time} [entry {index}]"),
                    "suspension": _("suspended {id} ({reason}) at {time} [entry {index}]"),
                    "reinstatement": _("reinstated {id} ({reason}) at {time} [entry {index}]")}[kind]
        line = template.format(id=cert_id, reason=entry.get("reason_category"), time=entry.get("time"), index=index)
        return Event(index, kind, cert_id, str(entry.get("org_number") or ""), line)
    return None


def monitor_site(location: str, state: MonitorState, policy: Any | None = None,
                 org: str | None = None) -> MonitorReport:
    """Check the site against itself and the state; the state is updated in place when all is well."""
    site = Site(location)
    issuer = site.json("issuer.json")
    try:
        register_vkey = str(issuer["register"]["vkey"])
        ledger_vkey = str(issuer["ledger"]["vkey"])
    except (TypeError, KeyError):
        raise SiteError(_("issuer.json: has no register and ledger vkeys")) from None
    # A policy's own log key (for the register's origin) beats what the site says about itself.
    try:
        register_origin = parse_vkey(register_vkey).name
        parse_vkey(ledger_vkey)
    except NoteError as exc:
        raise SiteError(f"issuer.json: {exc}") from None  # not for translation: a file name before the (translated) reason
    for log in (policy.logs if policy is not None else ()):
        if log.origin == register_origin:
            register_vkey = log.verifier.vkey
    changed = {"register": _("issuer.json: the register key changed from {old} to {new} since the last run"),
               "ledger": _("issuer.json: the ledger key changed from {old} to {new} since the last run")}
    for pinned, now, what in ((state.register_vkey, register_vkey, "register"), (state.ledger_vkey, ledger_vkey, "ledger")):
        if pinned and pinned != now:
            raise SiteError(changed[what].format(old=pinned, new=now))
    note, checkpoint = _checkpoint(site, "register/checkpoint", register_vkey, "register")
    witnesses: tuple[str, ...] = ()
    if policy is not None:
        witnesses = _verify_policy(policy, note, register_vkey)
    previous = state.register_size
    new_entries = check_register(site, state, checkpoint.size, checkpoint.root)
    events: list[Event] = []
    anchors: list[tuple[int, int, str]] = []
    for index, data in new_entries:
        try:
            entry = json.loads(data)
        except ValueError:
            raise SiteError(_("register entry {index}: not JSON", index=index)) from None
        if not isinstance(entry, dict):
            raise SiteError(_("register entry {index}: not a JSON object", index=index))
        if entry.get("kind") == "ledger-anchor":
            anchors.append((index, int(entry.get("size", -1)), str(entry.get("root", ""))))
        event = _describe(index, entry, site)
        if event is not None and (org is None or event.org_number.replace("-", "") == org.replace("-", "")):
            events.append(event)
    # The ledger: its checkpoint must not shrink, and must reach every ledger-anchor in the register.
    if site.get("ledger/checkpoint", MAX_CHECKPOINT_BYTES, required=False) is None:
        # A register published before the ledger had any entry; never once an anchor or a ledger was seen.
        if anchors or state.ledger_size or any(True for _ in _anchors_seen(state)):
            raise SiteError(_("{file}: missing from the site", file="ledger/checkpoint"))
        state.register_vkey, state.ledger_vkey = register_vkey, ledger_vkey
        return MonitorReport(checkpoint.size, previous, 0, tuple(events), witnesses)
    ledger_note, ledger_cp = _checkpoint(site, "ledger/checkpoint", ledger_vkey, "ledger")
    if ledger_cp.size < state.ledger_size:
        raise SiteError(_("ledger/checkpoint has size {size}, smaller than the {old} seen before (the ledger was rolled "
                          "back)", size=ledger_cp.size, old=state.ledger_size))
    if ledger_cp.size == state.ledger_size and state.ledger_root and ledger_cp.root.hex() != state.ledger_root:
        raise SiteError(_("ledger/checkpoint of size {size} has a different root than seen before (forked)", size=ledger_cp.size))
    for index, size, root in anchors:
        if ledger_cp.size < size:
            raise SiteError(_("ledger/checkpoint has size {size}, below the ledger-anchor of size {anchor} in register "
                              "entry {index} (the ledger was truncated)", size=ledger_cp.size, anchor=size, index=index))
        if ledger_cp.size == size and base64.b64encode(ledger_cp.root).decode() != root:
            raise SiteError(_("ledger/checkpoint differs from the ledger-anchor in register entry {index} (forked)", index=index))
    state.ledger_size, state.ledger_root = ledger_cp.size, ledger_cp.root.hex()
    state.register_vkey, state.ledger_vkey = register_vkey, ledger_vkey
    return MonitorReport(checkpoint.size, previous, ledger_cp.size, tuple(events), witnesses)


def _anchors_seen(state: MonitorState) -> list[int]:
    return [state.ledger_size] if state.ledger_size else []


def _reason(exc: BaseException) -> str:
    """An OS error's words without the errno ('Connection refused', not '[Errno 111] Connection refused')."""
    if isinstance(exc, TimeoutError):
        return _("no answer within {seconds} seconds", seconds=int(TIMEOUT))
    return str(getattr(exc, "strerror", None) or exc)


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
