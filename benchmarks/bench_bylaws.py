"""Benchmark: scanning a 20-page bylaws document (target ≤ 50 ms on top of text extraction), beside extraction.

The document is generated with fpdf2: 20 pages of stadgar-like Swedish text (sections, agenda lists,
clauses for every requirement, running header and footer). Times are medians of in-process repetitions,
measured as CPU time (time.process_time) so that other load on the machine does not distort them, with
the word memos cleared before each repetition;
`floor` is PDFium text extraction of the same PDF (the host's text path), so `ratio` shows what the scan
adds relative to the extraction it sits on.

Run: .venv/bin/python benchmarks/bench_bylaws.py
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from asfverify.bylaws.report import assess, manifest_sentence  # noqa: E402
from asfverify.bylaws.rules import default_rules  # noqa: E402
from asfverify.bylaws.text import sentences  # noqa: E402

PAGES = 20
SCAN_TARGET = "≤ 50 ms"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

_SECTION_TEXTS = [
    ("Ändamål", "Föreningen har till ändamål att främja medlemmarnas ekonomiska intressen genom att bedriva ett "
     "arbetsintegrerande socialt företag. Föreningens målsättning är att inkludera och anställa människor med "
     "arbetshinder eller funktionsnedsättning som har varit utanför arbetsmarknaden i mer än tolv månader. "
     "Genom anställning med avtalsenlig lön, handledning och arbetsträning ska föreningen ge dem möjlighet att "
     "utvecklas och på sikt få fäste på den reguljära arbetsmarknaden."),
    ("Medlemskap", "Till medlem kan antas den som är anställd i föreningen och som delar föreningens ändamål. "
     "Ansökan om medlemskap görs skriftligen hos styrelsen, som beslutar om inträde. Medlem som lämnar sin "
     "anställning utträder ur föreningen vid utgången av det räkenskapsår som infaller närmast efter sex "
     "månader från anställningens upphörande."),
    ("Styrelse", "Styrelsen består av lägst tre och högst sju ledamöter samt högst tre suppleanter. Styrelsen "
     "väljs av föreningsstämman för tiden intill slutet av nästa ordinarie föreningsstämma. Minst hälften av "
     "ledamöterna ska vara medlemmar som är anställda i föreningen."),
    ("Föreningsstämma", "Ordinarie föreningsstämma hålls årligen före utgången av juni månad. På ordinarie "
     "föreningsstämma ska följande ärenden behandlas:\n1. Val av ordförande vid stämman.\n2. Godkännande av "
     "röstlängd.\n3. Val av två justerare.\n4. Fråga om stämman blivit behörigen sammankallad.\n5. Styrelsens "
     "årsredovisning och revisorns revisionsberättelse.\n6. Beslut om disposition av föreningens vinst eller förlust."),
    ("Rösträtt", "Varje medlem har en röst på föreningsstämman. En medlem får företrädas av ett ombud, som ska "
     "vara medlem. Ingen får som ombud företräda mer än en medlem."),
    ("Vinstdisposition", "Vinstutdelning till medlemmarna får inte ske. Föreningens överskott ska i sin helhet "
     "återinvesteras i verksamheten, så att fler arbetstillfällen kan skapas och föreningens företagande utvecklas."),
    ("Upplösning", "Om föreningen upplöses ska behållna tillgångar, sedan medlemmarnas insatser återbetalats, "
     "överlämnas till en arbetsintegrerande social verksamhet med liknande ändamål som föreningsstämman bestämmer."),
]


def make_bylaws_pdf(path: Path, pages: int = PAGES) -> Path:
    """A `pages`-page stadgar PDF with a running header and footer."""
    from fpdf import FPDF

    class Pdf(FPDF):
        def header(self) -> None:
            self.set_font(self.font_, size=8)
            self.cell(0, 5, "Stadgar för Benchmarkföreningen ekonomisk förening", new_x="LMARGIN", new_y="NEXT")

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font(self.font_, size=8)
            self.cell(0, 5, f"Sida {self.page_no()} av {{nb}}", align="C")

    pdf = Pdf()
    if DEJAVU.exists():
        pdf.add_font("dejavu", "", str(DEJAVU))
        pdf.font_ = "dejavu"
    else:  # pragma: no cover
        pdf.font_ = "helvetica"
    pdf.alias_nb_pages()
    pdf.set_auto_page_break(False)
    n = 0
    for _ in range(pages):
        pdf.add_page()
        pdf.set_font(pdf.font_, size=10)
        # About 45 lines per page: fill the page with sections.
        while pdf.get_y() < 240:
            title, body = _SECTION_TEXTS[n % len(_SECTION_TEXTS)]
            n += 1
            pdf.multi_cell(0, 5, f"§ {n} {title}", new_x="LMARGIN", new_y="NEXT")
            pdf.multi_cell(0, 5, body, new_x="LMARGIN", new_y="NEXT")
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def extract(path: Path) -> list[str]:
    """Page text through the host's own PDFium text path."""
    from asfverify.limits import Limits
    from asfverify.pdftext import page_texts

    return page_texts(path, Limits())


def median_time(fn: Callable[[], Any], repeat: int) -> float:
    """Median CPU time of fn (process time: a busy machine's other work does not count)."""
    fn()  # warm up (imports, rule compilation)
    times = []
    for _ in range(repeat):
        _cold()
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times)


def _cold() -> None:
    """Forget memoised word look-ups, so each repetition pays for them as a first document would."""
    from asfverify.bylaws import words

    default_rules().lexicon.clear()
    words._STEMS.clear()


def _row(figure: str, median: float, floor: float, floor_label: str, target: str = "") -> dict[str, Any]:
    return {"figure": figure, "median": round(median, 5), "floor": round(floor, 5), "floor_label": floor_label,
            "ratio": round(median / floor, 2) if floor else None, "target": target, "unit": "s"}


def rows(repeat: int = 15) -> list[dict[str, Any]]:
    """Measure: the scan alone, its text-normalisation part, and extraction + scan, each beside extraction."""
    root = Path(tempfile.mkdtemp(prefix="asfverify-bench-bylaws-"))
    try:
        path = make_bylaws_pdf(root / "stadgar.pdf")
        pages = extract(path)
        rules = default_rules()
        manifest = manifest_sentence("Benchmarkföreningen ekonomisk förening", "ekonomisk förening")
        docs = [("0" * 64, pages, [])]
        results = assess(rules, docs, manifest)
        assert [r.outcome for r in results] == ["pass"] * 4, [r.summary for r in results]
        n_sent = len(sentences(pages))

        extraction = median_time(lambda: extract(path), repeat)
        scan = median_time(lambda: assess(rules, docs, manifest), repeat)
        normalise = median_time(lambda: sentences(pages), repeat)
        both = median_time(lambda: assess(rules, [("0" * 64, extract(path), [])], manifest), repeat)
        label = f"PDFium text extraction of the same {PAGES} pages"
        return [
            _row(f"bylaws scan, {PAGES} pages ({n_sent} sentences, {len(rules.rules)} rules, 4 decisions)",
                 scan, extraction, label, SCAN_TARGET),
            _row("  of which text normalisation and sentence split", normalise, extraction, label),
            _row(f"extraction + bylaws scan, {PAGES} pages", both, extraction, label, f"extraction + {SCAN_TARGET}"),
        ]
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> int:
    """Print the figures as a small table."""
    print(f"{'figure':<78} {'median':>10} {'floor':>10} {'ratio':>7}  target")
    for r in rows():
        print(f"{r['figure']:<78} {r['median'] * 1000:>8.1f}ms {r['floor'] * 1000:>8.1f}ms {r['ratio']:>6.2f}x  {r['target']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
