"""C2.ratio: at least 51 % of the employees on the reference date were eligible for lönestöd at hiring.

Reads the employer's employee list (CSV, XLSX or PDF table; DESIGN.md §4), counts each person once,
and reports only totals: no personnummer, name or per-person subsidy leaves this module.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from typing import Any

from ..errors import DocumentError
from ..i18n import _, compose, language
from ..i18n import join as join_messages
from ..payroll.sources import NeedsHuman, open_source
from ..payroll.subsidy import SubsidyMatcher
from ..payroll.tally import Decisions, DocumentTally, Join, Tally, Totals
from ..payroll.text import fold
from ..payroll.values import ACCEPTED_DATE_FORMS, RATE_SCALE, decimal_text
from ..verifier import Application, BaseVerifier, Context, Evidence, Result

REQUIREMENT = "C2.ratio"
DECISIONS_KIND = "subsidy-decisions"  # a list of subsidy decisions (employee id + form), joined to the payroll
WORK_TRAINING_KIND = "work-training"  # the work-training participant list counts for LOU 4 kap. 18 §
DEFAULT_THRESHOLD = 51
DEFAULT_LOU_SHARE = 30


class PayrollVerifier(BaseVerifier):
    """Decides C2.ratio from the payroll/employee list."""

    name = "payroll"
    version = "1.0"
    requirements = (REQUIREMENT,)
    document_kinds = ("payroll", DECISIONS_KIND)

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
            return [Result(REQUIREMENT, "error", _("The criteria set's payroll policy is unusable: {problem}.", problem=exc))]
        tally = Tally(reference_date=reference, matcher=matcher, pseudonymise=context.pseudonymise)
        evidence: list[Evidence] = []
        decision_docs = application.documents_of(DECISIONS_KIND)
        decisions: Decisions | None = None
        if decision_docs:
            tally.need_subsidy = False
            decisions = Decisions()
            for document in decision_docs:
                mapping = (getattr(document, "options", None) or {}).get("columns")
                try:
                    source = open_source(document, None)
                    decisions.add(document.path, source.rows(), mapping, matcher, context.pseudonymise,
                                  f"{document.path} " if len(decision_docs) > 1 else "")
                except NeedsHuman as exc:
                    return [_needs_human(document, exc)]
                except DocumentError as exc:
                    return [_error(document, _sentence(str(exc)))]
                except Exception as exc:  # noqa: BLE001
                    return [_error(document, _("{path} could not be read ({error}).", path=document.path,
                                               error=type(exc).__name__))]
                evidence.append(Evidence(document=document.sha256, excerpt=_(
                    "{rows} decision rows, columns: {columns} ({format}, {detail})", rows=decisions.rows,
                    columns=decisions.columns.describe() if decisions.columns else "", format=source.format.upper(),
                    detail=source.detail)))
        several = len(documents) > 1
        for document in documents:
            mapping = (getattr(document, "options", None) or {}).get("columns")
            try:
                source = open_source(document, mapping)
                if source.format == "paxml" and tally.need_subsidy:
                    return [_error(document, _(
                        "{path} is a PAXml personnel file, not a CSV: it lists the staff but PAXml has no "
                        "wage-subsidy field, so C2 also needs the subsidy decisions as a `{kind}` document "
                        "(employee id and stödform), which is joined to it by anstid.", path=document.path,
                        kind=DECISIONS_KIND))]
                done = tally.add_document(document.path, source.rows(), mapping, f"{document.path} " if several else "")
            except NeedsHuman as exc:
                return [_needs_human(document, exc)]
            except DocumentError as exc:
                return [_error(document, _sentence(str(exc)))]
            except Exception as exc:  # noqa: BLE001
                # A library's message may quote the cell it choked on (a name, a personnummer): only its type goes out.
                return [_error(document, _("{path} could not be read ({error}).", path=document.path,
                                           error=type(exc).__name__))]
            evidence.append(Evidence(
                document=document.sha256,
                page=(source.page or _header_page(document, done)) if source.format == "pdf" else None,
                excerpt=_("{rows} rows, columns: {columns} ({format}, {detail})", rows=done.rows,
                          columns=done.columns.describe() if done.columns else "", format=source.format.upper(),
                          detail=source.detail),
            ))
        join = tally.join(decisions) if decisions is not None else None
        participants = _work_training_participants(application)
        return [_result(tally, tally.totals(), threshold, lou_share, evidence, join, decisions, participants)]


def _result(tally: Tally, totals: Totals, threshold: Fraction, lou_share: Fraction, evidence: list[Evidence],
            join: Join | None = None, decisions: Decisions | None = None, participants: int | None = None) -> Result:
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
    # LOU 4 kap. 18 §: the share of everyone the organisation employs in any form (employees and
    # work-training participants) who belong to the target group (docs/payroll.md). Integers only.
    in_training = participants or 0
    lou_people, lou_target = n + in_training, e + in_training
    metrics["lou_people"] = lou_people
    metrics["lou_target_group"] = lou_target
    metrics["lou_work_training_participants"] = in_training
    metrics["lou_percent"] = lou_target * 100 // lou_people if lou_people else 0
    if n:
        metrics["percent"] = str(e * 100 // n)
    metrics[lou_key] = "yes" if lou_people and lou_target * 100 >= lou_share * lou_people else "no"
    if join is not None:
        metrics["join_matched"] = join.matched
        metrics["join_employees_without_decision"] = join.employees_without_decision
        metrics["join_decisions_without_employee"] = join.decisions_without_employee
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
        {"rule": "columns", "matched": True, "page": ev.page, "excerpt": ev.excerpt, "effect": _("read")}
        for ev in evidence
    ]
    trace.append({
        "rule": _("employed on reference date"), "matched": n > 0, "page": None,
        "excerpt": _("{n} employed on {day}; {ended} rows ended before, {hired} rows hired after, {repeated} repeated "
                     "person rows", n=n, day=day, ended=tally.ended_before, hired=tally.hired_after,
                     repeated=tally.duplicate_rows),
        "effect": _("denominator"),
    })

    problems = _problems(tally)
    if decisions is not None:
        problems += _problems_of(decisions.unreadable, _("the subsidy-decisions list: "))
        if join is not None and join.unsure:
            problems.append(_("{n} decision(s) with an unknown subsidy form", n=join.unsure))
    decision_like = [h for d in tally.documents for h in d.decision_headers]
    if decision_like:
        problems.append(_(
            "the employee list reads as a list of subsidy decisions (headers {headers}): such a list holds only the "
            "subsidised people, so it does not show the whole staff on {day}; submit the complete employee list as "
            "`payroll` and the decisions as `{kind}`", headers=", ".join(repr(h) for h in decision_like[:3]), day=day,
            kind=DECISIONS_KIND))
    elif n >= 2 and e == n and join is None:
        problems.append(_(
            "every one of the {n} people on the list is subsidised, which is what a list of subsidy decisions looks "
            "like: check that it is the complete staff on {day} (or submit the decisions as `{kind}` beside the full "
            "employee list)", n=n, day=day, kind=DECISIONS_KIND))
    for text in problems:
        trace.append({"rule": _("needs a human"), "matched": True, "page": None, "excerpt": text, "effect": "review"})

    meets = n > 0 and e * 100 >= threshold * n
    required = _("{threshold} % required", threshold=_decimal(threshold))
    bad = tally.unreadable.total
    if bad:
        # The ratio over the readable rows only is not the organisation's ratio: say that first.
        base = _("{bad} of {rows} rows could not be read, so the share of eligible employees on {day} is unknown "
                 "({required}); the readable rows alone give {e} of {n}", bad=bad, rows=rows, day=day,
                 required=required, e=e, n=n)
    elif n:
        base = _("{e} of {n} employees on {day} ({percent} %) were eligible for lönestöd at hiring; {required}",
                 e=e, n=n, day=day, percent=e * 100 // n, required=required)
    else:
        base = _("No employee in the payroll list was employed on {day} ({rows} rows read), "
                 "so the {threshold} % requirement is not met", day=day, rows=rows, threshold=_decimal(threshold))
    trace.append({
        "rule": "threshold", "matched": meets, "page": None,
        "excerpt": f"{e} × 100 {'≥' if meets else '<'} {decimal_text(threshold)} × {n}",
        "effect": "pass" if meets else "fail",
    })
    if problems:
        outcome = "review"
        best = n > 0 and (e + totals.unsure) * 100 >= threshold * n
        if totals.unsure and not tally.unreadable.total:
            hint = _(" (the ratio is met either way)") if meets else ("" if best else _(" (not met either way)"))
        else:
            hint = ""
        summary = _("{base}; a human must check {problems}{hint}.", base=base, problems=join_messages("; ", problems), hint=hint)
    else:
        outcome = "pass" if meets else "fail"
        summary = compose("{base}.", base=base)  # keeps its record: readable in another language later
    if join is not None:
        summary = summary[:-1] + _("; joined to the subsidy-decisions list by employee id: {matched} matched, "
                                   "{without} employee(s) without a decision, {unmatched} decision(s) for nobody "
                                   "employed on {day}.", matched=join.matched, without=join.employees_without_decision,
                                   unmatched=join.decisions_without_employee, day=day)
    return Result(REQUIREMENT, outcome, summary, evidence=evidence, metrics=metrics, trace=trace)


def _problems_of(unreadable: Any, prefix: str = "") -> list[str]:
    out = []
    for reason, count in unreadable.counts.items():
        named = ", ".join(unreadable.rows[reason])
        more = _(" and {n} more", n=count - len(unreadable.rows[reason])) if count > len(unreadable.rows[reason]) else ""
        # The reason is an English key (payroll/tally.py, identity.py), translated here where it is shown.
        if count == 1:
            out.append(prefix + _("{count} row with {reason} ({rows})", count=count, reason=_(reason), rows=named + more))
        else:
            out.append(prefix + _("{count} rows with {reason} ({rows})", count=count, reason=_(reason), rows=named + more))
    if any("date" in reason for reason in unreadable.counts):
        # Point at both fixes: rewrite the dates, or map the header of a column that holds readable ones.
        out.append(_("dates are read as {forms}; if the dates are in another column, map its header with {example} in "
                     "the document's entry in application.toml", forms=_(ACCEPTED_DATE_FORMS),
                     example='`columns = { hire_date = "…" }`'))
    return out


def _work_training_participants(application: Application) -> int | None:
    """Distinct participants in a work-training participant list (CSV), for LOU 4 kap. 18 §; None without one."""
    from ..payroll.training import count_participants

    total = None
    for document in application.documents_of(WORK_TRAINING_KIND):
        found = count_participants(document)
        if found is not None:
            total = (total or 0) + found
    return total


def _problems(tally: Tally) -> list[str]:
    out = _problems_of(tally.unreadable)
    if tally.unknown_rows:
        shown = sorted(tally.unknown_values.items(), key=lambda kv: (-kv[1], kv[0]))
        # Many distinct unknown values suggest the wrong column (names?): quote none of them then.
        if shown and len(shown) <= 5:
            parts = ", ".join(f"'{value}' ({_rows(count)})" for value, count in shown)
            rest = tally.unknown_unnamed
            out.append(_("unknown subsidy or eligibility value {values}", values=parts)
                       + (_(" and {n} other row(s)", n=rest) if rest else ""))
        else:
            out.append(_("{n} row(s) with an unknown subsidy or eligibility value", n=tally.unknown_rows))
    return out


def _percent(value: Any, key: str) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise DocumentError(_("policy.{key} must be a number", key=key))
    try:
        result = Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        raise DocumentError(_("policy.{key} must be a number", key=key)) from None
    if not 0 <= result <= 100:
        raise DocumentError(_("policy.{key} must be between 0 and 100", key=key))
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
    evidence = [Evidence(document=document.sha256, excerpt=_("{path}: unreadable payroll list", path=document.path))]
    return Result(REQUIREMENT, "error", summary, evidence=evidence)


def _needs_human(document: Any, exc: Exception) -> Result:
    """A list the machine cannot read (scanned, no ruled table): a human reads it."""
    evidence = [Evidence(document=document.sha256, excerpt=_("{path}: not machine-readable", path=document.path))]
    return Result(REQUIREMENT, "review", f"{exc}.", evidence=evidence)


def _rows(count: int) -> str:
    return _("{n} row", n=count) if count == 1 else _("{n} rows", n=count)


def _decimal(value: Fraction) -> str:
    """A threshold in prose: 51, 50.5 in English, 50,5 in Swedish (decimal comma)."""
    text = decimal_text(value)
    return text if language() == "en" else text.replace(".", ",")


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith(".") else text + "."
