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
from .i18n import _
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
        raise PackageError(_("{where}: org_number must be a string like \"769600-0004\"", where=where))
    text = normalise_separators(value).strip()
    digits = text.replace("-", "")
    if not (len(digits) == 10 and digits.isascii() and digits.isdigit() and (text == digits or (len(text) == 11 and text[6] == "-"))):
        raise PackageError(_("{where}: org_number {value!r} is not NNNNNN-NNNN or 10 digits", where=where, value=mask_personal_number_shapes(value)))
    if not luhn_ok(digits):
        raise PackageError(_("{where}: org_number {value!r} has a wrong check digit", where=where, value=mask_personal_number_shapes(value)))
    return f"{digits[:6]}-{digits[6:]}"


def _inside(root: Path, relative: str, where: str) -> Path:
    """The real path of a package-relative path, refusing anything that leaves the package."""
    if not relative or not isinstance(relative, str):
        raise PackageError(_("{where}: path must be a non-empty string", where=where))
    pure = PurePosixPath(relative.replace("\\", "/"))
    if pure.is_absolute() or relative.startswith(("/", "\\")) or (len(relative) > 1 and relative[1] == ":"):
        raise PackageError(_("{where}: absolute path {relative!r} is not allowed", where=where, relative=relative))
    if ".." in pure.parts:
        raise PackageError(_("{where}: path {relative!r} leaves the package ('..')", where=where, relative=relative))
    candidate = root.joinpath(*pure.parts)
    real = candidate.resolve()
    if not real.is_relative_to(root.resolve()):
        raise PackageError(_("{where}: {relative!r} is a symlink that leaves the package", where=where, relative=relative))
    return candidate


def _unpack_zip(zip_path: Path, limits: Limits) -> tuple[Path, Path]:
    """Unpack into a private temp folder, refusing escaping members, links and bombs; returns (tempdir, root)."""
    try:
        archive = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise PackageError(_("{zip_path}: not a readable zip file ({exc})", zip_path=zip_path, exc=exc)) from None
    tempdir = confine.unpack_folder()
    try:
        with archive:
            members = archive.infolist()
            if len(members) > limits.max_zip_members:
                raise PackageError(_("{zip_path}: {count} members, more than the limit of {max_zip_members}",
                                     zip_path=zip_path, count=len(members), max_zip_members=limits.max_zip_members))
            confine.check_members(zip_path.name, members)
            total = 0
            for info in members:
                name = info.filename
                where = _("{zip}: member {name!r}", zip=zip_path.name, name=name)
                pure = PurePosixPath(name.replace("\\", "/"))
                if pure.is_absolute() or name.startswith(("/", "\\")) or ".." in pure.parts or (len(name) > 1 and name[1] == ":"):
                    raise PackageError(_("{where} escapes the package folder", where=where))
                mode = info.external_attr >> 16
                if stat.S_ISLNK(mode):
                    raise PackageError(_("{where} is a symbolic link, not allowed in a zip package", where=where))
                if info.is_dir():
                    continue
                if info.file_size > limits.max_document_bytes:
                    raise PackageError(_("{where} is {file_size} bytes, over the limit of {max_document_bytes}",
                                         where=where, file_size=info.file_size, max_document_bytes=limits.max_document_bytes))
                if info.compress_size and info.file_size / info.compress_size > limits.max_zip_ratio and info.file_size > 1024 * 1024:
                    raise PackageError(_("{where} compresses suspiciously well (zip bomb?)", where=where))
                total += info.file_size
                if total > limits.max_zip_bytes:
                    raise PackageError(_("{name}: more than {max_zip_bytes} bytes unpacked", name=zip_path.name, max_zip_bytes=limits.max_zip_bytes))
                target = tempdir.joinpath(*pure.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                written = 0
                try:
                    with archive.open(info) as src, target.open("xb") as dst:
                        while block := src.read(1 << 20):
                            written += len(block)
                            if written > limits.max_document_bytes:  # the header's size may lie
                                raise PackageError(_("{where} is over the limit of {max_document_bytes} bytes",
                                                     where=where, max_document_bytes=limits.max_document_bytes))
                            dst.write(block)
                except (NotImplementedError, RuntimeError, EOFError, zlib.error, OSError) as exc:
                    # Unsupported or encrypted data the header did not admit to, a clash with a folder, a cut-off member.
                    raise PackageError(_("{where} cannot be unpacked ({error_type})", where=where, error_type=type(exc).__name__)) from None
    except zipfile.BadZipFile as exc:
        shutil.rmtree(tempdir, ignore_errors=True)
        raise PackageError(_("{zip_path}: corrupt zip file ({exc})", zip_path=zip_path, exc=exc)) from None
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
    raise PackageError(_("{zip_path}: no {MANIFEST} at the top of the zip file", zip_path=zip_path, MANIFEST=MANIFEST))


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
        raise PackageError(_("{path}: a package is a folder with {MANIFEST} or a .zip of one", path=path, MANIFEST=MANIFEST))
    else:
        raise PackageError(_("{path}: no such package", path=path))
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
        raise PackageError(_("{source}: no {MANIFEST}", source=source, MANIFEST=MANIFEST))
    _inside(root, MANIFEST, label)  # application.toml itself may be a symlink out of the package
    confine.check_single_link(manifest_path, label)
    if manifest_path.stat().st_size > limits.max_manifest_bytes:
        raise PackageError(_("{label}: larger than {max_manifest_bytes} bytes", label=label, max_manifest_bytes=limits.max_manifest_bytes))
    try:
        raw = tomllib.loads(manifest_path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise PackageError(_("{label}: not UTF-8", label=label)) from None
    except tomllib.TOMLDecodeError as exc:
        raise PackageError(_("{label}: invalid TOML: {exc}", label=label, exc=exc)) from None
    except RecursionError:
        raise PackageError(_("{label}: invalid TOML: arrays or tables nested too deeply", label=label)) from None
    unknown(raw, _TOP_KEYS, label)

    org = raw.get("organisation")
    if not isinstance(org, dict):
        raise PackageError(_("{label}: missing [organisation]", label=label))
    unknown(org, _ORG_KEYS, f"{label} [organisation]")
    name = org.get("name")
    if not isinstance(name, str) or not name.strip():
        raise PackageError(_("{label} [organisation]: missing name", label=label))
    confine.check_visible(name, f"{label} [organisation]", "name")
    if "org_number" not in org:
        raise PackageError(_("{label} [organisation]: missing org_number", label=label))
    org_number = normalise_org_number(org["org_number"], f"{label} [organisation] org_number")
    legal_form = org.get("legal_form")
    if legal_form is not None and legal_form not in LEGAL_FORMS:
        raise PackageError(_("{label} [organisation]: unknown legal_form {legal_form!r} (one of: {items})",
                             label=label, legal_form=legal_form, items=', '.join(LEGAL_FORMS)))

    app_table = raw.get("application", {})
    if not isinstance(app_table, dict):
        raise PackageError(_("{label}: [application] must be a table", label=label))
    unknown(app_table, _APP_KEYS, f"{label} [application]")
    reference_date = app_table.get("reference_date", today or dt.date.today())
    defaulted = "reference_date" not in app_table
    if isinstance(reference_date, str):
        try:
            as_date = dt.date.fromisoformat(reference_date.strip())
        except ValueError:
            as_date = None
        hint = (_("write it without quotes: reference_date = {date}", date=as_date.isoformat()) if as_date
                else _("write a TOML date without quotes, like reference_date = 2026-10-31"))
        raise PackageError(_("{label} [application]: reference_date = {reference_date!r} is a string; {hint}",
                             label=label, reference_date=reference_date, hint=hint))
    if isinstance(reference_date, dt.datetime) or not isinstance(reference_date, dt.date):
        raise PackageError(_("{label} [application]: reference_date must be a TOML date like 2026-10-31", label=label))
    criteria = app_table.get("criteria", "asf-v1")
    if not isinstance(criteria, str) or not criteria:
        raise PackageError(_("{label} [application]: criteria must be a criteria set id like \"asf-v1\"", label=label))

    documents_raw = raw.get("documents", [])
    if not isinstance(documents_raw, list):
        raise PackageError(_("{label}: documents must be [[documents]] tables", label=label))
    documents: list[DocumentFile] = []
    seen: dict[object, str] = {}  # normalised, case-folded path and (device, inode) -> the path as listed
    for number, doc in enumerate(documents_raw, start=1):
        where = f"{label} [[documents]] #{number}"
        if not isinstance(doc, dict):
            raise PackageError(_("{where}: must be a table", where=where))
        rel = doc.get("path")
        kind = doc.get("kind")
        schema = kinds.get(kind) if isinstance(kind, str) else None
        # A known kind's own schema says which keys it takes (asfverify.kinds); with an unknown kind the
        # kind is what to fix, so that is reported rather than the options it would have taken.
        if schema is not None:
            unknown(doc, set(schema.keys), where)
        if not isinstance(rel, str) or not rel:
            raise PackageError(_("{where}: missing path", where=where))
        where = _("{label} document {path!r}", label=label, path=rel)
        confine.check_visible(rel, where, "path")
        if schema is None:
            raise PackageError(_("{where}: unknown kind {kind!r} (one of: {items})", where=where, kind=kind, items=', '.join(sorted(kinds))))
        file_path = _inside(root, rel, where)
        if not file_path.is_file():
            raise PackageError(_("{where}: file not found", where=where))
        size = file_path.stat().st_size
        if size > limits.max_document_bytes:
            raise PackageError(_("{where}: {size} bytes, over the limit of {max_document_bytes}",
                                 where=where, size=size, max_document_bytes=limits.max_document_bytes))
        confine.check_single_link(file_path, where)
        info = file_path.stat()
        for key in (confine.member_key(rel), (info.st_dev, info.st_ino)):
            if key in seen:
                raise PackageError(_("{where}: listed twice (also as {seen!r})", where=where, seen=seen[key]))
            seen[key] = rel
        options = schema.parse_options({k: v for k, v in doc.items() if k not in ("path", "kind")}, where)
        documents.append(
            DocumentFile(
                path=rel, kind=schema.name, abs_path=file_path, sha256=sha256_file(file_path), size=size,
                options=options, limits=limits, cache=cache, personal_data=schema.personal_data,
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
