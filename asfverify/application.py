"""Loading and validating an application package: a folder (or .zip of one) with application.toml."""

from __future__ import annotations

import datetime as dt
import shutil
import stat
import tomllib
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from . import confine
from .documents import DocumentFile, sha256_file
from .errors import PackageError
from .kinds import DocumentKind, known_kinds, unknown
from .limits import Limits
from .textcache import TextCache
from .verifier import Organisation

MANIFEST = "application.toml"
LEGAL_FORMS = ("aktiebolag", "aktiebolag (svb)", "ekonomisk förening", "ideell förening", "stiftelse")

_TOP_KEYS = {"organisation", "application", "documents"}
_ORG_KEYS = {"name", "org_number", "legal_form"}
_APP_KEYS = {"reference_date", "criteria"}


@dataclass
class Application:
    """A validated package: what verifiers see (asfverify.verifier.Application)."""

    source: str
    root: Path
    organisation: Organisation
    reference_date: dt.date
    criteria: str
    documents: list[DocumentFile] = field(default_factory=list)
    _tempdir: Path | None = None
    # True when application.toml gave no reference_date and today was used: every output says so.
    reference_date_defaulted: bool = False

    def documents_of(self, *kinds: str) -> list[DocumentFile]:
        return [d for d in self.documents if d.kind in kinds]

    def close(self) -> None:
        """Remove the folder a zip package was unpacked into."""
        if self._tempdir is not None:
            shutil.rmtree(self._tempdir, ignore_errors=True)
            self._tempdir = None

    def __enter__(self) -> Application:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def describe(self) -> dict[str, Any]:
        from .idnumbers import public_org_number
        from .privacy import scrub_strict as scrub

        # The name and file names are the package's own text: masked with no identifier exemption.
        org = {"name": scrub(self.organisation.name), "org_number": public_org_number(self.organisation.org_number)}
        if self.organisation.legal_form:
            org["legal_form"] = self.organisation.legal_form
        return {
            "organisation": org,
            "reference_date": self.reference_date.isoformat(),
            **({"reference_date_defaulted": True} if self.reference_date_defaulted else {}),
            "criteria": self.criteria,
            # A file name may hold a personnummer ("lista-19800101-1234.csv"): masked wherever shown.
            "documents": [{**d.describe(), "path": scrub(d.path)} for d in self.documents],
        }


def normalise_org_number(value: Any, where: str) -> str:
    """NNNNNN-NNNN from 'NNNNNN-NNNN' or 10 digits (a typographic dash counts as '-'), Luhn-checked.

    A personnummer passes here (it has the same shape and check digit): the identity verifier fails
    it with its own reason, and it is masked wherever shown (in messages too).
    """
    from .idnumbers import luhn_ok, mask_personal_number_shapes, normalise_separators

    if not isinstance(value, str):
        raise PackageError(f"{where}: org_number must be a string like \"769600-0004\"")
    text = normalise_separators(value).strip()
    digits = text.replace("-", "")
    if not (len(digits) == 10 and digits.isascii() and digits.isdigit() and (text == digits or (len(text) == 11 and text[6] == "-"))):
        raise PackageError(f"{where}: org_number {mask_personal_number_shapes(value)!r} is not NNNNNN-NNNN or 10 digits")
    if not luhn_ok(digits):
        raise PackageError(f"{where}: org_number {mask_personal_number_shapes(value)!r} has a wrong check digit")
    return f"{digits[:6]}-{digits[6:]}"


def _inside(root: Path, relative: str, where: str) -> Path:
    """The real path of a package-relative path, refusing anything that leaves the package."""
    if not relative or not isinstance(relative, str):
        raise PackageError(f"{where}: path must be a non-empty string")
    pure = PurePosixPath(relative.replace("\\", "/"))
    if pure.is_absolute() or relative.startswith(("/", "\\")) or (len(relative) > 1 and relative[1] == ":"):
        raise PackageError(f"{where}: absolute path {relative!r} is not allowed")
    if ".." in pure.parts:
        raise PackageError(f"{where}: path {relative!r} leaves the package ('..')")
    candidate = root.joinpath(*pure.parts)
    real = candidate.resolve()
    if not real.is_relative_to(root.resolve()):
        raise PackageError(f"{where}: {relative!r} is a symlink that leaves the package")
    return candidate


def _unpack_zip(zip_path: Path, limits: Limits) -> tuple[Path, Path]:
    """Unpack into a private temp folder, refusing escaping members, links and bombs; returns (tempdir, root)."""
    try:
        archive = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise PackageError(f"{zip_path}: not a readable zip file ({exc})") from None
    tempdir = confine.unpack_folder()
    try:
        with archive:
            members = archive.infolist()
            if len(members) > limits.max_zip_members:
                raise PackageError(f"{zip_path}: {len(members)} members, more than the limit of {limits.max_zip_members}")
            confine.check_members(zip_path.name, members)
            total = 0
            for info in members:
                name = info.filename
                where = f"{zip_path.name}: member {name!r}"
                pure = PurePosixPath(name.replace("\\", "/"))
                if pure.is_absolute() or name.startswith(("/", "\\")) or ".." in pure.parts or (len(name) > 1 and name[1] == ":"):
                    raise PackageError(f"{where} escapes the package folder")
                mode = info.external_attr >> 16
                if stat.S_ISLNK(mode):
                    raise PackageError(f"{where} is a symbolic link, not allowed in a zip package")
                if info.is_dir():
                    continue
                if info.file_size > limits.max_document_bytes:
                    raise PackageError(f"{where} is {info.file_size} bytes, over the limit of {limits.max_document_bytes}")
                if info.compress_size and info.file_size / info.compress_size > limits.max_zip_ratio and info.file_size > 1024 * 1024:
                    raise PackageError(f"{where} compresses suspiciously well (zip bomb?)")
                total += info.file_size
                if total > limits.max_zip_bytes:
                    raise PackageError(f"{zip_path.name}: more than {limits.max_zip_bytes} bytes unpacked")
                target = tempdir.joinpath(*pure.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                written = 0
                try:
                    with archive.open(info) as src, target.open("xb") as dst:
                        while block := src.read(1 << 20):
                            written += len(block)
                            if written > limits.max_document_bytes:  # the header's size may lie
                                raise PackageError(f"{where} is over the limit of {limits.max_document_bytes} bytes")
                            dst.write(block)
                except (NotImplementedError, RuntimeError, EOFError, zlib.error, OSError) as exc:
                    # Unsupported or encrypted data the header did not admit to, a clash with a folder, a cut-off member.
                    raise PackageError(f"{where} cannot be unpacked ({type(exc).__name__})") from None
    except zipfile.BadZipFile as exc:
        shutil.rmtree(tempdir, ignore_errors=True)
        raise PackageError(f"{zip_path}: corrupt zip file ({exc})") from None
    except BaseException:
        shutil.rmtree(tempdir, ignore_errors=True)
        raise
    # The package is the folder holding application.toml: the zip's root or its single top folder.
    if (tempdir / MANIFEST).is_file():
        return tempdir, tempdir
    tops = [p for p in tempdir.iterdir() if p.is_dir()]
    if len(tops) == 1 and (tops[0] / MANIFEST).is_file():
        return tempdir, tops[0]
    shutil.rmtree(tempdir, ignore_errors=True)
    raise PackageError(f"{zip_path}: no {MANIFEST} at the top of the zip file")


def load(
    source: str | Path,
    *,
    limits: Limits | None = None,
    extra_kinds: Iterable[str | DocumentKind] = (),
    cache: TextCache | None = None,
    today: dt.date | None = None,
) -> Application:
    """Validate a package and hash its documents; raises PackageError (exit 2) naming file and key.

    The kinds a package may list are the core ones, the bundled examples' and `extra_kinds` (what a
    host's plugins registered, asfverify.kinds); each kind's schema says which options it accepts.
    """
    limits = limits or Limits()
    path = Path(source)
    tempdir: Path | None = None
    if path.is_file() and path.suffix.lower() == ".zip":
        tempdir, root = _unpack_zip(path, limits)
    elif path.is_dir():
        root = path
    elif path.exists():
        raise PackageError(f"{path}: a package is a folder with {MANIFEST} or a .zip of one")
    else:
        raise PackageError(f"{path}: no such package")
    try:
        app = _load_folder(root, str(source), limits, known_kinds(extra_kinds), cache, today)
    except BaseException:
        if tempdir is not None:
            shutil.rmtree(tempdir, ignore_errors=True)
        raise
    app._tempdir = tempdir
    return app


def _load_folder(
    root: Path, source: str, limits: Limits, kinds: dict[str, DocumentKind], cache: TextCache | None,
    today: dt.date | None,
) -> Application:
    manifest_path = root / MANIFEST
    label = f"{Path(source).name}/{MANIFEST}"
    if not manifest_path.is_file():
        raise PackageError(f"{source}: no {MANIFEST}")
    _inside(root, MANIFEST, label)  # application.toml itself may be a symlink out of the package
    confine.check_single_link(manifest_path, label)
    if manifest_path.stat().st_size > limits.max_manifest_bytes:
        raise PackageError(f"{label}: larger than {limits.max_manifest_bytes} bytes")
    try:
        raw = tomllib.loads(manifest_path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise PackageError(f"{label}: not UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise PackageError(f"{label}: invalid TOML: {exc}") from None
    except RecursionError:
        raise PackageError(f"{label}: invalid TOML: arrays or tables nested too deeply") from None
    unknown(raw, _TOP_KEYS, label)

    org = raw.get("organisation")
    if not isinstance(org, dict):
        raise PackageError(f"{label}: missing [organisation]")
    unknown(org, _ORG_KEYS, f"{label} [organisation]")
    name = org.get("name")
    if not isinstance(name, str) or not name.strip():
        raise PackageError(f"{label} [organisation]: missing name")
    confine.check_visible(name, f"{label} [organisation]", "name")
    if "org_number" not in org:
        raise PackageError(f"{label} [organisation]: missing org_number")
    org_number = normalise_org_number(org["org_number"], f"{label} [organisation] org_number")
    legal_form = org.get("legal_form")
    if legal_form is not None and legal_form not in LEGAL_FORMS:
        raise PackageError(f"{label} [organisation]: unknown legal_form {legal_form!r} (one of: {', '.join(LEGAL_FORMS)})")

    app_table = raw.get("application", {})
    if not isinstance(app_table, dict):
        raise PackageError(f"{label}: [application] must be a table")
    unknown(app_table, _APP_KEYS, f"{label} [application]")
    reference_date = app_table.get("reference_date", today or dt.date.today())
    defaulted = "reference_date" not in app_table
    if isinstance(reference_date, str):
        try:
            as_date = dt.date.fromisoformat(reference_date.strip())
        except ValueError:
            as_date = None
        hint = (f"write it without quotes: reference_date = {as_date.isoformat()}" if as_date
                else "write a TOML date without quotes, like reference_date = 2026-10-31")
        raise PackageError(f"{label} [application]: reference_date = {reference_date!r} is a string; {hint}")
    if isinstance(reference_date, dt.datetime) or not isinstance(reference_date, dt.date):
        raise PackageError(f"{label} [application]: reference_date must be a TOML date like 2026-10-31")
    criteria = app_table.get("criteria", "asf-v1")
    if not isinstance(criteria, str) or not criteria:
        raise PackageError(f"{label} [application]: criteria must be a criteria set id like \"asf-v1\"")

    documents_raw = raw.get("documents", [])
    if not isinstance(documents_raw, list):
        raise PackageError(f"{label}: documents must be [[documents]] tables")
    documents: list[DocumentFile] = []
    seen: dict[object, str] = {}  # normalised, case-folded path and (device, inode) -> the path as listed
    for number, doc in enumerate(documents_raw, start=1):
        where = f"{label} [[documents]] #{number}"
        if not isinstance(doc, dict):
            raise PackageError(f"{where}: must be a table")
        rel = doc.get("path")
        kind = doc.get("kind")
        schema = kinds.get(kind) if isinstance(kind, str) else None
        # A known kind's own schema says which keys it takes (asfverify.kinds); with an unknown kind the
        # kind is what to fix, so that is reported rather than the options it would have taken.
        if schema is not None:
            unknown(doc, set(schema.keys), where)
        if not isinstance(rel, str) or not rel:
            raise PackageError(f"{where}: missing path")
        where = f"{label} document {rel!r}"
        confine.check_visible(rel, where, "path")
        if schema is None:
            raise PackageError(f"{where}: unknown kind {kind!r} (one of: {', '.join(sorted(kinds))})")
        file_path = _inside(root, rel, where)
        if not file_path.is_file():
            raise PackageError(f"{where}: file not found")
        size = file_path.stat().st_size
        if size > limits.max_document_bytes:
            raise PackageError(f"{where}: {size} bytes, over the limit of {limits.max_document_bytes}")
        confine.check_single_link(file_path, where)
        info = file_path.stat()
        for key in (confine.member_key(rel), (info.st_dev, info.st_ino)):
            if key in seen:
                raise PackageError(f"{where}: listed twice (also as {seen[key]!r})")
            seen[key] = rel
        options = schema.parse_options({k: v for k, v in doc.items() if k not in ("path", "kind")}, where)
        documents.append(
            DocumentFile(
                path=rel, kind=schema.name, abs_path=file_path, sha256=sha256_file(file_path), size=size,
                options=options, limits=limits, cache=cache,
            )
        )
    return Application(
        source=source,
        root=root,
        organisation=Organisation(name=name.strip(), org_number=org_number, legal_form=legal_form),
        reference_date=reference_date,
        reference_date_defaulted=defaulted,
        criteria=criteria,
        documents=documents,
    )
