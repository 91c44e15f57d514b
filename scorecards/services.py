"""Writes of the scorecard domain: settings, norms, days off, activity (by hand, file, API), knowledge, plans."""

import base64
import hashlib
import json
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.uploads import check_upload
from audits.events import figures_changed
from audits.periods import Period, parse_period

from . import diagnosis as dx
from .models import (
    ActivityEntry,
    ActivityNorm,
    BatchKind,
    DayOff,
    Holiday,
    ImportBatch,
    KnowledgeAttempt,
    KnowledgeCheck,
    KnowledgeQuestion,
    KnowledgeRating,
    PlanResult,
    ScorecardSettings,
    Source,
)
from .selectors import attempt_period, local_today

MAX_DAILY_COUNT = 10_000  # more than this in a day is a typo, not a workload
MAX_PLAN_DEALS = 1_000_000  # deals of one manager in one period; more is a typo
MAX_REVENUE = 10**12  # PlanResult's revenue columns hold 14 digits with 2 decimals
COUNT_FIELDS = dx.METRICS
PLAN_FIELDS = ("plan_deals", "actual_deals", "plan_revenue", "actual_revenue")


class IdempotencyConflict(Exception):
    """The idempotency key was already used with a different request body."""


# ---------------------------------------------------------------- settings, norms, days off

def settings_update(*, company, activity_threshold, knowledge_threshold, plan_threshold, currency, working_weekdays):
    settings, _created = ScorecardSettings.objects.get_or_create(company=company)
    weekdays = sorted({int(d) for d in working_weekdays})
    if not weekdays or any(d < 0 or d > 6 for d in weekdays):
        raise ValidationError({"working_weekdays": _("Choose at least one working day.")})
    settings.activity_threshold = activity_threshold
    settings.knowledge_threshold = knowledge_threshold
    settings.plan_threshold = plan_threshold
    settings.currency = (currency or "").strip().upper()
    settings.working_weekdays = weekdays
    settings.full_clean()
    settings.save()
    return settings


def norm_set(*, company, manager=None, calls_per_day, meetings_per_week, proposals_per_month):
    """Save the company default norm (manager None) or a manager's override."""
    if manager is not None:
        _check_manager(company=company, manager=manager, allow_inactive=True)
    norm = ActivityNorm.objects.filter(company=company, manager=manager).first() or ActivityNorm(
        company=company, manager=manager)
    norm.calls_per_day, norm.meetings_per_week, norm.proposals_per_month = (
        calls_per_day, meetings_per_week, proposals_per_month)
    norm.full_clean(validate_constraints=False)
    norm.save()
    return norm


def norm_clear(*, company, manager):
    """Drop a manager's override: the company default applies again."""
    ActivityNorm.objects.filter(company=company, manager=manager).delete()


def day_off_add(*, company, manager, date, reason=""):
    _check_manager(company=company, manager=manager, allow_inactive=True)
    taken = ValidationError({"date": _("This day is already marked as a day off.")})
    if DayOff.objects.filter(manager=manager, date=date).exists():
        raise taken
    day = DayOff(company=company, manager=manager, date=date, reason=reason)
    day.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            day.save()
    except IntegrityError:
        raise taken from None  # the same day added by a concurrent request since the check above
    return day


def day_off_delete(*, day_off):
    day_off.delete()


def holiday_add(*, company, date, name=""):
    """Mark a company-wide non-working day; nobody's activity is expected on it."""
    if Holiday.objects.filter(company=company, date=date).exists():
        raise ValidationError({"date": _("This day is already a holiday.")})
    holiday = Holiday(company=company, date=date, name=name)
    holiday.full_clean(validate_constraints=False)
    holiday.save()
    return holiday


def holiday_delete(*, holiday):
    holiday.delete()


# ---------------------------------------------------------------- activity: validation shared by every channel

def _check_manager(*, company, manager, allow_inactive=False):
    if manager.company_id != company.pk:
        raise ValidationError({"manager": _("This person is not a member of the company.")})
    if manager.role != Role.SALES_MANAGER:
        raise ValidationError({"manager": _("%(who)s is not a sales manager.") % {"who": manager.user.email}})
    if not manager.is_active and not allow_inactive:
        raise ValidationError({"manager": _("%(who)s is deactivated.") % {"who": manager.user.email}})


def _count_error(value):
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        return _("Enter a whole number.")
    if value < 0:
        return _("Counts cannot be negative.")
    if value > MAX_DAILY_COUNT:
        return _("%(value)s in one day looks like a typo (the limit is %(max)s).") % {
            "value": value, "max": MAX_DAILY_COUNT}
    return None


def activity_errors(*, manager_error=None, day, counts, today, period=None):
    """field → message for one activity row; empty when the row may be saved."""
    errors = {}
    if manager_error:
        errors["manager"] = manager_error
    if day is not None:
        if day > today:
            errors["date"] = _("%(day)s is in the future.") % {"day": day.isoformat()}
        elif period is not None and not period.contains(day):
            errors["date"] = _("%(day)s is outside the period %(period)s.") % {
                "day": day.isoformat(), "period": period.name}
    for metric in COUNT_FIELDS:
        message = _count_error(counts.get(metric))
        if message:
            errors[metric] = message
    return errors


def manager_problem(membership, *, company):
    """Why a membership cannot carry activity rows, or None."""
    if membership is None:
        return _("No member of this company has this email address.")
    if membership.company_id != company.pk:
        return _("No member of this company has this email address.")
    if membership.role != Role.SALES_MANAGER:
        return _("%(who)s is not a sales manager.") % {"who": membership.user.email}
    if not membership.is_active:
        return _("%(who)s is deactivated.") % {"who": membership.user.email}
    return None


def activity_upsert(*, company, manager, day, calls=0, meetings=0, proposals=0, source=Source.MANUAL,
                    period=None, today=None):
    """Create or replace one manager's activity of one day."""
    today = today or local_today(company)
    counts = {"calls": calls, "meetings": meetings, "proposals": proposals}
    errors = activity_errors(manager_error=manager_problem(manager, company=company), day=day, counts=counts,
                             today=today, period=period)
    if errors:
        raise ValidationError(errors)
    entry, _created = ActivityEntry.objects.update_or_create(
        company=company, manager=manager, date=day,
        defaults={**{m: counts[m] or 0 for m in COUNT_FIELDS}, "source": source, "updated_at": timezone.now()},
    )
    return entry


@transaction.atomic
def activity_save_days(*, company, manager, rows, today=None):
    """Save a manager's week from the entry page, all days or none: {date: counts}; a blank day is removed.

    Errors come back keyed "<date>:<field>" so the page can put each message beside its input.
    """
    today = today or local_today(company)
    saved = []
    all_errors = {}
    for day, counts in rows.items():
        if all(counts.get(m) in (None, "") for m in COUNT_FIELDS):
            ActivityEntry.objects.filter(manager=manager, date=day).delete()
            continue
        try:
            saved.append(activity_upsert(company=company, manager=manager, day=day, today=today,
                                         **{m: counts.get(m) or 0 for m in COUNT_FIELDS}))
        except ValidationError as exc:
            all_errors.update({f"{day.isoformat()}:{name}": messages for name, messages in exc.message_dict.items()})
    if all_errors:
        raise ValidationError(all_errors)  # leaving the atomic block with an error rolls the whole week back
    return saved


def _bulk_upsert(*, model, company, rows, when, update_fields, **extra):
    """Upsert rows [(manager_id, date or period, fields)] on (manager, `when`): one read of the existing keys,
    then one write (see upsert_rows). Returns {"created", "updated"}."""
    from .imports import stored_keys

    latest = {(manager_id, key): fields for manager_id, key, fields in rows}  # one row per key for ON CONFLICT
    kind = {ActivityEntry: "activity", PlanResult: "plans", KnowledgeRating: "ratings"}[model]
    existing = stored_keys(company=company, kind=kind, keys=set(latest))
    columns = ("company_id", "manager_id", when, *update_fields, *extra, "updated_at")
    now = timezone.now()
    extras = tuple(extra.values())
    upsert_rows(model, columns, [(company.pk, manager_id, key, *(fields[f] for f in update_fields), *extras, now)
                                 for (manager_id, key), fields in latest.items()],
                unique=("manager_id", when))
    # A bulk upsert sends no model signal; the dashboards' read model keeps the team headline these rows feed.
    figures_changed.send(sender=model, company_id=company.pk)
    return {"created": len(latest) - len(existing), "updated": len(existing)}


def upsert_rows(model, columns, rows, *, unique):
    """INSERT … ON CONFLICT (unique) DO UPDATE of plain tuples (attribute names → values), every other column
    updated. PostgreSQL: COPY into a temporary table, then one INSERT … SELECT (bulk_create spent seconds at
    10,000 rows building model instances and array parameters); other databases: bulk_create."""
    fields = [model._meta.get_field(c) for c in columns]
    changed = [f for f in fields if f.attname not in unique and f.attname != "company_id"]  # a row keeps its tenant
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=1000,
                                  update_conflicts=True, unique_fields=[f.name for f in fields if f.attname in unique],
                                  update_fields=[f.name for f in changed])
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in fields)
    table, scratch = quote(model._meta.db_table), quote(f"upsert_{model._meta.db_table}")
    updates = ", ".join(f"{quote(f.column)} = EXCLUDED.{quote(f.column)}" for f in changed)
    conflict = ", ".join(quote(f.column) for f in fields if f.attname in unique)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {scratch}")
        cursor.execute(f"CREATE TEMPORARY TABLE {scratch} ON COMMIT DROP AS SELECT {names} FROM {table} WITH NO DATA")
        with cursor.cursor.copy(f"COPY {scratch} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {scratch} "
                       f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}")
        cursor.execute(f"DROP TABLE {scratch}")


def apply_rows(*, company, rows, source):
    """Upsert validated activity rows [(manager_id, date, counts)] in bulk."""
    rows = [(manager_id, day, {m: counts[m] for m in COUNT_FIELDS}) for manager_id, day, counts in rows]
    return _bulk_upsert(model=ActivityEntry, company=company, rows=rows, when="date", update_fields=COUNT_FIELDS,
                        source=Source(source).value)


# ---------------------------------------------------------------- activity: file upload (preview → apply)

def upload_create(*, company, by, file_name, content, period=None, kind="activity"):
    """Keep an uploaded file until its preview is confirmed (nothing is imported yet)."""
    from .imports import KINDS, MAX_UPLOAD_BYTES, content_hash

    if kind not in KINDS:
        raise ValidationError({"kind": _("Choose what the file holds.")})
    if not content:
        raise ValidationError({"file": _("The file is empty.")})
    if len(content) > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": _("The file is larger than %(mb)s MB.") % {"mb": MAX_UPLOAD_BYTES // 2**20}})
    # openpyxl names a broken workbook in the preview; here only the kind of file is checked.
    check_upload(file_name, content, allowed=("csv", "xlsx"), field="file", check_parts=False)
    return ImportBatch.objects.create(
        company=company, key=f"upload-{secrets.token_hex(16)}", kind=BatchKind.FILE, data_kind=kind,
        content_hash=content_hash(content), file_name=file_name[:255],
        content_b64=base64.b64encode(content).decode("ascii"), period=period.name if period else "", created_by=by,
    )


def apply_checked(*, company, kind, rows, by, source):
    """Write clean rows [(manager_id, date or period, values)] of one kind; returns {"created", "updated"}."""
    if kind == "plans":
        return plans_apply(company=company, rows=rows)
    if kind == "ratings":
        return ratings_apply(company=company, rows=rows, by=by)
    return apply_rows(company=company, rows=rows, source=source)


def upload_apply(*, batch, today=None, allowed=None):
    """Check the kept file again and apply it all or nothing; returns (preview, summary or None).

    `allowed`: the manager ids the confirming person may write for (None: every sales manager).
    """
    from .imports import preview

    company = batch.company
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.applied_at:
            raise ValidationError(_("This file was already imported."))
        period = parse_period(batch.period) if batch.period else None
        result = preview(company=company, file_name=batch.file_name, content=bytes(batch.content), period=period,
                         today=today or local_today(company), kind=batch.data_kind, allowed=allowed)
        if not result.ok:
            return result, None
        summary = apply_checked(company=company, kind=batch.data_kind, rows=result.valid_rows(), by=batch.created_by,
                                source=Source.CSV)
        batch.applied_at = timezone.now()
        batch.response = summary
        batch.content_b64 = ""  # the rows live in their tables now; do not keep the file
        batch.save(update_fields=["applied_at", "response", "content_b64"])
    return result, summary


# ---------------------------------------------------------------- activity: API bulk upsert with idempotency key

def body_hash(body):
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def stored_response(*, company, key, request_hash):
    """(status, body) already given for this key, None when the key is new; a different body → conflict."""
    batch = ImportBatch.objects.filter(company=company, kind=BatchKind.API, key=key).first()
    if batch is None:
        return None
    if batch.request_hash != request_hash:
        raise IdempotencyConflict
    return batch.status_code, batch.response


def activity_bulk_upsert(*, company, by, key, body, rows, today=None):
    """Apply validated API rows once per idempotency key; a retry returns the first response.

    The key row is inserted in the same transaction as the activity, so a concurrent retry either
    waits and then finds the stored response, or fails on the unique key and reads it afterwards.
    """
    request_hash = body_hash(body)
    previous = stored_response(company=company, key=key, request_hash=request_hash)
    if previous is not None:
        return previous
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.create(company=company, kind=BatchKind.API, key=key,
                                               request_hash=request_hash, created_by=by)
            summary = apply_rows(company=company, rows=rows, source=Source.API)
            response = {**summary, "rows": len(rows), "idempotency_key": key}
            batch.response, batch.status_code, batch.applied_at = response, 200, timezone.now()
            batch.save(update_fields=["response", "status_code", "applied_at"])
    except IntegrityError:
        previous = stored_response(company=company, key=key, request_hash=request_hash)
        if previous is None:
            raise
        return previous
    return 200, response


def history_rows_import(*, company, by, key, kind, body, records, period=None, dry_run=False, today=None):
    """Check API rows of one kind and, unless `dry_run` or any row has an error, apply them once per key.

    Returns (status, body): 200 with the preview for a dry run, 400 with it when a row has an error (nothing
    written), 201 with what was created or replaced; a retry with the same key and body gets the first answer.
    """
    from .imports import check_records

    request_hash = body_hash({"kind": kind, "body": body})
    if not dry_run:
        previous = stored_response(company=company, key=key, request_hash=request_hash)
        if previous is not None:
            return previous
    result = check_records(company=company, kind=kind, records=records, today=today or local_today(company),
                           period=period)
    preview = result.data()
    if dry_run or preview["error_count"]:
        return (400 if preview["error_count"] else 200), {**preview, "dry_run": dry_run, "idempotency_key": key}
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.create(company=company, kind=BatchKind.API, key=key, data_kind=kind,
                                               request_hash=request_hash, created_by=by)
            summary = apply_checked(company=company, kind=kind, rows=result.valid_rows(), by=by, source=Source.API)
            response = {"kind": kind, "rows": len(result.rows), **summary, "idempotency_key": key}
            batch.response, batch.status_code, batch.applied_at = response, 201, timezone.now()
            batch.save(update_fields=["response", "status_code", "applied_at"])
    except IntegrityError:
        previous = stored_response(company=company, key=key, request_hash=request_hash)
        if previous is None:
            raise ValidationError(_("A manager named in the rows changed meanwhile; nothing was imported.")) from None
        return previous
    return 201, response


# ---------------------------------------------------------------- plans and results

def plan_result_save(*, company, manager, period, plan_deals, actual_deals, plan_revenue, actual_revenue):
    _check_manager(company=company, manager=manager, allow_inactive=True)
    period = _as_period(period)
    message = plan_error(plan_deals=plan_deals, plan_revenue=plan_revenue)
    if message:
        raise ValidationError({"plan_deals": message})
    row = PlanResult.objects.filter(manager=manager, period=period.name).first() or PlanResult(
        company=company, manager=manager, period=period.name)
    row.plan_deals, row.actual_deals = plan_deals, actual_deals
    row.plan_revenue, row.actual_revenue = plan_revenue, actual_revenue
    row.updated_at = timezone.now()
    row.full_clean(validate_constraints=False)
    row.save()
    return row


def plan_error(*, plan_deals, plan_revenue):
    """Why a plan cannot be measured against, or None (shared by the page, the API and the import)."""
    if not plan_deals and not plan_revenue:
        return _("A plan of zero deals and zero revenue cannot be measured against: enter the planned deals or "
                 "revenue, or leave the row empty.")
    return None


def plans_apply(*, company, rows):
    """Upsert checked plan rows [(manager_id, period name, {plan and actual fields})] in bulk."""
    return _bulk_upsert(model=PlanResult, company=company, rows=rows, when="period", update_fields=PLAN_FIELDS)


@transaction.atomic
def plan_results_save(*, company, period, rows):
    """Save the plans page, every row or none: {manager: fields}. Errors come back keyed "<manager id>:<field>"."""
    saved, errors = [], {}
    for manager, fields in rows.items():
        try:
            saved.append(plan_result_save(company=company, manager=manager, period=period, **fields))
        except ValidationError as exc:
            errors.update({f"{manager.pk}:{name}": messages for name, messages in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)  # leaving the atomic block with an error rolls every row back
    return saved


def _as_period(period):
    if isinstance(period, Period):
        return period
    try:
        return parse_period(str(period))
    except ValueError as exc:
        raise ValidationError({"period": str(exc)}) from None


# ---------------------------------------------------------------- knowledge

def knowledge_rating_save(*, company, manager, period, score, by, note=""):
    _check_manager(company=company, manager=manager, allow_inactive=True)
    period = _as_period(period)
    row = KnowledgeRating.objects.filter(manager=manager, period=period.name).first() or KnowledgeRating(
        company=company, manager=manager, period=period.name)
    row.score, row.note, row.rated_by, row.updated_at = score, note, by, timezone.now()
    row.full_clean(validate_constraints=False)
    row.save()
    return row


def ratings_apply(*, company, rows, by):
    """Upsert checked ratings [(manager_id, period name, {"score", "note"})] in bulk, rated by `by`."""
    return _bulk_upsert(model=KnowledgeRating, company=company, rows=rows, when="period",
                        update_fields=("score", "note"), rated_by_id=by.pk if by is not None else None)


def knowledge_check_create(*, company, by, title, description=""):
    check = KnowledgeCheck(company=company, title=title, description=description, created_by=by)
    check.full_clean()
    check.save()
    return check


def knowledge_check_update(*, check, title, description, is_published):
    if is_published and not check.questions.exists():
        raise ValidationError({"is_published": _("Add at least one question before opening the check.")})
    check.title, check.description, check.is_published = title, description, is_published
    check.full_clean()
    check.save(update_fields=["title", "description", "is_published"])
    return check


def knowledge_question_add(*, check, text, options, correct_option):
    options = [o.strip() for o in options if o and o.strip()]
    if len(options) < 2:
        raise ValidationError({"options": _("Give at least two options.")})
    if len(set(options)) != len(options):
        raise ValidationError({"options": _("Two options are the same.")})
    if correct_option is None or not 0 <= correct_option < len(options):
        raise ValidationError({"correct_option": _("Choose which option is correct.")})
    question = KnowledgeQuestion(company=check.company, knowledge_check=check, text=text, options=options,
                                 correct_option=correct_option, position=check.questions.count() + 1)
    question.full_clean()
    question.save()
    return question


def knowledge_question_delete(*, question):
    question.delete()


def knowledge_attempt_submit(*, check, manager, answers, period=None, now=None):
    """Grade a manager's answers {question id: option index}; unanswered questions count as wrong.

    Without `period` the attempt counts in today's period (selectors.attempt_period). An answer to a question
    the check does not ask, or an option the question does not have, is an error keyed by the question id.
    """
    _check_manager(company=check.company, manager=manager)
    if not check.is_published:
        raise ValidationError(_("This knowledge check is not open."))
    questions = list(check.questions.all())
    if not questions:
        raise ValidationError(_("This knowledge check has no questions."))
    errors = _attempt_errors(questions, answers)
    if errors:
        raise ValidationError(errors)
    period = period or attempt_period(company=check.company)
    correct = sum(1 for q in questions if answers.get(q.pk) == q.correct_option)
    score = round(100 * correct / len(questions), 2)
    return KnowledgeAttempt.objects.create(
        company=check.company, knowledge_check=check, manager=manager, period=_as_period(period).name,
        answers={str(k): v for k, v in answers.items()}, correct=correct, total=len(questions), score=score,
        taken_at=now or timezone.now(),
    )


def _attempt_errors(questions, answers):
    by_id = {q.pk: q for q in questions}
    errors = {}
    for question_id, option in answers.items():
        question = by_id.get(question_id)
        if question is None:
            errors[str(question_id)] = _("This question is not part of the knowledge check.")
        elif isinstance(option, bool) or not isinstance(option, int) or not 0 <= option < len(question.options):
            errors[str(question_id)] = _("Choose one of the question's options.")
    return errors
