"""The HTML evidence report of a recorded run: one self-contained page a certifier can read or print."""

from __future__ import annotations

import datetime as dt
import html
import re
from importlib import resources
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

if TYPE_CHECKING:
    from .criteria import CriteriaSet
    from .runs import RunState

OUTCOME_SV = {
    "pass": "godkänt",
    "fail": "underkänt",
    "review": "granskas",
    "missing": "saknas",
    "error": "fel",
}
DECISION_SV = {
    "certifiable": "kan certifieras",
    "needs-review": "behöver granskning",
    "rejected": "avslås",
}
# Documents are hostile: nothing from them may become markup, and the page may load nothing.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def esc(value: Any) -> str:
    """HTML-escape any value (quotes too, so it is safe inside attributes)."""
    return html.escape("" if value is None else str(value), quote=True)


def _spans(text: str, words: Iterable[str]) -> list[tuple[int, int]]:
    """Merged (start, end) spans of every case-insensitive occurrence of the words in text."""
    found: list[tuple[int, int]] = []
    for word in words:
        word = (word or "").strip()
        if not word:
            continue
        # Whitespace in a matched phrase may be any run of whitespace in the excerpt (line breaks).
        pattern = r"\s+".join(re.escape(part) for part in word.split())
        found.extend((m.start(), m.end()) for m in re.finditer(pattern, text, flags=re.IGNORECASE) if m.end() > m.start())
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
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


def _badge(outcome: str) -> str:
    sv = OUTCOME_SV.get(outcome) or DECISION_SV.get(outcome) or outcome
    label = outcome if sv == outcome else f"{sv} / {outcome}"
    return f'<span class="outcome o-{esc(outcome)}">{esc(label)}</span>'


def _document_label(sha256: str | None, documents_by_sha: Mapping[str, Mapping[str, Any]]) -> str:
    if not sha256:
        return 'ansökan <span class="en">(application manifest)</span>'
    doc = documents_by_sha.get(sha256)
    if doc is None:
        return f'okänt dokument <span class="en">(unknown document)</span> <code>{esc(sha256[:16])}…</code>'
    return f'<b>{esc(doc.get("path"))}</b> <span class="en">({esc(doc.get("kind"))})</span>'


def _evidence_html(ev: Mapping[str, Any], documents_by_sha: Mapping[str, Mapping[str, Any]]) -> str:
    where = [_document_label(ev.get("document"), documents_by_sha)]
    if ev.get("page"):
        where.append(f"sida <span class=\"en\">page</span> {esc(ev['page'])}")
    if ev.get("rule"):
        where.append(f"regel <span class=\"en\">rule</span> <code>{esc(ev['rule'])}</code>")
    matched = [str(w) for w in ev.get("matched") or []]
    parts = [f'<div class="evidence"><div class="where">{" · ".join(where)}</div>']
    excerpt = str(ev.get("excerpt") or "")
    if excerpt:
        parts.append(f'<blockquote class="excerpt">{highlight(excerpt, matched)}</blockquote>')
    else:
        parts.append('<div class="none">inget utdrag <span class="en">(no excerpt)</span></div>')
    if matched:
        parts.append(f'<div class="meta">träffar <span class="en">matched</span>: {esc(", ".join(matched))}</div>')
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
        rows.append(
            f"<tr><td><code>{esc(step.get('rule', '?'))}</code></td>"
            f"<td>{'träff' if matched else 'ingen träff'} <span class=\"en\">{'matched' if matched else 'no match'}</span></td>"
            f"<td>{esc(step.get('page') or '')}</td><td>{esc(step.get('effect') or '')}</td><td>{cell}{why}</td></tr>"
        )
    return (
        '<h4>Prövade regler <span class="en">rules tried</span></h4><table class="trace">'
        "<tr><th>regel <span class=\"en\">rule</span></th><th>utfall <span class=\"en\">result</span></th>"
        "<th>sida <span class=\"en\">page</span></th><th>verkan <span class=\"en\">effect</span></th>"
        "<th>utdrag <span class=\"en\">excerpt</span></th></tr>" + "".join(rows) + "</table>"
    )


def _metrics_html(metrics: Mapping[str, Any]) -> str:
    if not metrics:
        return ""
    items = ", ".join(f"{esc(k)} = {esc(v)}" for k, v in sorted(metrics.items()))
    return f'<div class="meta">mått <span class="en">metrics</span>: {items}</div>'


def _result_html(result: Mapping[str, Any], documents_by_sha: Mapping[str, Mapping[str, Any]],
                 leaf_hashes: Mapping[int, str]) -> str:
    index = result.get("index")
    leaf = leaf_hashes.get(index) if isinstance(index, int) else None
    leaf_text = f" · lövhash <span class=\"en\">leaf hash</span> <code>{esc(leaf)}</code>" if leaf else ""
    parts = [
        '<div class="result">',
        f"<div>{_badge(str(result.get('outcome')))} <b>{esc(result.get('verifier'))}</b> {esc(result.get('version'))}"
        f" <span class=\"meta\">plugin {esc(result.get('plugin'))}</span></div>",
        f'<p class="summary">{esc(result.get("summary"))}</p>',
        f'<div class="meta">loggpost <span class="en">ledger entry</span> {esc(index)}{leaf_text}</div>',
        _metrics_html(result.get("metrics") or {}),
    ]
    evidence = result.get("evidence") or []
    if evidence:
        parts.append(f'<h4>Belägg <span class="en">evidence</span> ({len(evidence)})</h4>')
        parts.extend(_evidence_html(ev, documents_by_sha) for ev in evidence)
    else:
        parts.append('<div class="none">inga belägg <span class="en">(no evidence)</span></div>')
    if result.get("trace"):
        parts.append(_trace_html(result["trace"]))
    parts.append("</div>")
    return "".join(parts)


def _review_html(review: Mapping[str, Any], latest: bool) -> str:
    state = "gällande <span class=\"en\">in force</span>" if latest else "ersatt <span class=\"en\">superseded</span>"
    return (
        '<div class="review">'
        f"<div><b>Granskning <span class=\"en\">review</span></b> {_badge(str(review.get('outcome')))} · {state}</div>"
        f"<div>granskare <span class=\"en\">reviewer</span>: <b>{esc(review.get('reviewer'))}</b> · "
        f"tid <span class=\"en\">time</span>: {esc(review.get('time'))} · "
        f"loggpost <span class=\"en\">ledger entry</span> {esc(review.get('index'))}</div>"
        f"<div>anteckning <span class=\"en\">note</span>: {esc(review.get('note'))}</div>"
        "</div>"
    )


def _requirement_html(requirement: Mapping[str, Any], state: "RunState", evidence_text: str,
                      documents_by_sha: Mapping[str, Mapping[str, Any]], leaf_hashes: Mapping[int, str]) -> str:
    rid = str(requirement["id"])
    heading = f"<h3>{esc(rid)} {_badge(str(requirement['outcome']))}"
    if "machine_outcome" in requirement:
        heading += (f" <span class=\"meta\">maskinens utfall <span class=\"en\">machine outcome</span>: "
                    f"{esc(requirement['machine_outcome'])}, ersatt efter granskning <span class=\"en\">replaced by review</span></span>")
    heading += "</h3>"
    parts = [f'<section class="requirement" id="req-{esc(rid)}">', heading]
    if evidence_text:
        parts.append(f'<div class="meta">underlag <span class="en">evidence expected</span>: {esc(evidence_text)}</div>')
    results = state.results_for(rid)
    if not results:
        parts.append('<p class="none">Ingen verifierare gav något resultat, så kravet saknas. '
                     '<span class="en">No verifier produced a result, so the requirement is missing.</span></p>')
    parts.extend(_result_html(r, documents_by_sha, leaf_hashes) for r in results)
    reviews = [r for r in state.reviews if r.get("requirement") == rid]
    parts.extend(_review_html(r, latest=(i == len(reviews) - 1)) for i, r in enumerate(reviews))
    parts.append("</section>")
    return "".join(parts)


def _checkpoint_facts(checkpoint: str) -> str:
    lines = checkpoint.splitlines()
    if len(lines) >= 3 and lines[1].isdigit():
        return (f"<dl class=\"facts\"><dt>logg <span class=\"en\">origin</span></dt><dd class=\"mono\">{esc(lines[0])}</dd>"
                f"<dt>storlek <span class=\"en\">tree size</span></dt><dd>{esc(lines[1])}</dd>"
                f"<dt>rothash <span class=\"en\">root hash</span></dt><dd class=\"mono\">{esc(lines[2])}</dd></dl>")
    return ""


def render_report(
    state: "RunState",
    checkpoint: str,
    *,
    criteria_set: "CriteriaSet | None" = None,
    leaf_hashes: Mapping[int, str] | None = None,
    generated: str | None = None,
) -> str:
    """The run as one self-contained HTML page: criteria, requirements, results, evidence, reviews, ledger."""
    leaf_hashes = leaf_hashes or {}
    generated = generated or dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    documents_by_sha = {str(d.get("sha256")): d for d in state.documents if d.get("sha256")}
    texts = {c.id: c for c in criteria_set.criteria} if criteria_set else {}
    requirement_texts = {q.id: q.evidence for c in texts.values() for q in c.requirements}
    org = state.organisation
    decision = state.decision
    css = (resources.files("asfverify") / "templates" / "report.css").read_text(encoding="utf-8")

    body: list[str] = [
        "<header>",
        "<h1>Bevisrapport: arbetsintegrerande socialt företag</h1>",
        '<span class="en">Evidence report: work-integrating social enterprise (ASF)</span>',
        f'<div class="decision">Beslut <span class="en">decision</span>: {_badge(decision)}',
    ]
    if decision != state.machine_decision:
        body.append(f' <span class="meta">maskinens beslut <span class="en">machine decision</span>: {esc(state.machine_decision)}</span>')
    body.append("</div>")
    body.append(
        '<dl class="facts">'
        f"<dt>Organisation</dt><dd>{esc(org.get('name'))}</dd>"
        f"<dt>Organisationsnummer <span class=\"en\">org. number</span></dt><dd>{esc(org.get('org_number'))}</dd>"
        + (f"<dt>Juridisk form <span class=\"en\">legal form</span></dt><dd>{esc(org.get('legal_form'))}</dd>" if org.get("legal_form") else "")
        + f"<dt>Referensdatum <span class=\"en\">reference date</span></dt><dd>{esc(state.reference_date)}</dd>"
        f"<dt>Kriterier <span class=\"en\">criteria set</span></dt><dd>{esc(state.criteria_set)}</dd>"
        f"<dt>Körning <span class=\"en\">run</span></dt><dd class=\"mono\">{esc(state.run_id)}</dd>"
        f"<dt>Körd <span class=\"en\">run at</span></dt><dd>{esc(state.time)}</dd>"
        f"<dt>Rapport skapad <span class=\"en\">report generated</span></dt><dd>{esc(generated)}</dd>"
        "</dl></header>"
    )

    open_items = state.open_requirements()
    if open_items:
        body.append(f"<p>Öppna krav <span class=\"en\">open requirements</span>: {esc(', '.join(open_items))}</p>")

    # Overview table first: the whole decision on one screen (or the first printed page).
    body.append('<h2>Översikt <span class="en">overview</span></h2><table><tr>'
                '<th>Kriterium <span class="en">criterion</span></th><th>Utfall <span class="en">outcome</span></th>'
                '<th>Krav <span class="en">requirements</span></th></tr>')
    criteria = state.criteria
    for c in criteria:
        reqs = ", ".join(f"{esc(r['id'])} {esc(OUTCOME_SV.get(r['outcome'], r['outcome']))}" for r in c["requirements"])
        info = "" if c.get("required", True) else ' <span class="en">(informativt / informative)</span>'
        body.append(f"<tr><td><b>{esc(c['id'])}</b>{info}</td><td>{_badge(c['outcome'])}</td><td>{reqs}</td></tr>")
    body.append("</table>")

    body.append('<h2>Kriterier och belägg <span class="en">criteria and evidence</span></h2>')
    shown: set[str] = set()
    for c in criteria:
        text = texts.get(c["id"])
        info = "" if c.get("required", True) else ' <span class="en">(informativt, påverkar inte beslutet / informative, does not change the decision)</span>'
        body.append(f'<section class="criterion" id="crit-{esc(c["id"])}"><h3>{esc(c["id"])} {_badge(c["outcome"])}{info}</h3>')
        if text is not None:
            body.append(f'<p class="criterion-text">{esc(text.sv)}<br><span class="en">{esc(text.en)}</span></p>')
        for r in c["requirements"]:
            shown.add(str(r["id"]))
            body.append(_requirement_html(r, state, requirement_texts.get(r["id"], ""), documents_by_sha, leaf_hashes))
        body.append("</section>")

    # Results for requirements outside the criteria set must still be visible: nothing is hidden.
    others = [r for r in state.results if r.get("requirement") not in shown]
    if others:
        body.append('<h2>Övriga resultat <span class="en">other results (requirements outside the criteria set)</span></h2>')
        body.extend(f"<h3>{esc(r.get('requirement'))}</h3>" + _result_html(r, documents_by_sha, leaf_hashes) for r in others)

    body.append('<h2>Dokument <span class="en">documents</span></h2><table><tr><th>Fil <span class="en">file</span></th>'
                '<th>Slag <span class="en">kind</span></th><th>SHA-256</th></tr>')
    for d in state.documents:
        body.append(f"<tr><td>{esc(d.get('path'))}</td><td>{esc(d.get('kind'))}</td><td class=\"mono\">{esc(d.get('sha256'))}</td></tr>")
    body.append("</table>")

    body.append('<h2>Granskningar <span class="en">reviews</span></h2>')
    if state.reviews:
        body.append("<table><tr><th>Krav <span class=\"en\">requirement</span></th><th>Utfall <span class=\"en\">outcome</span></th>"
                    "<th>Granskare <span class=\"en\">reviewer</span></th><th>Tid <span class=\"en\">time</span></th>"
                    "<th>Anteckning <span class=\"en\">note</span></th><th>Loggpost <span class=\"en\">entry</span></th></tr>")
        for r in state.reviews:
            body.append(f"<tr><td>{esc(r.get('requirement'))}</td><td>{_badge(str(r.get('outcome')))}</td><td>{esc(r.get('reviewer'))}</td>"
                        f"<td>{esc(r.get('time'))}</td><td>{esc(r.get('note'))}</td><td>{esc(r.get('index'))}</td></tr>")
        body.append("</table>")
    else:
        body.append('<p class="none">Inga granskningar registrerade. <span class="en">No reviews recorded.</span></p>')

    body.append('<h2>Logg <span class="en">ledger</span></h2>')
    result_indexes = sorted(r["index"] for r in state.results if isinstance(r.get("index"), int))
    body.append(
        '<dl class="facts">'
        f"<dt>Körningens post <span class=\"en\">run entry</span></dt><dd>{esc(state.run_index)}</dd>"
        f"<dt>Resultatposter <span class=\"en\">result entries</span></dt><dd>{esc(', '.join(map(str, result_indexes)) or '–')}</dd>"
        f"<dt>Beslutspost <span class=\"en\">decision entry</span></dt><dd>{esc(state.decision_index)}</dd>"
        f"<dt>Granskningsposter <span class=\"en\">review entries</span></dt><dd>{esc(', '.join(str(r.get('index')) for r in state.reviews) or '–')}</dd>"
        "</dl>"
    )
    body.append('<h4>Signerad kontrollpunkt <span class="en">signed checkpoint (C2SP signed note)</span></h4>')
    body.append(_checkpoint_facts(checkpoint))
    body.append(f'<pre class="checkpoint">{esc(checkpoint)}</pre>')
    body.append(
        '<p class="meta">Varje post kan bevisas mot kontrollpunkten med <code>asfverify ledger prove INDEX</code>. '
        '<span class="en">Each entry can be proved against the checkpoint with <code>asfverify ledger prove INDEX</code>.</span></p>'
    )
    body.append(f'<div class="foot">asfverify · {esc(state.criteria_set)} · run {esc(state.run_id)} · {esc(generated)}</div>')

    title = f"Bevisrapport – {org.get('name', '')} ({org.get('org_number', '')})"
    return (
        "<!DOCTYPE html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">\n"
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>\n{css}</style>\n</head>\n<body>\n"
        + "\n".join(body)
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
    return render_report(state, ledger.checkpoint(), criteria_set=criteria_set, leaf_hashes=leaf_hashes, generated=generated)
