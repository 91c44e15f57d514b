"""Checking history rows against the company: departments, question codes of the version in force, the scale,
periods, dates and duplicates. Reads only (a handful of queries for any number of rows).

Which questionnaire version a period's answers bind to: the version the admin names, else the latest
version published on or before the round's opening day, else (history older than every version, the
usual case for a company that has just signed up) the version published now. A question code that is
not in that version is a row error that names the version, never a silently dropped answer.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from .imports import (
    NO,
    YES,
    Row,
    cell_errors,
    is_not_applicable,
    parse_day,
    parse_decimal,
    text_of,
)
from .models import Factor, Question, QuestionKind, QuestionnaireStatus
from .periods import parse_period
from .selectors import schedule_for
from .services import local_date

CHECK_CHUNK = 1000
MIN_YEAR = 1970  # older "history" is a typo; far-off years would also overflow timezone arithmetic
CENT = Decimal("0.01")


@dataclass
class Context:
    """What rows are checked against, read once per check."""

    company: object
    today: datetime.date
    cadence: str
    opening_day: int
    window_days: int
    departments: dict  # casefolded name → id
    factors: dict  # key / English name / Russian name (casefolded) → id
    versions: list  # published or retired questionnaires, oldest first
    questions: dict  # questionnaire id → {key: Question}
    existing_periods: set
    named_version: object = None
    # Memos: a file repeats a few periods and dates thousands of times (parsing them dominated the check).
    period_memo: dict = field(default_factory=dict)
    day_memo: dict = field(default_factory=dict)

    def version_for(self, opened):
        if self.named_version is not None:
            return self.named_version
        published = [v for v in self.versions if v.published_at and local_date(self.company, v.published_at) <= opened]
        if published:
            return published[-1]
        current = [v for v in self.versions if v.status == QuestionnaireStatus.PUBLISHED]
        return (current or self.versions or [None])[-1]

    def version_with_key(self, key):
        return next((v for v in reversed(self.versions) if key in self.questions.get(v.pk, {})), None)


def build_context(*, company, questionnaire=None, today=None):
    schedule = schedule_for(company=company)
    versions = list(company.questionnaires.filter(
        status__in=[QuestionnaireStatus.PUBLISHED, QuestionnaireStatus.RETIRED]).order_by("published_at", "version"))
    questions = {}
    for question in Question.objects.filter(company=company, questionnaire__in=versions).exclude(key=""):
        questions.setdefault(question.questionnaire_id, {})[question.key.casefold()] = question
    factors = {}
    for factor in Factor.objects.all():
        for name in (factor.key, factor.name_en, factor.name_ru):
            factors[name.casefold()] = factor.pk
    return Context(
        company=company, today=today or local_date(company, timezone.now()), cadence=schedule.cadence,
        opening_day=schedule.opening_day, window_days=schedule.answer_window_days,
        departments={name.casefold(): pk for pk, name in company.departments.values_list("pk", "name")},
        factors=factors, versions=versions, questions=questions,
        existing_periods=set(company.audit_rounds.values_list("period", flat=True)), named_version=questionnaire,
    )


# ---------------------------------------------------------------- one row

def _check_cells(row, record):
    for column, message in cell_errors(record):
        row.error(column, message)


def _check_period(row, record, ctx):
    text = text_of(record.get("period"))
    if text not in ctx.period_memo:
        probe = Row(line=0)
        _check_period_text(probe, text, ctx)
        ctx.period_memo[text] = (probe.period, probe.errors.get("period"))
    row.period, message = ctx.period_memo[text]
    if message:
        row.error("period", message)


def _check_period_text(row, text, ctx):
    try:
        period = parse_period(text)
    except ValueError:
        row.error("period", _("%(value)s is not a period: write 2025-Q2, 2025-05, 2025-H1 or 2025.") % {
            "value": repr(text[:20])})
        return
    if period.year < MIN_YEAR:
        row.error("period", _("%(period)s is before %(year)s; check the year.") % {"period": period.name,
                                                                                   "year": MIN_YEAR})
    elif period.cadence != ctx.cadence:
        row.error("period", _("The company's rounds are %(cadence)s; %(period)s is not such a period.") % {
            "cadence": _cadence_label(ctx.cadence), "period": period.name})
    elif period.start > ctx.today:
        row.error("period", _("%(period)s is in the future; only past rounds can be imported.") % {
            "period": period.name})
    elif period.end >= ctx.today:
        row.error("period", _("%(period)s has not ended yet; its round opens live, not from history.") % {
            "period": period.name})
    elif period.name in ctx.existing_periods:
        row.error("period", _("A round for %(period)s already exists; imported history never changes it.") % {
            "period": period.name})
    row.period = period


def _cadence_label(cadence):
    from .models import Cadence

    return Cadence(cadence).label.lower()


def _check_department(row, record, ctx):
    name = text_of(record.get("department"))
    row.department_id = ctx.departments.get(name.casefold())
    if row.department_id is None:
        row.error("department", _("No department named %(name)s in this company.") % {"name": repr(name[:100])}
                  if name else _("The department is empty."))


def _check_dates(row, record, ctx):
    for column in ("submitted", "opened", "deadline"):
        if text_of(record.get(column)) == "":
            if column == "submitted":
                row.error(column, _("The submitted date is empty."))
            continue
        try:
            day = _day(record.get(column), ctx)
        except ValueError as exc:
            row.error(column, str(exc))
            continue
        if not MIN_YEAR <= day.year <= ctx.today.year + 1:
            row.error(column, _("%(day)s is not a date of a past round; check the year.") % {"day": day.isoformat()})
            continue
        setattr(row, column, day)
    if row.period and not row.errors.get("period"):
        row.opened = row.opened or row.period.opening_date(ctx.opening_day)
        row.deadline = row.deadline or row.opened + datetime.timedelta(days=ctx.window_days)
    if row.submitted and row.submitted > ctx.today:
        row.error("submitted", _("The submitted date is in the future."))
    elif row.submitted and row.opened and row.submitted < row.opened:
        row.error("submitted", _("Submitted on %(day)s, before the round opened on %(opened)s.") % {
            "day": row.submitted.isoformat(), "opened": row.opened.isoformat()})
    if row.opened and row.deadline and row.deadline < row.opened:
        row.error("deadline", _("The deadline is before the round opened."))


def _day(value, ctx):
    if not isinstance(value, str):
        return parse_day(value)
    if value not in ctx.day_memo:
        try:
            ctx.day_memo[value] = parse_day(value)
        except ValueError as exc:
            ctx.day_memo[value] = exc
    found = ctx.day_memo[value]
    if isinstance(found, ValueError):
        raise found
    return found


def _check_question(row, record, ctx):
    code, factor = text_of(record.get("question")), text_of(record.get("factor"))
    if code and factor:
        row.error("question", _("Give a question code or a factor, not both."))
    elif factor:
        row.factor_id = ctx.factors.get(factor.casefold())
        if row.factor_id is None:
            row.error("factor", _("%(value)s is not a factor; use one of: %(keys)s.") % {
                "value": repr(factor[:40]), "keys": ", ".join(f.key for f in Factor.objects.all())})
    elif not code:
        row.error("question", _("The question code is empty (or give a factor for a factor-level score)."))
    elif row.opened and not row.errors.get("period"):
        _bind_question(row, code, ctx)


def _bind_question(row, code, ctx):
    version = ctx.version_for(row.opened)
    if version is None:
        row.error("question", _("Publish a questionnaire first: answers need a version to belong to."))
        return
    row.question = ctx.questions.get(version.pk, {}).get(code.casefold())
    if row.question is not None:
        return
    other = ctx.version_with_key(code.casefold())
    if other is not None:
        row.error("question", _("Question %(code)s belongs to version %(other)s, not to version %(version)s that "
                                "is in force for %(period)s.") % {
            "code": code[:60], "other": other.version, "version": version.version, "period": row.period.name})
    else:
        row.error("question", _("No question with the code %(code)s in version %(version)s.") % {
            "code": repr(code[:60]), "version": version.version})


def _check_value(row, record):
    value = record.get("value")
    if is_not_applicable(value):
        row.value = {"score": None} if row.factor_id else {"not_applicable": True}
        return
    if text_of(value) == "":
        row.error("value", _("The value is empty; write N/A when the question did not apply."))
        return
    try:
        row.value = _factor_value(value) if row.factor_id else _answer_value(row.question, value)
    except ValueError as exc:
        row.error("value", str(exc))


def _factor_value(value):
    try:
        score = parse_decimal(value)
    except ValueError:
        score = None
    if score is None or not score.is_finite() or not 0 <= score <= 100:
        raise ValueError(_("%(value)s is outside the factor score range 0–100.") % {"value": text_of(value)[:20]})
    return {"score": score.quantize(CENT)}


def _answer_value(question, value):
    if question is None:
        return {}
    text = text_of(value)
    if question.kind == QuestionKind.SCALE:
        try:
            number = parse_decimal(value)
        except ValueError:
            number = None
        if number is None or not number.is_finite() or number != number.to_integral() or not 1 <= number <= 5:
            raise ValueError(_("%(value)s is outside the scale 1–5.") % {"value": text[:20]})
        return {"scale_value": int(number)}
    if question.kind == QuestionKind.YES_NO:
        if text.casefold() not in YES | NO:
            raise ValueError(_("%(value)s is not yes or no.") % {"value": text[:20]})
        return {"bool_value": text.casefold() in YES}
    if question.kind == QuestionKind.NUMBER:
        try:
            number = parse_decimal(value)
        except ValueError:
            raise ValueError(_("%(value)s is not a number.") % {"value": text[:20]}) from None
        if not number.is_finite() or abs(number) >= 10**12:
            raise ValueError(_("%(value)s is not a number.") % {"value": text[:20]})
        return {"number_value": number.quantize(CENT)}
    return {"text_value": text.replace("\x00", "")[:5000]}


def check_record(record, ctx):
    row = Row(line=record["line"])
    _check_cells(row, record)
    _check_period(row, record, ctx)
    _check_department(row, record, ctx)
    _check_dates(row, record, ctx)
    _check_question(row, record, ctx)
    if "value" not in row.errors:
        _check_value(row, record)
    row.comment = text_of(record.get("comment")).replace("\x00", "")[:5000]
    return row


# ---------------------------------------------------------------- across rows

def _check_duplicates(rows):
    seen = {}
    for row in rows:
        if row.audit_key is None or (row.question is None and row.factor_id is None):
            continue
        item = row.question.key if row.question is not None else f"factor:{row.factor_id}"
        first = seen.setdefault((*row.audit_key, item.casefold()), row.line)
        if first != row.line:
            row.error("row", _("Duplicate of row %(line)s: the same period, department and question.") % {"line": first})


def _check_consistency(rows):
    """One submitted date and one kind (answers or factor scores) per audit; one opened/deadline per round."""
    audits, rounds = {}, {}
    for row in rows:
        if row.audit_key is None:
            continue
        first = audits.setdefault(row.audit_key, row)
        if row.submitted and first.submitted and row.submitted != first.submitted:
            row.error("submitted", _("Row %(line)s gives this department and period another submitted date "
                                     "(%(day)s).") % {"line": first.line, "day": first.submitted.isoformat()})
        if (row.factor_id is None) != (first.factor_id is None):
            row.error("row", _("Row %(line)s holds the other kind for this department and period: a department's "
                               "round is either answers or factor scores.") % {"line": first.line})
        known = rounds.setdefault(row.period.name, row)
        if (row.opened, row.deadline) != (known.opened, known.deadline):
            row.error("opened", _("Row %(line)s gives this period other opened/deadline dates.") % {"line": known.line})


def check(*, records, ctx, progress=None):
    """Every record as a checked Row; `progress(done, total)` is called every CHECK_CHUNK rows."""
    rows = []
    for record in records:
        rows.append(check_record(record, ctx))
        if progress is not None and len(rows) % CHECK_CHUNK == 0:
            progress(len(rows), len(records))
    _check_duplicates(rows)
    _check_consistency(rows)
    if progress is not None:
        progress(len(rows), len(records))
    return rows


@dataclass
class Plan:
    """What committing the rows would create."""

    rounds: list = field(default_factory=list)
    audits: int = 0
    answers: int = 0
    factor_scores: int = 0


def plan_of(rows):
    audits = {row.audit_key for row in rows if row.audit_key}
    return Plan(
        rounds=sorted({row.period.name for row in rows if row.period}),
        audits=len(audits),
        answers=sum(1 for row in rows if row.question is not None),
        factor_scores=sum(1 for row in rows if row.factor_id is not None),
    )

