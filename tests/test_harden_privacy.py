"""No personnummer or samordningsnummer reaches any output channel, database or the temp folder.

Numbers are planted in every form (ASCII and typographic separators, with and without century,
'+' for over-100s, zero-width characters) in every field a package or a plugin controls; then every
channel is searched with a plain per-number pattern (independent of asfverify.idnumbers).
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from stdnum import luhn

from asfverify import testing
from asfverify.cli import COMMANDS, cli

INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")


def _pnr(yymmdd: str, serial: str) -> tuple[str, str]:
    nine = yymmdd + serial
    return yymmdd, serial + luhn.calc_check_digit(nine)


# (date part, last four) of distinct valid numbers: personnummer and samordningsnummer (day + 60).
NUMBERS = [_pnr(d, s) for d, s in [
    ("750505", "555"), ("620303", "111"), ("881111", "333"), ("701063", "239"), ("121212", "121"),
    ("851231", "987"), ("900229", "123"), ("010171", "456"), ("450615", "789"), ("990909", "246"),
    ("560714", "135"), ("680823", "988"), ("770101", "442"), ("830383", "551"), ("950412", "663"),
    ("031128", "774"), ("401010", "885"), ("670620", "996"), ("730202", "107"), ("800808", "218"),
    ("921224", "329"), ("580318", "430"), ("640901", "541"), ("711111", "652"), ("860686", "763"),
    ("910919", "874"), ("530530", "985"), ("690707", "096"), ("740404", "207"), ("820222", "318"),
]]


def _forms():
    """Every written form, each on its own number, so a leak names the form."""
    template = [
        "{d}-{t}", "{d}{t}", "19{d}-{t}", "19{d}{t}", "{d}+{t}", "{d}\u2013{t}", "{d}\u2014{t}",
        "{d}\u2212{t}", "{d} - {t}", "{d}\u00a0{t}", "{d}\u2009-\u2009{t}", "{d}\u202f{t}",
        "{d}\u00a0\u2013\u00a0{t}", "{d}\u2011{t}", "{d}\ufe63{t}", "{d}\uff0d{t}", "{d[0]}{d[1]}\u200b{d[2]}{d[3]}{d[4]}{d[5]}-{t}",
        "{d}\u200d{t}",
    ]
    for i, form in enumerate(template):
        d, t = NUMBERS[i]
        yield i, form.format(d=d, t=t)


FORMS = dict(_forms())
USED = [NUMBERS[i] for i in FORMS]


def _leaks(text: str) -> list[str]:
    """Each planted number found in text (any non-digit separator of up to 6 characters)."""
    text = INVISIBLE.sub("", text)
    found = []
    for d, t in USED:
        if re.search(rf"(?<!\d)(?:19|20)?{d}\D{{0,6}}{t}(?!\d)", text):
            found.append(f"{d}-{t}")
    return found


def _form(i: int) -> str:
    return FORMS[i % len(FORMS)]


LEAKY_PLUGIN = '''
from asfverify import hookimpl, BaseVerifier, Evidence, Result

FORMS = {forms!r}

class Leaky(BaseVerifier):
    """Puts a personal number in every string field a Result has."""
    name = "leaky"
    version = "1"
    requirements = ("C6.sam",)
    document_kinds = ()
    runs_without_documents = True
    def verify(self, application, context):
        ev = Evidence(document=None, page=1, excerpt="excerpt " + FORMS[0], rule="rule " + FORMS[1],
                      matched=("matched " + FORMS[2],), note="note " + FORMS[3])
        trace = [{{"rule": "t " + FORMS[4], "matched": ["m " + FORMS[5]], "page": None,
                   "excerpt": "x " + FORMS[6], "effect": "e " + FORMS[7], "why": "w " + FORMS[8]}}]
        return [Result("C6.sam", "review", "summary " + FORMS[9], evidence=[ev],
                       metrics={{"value": "v " + FORMS[10]}}, trace=trace)]

class KeyLeak(BaseVerifier):
    """A personal number as a metric key: refused by the host, as an error result."""
    name = "keyleak"
    version = "1"
    requirements = ("C6.sam",)
    document_kinds = ()
    runs_without_documents = True
    def verify(self, application, context):
        return [Result("C6.sam", "pass", "ok", metrics={{"person_" + FORMS[11].replace("-", "_"): 1}})]

@hookimpl
def register_verifiers(register):
    register(Leaky())
    register(KeyLeak())
'''


def _package(root: Path) -> Path:
    """Personal numbers in the name, org number, file names, description, bylaws text and payroll."""
    root.mkdir(parents=True)
    bylaws_name = f"stadgar-{_form(12)}.pdf"
    testing.make_pdf(root / bylaws_name, [
        "Stadgar. § 2 Ändamål. Föreningen har till ändamål att skapa arbete för personer med "
        f"funktionsnedsättning. Ordförande {_form(16)}, ledamot {_form(17)}, suppleant {_form(15)}, {_form(14)}."
    ])
    payroll_name = f"lista {_form(10)}.csv"  # names and paths: visible characters only (else refused)
    rows = ["Personnummer;Anställd från;Stödform"]
    for i in range(len(FORMS)):
        rows.append(f"{_form(i)};2024-01-15;{'lönebidrag' if i % 2 else 'okänt stöd ' + _form(i + 1)}")
    (root / payroll_name).write_text("\n".join(rows) + "\n", encoding="utf-8")
    (root / "application.toml").write_text(
        "[organisation]\n"
        f'name = "Föreningen {_form(11)} ek. för."\n'
        f'org_number = "{NUMBERS[0][0]}-{NUMBERS[0][1]}"\n'
        "\n[application]\nreference_date = 2026-10-31\n\n"
        f'[[documents]]\npath = "{bylaws_name}"\nkind = "bylaws"\ndescription = "styrelse {_form(2)}"\n\n'
        f'[[documents]]\npath = "{payroll_name}"\nkind = "payroll"\n',
        encoding="utf-8",
    )
    return root


def _configure_publishing(ws: Path) -> None:
    """[certifier] org_number and [publish] prefix (DESIGN §11), keeping what init wrote."""
    import tomllib

    config = tomllib.loads((ws / "asfverify.toml").read_text(encoding="utf-8"))
    config.setdefault("certifier", {}).setdefault("org_number", "556677-8899")
    config.setdefault("publish", {}).setdefault("prefix", "https://certifier.example/asf")

    def value(v: object) -> str:
        return json.dumps(v, ensure_ascii=False) if isinstance(v, str) else str(v).lower() if isinstance(v, bool) else str(v)

    lines = [f"{k} = {value(v)}" for k, v in config.items() if not isinstance(v, dict)]
    for table, body in config.items():
        if isinstance(body, dict):
            lines += ["", f"[{table}]"] + [f"{k} = {value(v)}" for k, v in body.items()]
    (ws / "asfverify.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def leaky_ws(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    assert CliRunner().invoke(cli, ["init", str(ws), "--certifier", "Certifieringsorganet AB", "--org-number",
                                    "556677-8899", "--publish-prefix", "https://certifier.example/asf"]).exit_code == 0
    (ws / "plugins" / "leaky.py").write_text(LEAKY_PLUGIN.format(forms=list(FORMS.values())), encoding="utf-8")
    return ws


def test_planted_forms_are_found_by_the_test_itself() -> None:
    # The search must see every form it plants, or the test below could pass by not looking.
    for form in FORMS.values():
        assert _leaks(f"x {form} y"), repr(form)


def test_no_personal_number_reaches_any_channel(leaky_ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    runner = CliRunner()
    pkg = _package(tmp_path / "pkg")
    channels: dict[str, str] = {}

    def call(name: str, *args: str) -> tuple[int, str]:
        result = runner.invoke(cli, ["-w", str(leaky_ws), *args])
        channels[f"{name} stdout"] = result.stdout
        channels[f"{name} stderr"] = result.stderr
        return result.exit_code, result.stdout

    code, _ = call("run", "run", str(pkg))
    assert code in (0, 1), channels["run stderr"]
    code, out = call("run --json", "run", "--json", str(pkg))
    report = json.loads(out)
    run_id = report["run_id"]
    # The plugin's metric key is refused as an error result attributed to it; the batch goes on.
    keyleak = [r for r in report["results"] if r["verifier"] == "keyleak"]
    assert keyleak and keyleak[0]["outcome"] == "error" and "keyleak" in keyleak[0]["summary"]
    assert "personnummer" in keyleak[0]["summary"]

    for req in {r["id"] for c in report["criteria"] for r in c["requirements"] if r["outcome"] != "pass"}:
        code, _ = call(f"review {req}", "review", run_id, req, "--pass", "--note", f"checked {_form(3)}")
        assert code == 0, channels[f"review {req} stderr"]
        call(f"explain {req}", "explain", run_id, req)
    call("status", "status", run_id)
    call("runs", "runs")
    call("ledger show", "ledger", "show", "--json")
    report_path = tmp_path / "report.html"
    call("report", "report", run_id, "-o", str(report_path))
    cert, html = tmp_path / "cert.json", tmp_path / "cert.html"
    code, _ = call("certify", "certify", run_id, "-o", str(cert), "--html", str(html))
    assert code == 0, channels["certify stderr"]
    call("verify", "verify", str(cert), "--json")
    site = tmp_path / "site"
    if "publish" in COMMANDS:  # the published site (issue 14) is one more channel, once it exists
        _configure_publishing(leaky_ws)
        code, _ = call("publish", "publish", str(site))
        assert code == 0, channels["publish stderr"]
    # A package error quoting a file name with a personal number in it.
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "application.toml").write_text(
        f'[organisation]\nname = "X"\norg_number = "769612-3459"\n[[documents]]\npath = "saknas-{_form(5)}.pdf"\nkind = "bylaws"\n',
        encoding="utf-8")
    code, _ = call("bad package", "run", str(bad))
    assert code == 2

    files = {p: p.read_bytes().decode("utf-8", "replace") for p in [report_path, cert, html]}
    files |= {p: p.read_bytes().decode("utf-8", "replace") for p in leaky_ws.rglob("*") if p.is_file() and p.suffix != ".py"}
    files |= {p: p.read_bytes().decode("utf-8", "replace") for p in temp.rglob("*") if p.is_file()}
    files |= {p: p.read_bytes().decode("utf-8", "replace") for p in site.rglob("*") if p.is_file()}
    leaks = {name: _leaks(text) for name, text in channels.items()} | {str(p): _leaks(t) for p, t in files.items()}
    assert {k: v for k, v in leaks.items() if v} == {}
    assert any(p.name == "cache.db" for p in files), "the bylaws text should have been cached (and masked)"
