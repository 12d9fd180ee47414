"""`asfverify publish DIR`: the public site of DESIGN §11, written incrementally, idempotently, atomically.

Order matters for a publish killed midway: immutable files first (tiles, bundles, certificates), then
the lists and pages, and the checkpoints last — a reader always finds everything the checkpoint it
reads refers to. Partial tiles are never deleted, so every checkpoint ever published stays servable.

Page writers (the buyer's directory pages) plug in through WRITERS: each is called as
`writer(view, files)` with the read-only RegisterView and the SiteFiles output.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import BadInput, NegativeOutcome, VerificationError
from ..i18n import _
from ..jcs import canonical
from ..ledger.note import NoteError, read_checkpoint
from ..ledger.schema import ROWS, STATUS_LISTS
from .files import SiteFiles
from .registry import open_logs, register_transaction
from .statements import ledger_anchor_statement, status_list_statement
from .tiles import bundles_for, encode_bundle, tiles_for
from .view import IssuerInfo, RegisterReader, RegisterView, status_sets

if TYPE_CHECKING:
    from ..ledger.store import Ledger
    from ..workspace import Workspace

SiteWriter = Callable[[RegisterView, SiteFiles], None]
# Page writers run after the register files and before the checkpoints; the buyer's pages register here.
WRITERS: list[SiteWriter] = []

STATUS_VALID_DAYS = 31
STATUS_RESIGN_DAYS = 10      # re-sign a list this long before it expires (a new status-list entry)
STATUS_TTL_MS = 24 * 3600 * 1000


# Modules whose WRITERS (a sequence of SiteWriter) write the human part of the site (DESIGN §14).
PAGE_MODULES = ("asfverify.web.directory",)


def page_writers() -> list[SiteWriter]:
    """WRITERS registered here, then those of PAGE_MODULES that are installed."""
    import importlib

    out = list(WRITERS)
    for name in PAGE_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name and name.startswith(exc.name):
                continue  # that part of asfverify is not there (yet)
            raise
        out.extend(w for w in getattr(module, "WRITERS", ()) if w not in out)
    return out


def register_writer(writer: SiteWriter) -> SiteWriter:
    """Add a page writer (usable as a decorator); adding the same one twice has no effect."""
    if writer not in WRITERS:
        WRITERS.append(writer)
    return writer


@dataclass(frozen=True)
class PublishReport:
    directory: Path
    register_size: int
    ledger_size: int
    appended: tuple[str, ...]        # kinds of the register entries this publish appended
    written: tuple[str, ...]         # site paths written (changed)
    unchanged: int
    witnessed: bool | None           # None: no policy

    def summary(self) -> str:
        new = _("; appended {kinds}", kinds=", ".join(self.appended)) if self.appended else ""
        wit = "" if self.witnessed is None else (_("; checkpoints cosigned") if self.witnessed else
                                                 _("; checkpoints NOT cosigned by a quorum"))
        return _("Published register of {size} entries and ledger checkpoint {ledger} to {directory}: {written} files "
                 "written, {unchanged} unchanged{appended}{witnessed}", size=self.register_size, ledger=self.ledger_size,
                 directory=self.directory, written=len(self.written), unchanged=self.unchanged, appended=new,
                 witnessed=wit)


# ---- checks before anything is appended or written ------------------------------------------------

def _site_checkpoint(files: SiteFiles, relpath: str, origin: str) -> tuple[int, bytes] | None:
    data = files.read(relpath)
    if data is None or len(data) > 64 * 1024:
        return None
    try:
        checkpoint = read_checkpoint(data.decode("utf-8"))
    except (NoteError, UnicodeDecodeError):
        return None
    return (checkpoint.size, checkpoint.root) if checkpoint.origin == origin else None


def check_against(log: Ledger, size: int, root: bytes, what: str) -> None:
    """The log must contain the tree of `size` with `root` (a kept witnessed or published checkpoint)."""
    current = log.size()
    if current < size:
        shrunk = (_("the register has {current} entries but {what} has size {size} (truncated or rolled back)")
                  if log.tables.name == "register" else
                  _("the ledger has {current} entries but {what} has size {size} (truncated or rolled back)"))
        raise VerificationError(shrunk.format(current=current, what=what, size=size))
    if log.root(size) != root:
        forked = (_("the register's tree at size {size} differs from {what} (forked or rewritten)")
                  if log.tables.name == "register" else
                  _("the ledger's tree at size {size} differs from {what} (forked or rewritten)"))
        raise VerificationError(forked.format(size=size, what=what))


def check_anchors(ledger: Ledger, register: Ledger) -> None:
    """The ledger must extend every ledger-anchor in the register (a rolled-back ledger fails here)."""
    import base64

    for item in register.entries(kind="ledger-anchor"):
        e = item.entry
        check_against(ledger, int(e["size"]), base64.b64decode(e["root"]), f"ledger-anchor at register entry {item.index}")


def check_witnessed(ledger: Ledger, register: Ledger) -> None:
    from .witnessing import latest_cosigned

    for log in (ledger, register):
        kept = latest_cosigned(log.db.conn, log.tables.name)
        if kept is not None:
            check_against(log, kept[0], kept[1], _("the latest witnessed checkpoint"))


# ---- status lists -----------------------------------------------------------------------------------

def _status_bits(register: Ledger) -> dict[str, list[int]]:
    """Status indexes set in each list, from the register's status statements in order (SQLite reads them)."""
    rows = register.db.conn.execute(
        f"SELECT kind, CAST(json_extract(entry, '$.status_index') AS INTEGER) FROM {register.tables.entries} "
        "WHERE kind IN ('revocation', 'suspension', 'reinstatement') ORDER BY idx")
    revoked, suspended = status_sets(rows)
    return {"revocation": sorted(revoked), "suspension": sorted(suspended)}


def _signed_list(ws: Workspace, register: Ledger, purpose: str, indexes: list[int], now: datetime) -> dict:
    from ..certs.credential import format_time
    from ..certs.issue import sign_credential, status_list_url
    from ..certs.statuslist import status_list_credential

    signer = register.signer
    start = format_time(now)
    listing = status_list_credential(status_list_url(ws, purpose), signer.did, indexes, start,
                                     format_time(now + timedelta(days=STATUS_VALID_DAYS)))
    listing["credentialSubject"]["statusPurpose"] = purpose
    listing["credentialSubject"]["ttl"] = STATUS_TTL_MS  # how long verifiers may cache it (milliseconds)
    return sign_credential(listing, signer.sign, signer.did, start)


def _refresh_status_lists(ws: Workspace, register: Ledger, rtx, now: datetime) -> dict[str, str]:
    """Re-sign a list only when its content changed or it nears expiry; append a status-list entry then."""
    from ..certs.credential import format_time

    conn = register.db.conn
    out: dict[str, str] = {}
    for purpose, indexes in _status_bits(register).items():
        bits = ",".join(map(str, indexes))
        row = conn.execute(f"SELECT bits, valid_until, credential FROM {STATUS_LISTS} WHERE purpose = ? "
                           "ORDER BY id DESC LIMIT 1", (purpose,)).fetchone()
        if row and row[0] == bits and row[1] and row[1] > format_time(now + timedelta(days=STATUS_RESIGN_DAYS)):
            out[purpose] = row[2]
            continue
        listing = _signed_list(ws, register, purpose, indexes, now)
        text = json.dumps(listing, indent=2, ensure_ascii=False) + "\n"
        digest = hashlib.sha256(canonical(listing)).hexdigest()
        rtx.append(status_list_statement(purpose, listing["id"], digest, listing["validFrom"], listing.get("validUntil")))
        conn.execute(f"INSERT INTO {STATUS_LISTS} (purpose, bits, valid_until, credential) VALUES (?, ?, ?, ?)",
                     (purpose, bits, listing.get("validUntil"), text))
        out[purpose] = text
    return out


# ---- files ------------------------------------------------------------------------------------------

def _write_tiles(register: Ledger, files: SiteFiles, size: int, since: int, trusted: bool) -> None:
    conn = register.db.conn
    t = register.tables
    for tile in tiles_for(size, since if trusted else 0):
        first = tile.first_node()
        if tile.level == 0:
            rows = conn.execute(f"SELECT leaf_hash FROM {t.entries} WHERE idx >= ? AND idx < ? ORDER BY idx",
                                (first, first + tile.width)).fetchall()
        else:
            rows = conn.execute(f"SELECT hash FROM {t.nodes} WHERE level = ? AND pos >= ? AND pos < ? ORDER BY pos",
                                (8 * tile.level, first, first + tile.width)).fetchall()
        if len(rows) != tile.width:
            raise VerificationError(_("register tile {tile}: {count} stored hashes, expected {width}; run 'asfverify "
                                      "ledger verify'", tile=tile.path(), count=len(rows), width=tile.width))
        files.write(f"register/{tile.path()}", b"".join(bytes(r[0]) for r in rows), immutable=trusted)
    for bundle in bundles_for(size, since if trusted else 0):
        first = bundle.first_node()
        rows = conn.execute(f"SELECT entry FROM {t.entries} WHERE idx >= ? AND idx < ? ORDER BY idx",
                            (first, first + bundle.width)).fetchall()
        files.write(f"register/{bundle.path()}", encode_bundle(r[0].encode("utf-8") for r in rows), immutable=trusted)


def _write_issuer(ws: Workspace, files: SiteFiles) -> None:
    """issuer.json (asfverify.issuer's signed description); re-signed only when its content changed."""
    from ..issuer import build_issuer_json, unsigned_issuer_document

    current = files.read("issuer.json")
    if current is not None:
        try:
            published = json.loads(current)
            published.pop("proof", None)
            if published == json.loads(json.dumps(unsigned_issuer_document(ws))):
                files.unchanged += 1
                return
        except ValueError:
            pass
    files.write("issuer.json", build_issuer_json(ws).dumps())


_CSV_FIELDS = ["organisation", "org_number", "status", "valid_from", "valid_until", "criteria_set",
               "certificate_id", "certificate_url"]


def _csv_cell(value: str) -> str:
    # A cell starting with = + - @ would be a formula in a spreadsheet: quote it as text.
    text = "'" + value if value[:1] in "=+-@" else value
    if any(c in text for c in ',"\r\n'):
        text = '"' + text.replace('"', '""') + '"'
    return text


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _sql_csv(expr: str) -> str:
    """SQL for one CSV cell: formula characters defused, quoted when it holds , " or a line break."""
    text = (f"(CASE WHEN substr(coalesce({expr}, ''), 1, 1) IN ('=', '+', '-', '@') THEN '''' || {expr} "
            f"ELSE coalesce({expr}, '') END)")
    special = " OR ".join(f"instr({text}, {c})" for c in ("','", "'\"'", "char(10)", "char(13)"))
    return f"(CASE WHEN {special} THEN '\"' || replace({text}, '\"', '\"\"') || '\"' ELSE {text} END)"


def _cache_rows(register: Ledger, prefix: str) -> None:
    """Render the register.json/csv cells of certificates not cached yet, in SQLite (cost grows with what is new)."""
    conn = register.db.conn
    done = conn.execute(f"SELECT COALESCE(MAX(register_index), -1) FROM {ROWS}").fetchone()[0]
    cert_id = "json_extract(entry, '$.cert_id')"
    fields = {"organisation": "json_extract(entry, '$.organisation.name')",
              "org_number": "json_extract(entry, '$.organisation.org_number')",
              "valid_from": "json_extract(entry, '$.valid_from')", "valid_until": "json_extract(entry, '$.valid_until')",
              "criteria_set": "json_extract(entry, '$.criteria_set')", "certificate_id": cert_id,
              "certificate_url": f"{_sql_text(prefix + '/certificates/')} || substr({cert_id}, 10) || '.json'"}

    def members(names: list[str]) -> str:
        return " || ', ' || ".join(f"'\"{n}\": ' || json_quote(coalesce({fields[n]}, ''))" for n in names)

    def cells(names: list[str]) -> str:
        return " || ',' || ".join(_sql_csv(fields[n]) for n in names)

    head, tail = _CSV_FIELDS[:2], _CSV_FIELDS[3:]
    with conn:
        conn.execute(
            f"""INSERT OR REPLACE INTO {ROWS}
                SELECT idx, {cert_id}, {fields['valid_until']}, {members(head)}, {members(tail)},
                       {cells(head)}, {cells(tail)}
                FROM {register.tables.entries} WHERE kind = 'certificate' AND idx > ? ORDER BY idx""", (done,))


_TAIL = b"]}\n"


def _header(name: str, size: int, next_expiry: str | None, csv_bytes: int) -> bytes:
    # One line, so the next publish reads what the files cover without parsing them.
    return (f'{{"issuer": {json.dumps(name, ensure_ascii=False)}, "register_size": {size}, '
            f'"next_expiry": {json.dumps(next_expiry)}, "csv_bytes": {csv_bytes}, "certificates": [\n').encode()


def _previous_tables(files: SiteFiles) -> tuple[int, str | None, bytes, bytes] | None:
    """(register_size, next_expiry, register.json, register.csv) of the site when the two agree."""
    old_json, old_csv = files.read("register.json"), files.read("register.csv")
    if old_json is None or old_csv is None or not old_json.endswith(_TAIL):
        return None
    first = old_json[:old_json.find(b"\n")]
    try:
        head = json.loads(first.decode("utf-8") + "]}")
        size, expiry, csv_bytes = int(head["register_size"]), head["next_expiry"], int(head["csv_bytes"])
    except (ValueError, KeyError, TypeError):
        return None
    if csv_bytes != len(old_csv) or (expiry is not None and not isinstance(expiry, str)):
        return None
    return size, expiry, old_json, old_csv


def _register_tables(register: Ledger, view: RegisterView, files: SiteFiles) -> tuple[bytes, bytes]:
    """register.json and register.csv: one row per certificate, from the cached cells plus today's status.

    When only certificates were added since the site's files were written (no status statement, no
    certificate expired), the new rows are appended to the files as they are: the cost of a publish
    after one new certificate does not grow with the register.
    """
    _cache_rows(register, view.prefix)
    conn = register.db.conn
    now = view.now.strftime("%Y-%m-%dT%H:%M:%SZ")
    name = view.issuer.name
    status_sql = ("CASE WHEN cert_id IN (SELECT value FROM json_each(:revoked)) THEN 'revoked' "
                  "WHEN cert_id IN (SELECT value FROM json_each(:suspended)) THEN 'suspended' "
                  "WHEN valid_until < :now THEN 'expired' ELSE 'valid' END")

    def render(start: int, revoked: set[str], suspended: set[str]) -> tuple[bytes, bytes, str | None]:
        params = {"revoked": json.dumps(sorted(revoked)), "suspended": json.dumps(sorted(suspended)), "now": now,
                  "start": start, "size": view.size}
        rows = (f"(SELECT *, {status_sql} AS status FROM {ROWS} WHERE register_index >= :start "
                "AND register_index < :size ORDER BY register_index)")
        body, lines, expiry = conn.execute(
            f"""SELECT group_concat('  {{' || json_head || ', "status": "' || status || '", ' || json_tail || '}}',
                                    ',' || char(10)),
                       group_concat(csv_head || ',' || status || ',' || csv_tail, char(10)),
                       min(CASE WHEN status = 'valid' THEN valid_until END)
                FROM {rows}""", params).fetchone()
        return (body or "").encode("utf-8"), (lines or "").encode("utf-8"), expiry

    previous = _previous_tables(files)
    if previous is not None:
        size, expiry, old_json, old_csv = previous
        changed = conn.execute(
            f"SELECT 1 FROM {register.tables.entries} WHERE idx >= ? AND idx < ? AND kind IN "
            "('revocation', 'suspension', 'reinstatement') LIMIT 1", (size, view.size)).fetchone()
        if size <= view.size and not changed and (expiry is None or expiry >= now):
            body, lines, new_expiry = render(size, set(), set())
            if not body:
                return old_json, old_csv
            expiry = min(e for e in (expiry, new_expiry) if e is not None)
            rows_part = old_json[old_json.find(b"\n") + 1:-len(_TAIL)]
            joined = (rows_part[:-1] + b",\n" if rows_part else b"") + body + b"\n"
            new_csv = old_csv + lines + b"\n"
            return _header(name, view.size, expiry, len(new_csv)) + joined + _TAIL, new_csv
    revoked, suspended = status_sets((event.kind, event.cert_id) for event in view.events)
    body, lines, expiry = render(0, revoked, suspended)
    as_csv = (",".join(_CSV_FIELDS) + "\n").encode() + (lines + b"\n" if lines else b"")
    return _header(name, view.size, expiry, len(as_csv)) + (body + b"\n" if body else b"") + _TAIL, as_csv


# ---- the command --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SiteTrustList:
    """The scheme owner's signed trust list the site carries, checked before anything is written."""

    data: bytes
    owner_did: str


def site_trust_list(ws: Workspace, signer_key: bytes, path: str | None, key: str | None,
                    now: datetime) -> SiteTrustList | None:
    """--trust-list/--trust-list-key, else [publish] trust_list/trust_list_key: verified, and listing us.

    A list the page cannot use would make every certificate on the site fail step 3 in the browser,
    so publish refuses it (exit 1) instead of writing it: wrong owner key, expired, or not naming
    this certifier's signing key.
    """
    path = path or ws.setting("publish", "trust_list")
    key = key or ws.setting("publish", "trust_list_key")
    if not path and not key:
        return None
    if not path or not key:
        raise BadInput(_("a trust list for the site needs both --trust-list FILE and --trust-list-key KEY "
                         "(or [publish] trust_list and trust_list_key)"))
    from ..certs.trust import parse_trust
    from ..multibase import did_key
    from ..trustlist.check import TrustFailure, TrustListInput, verify_list
    from ..trustlist.model import read_trust_list_file

    data, listing = read_trust_list_file(path)
    owner = parse_trust(key)
    verify_list(TrustListInput(listing, owner.public_key, "--trust-list-key"), now)
    if listing.certifier_for(signer_key) is None:
        raise TrustFailure(_("the trust list #{sequence} does not list this certifier's key {did}: the web "
                             "verifier would refuse every certificate on the site", sequence=listing.sequence,
                             did=did_key(signer_key)))
    return SiteTrustList(data, did_key(owner.public_key))


def publish_site(ws: Workspace, directory: Path, *, now: datetime | None = None, unwitnessed: bool = False,
                 trust_list: str | None = None, trust_list_key: str | None = None) -> PublishReport:
    """Append the ledger-anchor and status-list entries due, witness, and write the site into directory."""
    ws.require_publishing()
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    if directory.exists() and not directory.is_dir():
        raise BadInput(_("{directory}: not a folder", directory=directory))
    files = SiteFiles(directory)
    ledger, register = open_logs(ws)
    ledger.check_origin()
    register.check_origin()
    scheme_list = site_trust_list(ws, ledger.signer.public_key, trust_list, trust_list_key, now)
    # A rolled-back or forked log is refused before anything is appended or written.
    site = _site_checkpoint(files, "register/checkpoint", register.origin)
    if site is not None:
        check_against(register, site[0], site[1], _("the published register/checkpoint in {directory}", directory=directory))
    site_ledger = _site_checkpoint(files, "ledger/checkpoint", ledger.origin)
    if site_ledger is not None and site_ledger[0] > 0:
        check_against(ledger, site_ledger[0], site_ledger[1], _("the published ledger/checkpoint in {directory}",
                                                                   directory=directory))
    check_anchors(ledger, register)
    check_witnessed(ledger, register)
    published_size = site[0] if site is not None else 0

    before = register.size()
    with ledger.transaction() as _tx:  # the ledger lock: no certify/revoke moves either log meanwhile
        with register_transaction(register) as rtx:
            anchors = list(register.entries(kind="ledger-anchor"))
            last_anchor = int(anchors[-1].entry["size"]) if anchors else 0
            if ledger.size() > last_anchor:
                rtx.append(ledger_anchor_statement(ledger.origin, ledger.size(), ledger.root()))
            status_texts = _refresh_status_lists(ws, register, rtx, now)
    appended = tuple(e.entry["kind"] for e in (register.get(i) for i in range(before, register.size())))

    from .witnessing import policy_of, witness_logs

    policy = policy_of(ws)
    register_note = witness_logs(ws, ledger, register, policy, required=False)
    from .witnessing import cosigned_note

    ledger_note = (cosigned_note(ledger.db.conn, "ledger", ledger.size()) or ledger.checkpoint()) if ledger.size() else None
    witnessed = None
    if policy is not None:
        from ..ledger.note import verifier_for
        from ..witness.policy import evaluate

        quorum = evaluate(policy, register_note, logs=[verifier_for(register.origin, register.signer.public_key)])
        witnessed = quorum.satisfied
        if not witnessed and not unwitnessed:
            # No witness cosigns a rolled-back or forked register, so neither does the site: a status
            # list without a revocation never goes out under a checkpoint the quorum did not see.
            raise NegativeOutcome(_("register checkpoint {size} is not cosigned by the witness quorum ({reason}); the "
                                    "site in {directory} was not changed (retry, or pass --unwitnessed)",
                                    size=register.size(), reason=quorum.reason, directory=directory))

    size = register.size()
    signer = register.signer
    reader = RegisterReader(register.db.conn)
    view = RegisterView(
        prefix=ws.require("publish", "prefix"),
        issuer=IssuerInfo(ws.require("certifier", "name"), ws.certifier_org_number or "", signer.did,
                          register.origin, signer.vkey(register.origin), ledger.origin, signer.vkey(ledger.origin)),
        size=size, checkpoint=register_note, published_size=published_size, now=now,
        **reader.view_functions(),
        trust_list_key=scheme_list.owner_did if scheme_list else None,
    )
    # 1. immutable: tiles, bundles, certificates. A site whose checkpoint is not ours gets every file checked.
    _write_tiles(register, files, size, published_size, trusted=site is not None)
    for cert_id, text in register.db.conn.execute(
            "SELECT cert_id, credential FROM register_credentials WHERE register_index >= ? ORDER BY register_index",
            (published_size if site is not None else 0,)):
        files.write(f"certificates/{cert_id.removeprefix('urn:uuid:')}.json",
                    text if text.endswith("\n") else text + "\n", immutable=site is not None)
    # 2. mutable lists and descriptions
    for purpose, text in status_texts.items():
        files.write(f"status/{purpose}.json", text)
    policy_text = ws.witness_policy_path.read_text(encoding="utf-8") if ws.witness_policy_path else None
    if policy_text is not None:
        files.write("witness-policy.txt", policy_text)
    _write_issuer(ws, files)
    if scheme_list is not None:
        files.write("trust-list.json", scheme_list.data)
    as_json, as_csv = _register_tables(register, view, files)
    files.write("register.json", as_json)
    files.write("register.csv", as_csv)
    for writer in page_writers():
        writer(view, files)
    # 3. the checkpoints, last
    if ledger_note is not None:
        files.write("ledger/checkpoint", ledger_note)
    files.write("register/checkpoint", register_note)
    return PublishReport(directory, size, ledger.size(), appended, tuple(files.written), files.unchanged, witnessed)
