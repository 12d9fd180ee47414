"""C2.ratio: at least 51 % of the employees on the reference date were eligible for lönestöd at hiring.

Reads the employer's employee list (CSV, XLSX or PDF table; DESIGN.md §4), counts each person once,
and reports only totals: no personnummer, name or per-person subsidy leaves this module.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Iterable

from ..errors import DocumentError
from ..payroll.sources import NeedsHuman, open_source
from ..payroll.subsidy import SubsidyMatcher
from ..payroll.tally import DocumentTally, Tally, Totals
from ..payroll.text import fold
from ..payroll.values import RATE_SCALE, decimal_text
from ..verifier import Application, BaseVerifier, Context, Evidence, Result

REQUIREMENT = "C2.ratio"
DEFAULT_THRESHOLD = 51
DEFAULT_LOU_SHARE = 30


class PayrollVerifier(BaseVerifier):
    """Decides C2.ratio from the payroll/employee list."""

    name = "payroll"
    version = "1.0"
    requirements = (REQUIREMENT,)
    document_kinds = ("payroll",)

    def verify(self, application: Application, context: Context) -> Iterable[Result]:
        documents = application.documents_of("payroll")
        if not documents:
            return []
        policy = dict(getattr(context, "policy", None) or {})
        reference = application.reference_date
        try:
            threshold = _percent(policy.get("threshold_percent", DEFAULT_THRESHOLD), "threshold_percent")
            lou_share = _percent(policy.get("lou_share_percent", DEFAULT_LOU_SHARE), "lou_share_percent")
            matcher = SubsidyMatcher(policy.get("subsidy_forms"), policy.get("no_subsidy_values"))
        except DocumentError as exc:
            return [Result(REQUIREMENT, "error", f"The criteria set's payroll policy is unusable: {exc}.")]
        tally = Tally(reference_date=reference, matcher=matcher, pseudonymise=context.pseudonymise)
        evidence: list[Evidence] = []
        several = len(documents) > 1
        for document in documents:
            mapping = (getattr(document, "options", None) or {}).get("columns")
            try:
                source = open_source(document, mapping)
                done = tally.add_document(document.path, source.rows(), mapping, f"{document.path} " if several else "")
            except NeedsHuman as exc:
                return [Result(REQUIREMENT, "review", f"{exc}.", evidence=[Evidence(document=document.sha256, excerpt=f"{document.path}: not machine-readable")])]
            except DocumentError as exc:
                return [_error(document, _sentence(str(exc)))]
            except Exception as exc:  # noqa: BLE001
                # A library's message may quote the cell it choked on (a name, a personnummer): only its type goes out.
                return [_error(document, f"{document.path} could not be read ({type(exc).__name__}).")]
            evidence.append(Evidence(
                document=document.sha256,
                page=(source.page or _header_page(document, done)) if source.format == "pdf" else None,
                excerpt=f"{done.rows} rows, columns: {done.columns.describe()} ({source.format.upper()}, {source.detail})",
            ))
        return [_result(tally, tally.totals(), threshold, lou_share, evidence)]


def _result(tally: Tally, totals: Totals, threshold: Fraction, lou_share: Fraction, evidence: list[Evidence]) -> Result:
    day = tally.reference_date.isoformat()
    n, e = totals.employees, totals.eligible
    rows = sum(d.rows for d in tally.documents)
    skipped = sum(d.blank_rows + d.repeated_headers for d in tally.documents)
    metrics: dict[str, Any] = {
        "employees": n,
        "eligible": e,
        "eligible_unknown": totals.unsure,
        "ratio": f"{e}/{n}",
        "threshold_percent": decimal_text(threshold),
        "reference_date": day,
        "rows": rows,
        "rows_skipped": skipped,
        "rows_unreadable": tally.unreadable.total,
        "hired_after_reference_date": tally.hired_after,
        "ended_before_reference_date": tally.ended_before,
        "duplicate_rows": tally.duplicate_rows,
        "personal_numbers_validated": tally.personal_numbers,
    }
    lou_key = f"lou_{decimal_text(lou_share).replace('.', '_')}_percent_met"
    if n:
        metrics["percent"] = str(e * 100 // n)
        metrics[lou_key] = "yes" if e * 100 >= lou_share * n else "no"
    else:
        metrics[lou_key] = "no"
    if tally.rate_column:
        if tally.rate_unreadable:
            metrics["rate_unreadable_rows"] = tally.rate_unreadable
        elif totals.rate_all:
            # Rates all ≤ 1 are fractions of full time (0,75), not percent; the ratio is the same either way.
            scale = 100 * RATE_SCALE if tally.max_rate > RATE_SCALE else RATE_SCALE
            fte_all = Fraction(totals.rate_all, scale)
            fte_eligible = Fraction(totals.rate_eligible, scale)
            metrics["fte_employees"] = decimal_text(fte_all)
            metrics["fte_eligible"] = decimal_text(fte_eligible)
            metrics["fte_ratio"] = f"{decimal_text(fte_eligible)}/{decimal_text(fte_all)}"
            metrics["fte_percent"] = str(totals.rate_eligible * 100 // totals.rate_all)

    trace = [
        {"rule": "columns", "matched": True, "page": ev.page, "excerpt": ev.excerpt, "effect": "read"}
        for ev in evidence
    ]
    trace.append({
        "rule": "employed on reference date", "matched": n > 0, "page": None,
        "excerpt": f"{n} employed on {day}; {tally.ended_before} rows ended before, {tally.hired_after} rows hired after, "
                   f"{tally.duplicate_rows} repeated person rows",
        "effect": "denominator",
    })

    problems = _problems(tally)
    for text in problems:
        trace.append({"rule": "needs a human", "matched": True, "page": None, "excerpt": text, "effect": "review"})

    meets = n > 0 and e * 100 >= threshold * n
    required = f"{decimal_text(threshold)} % required"
    if n:
        base = (f"{e} of {n} employees on {day} ({e * 100 // n} %) were eligible for lönestöd at hiring; {required}")
    else:
        base = (f"No employee in the payroll list was employed on {day} ({rows} rows read), "
                f"so the {decimal_text(threshold)} % requirement is not met")
    trace.append({
        "rule": "threshold", "matched": meets, "page": None,
        "excerpt": f"{e} × 100 {'≥' if meets else '<'} {decimal_text(threshold)} × {n}",
        "effect": "pass" if meets else "fail",
    })
    if problems:
        outcome = "review"
        best = n > 0 and (e + totals.unsure) * 100 >= threshold * n
        if totals.unsure and not tally.unreadable.total:
            hint = " (the ratio is met either way)" if meets else ("" if best else " (not met either way)")
        else:
            hint = ""
        summary = f"{base}; a human must check {'; '.join(problems)}{hint}."
    else:
        outcome = "pass" if meets else "fail"
        summary = f"{base}."
    return Result(REQUIREMENT, outcome, summary, evidence=evidence, metrics=metrics, trace=trace)


def _problems(tally: Tally) -> list[str]:
    out = []
    for reason, count in tally.unreadable.counts.items():
        named = ", ".join(tally.unreadable.rows[reason])
        more = f" and {count - len(tally.unreadable.rows[reason])} more" if count > len(tally.unreadable.rows[reason]) else ""
        out.append(f"{count} row{'s' if count != 1 else ''} with {reason} ({named}{more})")
    if tally.unknown_rows:
        shown = sorted(tally.unknown_values.items(), key=lambda kv: (-kv[1], kv[0]))
        # Many distinct unknown values suggest the wrong column (names?): quote none of them then.
        if shown and len(shown) <= 5:
            parts = ", ".join(f"'{value}' ({count} row{'s' if count != 1 else ''})" for value, count in shown)
            rest = tally.unknown_unnamed
            out.append(f"unknown subsidy or eligibility value {parts}" + (f" and {rest} other row(s)" if rest else ""))
        else:
            out.append(f"{tally.unknown_rows} row(s) with an unknown subsidy or eligibility value")
    return out


def _percent(value: Any, key: str) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise DocumentError(f"policy.{key} must be a number")
    try:
        result = Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        raise DocumentError(f"policy.{key} must be a number") from None
    if not 0 <= result <= 100:
        raise DocumentError(f"policy.{key} must be between 0 and 100")
    return result


def _header_page(document: Any, done: DocumentTally) -> int | None:
    """The first PDF page whose text holds every matched header (1-based), for the evidence."""
    if done.columns is None:
        return None
    try:
        pages = document.pages()
    except Exception:
        return None
    wanted = [fold(h) for h in done.columns.header.values()]
    for number, text in enumerate(pages, start=1):
        folded = fold(text or "")
        if all(w in folded for w in wanted):
            return number
    return None


def _error(document: Any, summary: str) -> Result:
    evidence = [Evidence(document=document.sha256, excerpt=f"{document.path}: unreadable payroll list")]
    return Result(REQUIREMENT, "error", summary, evidence=evidence)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith(".") else text + "."
