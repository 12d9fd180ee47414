"""The scheme owner's folder: its own key, the working list of certifiers, and every signed version.

Layout of DIR (never inside a certifier's workspace, and never one itself):
  trust-list-owner.json   {"name", "orgNumber", "did"}: who the owner is
  keys/owner.key          the owner's Ed25519 private key, PKCS#8 PEM, mode 0600 (folder 0700)
  keys/owner.pub          its public key, PEM
  certifiers.json         the working list: {"certifiers": [<certifier as in the list>]}
  versions/NNNNNN.json    every signed list, by sequence number; written once, never rewritten
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ..errors import BadInput
from ..i18n import _
from ..issuer import IssuerDescription
from .model import (
    LIST_TYPE,
    V2_CONTEXT,
    Accreditation,
    ListedCertifier,
    TrustListError,
    check_accreditations,
    index_certifiers,
    parse_certifier,
    parse_criteria_sets,
)
from .periods import Period, PeriodError, format_stamp, parse_stamp

OWNER_FILE = "trust-list-owner.json"
CERTIFIERS_FILE = "certifiers.json"
KEY_NAME = "owner.key"
PUB_NAME = "owner.pub"
VERSIONS = "versions"


@dataclass(frozen=True)
class Owner:
    root: Path
    name: str
    org_number: str | None
    did: str

    @property
    def keys_dir(self) -> Path:
        return self.root / "keys"


def _inside_workspace(root: Path) -> Path | None:
    from ..workspace import CONFIG_NAME

    here = root.resolve()
    for candidate in (here, *here.parents):
        if (candidate / CONFIG_NAME).is_file():
            return candidate
    return None


def init_owner(root: Path, name: str, org_number: str | None = None) -> Owner:
    """Create the owner's folder and key; refuses an existing owner and any certifier workspace."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from .. import keys

    if not name.strip() or len(name) > 200:
        raise BadInput(_("--name must be a non-empty name of at most 200 characters"))
    if org_number is not None:
        from ..agreements.orgnumbers import normalise

        normalised = normalise(org_number)
        if normalised is None:
            raise BadInput(_("--org-number {number}: not a valid organisation number (NNNNNN-NNNN)", number=org_number))
        org_number = normalised
    workspace = _inside_workspace(root)
    if workspace is not None:
        raise BadInput(_("{root}: inside the certifier workspace {workspace}; the scheme owner's key must be kept "
                         "apart from any certifier's (choose a folder outside it)", root=root, workspace=workspace))
    if (root / OWNER_FILE).exists():
        raise BadInput(_("{root}: already a trust-list owner folder", root=root))
    if root.exists() and any(root.iterdir()):
        raise BadInput(_("{root}: not empty; give a new folder for the scheme owner", root=root))
    root.mkdir(parents=True, exist_ok=True)
    keys_dir = root / "keys"
    keys_dir.mkdir(mode=0o700)
    keys_dir.chmod(0o700)
    private = Ed25519PrivateKey.generate()
    keys._write_private(keys_dir / KEY_NAME, private, keys._passphrase(None))
    signer = keys.Signer(private)
    (keys_dir / PUB_NAME).write_text(keys.public_pem(signer.public_key), encoding="utf-8")
    (root / VERSIONS).mkdir()
    _write_json(root / CERTIFIERS_FILE, {"certifiers": []})
    _write_json(root / OWNER_FILE, {"name": name.strip(), "orgNumber": org_number, "did": signer.did})
    return Owner(root.resolve(), name.strip(), org_number, signer.did)


def _write_json(path: Path, value: Any) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _read_json(path: Path) -> Any:
    from ..jcs import CanonicalJSONError, loads_strict

    try:
        return loads_strict(path.read_bytes())
    except FileNotFoundError:
        raise BadInput(_("{path}: missing; is {folder} a trust-list owner folder ('asfverify trust-list init')?", path=path,
                         folder=path.parent)) from None
    except CanonicalJSONError as exc:
        raise BadInput(f"{path}: {exc}") from None
    except OSError as exc:
        raise BadInput(_("{path}: cannot read: {reason}", path=path, reason=exc.strerror)) from None


def open_owner(root: Path) -> Owner:
    root = Path(root)
    if (root / "asfverify.toml").exists():
        raise BadInput(_("{root}: is a certifier workspace, not a trust-list owner folder", root=root))
    data = _read_json(root / OWNER_FILE)
    if not isinstance(data, dict) or not isinstance(data.get("name"), str) or not isinstance(data.get("did"), str):
        raise BadInput(_("{path}: not a trust-list owner file", path=root / OWNER_FILE))
    return Owner(root.resolve(), data["name"], data.get("orgNumber"), data["did"])


def load_certifiers(owner: Owner) -> list[ListedCertifier]:
    data = _read_json(owner.root / CERTIFIERS_FILE)
    if not isinstance(data, dict) or not isinstance(data.get("certifiers"), list):
        raise BadInput(_("{path}: not a certifiers file", path=owner.root / CERTIFIERS_FILE))
    try:
        certifiers = [parse_certifier(c, f"certifiers[{i}]") for i, c in enumerate(data["certifiers"]) if c is not None]
        index_certifiers(certifiers)
    except TrustListError as exc:
        raise BadInput(f"{owner.root / CERTIFIERS_FILE}: {exc}") from None
    return certifiers


def _save_certifiers(owner: Owner, certifiers: list[ListedCertifier]) -> None:
    index_certifiers(certifiers)  # a key or org number twice is refused before anything is written
    _write_json(owner.root / CERTIFIERS_FILE, {"certifiers": [c.as_json() for c in certifiers]})


def _same(certifier: ListedCertifier, issuer: IssuerDescription) -> bool:
    if certifier.org_number and issuer.org_number:
        return certifier.org_number == issuer.org_number
    return any(certifier.key_for(k.public_key) for k in issuer.keys)


def add_certifier(owner: Owner, issuer: IssuerDescription, criteria: tuple[str, ...], valid_from: str | None,
                  valid_until: str | None) -> tuple[ListedCertifier, bool]:
    """Add a certifier from its issuer.json, or refresh a listed one (new keys, origins, policy).

    With valid_from, an accreditation period for criteria is added; a new certifier needs one.
    Keys the list already holds stay on it (rotated-out keys keep old certificates checkable).
    Returns (certifier, whether it is new).
    """
    certifiers = load_certifiers(owner)
    existing = next((c for c in certifiers if _same(c, issuer)), None)
    if existing is None and valid_from is None:
        raise BadInput(_("{name} is not on the list yet: give --from DATE (and --criteria) to accredit it", name=issuer.name))
    accreditations = list(existing.accreditations) if existing else []
    if valid_from is not None:
        try:
            criteria_sets = parse_criteria_sets(list(criteria), "--criteria")
            period = Period.of(valid_from, valid_until, _("the accreditation"))
        except PeriodError as exc:
            raise BadInput(str(exc)) from None
        accreditations.append(Accreditation(criteria_sets, period))
    elif valid_until is not None:
        raise BadInput(_("--until needs --from (use 'trust-list remove' to end an accreditation)"))
    keys = {k.public_key: k for k in (existing.keys if existing else ())}
    for key in issuer.keys:  # the certifier's own periods win for keys it still lists
        keys[key.public_key] = key
    ordered = sorted(keys.values(), key=lambda k: k.period.start or datetime.min.replace(tzinfo=UTC))
    updated = ListedCertifier(issuer.name, issuer.org_number, tuple(ordered), issuer.ledger, issuer.register,
                              issuer.witness_policy, tuple(accreditations))
    # Round-trip through the parser: what is saved is exactly what a verifier will accept.
    try:
        checked = parse_certifier(updated.as_json(), issuer.name)
        check_accreditations(list(checked.accreditations), issuer.name)
        rest = [c for c in certifiers if c is not existing]
        _save_certifiers(owner, [*rest, checked] if existing is None else
                         [checked if c is existing else c for c in certifiers])
    except TrustListError as exc:
        raise BadInput(exc.detail) from None
    return checked, existing is None


def find_certifier(certifiers: list[ListedCertifier], which: str) -> ListedCertifier:
    """A certifier by org number, did:key of any of its keys, or exact name."""
    text = which.strip()
    from ..multibase import public_key_from_did

    if text.startswith("did:key:"):
        try:
            public = public_key_from_did(text)
        except ValueError as exc:
            raise BadInput(f"{which}: {exc}") from None
        matches = [c for c in certifiers if c.key_for(public)]
    else:
        matches = [c for c in certifiers if text in (c.org_number, c.name)]
    if not matches:
        raise BadInput(_("{which}: no such certifier on the list (give its org number, name or did:key)", which=which))
    if len(matches) > 1:
        raise BadInput(_("{which}: names {count} certifiers; give the org number", which=which, count=len(matches)))
    return matches[0]


def remove_certifier(owner: Owner, which: str, when: str | None = None) -> tuple[ListedCertifier, str]:
    """End the certifier's running accreditations at `when` (default now); the history stays on the list."""
    certifiers = load_certifiers(owner)
    certifier = find_certifier(certifiers, which)
    end = when or format_stamp(datetime.now(UTC))
    moment = parse_stamp(end, "--from")
    running = [a for a in certifier.accreditations if a.period.end is None or a.period.end > moment]
    if not running:
        raise BadInput(_("{certifier} is not accredited at or after {end}; nothing to end", certifier=certifier.label, end=end))
    for accreditation in running:
        if accreditation.period.start is not None and moment <= accreditation.period.start:
            raise BadInput(_("{certifier}: --from {end} is not after the accreditation's start {start} (a period cannot end "
                             "before it begins)", certifier=certifier.label, end=end, start=accreditation.period.valid_from))
    ended = tuple(
        Accreditation(a.criteria_sets, Period.of(a.period.valid_from, end, _("the accreditation"))) if a in running else a
        for a in certifier.accreditations
    )
    updated = ListedCertifier(certifier.name, certifier.org_number, certifier.keys, certifier.ledger,
                              certifier.register, certifier.witness_policy, ended)
    _save_certifiers(owner, [updated if c is certifier else c for c in certifiers])
    return updated, end


def versions(owner: Owner) -> list[Path]:
    folder = owner.root / VERSIONS
    return sorted(p for p in folder.glob("*.json") if p.stem.isdigit())


def last_sequence(owner: Owner) -> int:
    found = versions(owner)
    return int(found[-1].stem) if found else 0


def sign_list(owner: Owner, *, valid_days: int = 31, now: datetime | None = None) -> tuple[dict[str, Any], Path]:
    """Sign the next version of the list (sequence = last + 1), keep it in versions/, return it."""
    from .. import keys
    from ..certs.eddsa_jcs import create_proof, verification_method_for
    from .model import trust_list_from_object

    if not 1 <= valid_days <= 366:
        raise BadInput(_("--valid-days {days}: must be between 1 and 366", days=valid_days))
    signer = keys.Signer(keys._load_private(owner.keys_dir / KEY_NAME))
    if signer.did != owner.did:
        raise BadInput(_("{key}: not the key of {owner}", key=owner.keys_dir / KEY_NAME, owner=owner.root / OWNER_FILE))
    certifiers = load_certifiers(owner)
    sequence = last_sequence(owner) + 1
    start = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    document = {
        "@context": [V2_CONTEXT],
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", LIST_TYPE],
        "issuer": {"id": owner.did, "name": owner.name},
        "validFrom": format_stamp(start),
        "validUntil": format_stamp(start + timedelta(days=valid_days)),
        "credentialSubject": {
            "type": LIST_TYPE,
            "sequence": sequence,
            "schemeOwner": {"name": owner.name, "orgNumber": owner.org_number},
            "certifiers": [c.as_json() for c in certifiers],
        },
    }
    signed = create_proof(document, signer.sign, verification_method_for(signer.did), format_stamp(start))
    trust_list_from_object(signed)  # what is signed always parses
    path = owner.root / VERSIONS / f"{sequence:06d}.json"
    text = json.dumps(signed, indent=2, ensure_ascii=False) + "\n"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)  # a version is never rewritten
    except FileExistsError:
        raise BadInput(_("{path}: exists already (another 'trust-list sign' ran at the same time?)", path=path)) from None
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    return signed, path
