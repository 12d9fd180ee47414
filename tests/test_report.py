"""The HTML evidence report: content from real runs, hostile text escaped, bad input refused."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from asfverify import workspace as workspace_mod
from asfverify.cli import cli
from asfverify.ledger import open_ledger
from asfverify.report import highlight, render_report
from asfverify.runs import RunState, load_run

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
SAMPLE = SAMPLES / "vagen-framat"
HOSTILE = "<script>alert('pwned')</script>"

# A workspace plugin whose verifier quotes hostile document text and names a matched word:
# it makes the escaping test independent of what the built-in verifiers find.
HOSTILE_PLUGIN = '''
import asfverify
from asfverify.verifier import BaseVerifier, Evidence, Result


class Hostile(BaseVerifier):
    name = "hostile"
    version = "9.9"
    requirements = ("Q9.hostile",)
    document_kinds = ("other",)

    def verify(self, application, context):
        doc = application.documents_of("other")[0]
        text = " ".join(doc.pages()[0].split())
        yield Result(
            "Q9.hostile", "review", "Summary with <b>markup</b> & an ampersand.",
            evidence=[Evidence(doc.sha256, 1, text, rule="r<1>", matched=("Fremia", "<script>"))],
            metrics={"n": 1},
        )


@asfverify.hookimpl
def register_verifiers(register):
    register(Hostile())


@asfverify.hookimpl
def register_criteria(register):
    register({"id": "Q9", "required": False, "sv": "Fientlig text <i>kursiv</i>",
              "en": "Hostile text", "requirements": [{"id": "Q9.hostile"}]})
'''


def _make_pdf(path: Path, pages: list[str]) -> Path:
    from fpdf import FPDF

    dejavu = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    pdf = FPDF()
    if dejavu.exists():
        pdf.add_font("dejavu", "", str(dejavu))
        font = "dejavu"
    else:
        font = "helvetica"
    for text in pages:
        pdf.add_page()
        pdf.set_font(font, size=11)
        pdf.multi_cell(0, 6, text)
    pdf.output(str(path))
    return path


def _cli(ws: Path, *args: str):
    return CliRunner().invoke(cli, ["--workspace", str(ws), *args])


def _run_id(result) -> str:
    match = re.search(r"run ([0-9a-f]{16})", result.output)
    assert match, result.output
    return match.group(1)


def _state(ws: Path, run_id: str) -> RunState:
    return load_run(open_ledger(workspace_mod.load(ws)), run_id)


def _norm(text: str) -> str:
    """Text without any whitespace, so line wrapping in a rendering cannot matter."""
    return "".join(text.split())


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A workspace with the vagen-framat sample run, its registry imported, and two reviews."""
    if not SAMPLE.is_dir():
        pytest.skip(f"sample package not found at {SAMPLE}")
    with pytest.MonkeyPatch.context() as mp:
        for name in ("ASFVERIFY_WORKSPACE", "ASFVERIFY_PLUGINS", "ASFVERIFY_DEBUG"):
            mp.delenv(name, raising=False)
        ws = tmp_path_factory.mktemp("report") / "ws"
        assert CliRunner().invoke(cli, ["init", str(ws)]).exit_code == 0
        imported = _cli(ws, "agreements", "import", str(SAMPLES / "registry.csv"))
        assert imported.exit_code == 0, imported.output
        ran = _cli(ws, "run", str(SAMPLE))
        assert ran.exit_code in (0, 1), ran.output
        run_id = _run_id(ran)
        first = _cli(ws, "review", run_id, "C6.sam", "--fail", "--note", "first look", "--as", "Anna Andersson")
        assert first.exit_code == 0, first.output
        second = _cli(ws, "review", run_id, "C6.sam", "--pass", "--note", f"SAM-plan ok {HOSTILE} & <b>", "--as", "Bo <Berg>")
        assert second.exit_code == 0, second.output
    return ws, run_id


@pytest.fixture(scope="module")
def sample_html(sample_run: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws, run_id = sample_run
    out = tmp_path_factory.mktemp("out") / "rapport.html"
    result = _cli(ws, "report", run_id, "-o", str(out))
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, Path]:
    """A run whose plugin quotes a document holding a <script> element; returns (ws, run, report)."""
    with pytest.MonkeyPatch.context() as mp:
        for name in ("ASFVERIFY_WORKSPACE", "ASFVERIFY_PLUGINS", "ASFVERIFY_DEBUG"):
            mp.delenv(name, raising=False)
        base = tmp_path_factory.mktemp("hostile")
        ws = base / "ws"
        assert CliRunner().invoke(cli, ["init", str(ws)]).exit_code == 0
        (ws / "plugins" / "hostile_plugin.py").write_text(HOSTILE_PLUGIN, encoding="utf-8")
        pkg = base / "pkg"
        pkg.mkdir()
        _make_pdf(pkg / "brev.pdf", [f"Medlem i Fremia sedan 2019. {HOSTILE} <img src=x onerror=alert(2)> slut."])
        (pkg / "application.toml").write_text(
            '[organisation]\nname = "Kooperativet <Ond> & Co ek. för."\norg_number = "769612-3459"\n\n'
            '[application]\nreference_date = 2026-10-31\n\n[[documents]]\npath = "brev.pdf"\nkind = "other"\n',
            encoding="utf-8",
        )
        ran = _cli(ws, "run", str(pkg))
        assert ran.exit_code in (0, 1), ran.output
        run_id = _run_id(ran)
        out = base / "report.html"
        made = _cli(ws, "report", run_id, "-o", str(out))
        assert made.exit_code == 0, made.output
    return ws, run_id, out


# -- content ---------------------------------------------------------------------------------


def test_report_holds_every_evidence_excerpt_highlighted(sample_run, sample_html: Path) -> None:
    ws, run_id = sample_run
    page = sample_html.read_text(encoding="utf-8")
    state = _state(ws, run_id)
    evidence = [(r, ev) for r in state.results for ev in r.get("evidence", [])]
    assert evidence, "the sample run should have evidence"
    paths = {d["sha256"]: d["path"] for d in state.documents}
    for _result, ev in evidence:
        highlighted = highlight(ev["excerpt"], ev.get("matched", []))
        assert highlighted in page
        marks = [html.unescape(m).lower() for m in re.findall(r"<mark>(.*?)</mark>", highlighted, flags=re.S)]
        for word in ev.get("matched", []):
            if word.lower() in ev["excerpt"].lower():
                assert any(word.lower() in m for m in marks), (word, highlighted)
        if ev.get("document"):
            assert html.escape(paths[ev["document"]]) in page
    for result in state.results:
        assert html.escape(result["summary"]) in page
        assert f"ledger entry</span> {result['index']}" in page


def test_report_shows_every_criterion_requirement_and_document(sample_run, sample_html: Path) -> None:
    ws, run_id = sample_run
    page = sample_html.read_text(encoding="utf-8")
    state = _state(ws, run_id)
    for criterion in state.criteria:
        assert f'id="crit-{criterion.id}"' in page
        for requirement in criterion.requirements:
            assert f'id="req-{requirement.id}"' in page
    for doc in state.documents:
        assert doc["sha256"] in page
    assert "Målsättningen är att inkludera" in page  # the criterion's Swedish text
    assert html.escape(state.organisation["name"]) in page
    assert run_id in page


def test_report_shows_reviews_and_which_one_is_in_force(sample_run, sample_html: Path) -> None:
    ws, run_id = sample_run
    page = sample_html.read_text(encoding="utf-8")
    state = _state(ws, run_id)
    assert len(state.reviews) == 2
    for review in state.reviews:
        assert html.escape(review.note) in page
        assert html.escape(review.reviewer) in page
        assert review.time in page
    assert "Anna Andersson" in page and "Bo &lt;Berg&gt;" in page
    assert "superseded" in page and "in force" in page
    # The later --pass review replaces the machine outcome of C6.sam.
    assert "replaced by review" in page


def test_report_holds_the_signed_checkpoint_and_ledger_indexes(sample_run, sample_html: Path) -> None:
    ws, run_id = sample_run
    page = sample_html.read_text(encoding="utf-8")
    ledger = open_ledger(workspace_mod.load(ws))
    assert html.escape(ledger.checkpoint()) in page
    state = _state(ws, run_id)
    assert f"run entry</span></dt><dd>{state.run_index}</dd>" in page
    assert f"decision entry</span></dt><dd>{state.decision_index}</dd>" in page
    for result in state.results:
        assert ledger.get(result["index"]).leaf_hash in page


def test_report_is_self_contained(sample_html: Path) -> None:
    page = sample_html.read_text(encoding="utf-8")
    lowered = page.lower()
    for forbidden in ("<script", "<link", "<img", "<iframe", "<object", "<embed", "src=", "@import", "url("):
        assert forbidden not in lowered, forbidden
    # Links only jump within the page.
    assert re.findall(r'href="([^"]*)"', page) and all(h.startswith("#") for h in re.findall(r'href="([^"]*)"', page))
    assert "<style>" in page and "@media print" in page and "@page" in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page


def test_hostile_text_is_escaped_everywhere(hostile_run) -> None:
    ws, run_id, out = hostile_run
    page = out.read_text(encoding="utf-8")
    assert "<script" not in page.lower()
    assert "<img" not in page.lower()
    assert "<b>markup</b>" not in page and "&lt;b&gt;markup&lt;/b&gt;" in page
    assert "&lt;script&gt;alert(&#x27;pwned&#x27;)&lt;/script&gt;" in page or "<mark>&lt;script&gt;</mark>" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
    assert "<i>kursiv</i>" not in page and "Fientlig text &lt;i&gt;kursiv&lt;/i&gt;" in page
    assert "Kooperativet &lt;Ond&gt; &amp; Co" in page
    assert "<code>r&lt;1&gt;</code>" in page
    # Matched words are highlighted, the hostile one as escaped text inside the mark.
    assert "<mark>Fremia</mark>" in page
    assert "<mark>&lt;script&gt;</mark>" in page


def test_report_to_stdout(hostile_run) -> None:
    ws, run_id, _ = hostile_run
    result = _cli(ws, "report", run_id[:8], "-o", "-")
    assert result.exit_code == 0
    assert result.stdout.startswith("<!DOCTYPE html>")
    assert run_id in result.stdout


# -- highlight -------------------------------------------------------------------------------


def test_highlight_marks_case_insensitively_and_merges_overlaps() -> None:
    assert highlight("Vinstutdelning får ej ske", ["vinstutdelning"]) == "<mark>Vinstutdelning</mark> får ej ske"
    assert highlight("abcdefgh", ["abcde", "cdefg"]) == "<mark>abcdefgh</mark>"
    assert highlight("i sin\nhelhet", ["i sin helhet"]) == "<mark>i sin\nhelhet</mark>"
    assert highlight("x < y & z", []) == "x &lt; y &amp; z"
    assert highlight("a <b> c", ["<b>"]) == "a <mark>&lt;b&gt;</mark> c"
    assert highlight("nothing here", ["absent", "", "  "]) == "nothing here"


def test_highlight_marks_whole_words_not_letters_inside_words() -> None:
    text = "Styrelsen väljs av föreningsstämman i en omröstning."
    marked = highlight(text, ["styrelsen", "väljs", "av", "föreningsstämman", "i", "en"])
    assert marked == ("<mark>Styrelsen väljs av föreningsstämman i en</mark> omröstning.")
    # Short words never light up inside longer ones.
    assert highlight("Föreningen inkluderar", ["en", "i"]) == "Föreningen inkluderar"
    # A stem marks the whole inflected word.
    assert highlight("medlemmarnas arbetsinsats", ["medlemmarna"]) == "<mark>medlemmarnas</mark> arbetsinsats"
    # Part of a compound is still found when it is no word of its own.
    assert highlight("samordningsförbundet", ["förbund"]) == "samordnings<mark>förbund</mark>et"
    assert highlight("org 769612-3459.", ["769612-3459"]) == "org <mark>769612-3459</mark>."


def test_render_report_of_a_hand_made_state_escapes_every_field() -> None:
    sha = "ab" * 32
    state = RunState(
        run_id="0123456789abcdef",
        organisation={"name": "<Org>", "org_number": "769612-3459"},
        reference_date="2026-10-31",
        criteria_set="asf-v1",
        documents=[{"path": "<evil>.pdf", "kind": "bylaws", "sha256": sha}],
        plugins=[],
        results=[{
            "verifier": "v<1>", "version": "1", "plugin": "p\"q", "requirement": "C1.purpose", "outcome": "pass",
            "summary": "ok", "metrics": {"k<": "v>"}, "index": 1,
            "evidence": [{"document": sha, "page": 2, "excerpt": HOSTILE, "matched": ["alert"]},
                         {"document": "cd" * 32, "page": None, "excerpt": "unknown doc"},
                         {"document": None, "page": None, "excerpt": ""}],
            "trace": [{"rule": "<r>", "matched": True, "words": ["alert"], "excerpt": HOSTILE, "why": "<why>"}],
        }, {"verifier": "x", "version": "1", "plugin": "p", "requirement": "Z.none", "outcome": "fail",
            "summary": "outside the set", "evidence": [], "metrics": {}, "index": 2}],
        machine_criteria=[{"id": "C1", "outcome": "pass", "required": True,
                           "requirements": [{"id": "C1.purpose", "outcome": "pass"}]}],
        machine_decision="certifiable",
        reviews=[],
        run_index=0,
        decision_index=3,
    )
    page = render_report(state, "origin <x>\n4\nroot=\n\n— sig\n", generated="2026-01-01T00:00:00Z")
    assert "<script" not in page.lower()
    assert "&lt;script&gt;<mark>alert</mark>" in page
    assert "&lt;evil&gt;.pdf" in page and "&lt;Org&gt;" in page and "p&quot;q" in page
    assert "k&lt; = v&gt;" in page and "&lt;why&gt;" in page and "origin &lt;x&gt;" in page
    assert "unknown document" in page and "application manifest" in page
    # A result for a requirement outside the criteria set is still shown.
    assert "outside the set" in page and "Z.none" in page


# -- bad input -------------------------------------------------------------------------------


def test_unknown_run_is_one_line_exit_2_and_writes_nothing(sample_run, tmp_path: Path) -> None:
    ws, _ = sample_run
    out = tmp_path / "r.html"
    result = _cli(ws, "report", "ffffffffffffffff", "-o", str(out))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ") and "ffffffffffffffff" in result.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_output_in_a_missing_folder_is_exit_2(sample_run, tmp_path: Path) -> None:
    ws, run_id = sample_run
    result = _cli(ws, "report", run_id, "-o", str(tmp_path / "no" / "such" / "r.html"))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "does not exist" in result.stderr
    assert not (tmp_path / "no").exists()


def test_output_that_is_a_folder_is_exit_2(sample_run, tmp_path: Path) -> None:
    ws, run_id = sample_run
    result = _cli(ws, "report", run_id, "-o", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "folder" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_output_option_is_required(sample_run) -> None:
    ws, run_id = sample_run
    result = _cli(ws, "report", run_id)
    assert result.exit_code == 2
    assert "--output" in result.output or "-o" in result.output


def test_report_outside_a_workspace_is_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["report", "abcd1234", "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "r.html").exists()


# -- rendering in headless Chromium ------------------------------------------------------------

CHROMIUM_NAMES = ("chromium", "chromium-browser")
RENDER_TIMEOUT = 90


def _find_chromium() -> str | None:
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _install_chromium() -> str:
    """Try once to install Debian's chromium; return why it could not be done (or '')."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "not running as root, so Debian's chromium package cannot be installed here (apt-get install chromium)"
    if shutil.which("apt-get") is None:
        return "no apt-get on this machine to install Debian's chromium package"
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        for command, timeout in ((["apt-get", "update", "-q"], 300), (["apt-get", "install", "-y", "-q", "chromium"], 600)):
            done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)
            if done.returncode != 0:
                tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
                return f"'{' '.join(command)}' failed: {tail[0]}"
    except subprocess.TimeoutExpired as exc:
        return f"'{' '.join(exc.cmd)}' timed out after {exc.timeout:.0f} s"
    return ""


@pytest.fixture(scope="session")
def chromium() -> str:
    """The headless Chromium binary, installed from Debian once per session when missing."""
    found = _find_chromium()
    if found is None:
        reason = _install_chromium()
        found = _find_chromium()
        if found is None:
            pytest.skip(f"headless Chromium is not available: {reason or 'chromium not on PATH after installing'}")
    return found


def _chromium(binary: str, tmp: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp / "chromium-profile"
    profile.mkdir(exist_ok=True)
    command = [
        binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", f"--user-data-dir={profile}", *args,
    ]
    env = dict(os.environ, HOME=str(tmp))  # keep Chromium's caches out of the real home
    last: subprocess.TimeoutExpired | None = None
    for _attempt in range(2):  # one retry: a headless browser occasionally stalls on start-up
        try:
            return subprocess.run(command, env=env, capture_output=True, timeout=RENDER_TIMEOUT)
        except subprocess.TimeoutExpired as exc:
            last = exc
    raise AssertionError(f"chromium did not finish within {RENDER_TIMEOUT} s twice: {last}")


class _Text(HTMLParser):
    """Visible text and element names of a DOM dump."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        self.tags.append(tag)
        if tag in ("style", "head", "script"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "head", "script") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _dom(binary: str, page: Path, tmp: Path) -> _Text:
    done = _chromium(binary, tmp, "--dump-dom", page.as_uri())
    dom = done.stdout.decode("utf-8", "replace")
    assert done.returncode == 0 and "<body" in dom, done.stderr.decode("utf-8", "replace")[-500:]
    parser = _Text()
    parser.feed(dom)
    return parser


def test_rendered_page_shows_every_excerpt_review_and_checkpoint(chromium: str, sample_run, sample_html: Path, tmp_path: Path) -> None:
    ws, run_id = sample_run
    state = _state(ws, run_id)
    rendered = _dom(chromium, sample_html, tmp_path)
    text = _norm("".join(rendered.parts))
    for result in state.results:
        assert _norm(result["summary"]) in text
        for ev in result.get("evidence", []):
            assert _norm(ev["excerpt"]) in text, ev["excerpt"]
    for review in state.reviews:
        assert _norm(review.note) in text and _norm(review.reviewer) in text
    assert _norm(open_ledger(workspace_mod.load(ws)).checkpoint()) in text
    assert "script" not in rendered.tags
    marks = sum(len(ev.get("matched", [])) > 0 for r in state.results for ev in r.get("evidence", []))
    assert rendered.tags.count("mark") >= marks


def test_hostile_script_stays_text_in_the_browser(chromium: str, hostile_run, tmp_path: Path) -> None:
    _, _, out = hostile_run
    rendered = _dom(chromium, out, tmp_path)
    assert "script" not in rendered.tags and "img" not in rendered.tags
    text = "".join(rendered.parts)
    assert HOSTILE in text and "<img src=x onerror=alert(2)>" in text


def test_printed_report_is_readable_on_paper(chromium: str, sample_run, sample_html: Path, tmp_path: Path) -> None:
    ws, run_id = sample_run
    pdf = tmp_path / "report.pdf"
    done = _chromium(chromium, tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", sample_html.as_uri())
    assert done.returncode == 0 and pdf.is_file(), done.stderr.decode("utf-8", "replace")[-500:]
    assert pdf.read_bytes().startswith(b"%PDF")
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext (poppler-utils) not installed: printed PDF made, its text not checked")
    text = _norm(subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, timeout=60, check=True).stdout.decode("utf-8"))
    state = _state(ws, run_id)
    for result in state.results:
        for ev in result.get("evidence", []):
            assert _norm(ev["excerpt"]) in text, ev["excerpt"]
    assert _norm("Bevisrapport") in text and run_id in text
