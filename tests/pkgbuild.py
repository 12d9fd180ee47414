"""Builders for test fixtures: real PDFs and application packages."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def make_pdf(path: Path, pages: Iterable[str]) -> Path:
    """A real PDF with one page per string (text layer included)."""
    from fpdf import FPDF

    pdf = FPDF()
    if DEJAVU.exists():
        pdf.add_font("dejavu", "", str(DEJAVU))
        font = "dejavu"
    else:  # core fonts cover Latin-1, which holds å, ä and ö
        font = "helvetica"
    for text in pages:
        pdf.add_page()
        pdf.set_font(font, size=11)
        pdf.multi_cell(0, 6, text)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def make_package(
    root: Path,
    *,
    name: str = "Testkooperativet ekonomisk förening",
    org_number: str = "769612-3459",
    legal_form: str | None = "ekonomisk förening",
    reference_date: str = "2026-10-31",
    documents: Iterable[tuple[str, str]] = (),
    extra_toml: str = "",
) -> Path:
    """An application package folder; `documents` are (path, kind) pairs of files already in `root`."""
    root.mkdir(parents=True, exist_ok=True)
    lines = ["[organisation]", f'name = "{name}"', f'org_number = "{org_number}"']
    if legal_form:
        lines.append(f'legal_form = "{legal_form}"')
    lines += ["", "[application]", f"reference_date = {reference_date}", 'criteria = "asf-v1"', ""]
    for path, kind in documents:
        lines += ["[[documents]]", f'path = "{path}"', f'kind = "{kind}"', ""]
    (root / "application.toml").write_text("\n".join(lines) + extra_toml, encoding="utf-8")
    return root
