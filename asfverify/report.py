"""The HTML evidence report of a recorded run: one self-contained page a certifier can read or print."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from importlib import resources
from typing import TYPE_CHECKING, Any

from .outcomes import Decision, Outcome
from .summaries import text as summary_text

if TYPE_CHECKING:
    from .criteria import CriteriaSet
    from .model import CriterionOutcome, RequirementOutcome, Review, Run

OUTCOME_SV = {o.value: o.sv for o in Outcome}
DECISION_SV = {d.value: d.sv for d in Decision}
# Documents are hostile: nothing from them may become markup, and the page may load nothing.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def esc(value: Any) -> str:
    """HTML-escape any value (quotes too, so it is safe inside attributes)."""
    return html.escape("" if value is None else str(value), quote=True)


SHORT_WORD = 3  # matched words this short (i, av, en) are marked only as whole words


def _word_pattern(word: str) -> str | None:
    """A regex for a matched word or phrase as verifiers record it (lower-cased, often a word stem)."""
    parts = word.split()
    if not parts:
        return None
    # Whitespace in a phrase may be any run of whitespace in the excerpt (line breaks).
    pattern = r"\s+".join(re.escape(part) for part in parts)
    if re.match(r"\w", word[0]):
        pattern = r"(?<!\w)" + pattern  # never inside a word: "en" must not mark "Föreningen"
    if re.match(r"\w", word[-1]):
        # A stem marks the whole inflected word ("medlemmarna" -> "medlemmarnas"); a short word only itself.
        pattern += r"(?!\w)" if len(parts[-1]) <= SHORT_WORD else r"\w*"
    return pattern


def _spans(text: str, words: Iterable[str]) -> list[tuple[int, int]]:
    """Merged (start, end) spans of every case-insensitive occurrence of the words in text."""
    found: list[tuple[int, int]] = []
    for word in words:
        word = (word or "").strip()
        pattern = _word_pattern(word)
        if pattern is None:
            continue
        hits = [(m.start(), m.end()) for m in re.finditer(pattern, text, flags=re.IGNORECASE) if m.end() > m.start()]
        if not hits and len(word) > SHORT_WORD:
            # Part of a compound ("förbund" in "samordningsförbund"): still show where it is.
            loose = r"\s+".join(re.escape(part) for part in word.split())
            hits = [(m.start(), m.end()) for m in re.finditer(loose, text, flags=re.IGNORECASE)]
        found.extend(hits)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        # Neighbouring words with only whitespace between them read better as one mark.
        if merged and (start <= merged[-1][1] or text[merged[-1][1]:start].isspace()):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def highlight(excerpt: str, words: Sequence[str] = ()) -> str:
    """The excerpt escaped, with each matched word or phrase wrapped in <mark>."""
    out: list[str] = []
    pos = 0
    for start, end in _spans(excerpt, words):
        out.append(esc(excerpt[pos:start]))
        out.append(f"<mark>{esc(excerpt[start:end])}</mark>")
        pos = end
    out.append(esc(excerpt[pos:]))
    return "".join(out)


def bi(sv: str, en: str) -> str:
    """A Swedish label with its English subtitle (both static text, never document content)."""
    return f'{sv} <span class="en" lang="en">{en}</span>'


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], css_class: str = "") -> str:
    """A table of ready-made (escaped) cells; the header row repeats on every printed page."""
    cls = f' class="{css_class}"' if css_class else ""
    head = "".join(f"<th>{h}</th>" for h in headers)
    rows_html = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table{cls}><thead><tr>{head}</tr></thead><tbody>{rows_html}</tbody></table>"


def _facts(pairs: Iterable[tuple[str, str]]) -> str:
    return '<dl class="facts">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in pairs) + "</dl>"


def _label(outcome: str) -> str:
    """An outcome or decision as "svenska / code" (the code is what --json and the ledger say)."""
    sv = OUTCOME_SV.get(outcome) or DECISION_SV.get(outcome) or outcome
    return outcome if sv == outcome else f"{sv} / {outcome}"


def _badge(outcome: str) -> str:
    return f'<span class="outcome o-{esc(outcome)}">{esc(_label(outcome))}</span>'


def _both(render: Callable[[], str]) -> str:
    """A catalogue message (`render` calls _()) in Swedish with its English subtitle, whatever --lang says."""
    from .i18n import in_language

    with in_language("sv"):
        sv = render()
    with in_language("en"):
        en = render()
    if sv == en:  # a text without a translation (a certifier's own criteria file): once
        return esc(sv)
    return f'{esc(sv)} <span class="en" lang="en">{esc(en)}</span>'


def _document_label(sha256: str | None, documents_by_sha: Mapping[str, Mapping[str, Any]]) -> str:
    if not sha256:
        return bi("ansökan", "(application manifest)")
    doc = documents_by_sha.get(sha256)
    if doc is None:
        return f'{bi("okänt dokument", "(unknown document)")} <code>{esc(sha256[:16])}…</code>'
    return f'<b>{esc(doc.get("path"))}</b> <span class="en" lang="en">({esc(doc.get("kind"))})</span>'


def _evidence_html(ev: Mapping[str, Any], documents_by_sha: Mapping[str, Mapping[str, Any]]) -> str:
    where = [_document_label(ev.get("document"), documents_by_sha)]
    if ev.get("page"):
        where.append(f"{bi('sida', 'page')} {esc(ev['page'])}")
    if ev.get("rule"):
        where.append(f"{bi('regel', 'rule')} <code>{esc(ev['rule'])}</code>")
    matched = [str(w) for w in ev.get("matched") or []]
    parts = [f'<div class="evidence"><div class="where">{" · ".join(where)}</div>']
    excerpt = str(ev.get("excerpt") or "")
    if excerpt:
        parts.append(f'<blockquote class="excerpt">{highlight(excerpt, matched)}</blockquote>')
    else:
        parts.append(f'<div class="none">{bi("inget utdrag", "(no excerpt)")}</div>')
    if matched:
        parts.append(f'<div class="meta">{bi("träffar", "matched")}: {esc(", ".join(matched))}</div>')
    if ev.get("note"):
        parts.append(f'<div class="meta">{esc(ev["note"])}</div>')
    parts.append("</div>")
    return "".join(parts)


def _trace_html(trace: Sequence[Mapping[str, Any]]) -> str:
    rows = []
    for step in trace:
        # Plugins record matched words either as `words` or as the `matched` list itself.
        words = step.get("words") or (step["matched"] if isinstance(step.get("matched"), list) else [])
        matched = bool(step.get("matched"))
        excerpt = str(step.get("excerpt") or "")
        cell = highlight(excerpt, [str(w) for w in words or []]) if excerpt and matched else ""
        why = f'<div class="meta">{esc(step["why"])}</div>' if step.get("why") else ""
        rows.append((
            f"<code>{esc(step.get('rule', '?'))}</code>",
            bi("träff", "matched") if matched else bi("ingen träff", "no match"),
            esc(step.get("page") or ""),
            esc(step.get("effect") or ""),
            cell + why,
        ))
    headers = [bi("regel", "rule"), bi("utfall", "result"), bi("sida", "page"), bi("verkan", "effect"), bi("utdrag", "excerpt")]
    return f"<h4>{bi('Prövade regler', 'rules tried')}</h4>" + _table(headers, rows, "trace")


def _metrics_html(metrics: Mapping[str, Any]) -> str:
    if not metrics:
        return ""
    items = ", ".join(f"{esc(k)} = {esc(v)}" for k, v in sorted(metrics.items()))
    return f'<div class="meta">{bi("mått", "metrics")}: {items}</div>'


def _result_html(result: Mapping[str, Any], documents_by_sha: Mapping[str, Mapping[str, Any]],
                 leaf_hashes: Mapping[int, str]) -> str:
    index = result.get("index")
    leaf = leaf_hashes.get(index) if isinstance(index, int) else None
    leaf_text = f" · {bi('lövhash', 'leaf hash')} <code>{esc(leaf)}</code>" if leaf else ""
    parts = [
        '<div class="result">',
        f"<div>{_badge(str(result.get('outcome')))} <b>{esc(result.get('verifier'))}</b> {esc(result.get('version'))}"
        f" <span class=\"meta\">{bi('insticksmodul', 'plugin')} {esc(result.get('plugin'))}</span></div>",
        f'<p class="summary">{esc(summary_text(result))}</p>',  # in the reader's language (summaries.py)
        f'<div class="meta">{bi("liggarpost", "ledger entry")} {esc(index)}{leaf_text}</div>',
        _metrics_html(result.get("metrics") or {}),
    ]
    evidence = result.get("evidence") or []
    if evidence:
        parts.append(f"<h4>{bi('Belägg', 'evidence')} ({len(evidence)})</h4>")
        parts.extend(_evidence_html(ev, documents_by_sha) for ev in evidence)
    else:
        parts.append(f'<div class="none">{bi("inga belägg", "(no evidence)")}</div>')
    if result.get("trace"):
        parts.append(_trace_html(result["trace"]))
    parts.append("</div>")
    return "".join(parts)


def _review_html(review: Review, in_force: bool) -> str:
    state = bi("gällande", "in force") if in_force else bi("ersatt", "superseded")
    return (
        '<div class="review">'
        f"<div><b>{bi('Granskning', 'review')}</b> {_badge(str(review.outcome))} · {state}</div>"
        f"<div>{bi('granskare', 'reviewer')}: <b>{esc(review.reviewer)}</b> · "
        f"{bi('tid', 'time')}: {esc(review.time)} · {bi('liggarpost', 'ledger entry')} {esc(review.index)}</div>"
        f"<div>{bi('anteckning', 'note')}: {esc(review.note)}</div>"
        "</div>"
    )


def _requirement_html(requirement: RequirementOutcome, state: Run, evidence_text: str,
                      documents_by_sha: Mapping[str, Mapping[str, Any]], leaf_hashes: Mapping[int, str]) -> str:
    rid = requirement.id
    heading = f"<h3>{esc(rid)} {_badge(str(requirement.outcome))}"
    if requirement.reviewed:
        heading += (f" <span class=\"meta\">{bi('maskinens utfall', 'machine outcome')}: {esc(_label(str(requirement.machine_outcome)))},"
                    f" {bi('ersatt efter granskning', 'replaced by review')}</span>")
    parts = [f'<section class="requirement" id="req-{esc(rid)}">', heading + "</h3>"]
    if evidence_text:
        from .i18n import _

        # The shipped requirement texts are catalogue msgids (asfverify/data/*.toml).
        parts.append(f'<div class="meta">{bi("underlag", "evidence expected")}: {_both(lambda: _(evidence_text))}</div>')
    results = state.results_for(rid)
    if not results:
        from .i18n import _
        from .output import missing_text

        parts.append('<p class="none">' + _both(lambda: _("The requirement is missing: {why}.", why=missing_text(requirement)))
                     + "</p>")
    parts.extend(_result_html(r, documents_by_sha, leaf_hashes) for r in results)
    reviews = state.reviews_of(rid)
    parts.extend(_review_html(r, in_force=(i == len(reviews) - 1)) for i, r in enumerate(reviews))
    parts.append("</section>")
    return "".join(parts)


def _header_html(state: Run, generated: str) -> str:
    org = state.organisation
    decision = state.decision
    machine = ""
    if decision != state.machine_decision:
        machine = f' <span class="meta">{bi("maskinens beslut", "machine decision")}: {esc(_label(str(state.machine_decision)))}</span>'
    facts = [
        (bi("Organisation", "organisation"), esc(org.get("name"))),
        (bi("Organisationsnummer", "org. number"), esc(org.get("org_number"))),
        *([(bi("Juridisk form", "legal form"), esc(org.get("legal_form")))] if org.get("legal_form") else []),
        (bi("Referensdag", "reference date"), esc(state.reference_date) + (
            " " + bi("(dagens datum: application.toml anger inget reference_date)",
                     "(today: application.toml sets no reference_date)") if state.reference_date_defaulted else "")),
        (bi("Kriterier", "criteria set"), esc(state.criteria_set)),
        (bi("Körning", "run"), f'<span class="mono">{esc(state.run_id)}</span>'),
        (bi("Körd", "run at"), esc(state.time)),
        (bi("Rapport skapad", "report generated"), esc(generated)),
    ]
    parts = [
        "<header>",
        "<h1>Bevisrapport: arbetsintegrerande socialt företag</h1>",
        '<span class="en" lang="en">Evidence report: work-integrating social enterprise (ASF)</span>',
        f'<div class="decision">{bi("Beslut", "decision")}: {_badge(decision)}{machine}</div>',
        _facts(facts),
        "</header>",
    ]
    open_items = state.open_requirements()
    if open_items:
        parts.append(f"<p>{bi('Öppna krav', 'open requirements')}: {esc(', '.join(open_items))}</p>")
    return "".join(parts)


def _overview_html(criteria: Sequence[CriterionOutcome]) -> str:
    rows = []
    for c in criteria:
        reqs = ", ".join(f'<a href="#req-{esc(r.id)}">{esc(r.id)}</a> {esc(r.outcome.sv)}' for r in c.requirements)
        info = "" if c.required else " " + bi("(informativt)", "(informative)")
        rows.append((f'<b><a href="#crit-{esc(c.id)}">{esc(c.id)}</a></b>{info}', _badge(c.outcome), reqs))
    headers = [bi("Kriterium", "criterion"), bi("Utfall", "outcome"), bi("Krav", "requirements")]
    return f"<h2>{bi('Översikt', 'overview')}</h2>" + _table(headers, rows)


def _criteria_html(state: Run, criteria: Sequence[CriterionOutcome], criteria_set: CriteriaSet | None,
                   documents_by_sha: Mapping[str, Mapping[str, Any]], leaf_hashes: Mapping[int, str]) -> str:
    texts = {c.id: c for c in criteria_set.criteria} if criteria_set else {}
    requirement_texts = {q.id: q.evidence for c in texts.values() for q in c.requirements}
    parts = [f"<h2>{bi('Kriterier och belägg', 'criteria and evidence')}</h2>"]
    shown: set[str] = set()
    for c in criteria:
        text = texts.get(c.id)
        info = "" if c.required else " " + bi("(informativt, påverkar inte beslutet)", "(informative, does not change the decision)")
        parts.append(f'<section class="criterion" id="crit-{esc(c.id)}"><h3>{esc(c.id)} {_badge(c.outcome)}{info}</h3>')
        if text is not None:
            parts.append(f'<p class="criterion-text">{esc(text.sv)}<br><span class="en" lang="en">{esc(text.en)}</span></p>')
        for r in c.requirements:
            shown.add(r.id)
            parts.append(_requirement_html(r, state, requirement_texts.get(r.id, ""), documents_by_sha, leaf_hashes))
        parts.append("</section>")
    # Results for requirements outside the criteria set must still be visible: nothing is hidden.
    others = [r for r in state.results if r.get("requirement") not in shown]
    if others:
        parts.append(f"<h2>{bi('Övriga resultat', 'other results (requirements outside the criteria set)')}</h2>")
        parts.extend(f"<h3>{esc(r.get('requirement'))}</h3>" + _result_html(r, documents_by_sha, leaf_hashes) for r in others)
    return "".join(parts)


def _documents_html(documents: Sequence[Mapping[str, Any]]) -> str:
    rows = [(esc(d.get("path")), esc(d.get("kind")), f'<span class="mono">{esc(d.get("sha256"))}</span>') for d in documents]
    return f"<h2>{bi('Dokument', 'documents')}</h2>" + _table([bi("Fil", "file"), bi("Slag", "kind"), "SHA-256"], rows)


def _reviews_html(reviews: Sequence[Review]) -> str:
    heading = f"<h2>{bi('Granskningar', 'reviews')}</h2>"
    if not reviews:
        return heading + '<p class="none">Inga granskningar registrerade. <span class="en" lang="en">No reviews recorded.</span></p>'
    headers = [bi("Krav", "requirement"), bi("Utfall", "outcome"), bi("Granskare", "reviewer"), bi("Tid", "time"),
               bi("Anteckning", "note"), bi("Liggarpost", "entry")]
    rows = [(esc(r.requirement), _badge(str(r.outcome)), esc(r.reviewer), esc(r.time), esc(r.note), esc(r.index))
            for r in reviews]
    return heading + _table(headers, rows)


def _checkpoint_facts(checkpoint: str) -> str:
    lines = checkpoint.splitlines()
    if len(lines) >= 3 and lines[1].isdigit():
        return _facts([
            (bi("logg", "origin"), f'<span class="mono">{esc(lines[0])}</span>'),
            (bi("storlek", "tree size"), esc(lines[1])),
            (bi("rothash", "root hash"), f'<span class="mono">{esc(lines[2])}</span>'),
        ])
    return ""


def _ledger_html(state: Run, checkpoint: str) -> str:
    result_indexes = sorted(r["index"] for r in state.results if isinstance(r.get("index"), int))
    review_indexes = ", ".join(str(r.index) for r in state.reviews)
    return "".join([
        f"<h2>{bi('Liggare', 'ledger')}</h2>",
        _facts([
            (bi("Körningens post", "run entry"), esc(state.run_index)),
            (bi("Resultatposter", "result entries"), esc(", ".join(map(str, result_indexes)) or "–")),
            (bi("Beslutspost", "decision entry"), esc(state.decision_index)),
            (bi("Granskningsposter", "review entries"), esc(review_indexes or "–")),
        ]),
        f"<h4>{bi('Signerad kontrollpunkt', 'signed checkpoint (C2SP signed note)')}</h4>",
        _checkpoint_facts(checkpoint),
        f'<pre class="checkpoint">{esc(checkpoint)}</pre>',
        '<p class="meta">Varje post kan bevisas mot kontrollpunkten med <code>asfverify ledger prove INDEX</code>. '
        '<span class="en" lang="en">Each entry can be proved against the checkpoint with '
        "<code>asfverify ledger prove INDEX</code>.</span></p>",
    ])


def _certificates_html(certificates: Sequence[Mapping[str, Any]]) -> str:
    if not certificates:
        return ""
    headers = [bi("Certifikat-id", "certificate id"), bi("Giltigt från", "valid from"), bi("Giltigt till", "valid until"),
               bi("Liggarpost", "entry"), bi("Återkallat", "revoked")]
    rows = [(f'<span class="mono">{esc(c.get("cert_id"))}</span>', esc(c.get("valid_from")), esc(c.get("valid_until")),
             esc(c.get("index")), esc(c.get("revoked") or "–")) for c in certificates]
    return f"<h2>{bi('Utfärdade certifikat', 'certificates issued')}</h2>" + _table(headers, rows)


def certificates_of(ledger: Any, run_id: str) -> list[dict[str, Any]]:
    """Certificates issued for the run, each with its ledger index and revocation (reason, entry) if any."""
    revoked = {e.entry.get("cert_id"): e for e in ledger.entries(kind="revocation")}
    out = []
    for item in ledger.entries(kind="certificate", run_id=run_id):
        cert = dict(item.entry) | {"index": item.index}
        revocation = revoked.get(cert.get("cert_id"))
        if revocation is not None:
            cert["revoked"] = f"{revocation.entry.get('reason', '')} (liggarpost / entry {revocation.index})"
        out.append(cert)
    return out


def render_report(
    state: Run,
    checkpoint: str,
    *,
    criteria_set: CriteriaSet | None = None,
    leaf_hashes: Mapping[int, str] | None = None,
    certificates: Sequence[Mapping[str, Any]] = (),
    generated: str | None = None,
) -> str:
    """The run as one self-contained HTML page: criteria, requirements, results, evidence, reviews, ledger."""
    leaf_hashes = leaf_hashes or {}
    generated = generated or dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    documents_by_sha = {str(d.get("sha256")): d for d in state.documents if d.get("sha256")}
    criteria = state.criteria
    css = (resources.files("asfverify") / "templates" / "report.css").read_text(encoding="utf-8")
    org = state.organisation
    title = f"Bevisrapport – {org.get('name', '')} ({org.get('org_number', '')})"
    sections = [
        _header_html(state, generated),
        _overview_html(criteria),
        _criteria_html(state, criteria, criteria_set, documents_by_sha, leaf_hashes),
        _documents_html(state.documents),
        _reviews_html(state.reviews),
        _certificates_html(certificates),
        _ledger_html(state, checkpoint),
        f'<div class="foot">asfverify · {esc(state.criteria_set)} · körning <span class="en" lang="en">run</span>'
        f' {esc(state.run_id)} · {esc(generated)}</div>',
    ]
    return (
        "<!DOCTYPE html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">\n"
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>\n{css}</style>\n</head>\n<body>\n"
        + "\n".join(sections)
        + "\n</body>\n</html>\n"
    )


def build_report(
    ledger: Any,
    run_id: str,
    *,
    criteria_search: Iterable[Any] = (),
    extra_criteria: Iterable[Any] = (),
    generated: str | None = None,
) -> str:
    """Load RUN from the ledger (BadInput when unknown) and render its report with the latest checkpoint.

    `extra_criteria` are criteria plugins add (criteria.Criterion), so their texts show too.
    """
    from . import criteria as criteria_mod
    from .errors import BadInput
    from .runs import load_run

    state = load_run(ledger, run_id)
    try:
        criteria_set = criteria_mod.load(state.criteria_set, list(criteria_search))
    except BadInput:
        criteria_set = None  # a set no longer installed: ids without their texts
    if criteria_set is not None and extra_criteria:
        criteria_set = criteria_set.with_extra(extra_criteria)
    indexes = [r["index"] for r in state.results if isinstance(r.get("index"), int)]
    leaf_hashes = {i: ledger.get(i).leaf_hash for i in indexes}
    return render_report(state, ledger.checkpoint(), criteria_set=criteria_set, leaf_hashes=leaf_hashes,
                         certificates=certificates_of(ledger, state.run_id), generated=generated)
