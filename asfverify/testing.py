"""Helpers for plugin authors: build an application package in a temporary folder, run verifiers on it, assert.

Typical use in a plugin's test::

    from asfverify import testing

    def test_finds_net_sales(tmp_path):
        package = testing.build_package(tmp_path, [
            testing.pdf_document("arsredovisning.pdf", "annual-report", "Nettoomsättning 1 234 567"),
        ])
        results = testing.run_verifier(MyVerifier(), package)
        testing.assert_outcome(results, "C3.market", "pass", evidence="1 234 567")

Nothing here touches the network or any folder but the one you pass in.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from .i18n import _
from .kinds import DocumentKind, kinds_of_module
from .verifier import Result

__all__ = [
    "DocumentSpec",
    "pdf_document",
    "pdf_table_document",
    "scanned_document",
    "text_document",
    "csv_document",
    "file_document",
    "listed_document",
    "make_pdf",
    "make_table_pdf",
    "build_package",
    "open_application",
    "load_plugin",
    "load_test_host",
    "run_verifier",
    "run_host",
    "results_for",
    "assert_outcome",
    "DEFAULT_ORG_NUMBER",
    "DEFAULT_REFERENCE_DATE",
]

# A synthetic but Luhn-valid organisationsnummer of an ekonomisk förening (group 7).
DEFAULT_ORG_NUMBER = "769612-3459"
DEFAULT_REFERENCE_DATE = dt.date(2026, 10, 31)
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@dataclass
class DocumentSpec:
    """One document to write into a test package, and the manifest entry that lists it."""

    path: str
    kind: str
    content: bytes | None = None
    pages: Sequence[str] | None = None  # written as a PDF with a text layer
    scanned_pages: int = 0  # written as a PDF whose pages have no text layer
    table: Sequence[Sequence[Any]] | None = None  # written as a PDF holding this table (first row: header)
    options: dict[str, Any] = field(default_factory=dict)  # extra manifest keys: columns, sheet, description
    listed_only: bool = False  # the file is already in the package (listed_document): leave it as it is

    def write(self, root: Path) -> Path:
        """Write the file below root and return its path."""
        target = root / self.path
        if self.listed_only:
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        if self.pages is not None:
            make_pdf(target, self.pages)
        elif self.scanned_pages:
            _make_scanned_pdf(target, self.scanned_pages)
        elif self.table is not None:
            make_table_pdf(target, self.table)
        else:
            target.write_bytes(self.content or b"")
        return target


def pdf_document(path: str, kind: str, *pages: str, **options: Any) -> DocumentSpec:
    """A PDF with one page per string (a real text layer, Unicode font when available)."""
    return DocumentSpec(path, kind, pages=list(pages) or [""], options=options)


def scanned_document(path: str, kind: str, pages: int = 1, **options: Any) -> DocumentSpec:
    """A PDF whose pages carry only a drawing, no text layer (like a scan)."""
    return DocumentSpec(path, kind, scanned_pages=max(1, pages), options=options)


def pdf_table_document(path: str, kind: str, rows: Iterable[Sequence[Any]], **options: Any) -> DocumentSpec:
    """A PDF with one ruled table (the first row is the header), as pdfplumber's tables() reads it."""
    return DocumentSpec(path, kind, table=[list(r) for r in rows], options=options)


def text_document(path: str, kind: str, text: str, **options: Any) -> DocumentSpec:
    """A UTF-8 text file (the host reads it as a single page)."""
    return DocumentSpec(path, kind, content=text.encode("utf-8"), options=options)


def csv_document(
    path: str, kind: str, rows: Iterable[Sequence[Any]], *, delimiter: str = ";", bom: bool = False, **options: Any
) -> DocumentSpec:
    """A CSV file from rows (the first row is the header)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    for row in rows:
        writer.writerow(["" if v is None else str(v) for v in row])
    data = buffer.getvalue().encode("utf-8")
    return DocumentSpec(path, kind, content=(b"\xef\xbb\xbf" + data) if bom else data, options=options)


def file_document(path: str, kind: str, content: bytes, **options: Any) -> DocumentSpec:
    """Any bytes, e.g. a copy of a real document or a deliberately broken one."""
    return DocumentSpec(path, kind, content=content, options=options)


def listed_document(path: str, kind: str, **options: Any) -> DocumentSpec:
    """A manifest entry for a file the test put into the package itself (a symbolic link, a file of an
    exact size): build_package lists it and does not touch it."""
    return DocumentSpec(path, kind, options=options, listed_only=True)


def _font(pdf: Any) -> str:
    if DEJAVU.exists():
        pdf.add_font("dejavu", "", str(DEJAVU))
        return "dejavu"
    return "helvetica"  # core fonts cover Latin-1, which holds å, ä and ö


def make_pdf(path: Path, pages: Iterable[str]) -> Path:
    """Write a PDF with one page per string; needs fpdf2 (a test dependency, imported only here)."""
    from fpdf import FPDF

    pdf = FPDF()
    font = _font(pdf)
    unicode_font = font != "helvetica"
    for text in pages:
        pdf.add_page()
        pdf.set_font(font, size=10)
        if not unicode_font:
            # Latin-1 core fonts: map the Unicode minus and dashes, drop what cannot be shown.
            text = text.replace("\u2212", "-").replace("\u2013", "-").replace("\u2014", "-")
            text = text.encode("latin-1", "replace").decode("latin-1")
        pdf.multi_cell(0, 5, text)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def make_table_pdf(path: Path, rows: Sequence[Sequence[Any]]) -> Path:
    """Write a PDF holding one table with ruled cells; needs fpdf2."""
    from fpdf import FPDF

    pdf = FPDF()
    font = _font(pdf)
    pdf.add_page()
    pdf.set_font(font, size=9)
    # No bold heading style: the Unicode font is added in its regular style only.
    with pdf.table(first_row_as_headings=False) as table:
        for values in rows:
            row = table.row()
            for value in values:
                text = "" if value is None else str(value)
                row.cell(text if font != "helvetica" else text.encode("latin-1", "replace").decode("latin-1"))
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def _make_scanned_pdf(path: Path, pages: int) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    for _page in range(pages):
        pdf.add_page()
        pdf.set_fill_color(200, 200, 200)
        for line in range(20):  # grey bars where a scan would show lines of text
            pdf.rect(20, 20 + line * 10, 170, 4, style="F")
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _toml_value(value: Any) -> str:
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{_toml_string(str(k))} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"unsupported manifest value {value!r}")


def build_package(
    root: Path,
    documents: Iterable[DocumentSpec] = (),
    *,
    name: str = "Testkooperativet ekonomisk förening",
    org_number: str = DEFAULT_ORG_NUMBER,
    legal_form: str | None = "ekonomisk förening",
    reference_date: dt.date = DEFAULT_REFERENCE_DATE,
    criteria: str | None = None,
) -> Path:
    """Write an application package (application.toml and its documents) into root and return root."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    lines = ["[organisation]", f"name = {_toml_string(name)}", f"org_number = {_toml_string(org_number)}"]
    if legal_form:
        lines.append(f"legal_form = {_toml_string(legal_form)}")
    lines += ["", "[application]", f"reference_date = {reference_date.isoformat()}"]
    if criteria:
        lines.append(f"criteria = {_toml_string(criteria)}")
    for doc in documents:
        doc.write(root)
        lines += ["", "[[documents]]", f"path = {_toml_string(doc.path)}", f"kind = {_toml_string(doc.kind)}"]
        lines += [f"{key} = {_toml_value(value)}" for key, value in doc.options.items()]
    (root / "application.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


@contextmanager
def open_application(package: Path, *, extra_kinds: Iterable[str | DocumentKind] = ()) -> Iterator[Any]:
    """The loaded application (what a verifier receives), closed afterwards.

    `extra_kinds` are kind names or `asfverify.kinds.DocumentKind`s (with the options they accept).
    """
    from . import application

    with application.load(package, extra_kinds=extra_kinds) as app:
        yield app


def load_plugin(path: Path | str) -> ModuleType:
    """Import a plugin module from a file the way the host loads workspace plugins (asfverify_local_plugins.<stem>)."""
    from .plugins import load_module_from_path

    return load_module_from_path(Path(path).resolve())


def load_test_host(*plugins: Any, plugins_dir: Path | None = None, installed: bool = False) -> Any:
    """A plugin host with the built-ins, `plugins_dir` (a workspace plugins/ folder) and extra plugin objects.

    Each extra plugin is a module or an object with @hookimpl methods; it is registered under its
    `__name__` (or class name) for this host only. Installed plugins (entry points) are left out unless
    `installed=True` (or ASFVERIFY_PLUGINS names them), so a test sees only what it names even where
    the plugin is also installed.
    """
    from .plugins import ENV_LOAD, load_host

    return load_host(plugins_dir, extra_plugins=plugins, entry_points=installed or ENV_LOAD in os.environ)


def _context(policy: Mapping[str, Any] | None, host: Any = None) -> Any:
    from .runner import make_context

    if policy is None:
        from . import criteria

        policy = criteria.load("asf-v1").policy
    return make_context(None, policy, host)


def run_verifier(
    verifier: Any,
    package: Path,
    *,
    extra_kinds: Iterable[str | DocumentKind] = (),
    policy: Mapping[str, Any] | None = None,
) -> list[Result]:
    """Run one verifier (an instance or a class) on a package and return its Result objects unchanged.

    The verifier's own document kinds are accepted in the manifest, so a plugin's new kind works here,
    with the options its module's `register_document_kinds` declares.
    Exceptions propagate, so a test sees the traceback (the host would turn them into `error` results).
    """
    if isinstance(verifier, type):
        verifier = verifier()
    module = sys.modules.get(type(verifier).__module__)
    declared_kinds = kinds_of_module(module, type(verifier).__module__) if module is not None else []
    kinds = [*extra_kinds, *declared_kinds, *getattr(verifier, "document_kinds", ())]
    with open_application(package, extra_kinds=kinds) as app:
        results = list(verifier.verify(app, _context(policy)) or [])
    declared = set(verifier.requirements)
    for result in results:
        if not isinstance(result, Result):
            raise AssertionError(_("{verifier!r} returned {result!r}, not an asfverify.Result", verifier=verifier, result=result))
        if result.requirement not in declared:  # the host would turn this into an error result
            raise AssertionError(_("{name} returned a result for undeclared requirement {requirement!r}", name=verifier.name, requirement=result.requirement))
        result.verifier = verifier.name
        result.version = str(verifier.version)
    return results


@dataclass(frozen=True)
class HostRun:
    """What `run_host` returns: the run in the JSON shapes `asfverify run --json` prints, for asserting.

    `criteria`, `results` and `application` are plain dicts and lists; `decision` is the decision
    string; `run` is the typed run (asfverify.model.Run) behind them.
    """

    run: Any

    @property
    def run_id(self) -> str:
        return self.run.run_id

    @property
    def decision(self) -> str:
        return self.run.decision

    @property
    def criteria(self) -> list[dict[str, Any]]:
        return [c.to_json() for c in self.run.criteria]

    @property
    def results(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.run.results]

    @property
    def application(self) -> dict[str, Any]:
        return self.run.application

    def to_json(self) -> dict[str, Any]:
        return self.run.run_json()


def run_host(package: Path, host: Any = None, *, plugins_dir: Path | None = None) -> HostRun:
    """Run every installed verifier on a package as `asfverify run` does, without a ledger."""
    from .runner import verify_package

    host = host if host is not None else load_test_host(plugins_dir=plugins_dir)
    return HostRun(verify_package(package, ws=None, host=host))


def _as_dicts(results: Any) -> list[dict[str, Any]]:
    if hasattr(results, "results") and not isinstance(results, list):  # a HostRun or a Run
        results = results.results
    return [r.to_dict() if isinstance(r, Result) else dict(r) for r in results]


def results_for(results: Any, requirement: str) -> list[dict[str, Any]]:
    """The results (as dicts) for one requirement, from a list of Results, of dicts, or a RunReport."""
    return [r for r in _as_dicts(results) if r["requirement"] == requirement]


def assert_outcome(
    results: Any,
    requirement: str,
    outcome: str,
    *,
    summary: str | None = None,
    evidence: str | None = None,
    page: int | None = None,
    document: str | None = None,
) -> dict[str, Any]:
    """Assert that exactly one result for `requirement` has `outcome`, and check its summary and evidence.

    `summary` and `evidence` are substrings (case-insensitive) of the summary and of some evidence excerpt;
    `page` and `document` (a sha256) must hold for that same evidence item. Returns the result dict.
    """
    found = results_for(results, requirement)
    if len(found) != 1:
        raise AssertionError(_("expected one result for {requirement}, got {count}: {found}", requirement=requirement, count=len(found), found=found))
    result = found[0]
    if result["outcome"] != outcome:
        raise AssertionError(_("{requirement}: expected {outcome}, got {got}: {summary}", requirement=requirement, outcome=outcome,
                               got=result["outcome"], summary=result["summary"]))
    if summary is not None and summary.lower() not in result["summary"].lower():
        raise AssertionError(_("{requirement}: summary {got!r} does not contain {wanted!r}", requirement=requirement,
                               got=result["summary"], wanted=summary))
    for key, value in result.get("metrics", {}).items():
        if not isinstance(value, (int, str)) or isinstance(value, bool):
            raise AssertionError(_("{requirement}: metric {key}={value!r} is not an integer or string", requirement=requirement, key=key, value=value))
    if evidence is not None or page is not None or document is not None:
        items = result["evidence"]
        matching = [
            ev
            for ev in items
            if (evidence is None or evidence.lower() in (ev.get("excerpt") or "").lower())
            and (page is None or ev.get("page") == page)
            and (document is None or ev.get("document") == document)
        ]
        if not matching:
            raise AssertionError(
                _("{requirement}: no evidence with excerpt~{evidence!r} page={page} document={document}: {items}",
                  requirement=requirement, evidence=evidence, page=page, document=document, items=items)
            )
    return result
