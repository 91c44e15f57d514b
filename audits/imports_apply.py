"""Services of the history import: keep an upload with its preview, confirm it, run it, and the API's one-step import.

The write is one transaction with a constant number of bulk statements whatever the size of the file:
rounds, audits, their factors, transitions, answers, factor scores and company factor scores are built in
memory (scores with the pure functions of audits/scoring.py that a live submit uses) and inserted with
bulk_create. Imported rounds are closed from the start: every audit is submitted on the file's date, so
the dashboards' punctuality (first submission against the deadline) reads the file's history.
"""

import base64
import datetime
import hashlib
import json
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.uploads import check_upload

from . import scoring
from .events import figures_changed
from .imports import MAX_FILE_BYTES, MAX_STORED_ERRORS, error_list, table_records
from .imports_check import build_context, check, plan_of
from .models import (
    Answer,
    AuditStatus,
    AuditTransition,
    DepartmentAudit,
    Factor,
    FactorScore,
    HistoryImport,
    HistoryImportKind,
    HistoryImportStatus,
    Round,
    RoundFactorScore,
)
from .services import end_of_day, start_of_day

BATCH = 2000
# A submission known only by its date counts at local noon: on time when it is the deadline's day.
SUBMITTED_TIME = datetime.time(12, 0)


class HistoryIdempotencyConflict(Exception):
    """The Idempotency-Key was already used with a different request body."""


def content_hash(content):
    return hashlib.sha256(content).hexdigest()


def body_hash(body):
    return content_hash(json.dumps(body, sort_keys=True, default=str).encode())


def previous_import(*, company, digest):
    """The import that already applied this content, if any."""
    return HistoryImport.objects.filter(company=company, content_hash=digest, status=HistoryImportStatus.DONE).first()


# ---------------------------------------------------------------- preview

def preview_of(*, rows, encoding="", file_errors=(), already=None):
    """The stored preview: counts, what would be created, the first errors (row, column, message)."""
    plan = plan_of(rows)
    errors = error_list(rows)
    return {
        "encoding": encoding, "rows_read": len(rows), "rows_with_errors": sum(1 for r in rows if r.errors),
        "rounds": len(plan.rounds), "periods": plan.rounds, "audits": plan.audits, "answers": plan.answers, "factor_scores": plan.factor_scores,
        "error_count": len(errors), "errors": errors[:MAX_STORED_ERRORS], "file_errors": list(file_errors),
        "already_imported": {"id": already.pk, "at": already.applied_at.isoformat()} if already else None,
    }


def preview_is_clean(preview):
    return (preview.get("rows_read") and not preview.get("error_count") and not preview.get("file_errors")
            and not preview.get("already_imported"))


def read_and_check(*, company, file_name, content, questionnaire=None, progress=None):
    """(rows, preview, context) of a file; file-level problems come back in the preview, never raised."""
    ctx = build_context(company=company, questionnaire=questionnaire)
    try:
        # The kind of file first (a renamed PNG is no CSV); openpyxl names a broken workbook in its own words.
        check_upload(file_name, content, allowed=("csv", "xlsx"), check_parts=False)
        records, encoding = table_records(file_name, content)
    except ValidationError as exc:
        return [], preview_of(rows=[], file_errors=exc.messages), ctx
    rows = check(records=records, ctx=ctx, progress=progress)
    already = previous_import(company=company, digest=content_hash(content))
    return rows, preview_of(rows=rows, encoding=encoding, already=already), ctx


def history_upload(*, company, by, file_name, content, questionnaire=None):
    """Keep an uploaded history file with its preview; nothing is imported until it is confirmed."""
    if not content:
        raise ValidationError({"file": _("The file is empty.")})
    if len(content) > MAX_FILE_BYTES:
        raise ValidationError({"file": _("The file is larger than %(mb)s MB; split it into several files.") % {
            "mb": MAX_FILE_BYTES // 2**20}})
    if questionnaire is not None and (questionnaire.company_id != company.pk or not questionnaire.is_frozen):
        raise ValidationError({"questionnaire": _("Choose a published version of this company's questionnaire.")})
    _rows, preview, _ctx = read_and_check(company=company, file_name=file_name, content=content, questionnaire=questionnaire)
    return HistoryImport.objects.create(
        company=company, kind=HistoryImportKind.FILE, content_hash=content_hash(content), file_name=file_name[:255],
        content_b64=base64.b64encode(content).decode("ascii"), questionnaire=questionnaire, preview=preview,
        rows_total=preview["rows_read"], created_by=by,
    )


def history_confirm(*, history_import):
    """Queue a clean preview for import (a second confirm finds it queued and does nothing)."""
    from .tasks import run_history_import

    if not preview_is_clean(history_import.preview):
        raise ValidationError(_("Fix the errors in the file and upload it again; nothing was imported."))
    with transaction.atomic():
        claimed = HistoryImport.objects.filter(pk=history_import.pk, status=HistoryImportStatus.PREVIEW).update(
            status=HistoryImportStatus.QUEUED)
        if claimed:
            company_id, pk = history_import.company_id, history_import.pk
            transaction.on_commit(lambda: run_history_import.delay(company_id, pk))
    history_import.refresh_from_db()
    return bool(claimed)


# ---------------------------------------------------------------- running a confirmed import

def _set(history_import, **fields):
    """Save progress fields now (outside the write transaction, so the page's poll sees them)."""
    for name, value in fields.items():
        setattr(history_import, name, value)
    HistoryImport.objects.filter(pk=history_import.pk).update(**fields)


def history_run(*, history_import, progress=None):
    """Check the kept file again and import it all or nothing; returns the import with its outcome."""
    claimed = HistoryImport.objects.filter(pk=history_import.pk, status=HistoryImportStatus.QUEUED).update(
        status=HistoryImportStatus.RUNNING)
    if not claimed:
        return history_import  # already running, done or failed: a redelivered task does nothing
    history_import.refresh_from_db()

    def checked(done, total):
        _set(history_import, rows_done=done, rows_total=total)
        if progress is not None:
            progress(done, total)

    rows, preview, ctx = read_and_check(
        company=history_import.company, file_name=history_import.file_name, content=history_import.content,
        questionnaire=history_import.questionnaire, progress=checked)
    if not preview_is_clean(preview):
        _set(history_import, status=HistoryImportStatus.FAILED, preview=preview,
             error=_("The file no longer passes the checks (see the errors); nothing was imported."))
        return history_import
    try:
        summary = apply_rows(company=history_import.company, rows=rows, ctx=ctx, by=history_import.created_by,
                             source=history_import.file_name)
    except IntegrityError:  # a round for one of the periods was created meanwhile
        _set(history_import, status=HistoryImportStatus.FAILED,
             error=_("A round for one of the periods was created meanwhile; nothing was imported."))
        return history_import
    _set(history_import, status=HistoryImportStatus.DONE, summary=summary, applied_at=timezone.now(), content_b64="")
    return history_import


# ---------------------------------------------------------------- the write

ANSWER_COLUMNS = ("company_id", "audit_id", "question_id", "scale_value", "bool_value", "number_value", "text_value",
                  "not_applicable", "comment", "evidence_url", "evidence_file", "updated_at", "updated_by_id")
ANSWER_DEFAULTS = {"scale_value": None, "bool_value": None, "number_value": None, "text_value": "",
                   "not_applicable": False}


def apply_rows(*, company, rows, ctx, by=None, source=""):
    """Create the rounds of clean rows (checked against `ctx`) in one transaction; returns what was created."""
    accountable = scoring.accountable_department_ids(company)
    factor_ids = list(Factor.objects.values_list("pk", flat=True))
    with transaction.atomic():
        rounds = _build_rounds(company=company, rows=rows, accountable=accountable, factor_ids=factor_ids, ctx=ctx)
        Round.objects.bulk_create([r.round for r in rounds], batch_size=BATCH)
        audits = [a for r in rounds for a in r.audits]
        DepartmentAudit.objects.bulk_create([a.audit for a in audits], batch_size=BATCH)
        _write_children(company=company, rounds=rounds, audits=audits, by=by, source=source)
        figures_changed.send(sender=Round, company_id=company.pk)
    return {"rounds": len(rounds), "audits": len(audits), "answers": sum(len(a.answers) for a in audits),
            "factor_scores": sum(len(a.scores) for a in audits), "periods": [r.round.period for r in rounds]}


def insert_rows(model, columns, rows):
    """INSERT plain tuples (attribute names → values). PostgreSQL gets one COPY per table: at 10,000 answers
    bulk_create spent most of the import preparing model instances and values; other databases use bulk_create."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=BATCH)
        return
    names = ", ".join(connection.ops.quote_name(model._meta.get_field(c).column) for c in columns)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _write_children(*, company, rounds, audits, by, source):
    through = DepartmentAudit.factors.through
    insert_rows(through, ("departmentaudit_id", "factor_id"),
                [(a.audit.pk, f) for a in audits for f in sorted(a.factor_ids)])
    reason = _("Imported from history (%(source)s).") % {"source": source or _("API")}
    by_id = by.pk if by is not None else None
    insert_rows(AuditTransition, ("company_id", "audit_id", "from_status", "to_status", "by_id", "at", "reason"), [
        row for a in audits for row in (
            (company.pk, a.audit.pk, "", AuditStatus.DRAFT.value, None, a.audit.round.opened_at, reason),
            (company.pk, a.audit.pk, AuditStatus.DRAFT.value, AuditStatus.SUBMITTED.value, by_id,
             a.audit.submitted_at, reason),
        )])
    insert_rows(Answer, ANSWER_COLUMNS, [
        (company.pk, a.audit.pk, answer.question_id, answer.scale_value, answer.bool_value, answer.number_value,
         answer.text_value, answer.not_applicable, answer.comment, "", "", a.audit.submitted_at, None)
        for a in audits for answer in a.answers])
    insert_rows(FactorScore, ("company_id", "audit_id", "factor_id", "score", "scored_answers"),
                [(company.pk, a.audit.pk, factor_id, score, counted) for a in audits
                 for factor_id, score, counted in a.scores])
    insert_rows(RoundFactorScore, ("company_id", "round_id", "factor_id", "score", "departments_answered",
                                   "accountable_department_id"),
                [(company.pk, r.round.pk, *score) for r in rounds for score in r.scores])


class _BuiltAudit:
    """An audit to insert, its answers (attribute bags the scoring functions read) and (factor, score, count)s."""

    def __init__(self, audit):
        self.audit, self.answers, self.scores, self.factor_ids = audit, [], [], set()


class _BuiltRound:
    def __init__(self, round):
        self.round, self.audits, self.scores = round, [], []


def _build_rounds(*, company, rows, accountable, factor_ids, ctx):
    by_period = {}
    for row in rows:
        by_period.setdefault(row.period, {}).setdefault(row.department_id, []).append(row)
    return [_build_round(company=company, period=period, departments=departments, accountable=accountable,
                         factor_ids=factor_ids, ctx=ctx)
            for period, departments in sorted(by_period.items())]


def _build_round(*, company, period, departments, accountable, factor_ids, ctx):
    first = next(iter(departments.values()))[0]
    questions = [r.question for rs in departments.values() for r in rs if r.question is not None]
    questionnaire = ctx.version_for(first.opened)
    round = Round(
        company=company, period=period.name, period_start=period.start, period_end=period.end,
        questionnaire_id=questions[0].questionnaire_id if questions else questionnaire.pk,
        opened_at=start_of_day(company, first.opened), deadline=end_of_day(company, first.deadline),
        is_imported=True, expected_count=len(departments), submitted_count=len(departments),
    )
    built = _BuiltRound(round)
    version_questions = list(ctx.questions.get(round.questionnaire_id, {}).values())
    for department_id, department_rows in departments.items():
        built.audits.append(_build_audit(company=company, round=round, department_id=department_id,
                                         rows=department_rows, version_questions=version_questions))
    _score_round(built, accountable=accountable, factor_ids=factor_ids)
    return built


def _build_audit(*, company, round, department_id, rows, version_questions):
    submitted = datetime.datetime.combine(rows[0].submitted, SUBMITTED_TIME, tzinfo=company.tzinfo)
    factor_level = rows[0].factor_id is not None
    audit = DepartmentAudit(
        company=company, round=round, department_id=department_id, status=AuditStatus.SUBMITTED,
        deadline=round.deadline, submitted_at=submitted, first_submitted_at=submitted, factor_level=factor_level,
    )
    built = _BuiltAudit(audit)
    if factor_level:
        for row in rows:
            built.factor_ids.add(row.factor_id)
            built.scores.append((row.factor_id, row.value["score"], 0))
        return built
    for row in rows:
        built.factor_ids.add(row.question.factor_id)
        built.answers.append(SimpleNamespace(question_id=row.question.pk, comment=row.comment,
                                             **{**ANSWER_DEFAULTS, **row.value}))
    answers = {answer.question_id: answer for answer in built.answers}
    computed = scoring.audit_factor_scores(built.factor_ids, version_questions, answers)
    built.scores = [(factor_id, score, counted) for factor_id, (score, counted) in computed.items()]
    return built


def _score_round(built, *, accountable, factor_ids):
    """Company factor scores and the system index with the same functions as scoring.store_round_scores."""
    rows_by_factor = {}
    for a in built.audits:
        for factor_id, score, _counted in a.scores:
            rows_by_factor.setdefault(factor_id, []).append((a.audit.department_id, score))
    values = []
    for factor_id in factor_ids:
        score, answered = scoring.round_factor_score(rows_by_factor.get(factor_id, []), accountable.get(factor_id))
        built.scores.append((factor_id, score, answered, accountable.get(factor_id)))
        values.append(score)
    built.round.system_index = scoring.system_index(values)


# ---------------------------------------------------------------- API: one request, checked and applied

def api_stored_response(*, company, key, digest):
    """(status, body) already given for this key; None when the key is new; another body → conflict."""
    found = HistoryImport.objects.filter(company=company, kind=HistoryImportKind.API, key=key).first()
    if found is None:
        return None
    if found.content_hash != digest:
        raise HistoryIdempotencyConflict
    return 201, found.summary


def history_import_rows(*, company, by, key, body, records, questionnaire=None, dry_run=False):
    """Check API rows and, unless `dry_run` or any row has an error, import them once per key.

    Returns (status, response body). Errors come back as 400 with {"errors": [{row, column, message}]}.
    """
    digest = body_hash(body)
    if not dry_run:
        previous = api_stored_response(company=company, key=key, digest=digest)
        if previous is not None:
            return previous
    ctx = build_context(company=company, questionnaire=questionnaire)
    rows = check(records=records, ctx=ctx)
    preview = preview_of(rows=rows, already=previous_import(company=company, digest=digest))
    if dry_run or preview["error_count"] or preview["already_imported"]:
        # Rows applied before by another request are "already imported", not errors (their periods exist now).
        code = 400 if preview["error_count"] and not preview["already_imported"] else 200
        return code, {**preview, "dry_run": dry_run, "idempotency_key": key}
    try:
        with transaction.atomic():
            record = HistoryImport.objects.create(
                company=company, kind=HistoryImportKind.API, key=key, content_hash=digest, created_by=by,
                status=HistoryImportStatus.RUNNING, rows_total=len(rows), preview=preview)
            summary = apply_rows(company=company, rows=rows, ctx=ctx, by=by, source=_("API"))
            response = {**summary, "id": record.pk, "rows": len(rows), "idempotency_key": key}
            _set(record, status=HistoryImportStatus.DONE, summary=response, rows_done=len(rows),
                 applied_at=timezone.now())
    except IntegrityError:
        previous = api_stored_response(company=company, key=key, digest=digest)
        if previous is None:
            raise ValidationError(_("A round for one of the periods was created meanwhile; nothing was imported."))
        return previous
    return 201, response


def rows_summary_text(summary):
    return ngettext("%(n)s round imported.", "%(n)s rounds imported.", summary.get("rounds", 0)) % {
        "n": summary.get("rounds", 0)}


def history_fail(*, history_import):
    """Mark an import that stopped on an unexpected error as failed (its transaction was rolled back)."""
    _set(history_import, status=HistoryImportStatus.FAILED,
         error=_("The import stopped on an unexpected error; nothing was imported. Try again or tell support."))


@transaction.atomic
def history_apply_file(*, company, rows, ctx, content, file_name, preview, by=None):
    """Import checked rows of a file outside the page (the command) and remember the file, so that uploading
    it again creates nothing new; returns the summary."""
    summary = apply_rows(company=company, rows=rows, ctx=ctx, by=by, source=file_name)
    HistoryImport.objects.create(
        company=company, kind=HistoryImportKind.FILE, content_hash=content_hash(content), file_name=file_name[:255],
        status=HistoryImportStatus.DONE, preview=preview, summary=summary, rows_total=preview["rows_read"],
        rows_done=preview["rows_read"], created_by=by, applied_at=timezone.now())
    return summary
