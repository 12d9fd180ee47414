"""Hostile documents for the resource tests and benchmarks/bench_hostile.py: small files that inflate."""

from __future__ import annotations

import zlib
from pathlib import Path

GiB = 1024 ** 3


def inflating_pdf(path: Path, inflated: int = GiB) -> Path:
    """A one-page PDF (about inflated/1000 bytes) whose content stream inflates to `inflated` bytes."""
    compressor = zlib.compressobj(9)
    block = b"0 0 m " * (1 << 20)  # path operators: a content parser must read every one
    parts, left = [], inflated
    while left > 0:
        chunk = block[: min(left, len(block))]
        parts.append(compressor.compress(chunk))
        left -= len(chunk)
    parts.append(compressor.flush())
    stream = b"".join(parts)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(out))
    return path


def wide_xlsx(path: Path, rows: int = 20000) -> Path:
    """A payroll workbook whose sparse rows each reach column XFD (16,384): read-only openpyxl pads them."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Anst.nr", "Anställd från", "Stödform"])
    for row in range(2, rows + 2):
        sheet.cell(row=row, column=1, value=row)
        sheet.cell(row=row, column=2, value="2024-01-15")
        sheet.cell(row=row, column=16384, value="x")
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def long_line_csv(path: Path, size: int = 49 * 1024 * 1024) -> Path:
    """A payroll CSV whose second line is one `size`-byte line of separators."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        fh.write("Anst.nr;Anställd från;Stödform\n".encode())
        fh.write(b"1;2024-01-15;" + b";" * size + b"\n")
    return path
