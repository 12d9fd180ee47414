"""Small stand-ins for the host's Document, Application and Context, for the payroll tests."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asfverify.verifier import Organisation

SECRET = b"payroll-test-secret"


@dataclass
class FakeDocument:
    """A payroll document on disk, with the Document protocol's methods."""

    file: Path
    kind: str = "payroll"
    options: dict[str, Any] = field(default_factory=dict)
    tables_data: list[list[list[str | None]]] | None = None

    @property
    def path(self) -> str:
        return self.file.name

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.file.read_bytes()).hexdigest()

    @property
    def size(self) -> int:
        return self.file.stat().st_size

    def open(self) -> io.BufferedReader:
        return self.file.open("rb")

    def read_bytes(self) -> bytes:
        return self.file.read_bytes()

    @property
    def is_pdf(self) -> bool:
        with self.file.open("rb") as fh:
            return fh.read(5) == b"%PDF-"

    def pages(self) -> list[str]:
        import pdfplumber

        with pdfplumber.open(self.file) as pdf:
            return [page.extract_text() or "" for page in pdf.pages]

    def tables(self) -> list[list[list[str | None]]]:
        if self.tables_data is not None:
            return self.tables_data
        import pdfplumber

        out: list[list[list[str | None]]] = []
        with pdfplumber.open(self.file) as pdf:
            for page in pdf.pages:
                out.extend(page.extract_tables())
        return out

    def pages_without_text(self) -> list[int]:
        return [i for i, text in enumerate(self.pages(), start=1) if not text.strip()]


@dataclass
class FakeApplication:
    documents: list[FakeDocument]
    reference_date: dt.date = dt.date(2026, 10, 31)
    organisation: Organisation = Organisation("Testkooperativet ek. för.", "769600-0004")
    criteria: str = "asf-v1"

    def documents_of(self, *kinds: str) -> list[FakeDocument]:
        return [d for d in self.documents if d.kind in kinds]


@dataclass
class FakeContext:
    policy: dict[str, Any] = field(default_factory=lambda: {"threshold_percent": 51, "lou_share_percent": 30})
    workspace: Any = None
    seen: list[str] = field(default_factory=list)

    def pseudonymise(self, value: str) -> str:
        self.seen.append(value)
        return hmac.new(SECRET, value.encode(), hashlib.sha256).hexdigest()


def run_payroll(*files: Path | FakeDocument, reference_date: dt.date = dt.date(2026, 10, 31),
                policy: dict[str, Any] | None = None, **options: Any):
    """Run the payroll verifier on files; returns the single C2.ratio Result."""
    from asfverify.verifiers.payroll import PayrollVerifier

    docs = [f if isinstance(f, FakeDocument) else FakeDocument(Path(f), options=dict(options)) for f in files]
    context = FakeContext() if policy is None else FakeContext(policy=policy)
    results = list(PayrollVerifier().verify(FakeApplication(docs, reference_date), context))
    assert len(results) == 1
    return results[0]


HEADER = ["Anst.nr", "Anställningsdatum", "Slutdatum", "Stödform vid anställning", "Sysselsättningsgrad"]


def write_csv(path: Path, rows: list[list[str]], header: list[str] | None = HEADER, *, delimiter: str = ";",
              encoding: str = "utf-8-sig", newline: str = "\r\n") -> Path:
    """A payroll CSV as an export would write it (no quoting needed for these values)."""
    lines = ([delimiter.join(header)] if header is not None else []) + [delimiter.join(r) for r in rows]
    path.write_bytes((newline.join(lines) + newline).encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[Any]], header: list[str] | None = HEADER, *, sheet: str = "Blad1",
               before: list[list[Any]] = (), extra_sheets: tuple[str, ...] = ()) -> Path:
    """A payroll workbook: optional title rows, then the header and rows, on `sheet`."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in [*before, *([header] if header else []), *rows]:
        ws.append(row)
    for name in extra_sheets:
        wb.create_sheet(name).append(["nothing here"])
    wb.save(path)
    return path


def write_pdf(path: Path, rows: list[list[str]], header: list[str] = HEADER, *, title: str = "Personallista") -> Path:
    """A PDF whose table (headings repeated on every page) holds the list."""
    from fpdf import FPDF

    regular = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    bold = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
    pdf = FPDF()
    if regular.exists() and bold.exists():
        pdf.add_font("dejavu", "", str(regular))
        pdf.add_font("dejavu", "B", str(bold))
        pdf.set_font("dejavu", size=9)
    else:  # core fonts cover Latin-1 (å, ä, ö)
        pdf.set_font("helvetica", size=9)
    pdf.add_page()
    pdf.cell(text=title)
    pdf.ln(10)
    with pdf.table() as table:
        for values in [header, *rows]:
            row = table.row()
            for value in values:
                row.cell(value)
    pdf.output(str(path))
    return path


def package(root: Path, payroll: Path, *, extra: str = "", reference_date: str = "2026-10-31") -> Path:
    """An application package holding one payroll document (already inside `root`)."""
    root.mkdir(parents=True, exist_ok=True)
    text = (
        '[organisation]\nname = "Testkooperativet ekonomisk förening"\norg_number = "769612-3459"\n'
        'legal_form = "ekonomisk förening"\n\n'
        f'[application]\nreference_date = {reference_date}\ncriteria = "asf-v1"\n\n'
        f'[[documents]]\npath = "{payroll.name}"\nkind = "payroll"\n{extra}\n'
    )
    (root / "application.toml").write_text(text, encoding="utf-8")
    return root
