"""Writes of the audits domain. Keyword-only arguments; validate, then save, inside a transaction.

Services that signals or tasks call without a request (company setup, matrix proposal, round opening)
enter the company's scope themselves; the others run inside the request's or the task's scope.

Row locks (PostgreSQL; SQLite has one writer at a time). Lock only the rows meant, always in this order, and
keep the transactions short:

    1. department audit   `_lock_open_audit`: SELECT … FOR NO KEY UPDATE OF the audit row alone; the answer
                          pages and API take it with `audit_lock_answerable` (the head's own audit only, read
                          with its round in the same statement) and pass it to the `*_locked` services
    2. its round          `_lock_round` (submit, reopen): FOR NO KEY UPDATE OF the round row, so two submits of
                          one round recompute the round's scores one after the other
    3. round factor scores (written by scoring in one statement, under the round's lock), then answers of the
                          locked audit
    4. notification (outbox) rows, in primary-key order (notifications.services)

`OF self` matters: `select_for_update()` with `select_related()` also locks every joined row, and a FOR UPDATE
on the round and the company blocked every insert that references them (FOR KEY SHARE), which is how answer
saves, submits and the planning tick deadlocked. `no_key=True` because none of these writes changes a key, so
inserts of child rows (answers, transitions, notifications) are not blocked. Nothing locks a company row.
Services that take these locks retry once on a deadlock or serialization failure (accounts.deadlocks); inside a
writing request the request's transaction is the unit run again (accounts.transactions). Answers are written only
under their audit's lock, so reading an answer under it needs no lock of its own.
"""

import datetime
import functools
import os
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_scopes import scope

from accounts import sqlrows
from accounts.concurrency import save_versioned
from accounts.deadlocks import retry_once_on_deadlock
from accounts.models import Department, Role
from accounts.security.audit import record, remember_stored, update_logged
from accounts.security.models import AuditAction
from accounts.services import company_mark_due
from accounts.uploads import content_matches_extension, type_mismatch_message

from . import scoring
from .evidence import evidence_file_discard_later
from .models import (
    OPEN_ACTION_STATUSES,
    ActionItem,
    ActionStatus,
    Answer,
    AnswerRevision,
    AuditStatus,
    AuditTransition,
    DepartmentAudit,
    Factor,
    FactorResponsibility,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireStatus,
    Responsibility,
    Round,
    RoundFactorScore,
    Schedule,
)
from .periods import Period, parse_period, period_containing

FROZEN_MESSAGE = gettext_lazy("Published questionnaires cannot be edited; make a copy.")
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
EVIDENCE_EXTENSIONS = ("pdf", "png", "jpg", "jpeg", "docx", "xlsx", "csv", "txt")
MAX_TEXT_ANSWER = 5000
# A value sent together with "not applicable" is refused, never dropped silently (issue 12, rule 8).
NA_WITH_VALUE = gettext_lazy("A question marked not applicable takes no answer: untick “not applicable” to "
                             "answer it, or clear the answer.")
NUMBER_LIMIT = Decimal("1e12")


class AuditNotEditable(ValidationError):
    """The audit is submitted: answers and submission are refused (the API answers 409, pages show the message).

    A ValidationError subclass so that a caller which forgets to map it still answers 400, never 500.
    """

    status_code = 409


# ---------------------------------------------------------------- time helpers

def local_date(company, moment):
    """The calendar date of a moment in the company's timezone."""
    return timezone.localtime(moment, company.tzinfo).date()


def end_of_day(company, day):
    """23:59:59 of a date in the company's timezone."""
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=company.tzinfo)


def start_of_day(company, day):
    return datetime.datetime.combine(day, datetime.time(0, 0), tzinfo=company.tzinfo)


# ---------------------------------------------------------------- company setup

def company_audit_setup(*, company):
    """A new company gets the default schedule and the default questionnaire, published (idempotent)."""
    with scope(company=company), transaction.atomic():
        Schedule.objects.get_or_create(company=company)
        if not company.questionnaires.exists():
            questionnaire_create_default(company=company)


def questionnaire_create_default(*, company, by=None):
    """Load audits/default_questionnaire.py into a new published version of the company's questionnaire."""
    from .default_questionnaire import QUESTIONNAIRE_TITLE, QUESTIONS

    language = company.language if company.language in QUESTIONNAIRE_TITLE else "en"
    questionnaire = Questionnaire(
        company=company, version=_next_version(company), title=QUESTIONNAIRE_TITLE[language], created_by=by,
    )
    questionnaire.full_clean()
    questionnaire.save()
    factors = {factor.key: factor for factor in Factor.objects.all()}
    positions, questions = {}, []
    for row in QUESTIONS:
        positions[row["factor"]] = positions.get(row["factor"], 0) + 1
        question = Question(
            company=company, questionnaire=questionnaire, factor=factors[row["factor"]], key=row["key"],
            position=positions[row["factor"]], kind=row["kind"], weight=row.get("weight", 1),
            required=row.get("required", True), text_en=row["text_en"], text_ru=row["text_ru"],
            help_en=row.get("help_en", ""), help_ru=row.get("help_ru", ""),
            scale_labels=row.get("scale_labels") or {},
        )
        # The default set is static and unique by key (the database checks it again): skip a query per question.
        question.full_clean(validate_constraints=False)
        questions.append(question)
    # Every company gets these 37 rows; one insert and one audit entry instead of 37 of each.
    Question.objects.bulk_create(questions)
    record(action=AuditAction.CREATE, company_id=company.pk, obj=questionnaire,
           changes={"default_questions": len(questions)})
    return questionnaire_publish(questionnaire=questionnaire, by=by)


# ---------------------------------------------------------------- responsibility matrix

# Department-name stems per factor, English and Russian. Short stems must match a whole word ("it" ≠ "digital").
MATRIX_NAME_RULES = {
    "product": ("product", "production", "продукт", "производств"),
    "customers": ("marketing", "маркетинг"),
    "market": ("marketing", "маркетинг"),
    "advantage": ("management", "руководств", "управлен", "дирекц", "board"),
    "strategy": ("management", "руководств", "управлен", "дирекц", "board"),
    "sales_tech": ("sales", "продаж"),
    "automation": ("it", "ит", "information technology", "информационн"),
}
FALLBACK_FACTOR = "strategy"  # unmatched factors go to the department that management rules match


def _words(name):
    return "".join(ch if ch.isalnum() else " " for ch in name.lower()).split()


def department_matches(name, stems):
    """True when a department name contains one of the stems (short stems as whole words)."""
    lowered, words = name.lower(), _words(name)
    return any((stem in words) if len(stem) <= 3 else (stem in lowered) for stem in stems)


def _proposed_department(departments, factor_key):
    for department in departments:
        if department_matches(department.name, MATRIX_NAME_RULES[factor_key]):
            return department
    return None


def matrix_propose(*, company):
    """Give every factor without a (manually set) accountable department one chosen by department names.

    Cells the admin set are kept; cells only proposed earlier are proposed again, so a department
    created later (say "IT" after "Management") takes over the factor that fell back to management.
    Returns the number of cells changed.
    """
    with scope(company=company), transaction.atomic():
        departments = list(company.departments.filter(is_archived=False).order_by("created_at", "pk"))
        cells = {
            cell.factor_id: cell
            for cell in FactorResponsibility.objects.select_for_update().filter(
                company=company, responsibility=Responsibility.ACCOUNTABLE
            ).select_related("department")
        }
        fallback = _proposed_department(departments, FALLBACK_FACTOR)
        changed = 0
        for factor in Factor.objects.all():
            cell = cells.get(factor.pk)
            if cell is not None and not cell.proposed and not cell.department.is_archived:
                continue
            department = _proposed_department(departments, factor.key) or fallback
            if department is None or (cell is not None and cell.department_id == department.pk):
                continue
            if cell is not None:
                cell.delete()
            FactorResponsibility.objects.update_or_create(
                company=company, factor=factor, department=department,
                defaults={"responsibility": Responsibility.ACCOUNTABLE, "proposed": True},
            )
            changed += 1
        return changed


def matrix_set(*, company, cells):
    """Replace the whole matrix. `cells`: factor key → {"accountable": department, "contributing": [departments]}."""
    factors = {factor.key: factor for factor in Factor.objects.all()}
    errors = {}
    unknown = set(cells) - set(factors)
    if unknown:
        errors["__all__"] = [_("Unknown factor: %(keys)s.") % {"keys": ", ".join(sorted(unknown))}]
    for key in factors:
        message = _check_matrix_row(company=company, row=cells.get(key))
        if message:
            errors[key] = [message]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        FactorResponsibility.objects.filter(company=company).delete()
        for key, row in cells.items():
            FactorResponsibility.objects.create(
                company=company, factor=factors[key], department=row["accountable"],
                responsibility=Responsibility.ACCOUNTABLE,
            )
            for department in {d.pk: d for d in row.get("contributing") or []}.values():
                if department.pk != row["accountable"].pk:
                    FactorResponsibility.objects.create(
                        company=company, factor=factors[key], department=department,
                        responsibility=Responsibility.CONTRIBUTING,
                    )


def _check_matrix_row(*, company, row):
    """Why a matrix row is invalid, or None."""
    if not row or row.get("accountable") is None:
        return _("Choose exactly one accountable department.")
    for department in [row["accountable"], *(row.get("contributing") or [])]:
        if department.company_id != company.pk:
            return _("Choose departments of this company.")
        if department.is_archived:
            return _("The department “%(name)s” is archived.") % {"name": department.name}
    return None


# ---------------------------------------------------------------- questionnaires

def _next_version(company):
    latest = company.questionnaires.order_by("-version").values_list("version", flat=True).first()
    return (latest or 0) + 1


def _ensure_editable(questionnaire):
    if questionnaire.is_frozen:
        raise ValidationError(FROZEN_MESSAGE, code="frozen")


def questionnaire_create(*, company, by=None, title):
    """A new, empty draft questionnaire with the next version number."""
    questionnaire = Questionnaire(
        company=company, version=_next_version(company), title=(title or "").strip(), created_by=by,
    )
    questionnaire.full_clean()
    questionnaire.save()
    return questionnaire


@transaction.atomic
def questionnaire_copy(*, questionnaire, by=None):
    """A new draft with the next version number and copies of every question (keys kept)."""
    company = questionnaire.company
    copy = Questionnaire(
        company=company, version=_next_version(company), title=questionnaire.title,
        based_on=questionnaire, created_by=by,
    )
    copy.full_clean()
    copy.save()
    for question in questionnaire.questions.all():
        question.pk = None
        question.questionnaire = copy
        question.save()
    return copy


def questionnaire_update(*, questionnaire, by=None, title, expected_version=None):
    _ensure_editable(questionnaire)
    questionnaire.title = title.strip()
    questionnaire.full_clean()
    save_versioned(questionnaire, expected_version=expected_version, update_fields=["title"])
    return questionnaire


def questionnaire_delete(*, questionnaire, by=None):
    """Only a draft can be deleted; published and retired versions are history."""
    _ensure_editable(questionnaire)
    questionnaire.delete()


@transaction.atomic
def questionnaire_publish(*, questionnaire, by=None, now=None):
    """Freeze a draft and make it the current version; the previously published one is retired."""
    if questionnaire.status != QuestionnaireStatus.DRAFT:
        raise ValidationError(_("Only a draft can be published."), code="not_draft")
    if not questionnaire.questions.exists():
        raise ValidationError(_("A questionnaire with no questions cannot be published."), code="empty")
    update_logged(questionnaire.company.questionnaires.filter(status=QuestionnaireStatus.PUBLISHED),
                  status=QuestionnaireStatus.RETIRED)
    questionnaire.status = QuestionnaireStatus.PUBLISHED
    questionnaire.published_at = now or timezone.now()
    questionnaire.save(update_fields=["status", "published_at"])
    return questionnaire


QUESTION_FIELDS = (
    "factor", "key", "position", "kind", "text_en", "text_ru", "help_en", "help_ru", "scale_labels", "weight",
    "required",
)


def _check_scale_labels(question):
    if question.kind != QuestionKind.SCALE or not question.scale_labels:
        return
    labels = question.scale_labels
    valid = isinstance(labels, dict) and all(
        language in ("en", "ru") and isinstance(values, list) and len(values) == 5
        and all(isinstance(value, str) for value in values)
        for language, values in labels.items()
    )
    if not valid:
        raise ValidationError({"scale_labels": _("Give five labels (for 1 to 5) per language: {\"en\": […], \"ru\": […]}.")})


def _save_question(question, *, expected_version=None):
    _check_scale_labels(question)
    if question.key and question.questionnaire.questions.filter(key=question.key).exclude(pk=question.pk).exists():
        raise ValidationError({"key": _("Another question of this questionnaire has this key.")})
    question.full_clean()
    if question.pk is None:
        question.save()
    else:
        save_versioned(question, expected_version=expected_version)
    return question


def question_add(*, questionnaire, by=None, factor, kind, text_en, text_ru, help_en="", help_ru="",
                 scale_labels=None, weight=1, required=True, key="", position=None):
    _ensure_editable(questionnaire)
    if position is None:
        position = questionnaire.questions.filter(factor=factor).count() + 1
    question = Question(
        company=questionnaire.company, questionnaire=questionnaire, factor=factor, kind=kind,
        text_en=text_en, text_ru=text_ru, help_en=help_en, help_ru=help_ru, scale_labels=scale_labels or {},
        weight=weight, required=required, key=key, position=position,
    )
    return _save_question(question)


def question_update(*, question, by=None, expected_version=None, **fields):
    """Change any of QUESTION_FIELDS of a draft's question."""
    _ensure_editable(question.questionnaire)
    unknown = set(fields) - set(QUESTION_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown question fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    for name, value in fields.items():
        setattr(question, name, value)
    return _save_question(question, expected_version=expected_version)


def question_delete(*, question, by=None):
    _ensure_editable(question.questionnaire)
    question.delete()


# ---------------------------------------------------------------- schedule and periods

def schedule_of(*, company):
    """The company's schedule (created with the defaults when missing)."""
    schedule, _created = Schedule.objects.get_or_create(company=company)
    return schedule


def schedule_update(*, company, cadence, opening_day, answer_window_days, is_active, expected_version=None):
    schedule = schedule_of(company=company)
    schedule.cadence, schedule.opening_day = cadence, opening_day
    schedule.answer_window_days, schedule.is_active = answer_window_days, is_active
    schedule.full_clean()
    save_versioned(schedule, expected_version=expected_version)
    company_mark_due(company_id=company.pk)  # the next opening moment moved
    return schedule


def current_period(*, company, schedule=None, now=None):
    """The period of the company's cadence that contains today in the company's timezone."""
    schedule = schedule or schedule_of(company=company)
    return period_containing(local_date(company, now or timezone.now()), schedule.cadence)


def opening_moment(*, company, schedule, period):
    """When the schedule opens the period's round: the opening day, midnight in the company's timezone."""
    return start_of_day(company, period.opening_date(schedule.opening_day))


def _as_period(*, company, schedule, period, now):
    if period is None:
        return current_period(company=company, schedule=schedule, now=now)
    if not isinstance(period, Period):
        try:
            period = parse_period(str(period))
        except ValueError as exc:
            raise ValidationError({"period": str(exc)}) from None
    if period.cadence != schedule.cadence:
        raise ValidationError({"period": _("This company's rounds follow the %(cadence)s cadence; name a period of it.")
                               % {"cadence": schedule.get_cadence_display().lower()}})
    if period.start > local_date(company, now):
        raise ValidationError({"period": _("A round cannot open before its period starts.")})
    return period


# ---------------------------------------------------------------- rounds

def responsible_departments(*, company):
    """Active departments with at least one factor in the matrix: department → [factors]."""
    cells = (
        FactorResponsibility.objects.filter(company=company, department__is_archived=False)
        .select_related("department", "factor").order_by("department__name", "factor__position")
    )
    grouped = {}
    for cell in cells:
        grouped.setdefault(cell.department, []).append(cell.factor)
    return grouped


def round_open(*, company, period=None, by=None, now=None):
    """Open the period's round (default: the current one): one audit per responsible department.

    Returns (round, created). Idempotent: a period already opened, even by a concurrent worker,
    returns the existing round with created=False (the unique constraint decides the race).
    The deadline is the end of the day `answer_window_days` after the round actually opens.
    """
    now = now or timezone.now()
    with scope(company=company), transaction.atomic():
        schedule = schedule_of(company=company)
        period = _as_period(company=company, schedule=schedule, period=period, now=now)
        existing = company.audit_rounds.filter(period=period.name).first()
        if existing is not None:
            return existing, False
        questionnaire = company.questionnaires.filter(status=QuestionnaireStatus.PUBLISHED).first()
        if questionnaire is None:
            raise ValidationError(_("Publish a questionnaire before opening a round."), code="no_questionnaire")
        departments = responsible_departments(company=company)
        if not departments:
            raise ValidationError(
                _("No department is responsible for any factor; set up the responsibility matrix first."),
                code="empty_matrix",
            )
        deadline = end_of_day(company, local_date(company, now) + datetime.timedelta(days=schedule.answer_window_days))
        round = Round(
            company=company, period=period.name, period_start=period.start, period_end=period.end,
            questionnaire=questionnaire, opened_at=now, opened_by=by, deadline=deadline,
        )
        round.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                round.save()
        except IntegrityError:
            return company.audit_rounds.get(period=period.name), False
        _create_round_audits(round=round, departments=departments)
        company_mark_due(company_id=company.pk)  # "round opened" notices are due now
        return round, True


def _create_round_audits(*, round, departments):
    for department, factors in departments.items():
        audit = DepartmentAudit.objects.create(
            company=round.company, round=round, department=department, deadline=round.deadline,
        )
        audit.factors.set(factors)
        AuditTransition.objects.create(
            company=round.company, audit=audit, from_status="", to_status=AuditStatus.DRAFT,
            by=round.opened_by, at=round.opened_at,
        )
    accountable = scoring.accountable_department_ids(round.company)
    RoundFactorScore.objects.bulk_create([
        RoundFactorScore(company=round.company, round=round, factor=factor, accountable_department_id=accountable.get(factor.pk))
        for factor in Factor.objects.all()
    ])
    scoring.store_round_scores(round)


def _record_transition(*, audit, to_status, by=None, at=None, reason=""):
    AuditTransition.objects.create(
        company=audit.company, audit=audit, from_status=audit.status, to_status=to_status,
        by=by, at=at or timezone.now(), reason=reason,
    )
    audit.status = to_status


def audits_mark_overdue(*, company, now=None):
    """Draft and reopened audits past their deadline become overdue; returns how many changed."""
    return audits_mark_overdue_in(companies=[company], now=now)


def audits_mark_overdue_in(*, companies, now=None):
    """The same for a batch of companies (the tick's): one query finds the late audits, each is claimed alone."""
    now = now or timezone.now()
    late = DepartmentAudit.objects.filter(
        company__in=companies, status__in=(AuditStatus.DRAFT, AuditStatus.REOPENED), deadline__lt=now
    )
    changed = 0
    for audit in late:
        with transaction.atomic():
            # Claim by a conditional update so two workers never record the same transition twice.
            claimed = update_logged(DepartmentAudit.objects.filter(pk=audit.pk, status=audit.status),
                                    status=AuditStatus.OVERDUE)
            if claimed:
                AuditTransition.objects.create(
                    company_id=audit.company_id, audit=audit, from_status=audit.status, to_status=AuditStatus.OVERDUE,
                    at=now,
                )
                changed += 1
    return changed


# ---------------------------------------------------------------- answers

def audit_questions(audit):
    """The questions an audit asks: its questionnaire's questions of the audit's factors."""
    return Question.objects.filter(
        company=audit.company_id, questionnaire_id=audit.round.questionnaire_id, factor_id__in=audit_factor_ids(audit),
    ).select_related("factor")


def audit_factor_ids(audit):
    """The audit's factor ids as a subquery of the many-to-many table alone (no join to the factors, no order)."""
    return DepartmentAudit.factors.through.objects.filter(departmentaudit_id=audit.pk).values("factor_id")


def _lock_audit(audit):
    """Re-read the audit under a lock of its own row only (step 1 of the lock order in the module docstring)."""
    return DepartmentAudit.objects.select_for_update(of=("self",), no_key=True).select_related(
        "round", "company").get(pk=audit.pk)


def _lock_round(round):
    """Lock the round's row (step 2), after its audit's: its scores are recomputed by one submit at a time."""
    locked = Round.objects.select_for_update(of=("self",), no_key=True).get(pk=round.pk)
    remember_stored(locked)  # read under its lock: the audit log compares the new scores with it
    return locked


def _lock_open_audit(audit):
    """Re-read the audit under a row lock and refuse when it is submitted."""
    locked = _lock_audit(audit)
    if not locked.is_open:
        raise AuditNotEditable(_("This audit has been submitted; ask an admin to reopen it to change answers."),
                               code="not_editable")
    return locked


def _check_question_in_audit(*, audit, question):
    if question.questionnaire_id != audit.round.questionnaire_id or not audit.factors.filter(pk=question.factor_id).exists():
        raise ValidationError({"question": _("This question is not part of this audit.")}, code="foreign_question")


def _as_int(value):
    if isinstance(value, bool):
        raise ValueError
    return int(value)


def _clean_values(*, question, scale_value, bool_value, number_value, text_value):
    """Check the value fits the question's kind; returns the cleaned values as a dict."""
    kind, errors = question.kind, {}
    values = {"scale_value": None, "bool_value": None, "number_value": None, "text_value": ""}
    others = {
        QuestionKind.SCALE: (bool_value, number_value, text_value),
        QuestionKind.YES_NO: (scale_value, number_value, text_value),
        QuestionKind.NUMBER: (scale_value, bool_value, text_value),
        QuestionKind.TEXT: (scale_value, bool_value, number_value),
    }[kind]
    if any(value not in (None, "") for value in others):
        errors["__all__"] = _("This question takes a %(kind)s answer only.") % {"kind": question.get_kind_display()}
    if kind == QuestionKind.SCALE and scale_value not in (None, ""):
        try:
            values["scale_value"] = _as_int(scale_value)
        except (TypeError, ValueError):
            values["scale_value"] = 0
        if not 1 <= values["scale_value"] <= 5:
            errors["scale_value"] = _("Choose a score from 1 to 5.")
    elif kind == QuestionKind.YES_NO and bool_value is not None:
        if not isinstance(bool_value, bool):
            errors["bool_value"] = _("Answer yes or no.")
        values["bool_value"] = bool_value
    elif kind == QuestionKind.NUMBER and number_value not in (None, ""):
        try:
            values["number_value"] = Decimal(str(number_value)).quantize(Decimal("0.01"))
            if not values["number_value"].is_finite() or abs(values["number_value"]) >= NUMBER_LIMIT:
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors["number_value"] = _("Enter a number below a trillion, with at most two decimals.")
    elif kind == QuestionKind.TEXT:
        values["text_value"] = (text_value or "").strip()
        if len(values["text_value"]) > MAX_TEXT_ANSWER:
            errors["text_value"] = _("Keep the answer under %(limit)s characters.") % {"limit": MAX_TEXT_ANSWER}
    if errors:
        raise ValidationError(errors)
    return values


def _check_evidence_file(evidence_file):
    extension = os.path.splitext(evidence_file.name or "")[1].lower().lstrip(".")
    if extension not in EVIDENCE_EXTENSIONS:
        raise ValidationError({"evidence_file": _("Upload a PDF, PNG, JPG, DOCX, XLSX, CSV or TXT file.")})
    if evidence_file.size > MAX_EVIDENCE_BYTES:
        raise ValidationError({"evidence_file": _("The file is larger than 10 MB.")})
    if not content_matches_extension(evidence_file.name, evidence_file):
        raise ValidationError({"evidence_file": type_mismatch_message(evidence_file.name)})


def answer_snapshot(answer):
    """An answer's values as JSON, kept in AnswerRevision when a once-submitted answer changes."""
    return {
        "scale_value": answer.scale_value,
        "bool_value": answer.bool_value,
        "number_value": None if answer.number_value is None else str(answer.number_value),
        "text_value": answer.text_value,
        "not_applicable": answer.not_applicable,
        "comment": answer.comment,
        "evidence_url": answer.evidence_url,
        "evidence_file": answer.evidence_file.name or "",
        "updated_at": answer.updated_at.isoformat() if answer.updated_at else None,
        "updated_by": answer.updated_by_id,
    }


def _is_given(value):
    """False for an omitted value (None, empty or blank text); True for anything else, False and 0 included."""
    return value is not None and not (isinstance(value, str) and not value.strip())


def _check_not_applicable(*, comment, values):
    """N/A needs a comment and no value. A value sent with N/A is refused, not silently dropped: dropping it
    made the page say "Saved" for a value that was never stored (issue 12, rule 8)."""
    if any(_is_given(value) for value in values):
        raise ValidationError({"not_applicable": NA_WITH_VALUE}, code="na_with_value")
    if not comment:
        raise ValidationError({"comment": _("Say why the question does not apply.")}, code="na_comment")


@retry_once_on_deadlock
def answer_save(*, audit, question, by, scale_value=None, bool_value=None, number_value=None, text_value="",
                not_applicable=False, comment="", evidence_url="", evidence_file=None, clear_evidence_file=False,
                now=None):
    """Create or replace the answer to one question of an open audit (last write wins for that answer only).

    `evidence_file=None` keeps a file uploaded earlier; `clear_evidence_file=True` removes it.
    Raises AuditNotEditable for a submitted audit, ValidationError for anything else wrong.
    """
    with transaction.atomic():
        audit = _lock_open_audit(audit)
        _check_question_in_audit(audit=audit, question=question)
        answer = Answer.objects.select_for_update(no_key=True).filter(audit=audit, question=question).first()
        return _write_answer(
            audit=audit, question=question, answer=answer, by=by, scale_value=scale_value, bool_value=bool_value,
            number_value=number_value, text_value=text_value, not_applicable=not_applicable, comment=comment,
            evidence_url=evidence_url, evidence_file=evidence_file, clear_evidence_file=clear_evidence_file, now=now)


def audit_lock_answerable(*, membership, audit_pk):
    """The audit `audit_pk` if this member answers it (their own department's, as its head), read with its round
    (and department, its name) under the lock of its row alone: step 1 of the lock order, taken in the caller's
    transaction and on the member's own rows only. None otherwise (the caller tells another company's audit from a forbidden one)."""
    if not (membership.is_active and membership.role == Role.DEPARTMENT_HEAD and membership.department_id):
        return None
    if not sqlrows.is_id(audit_pk):
        return None
    with connection.cursor() as cursor:
        cursor.execute(_answerable_audit_statement(connection.vendor),
                       [membership.company_id, membership.department_id, audit_pk])
        row = cursor.fetchone()
    if row is None:
        return None
    audit_end, round_end = sqlrows.width(DepartmentAudit), sqlrows.width(DepartmentAudit) + sqlrows.width(Round)
    audit = sqlrows.from_row(DepartmentAudit, row[:audit_end])
    audit.round = sqlrows.from_row(Round, row[audit_end:round_end])
    audit.department = sqlrows.from_row(Department, row[round_end:])
    audit.company = membership.company  # read with the membership already
    return audit


@functools.cache
def _answerable_audit_statement(vendor):
    """The SQL of `audit_lock_answerable`. Written as SQL because every autosave runs it: building the ORM's form
    cost more than running it (issue 15)."""
    quote = connection.ops.quote_name
    audit, round, department = DepartmentAudit._meta, Round._meta, Department._meta
    lock = connection.ops.for_update_sql(of=["d"], no_key=True) if connection.features.has_select_for_update else ""
    return (
        f"SELECT {sqlrows.select_list(DepartmentAudit, 'd')}, {sqlrows.select_list(Round, 'r')}, "
        f"{sqlrows.select_list(Department, 'p')} FROM {quote(audit.db_table)} d "
        f"JOIN {quote(round.db_table)} r ON r.{quote(round.pk.column)} = d.{quote(audit.get_field('round').column)} "
        f"JOIN {quote(department.db_table)} p "
        f"ON p.{quote(department.pk.column)} = d.{quote(audit.get_field('department').column)} "
        f"WHERE d.{quote(audit.get_field('company').column)} = %s "
        f"AND d.{quote(audit.get_field('department').column)} = %s AND d.{quote(audit.pk.column)} = %s {lock}"
    )


def answer_of(*, audit, question_id):
    """(stored answer or None, question or None) for one of the audit's questions, in one query; (None, None) for a
    question the audit does not ask. Read under the audit's lock, the answer needs no lock of its own: every answer
    write takes the audit's first.

    Written as SQL because every autosave runs it: building the ORM's form (the answer joined to its question,
    the question's questionnaire and factors checked) cost more than running it (issue 15).
    """
    try:
        question_id = int(question_id)
    except (TypeError, ValueError):
        return None, None
    if not sqlrows.is_id(question_id):
        return None, None
    with connection.cursor() as cursor:
        cursor.execute(_answer_of_statement(connection.vendor), [*audit_questions_params(audit), question_id])
        row = cursor.fetchone()
    if row is None:
        return None, None
    split = sqlrows.width(Question)
    question, answer = sqlrows.from_row(Question, row[:split]), sqlrows.from_row(Answer, row[split:])
    if answer is not None:
        answer.question = question
    return answer, question


@functools.cache
def _answer_of_statement(vendor):
    """The SQL of `answer_of`: the question if the audit asks it, this audit's answer beside it."""
    return (f"SELECT {sqlrows.select_list(Question, 'q')}, {sqlrows.select_list(Answer, 'a')} "
            f"{audit_questions_sql(answers='a')} AND q.{connection.ops.quote_name(Question._meta.pk.column)} = %s")


def audit_questions_sql(*, answers):
    """FROM and WHERE of hand-written SQL over the audit's questions (`audit_questions`, as table `q`), this audit's
    answer beside each (as table `answers`). Parameters: `audit_questions_params(audit)`."""
    quote = connection.ops.quote_name
    answer, question, factors = Answer._meta, Question._meta, DepartmentAudit.factors.through._meta
    return (
        f"FROM {quote(question.db_table)} q LEFT JOIN {quote(answer.db_table)} {answers} "
        f"ON {answers}.{quote(answer.get_field('question').column)} = q.{quote(question.pk.column)} "
        f"AND {answers}.{quote(answer.get_field('audit').column)} = %s "
        f"WHERE q.{quote(question.get_field('company').column)} = %s "
        f"AND q.{quote(question.get_field('questionnaire').column)} = %s "
        f"AND q.{quote(question.get_field('factor').column)} IN (SELECT {quote(factors.get_field('factor').column)} "
        f"FROM {quote(factors.db_table)} WHERE {quote(factors.get_field('departmentaudit').column)} = %s)"
    )


def audit_questions_params(audit):
    """The parameters of `audit_questions_sql`."""
    return [audit.pk, audit.company_id, audit.round.questionnaire_id, audit.pk]


def answer_save_locked(*, audit, question, answer, by, now=None, **values):
    """answer_save for a caller that holds the audit's row lock in its transaction (`audit_lock_answerable`) and
    read the question and its stored answer with `answer_of`: the same rules and writes, nothing read twice.

    The caller's transaction is the unit (a request's is run again on a deadlock, accounts.transactions); a
    refusal (AuditNotEditable, ValidationError) is raised before anything is written.
    """
    if not audit.is_open:
        raise AuditNotEditable(_("This audit has been submitted; ask an admin to reopen it to change answers."),
                               code="not_editable")
    return _write_answer(audit=audit, question=question, answer=answer, by=by, now=now, **values)


def _write_answer(*, audit, question, answer, by, scale_value=None, bool_value=None, number_value=None,
                  text_value="", not_applicable=False, comment="", evidence_url="", evidence_file=None,
                  clear_evidence_file=False, now=None):
    """Check the values and store them over `answer` (None: a first answer) of the locked, open audit."""
    now = now or timezone.now()
    comment = (comment or "").strip()
    if not_applicable:
        _check_not_applicable(comment=comment, values=(scale_value, bool_value, number_value, text_value))
        values = {"scale_value": None, "bool_value": None, "number_value": None, "text_value": ""}
    else:
        values = _clean_values(question=question, scale_value=scale_value, bool_value=bool_value,
                               number_value=number_value, text_value=text_value)
    if evidence_file is not None:
        _check_evidence_file(evidence_file)
    revision = None
    if answer is not None:
        remember_stored(answer)  # read under the audit's lock: the audit log compares with it, reading nothing
        if audit.first_submitted_at is not None:
            revision = AnswerRevision(company_id=audit.company_id, answer=answer, values=answer_snapshot(answer),
                                      changed_by=by, changed_at=now)
    old_file = answer.evidence_file.name if answer is not None else ""
    answer = answer or Answer(company_id=audit.company_id, audit=audit, question=question)
    for name, value in values.items():
        setattr(answer, name, value)
    answer.not_applicable, answer.comment = bool(not_applicable), comment
    answer.evidence_url = (evidence_url or "").strip()
    answer.updated_at, answer.updated_by = now, by
    if clear_evidence_file:
        answer.evidence_file = ""
    if evidence_file is not None:
        answer.evidence_file.save(os.path.basename(evidence_file.name), evidence_file, save=False)
    # updated_by is the signed-in author (or None): no query to prove the user exists
    answer.full_clean(exclude=["audit", "question", "company", "updated_by"], validate_constraints=False)
    if revision is not None:  # written only once every check passed (the bulk save takes no savepoint per item)
        revision.save()
    answer = _save_answer(answer)
    if old_file != (answer.evidence_file.name or ""):
        evidence_file_discard_later(old_file)
    return answer


@retry_once_on_deadlock
def answer_evidence_file_set(*, audit, question, by, evidence_file=None, now=None):
    """Attach an evidence file to the answer of one question (replacing an earlier file), or remove it with
    `evidence_file=None`; the answer's values stay. A question not answered yet is refused (400), a submitted
    audit too (AuditNotEditable)."""
    now = now or timezone.now()
    with transaction.atomic():
        audit = _lock_open_audit(audit)
        _check_question_in_audit(audit=audit, question=question)
        if evidence_file is not None:
            _check_evidence_file(evidence_file)
        answer = Answer.objects.select_for_update(no_key=True).filter(audit=audit, question=question).first()
        if answer is None:
            raise ValidationError({"question": _("Answer the question before attaching evidence to it.")},
                                  code="unanswered")
        if audit.first_submitted_at is not None:
            AnswerRevision.objects.create(
                company=audit.company, answer=answer, values=answer_snapshot(answer), changed_by=by, changed_at=now,
            )
        old_file = answer.evidence_file.name or ""
        if evidence_file is None:
            answer.evidence_file = ""
        else:
            answer.evidence_file.save(os.path.basename(evidence_file.name), evidence_file, save=False)
        answer.updated_at, answer.updated_by = now, by
        answer.save(update_fields=["evidence_file", "updated_at", "updated_by"])
        evidence_file_discard_later(old_file)
        return answer


def _save_answer(answer):
    """Insert or update. Every answer write holds its audit's row lock first (SQLite: one writer at a time), so
    two first saves of one answer (two tabs) run one after the other and the second finds and updates the
    first's row: no savepoint is needed around the insert."""
    answer.save()
    return answer


ANSWER_KEYS = ("scale_value", "bool_value", "number_value", "text_value", "not_applicable", "comment",
               "evidence_url", "evidence_file", "clear_evidence_file")


@retry_once_on_deadlock
def answers_save_bulk(*, audit, by, answers, now=None, locked=False):
    """Save several answers all-or-nothing. `answers`: dicts with "question" (Question or id) and answer values.

    Errors are collected for every item and raised together, keyed by question id (or "item <n>").
    `locked=True`: the caller holds the audit's row lock in its transaction (`audit_lock_answerable`), which an
    error leaves to be rolled back (no savepoint of its own: all or nothing is the caller's transaction).
    """
    if locked:
        if not audit.is_open:
            raise AuditNotEditable(_("This audit has been submitted; ask an admin to reopen it to change answers."),
                                   code="not_editable")
        return _save_many(audit, by=by, answers=answers, now=now)
    with transaction.atomic():
        return _save_many(_lock_open_audit(audit), by=by, answers=answers, now=now)


def _save_many(audit, *, by, answers, now=None):
    """The answers of a locked, open audit: its questions and stored answers read once for all items. No savepoint
    per item: an item is checked before anything of it is written, and any error undoes the whole call."""
    questions = {question.pk: question for question in audit_questions(audit).select_related(None).order_by()}
    stored = {answer.question_id: answer for answer in audit.answers.all()}
    errors, saved = {}, []
    for index, item in enumerate(answers):
        question_ref = item.get("question")
        question_id = getattr(question_ref, "pk", question_ref)
        key = str(question_id) if question_id is not None else f"item {index}"
        try:
            question = questions.get(_as_int(question_id)) if question_id is not None else None
        except (TypeError, ValueError):
            question = None
        if question is None:
            errors[key] = [_("This question is not part of this audit.")]
            continue
        values = {name: item[name] for name in ANSWER_KEYS if name in item}
        try:
            answer = _write_answer(audit=audit, question=question, answer=stored.get(question.pk), by=by, now=now,
                                   **values)
        except ValidationError as exc:
            errors[key] = _flatten_messages(exc)
            continue
        stored[question.pk] = answer
        saved.append(answer)
    if errors:
        raise ValidationError(errors)
    return saved


def _flatten_messages(exc):
    if hasattr(exc, "error_dict"):
        return [message for messages in exc.message_dict.values() for message in messages]
    return list(exc.messages)


def previous_audit(audit):
    """The same department's audit in the latest earlier round, or None."""
    return (
        DepartmentAudit.objects.filter(
            company=audit.company, department=audit.department, round__period_start__lt=audit.round.period_start
        ).select_related("round").order_by("-round__period_start").first()
    )


def question_identity(question):
    """What makes questions of two versions "the same": the key, else the factor and English text."""
    return ("key", question.key) if question.key else ("text", question.factor_id, question.text_en.strip().lower())


@retry_once_on_deadlock
def answers_copy_from_previous(*, audit, by, now=None):
    """"Start from last round": copy the previous round's answers of this department into unanswered questions.

    Questions already answered are left alone. Returns the number of answers copied.
    """
    earlier = previous_audit(audit)
    if earlier is None:
        return 0
    old_answers = {
        question_identity(answer.question): answer
        for answer in earlier.answers.select_related("question")
    }
    answered = set(audit.answers.values_list("question_id", flat=True))
    copied = 0
    with transaction.atomic():
        _lock_open_audit(audit)
        for question in audit_questions(audit):
            old = old_answers.get(question_identity(question))
            if question.pk in answered or old is None or old.question.kind != question.kind or not old.is_answered:
                continue
            answer = answer_save(
                audit=audit, question=question, by=by, now=now, scale_value=old.scale_value,
                bool_value=old.bool_value, number_value=old.number_value, text_value=old.text_value,
                not_applicable=old.not_applicable, comment=old.comment, evidence_url=old.evidence_url,
            )
            if old.evidence_file:
                # The stored file is shared, not duplicated: evidence.py deletes it only when no answer holds it.
                update_logged(Answer.objects.filter(pk=answer.pk), evidence_file=old.evidence_file.name)
            copied += 1
    return copied


# ---------------------------------------------------------------- submit and reopen

@retry_once_on_deadlock
def audit_submit(*, audit, by, now=None):
    """Submit a draft, overdue or reopened audit once every required question is answered; store the scores."""
    with transaction.atomic():
        locked = _lock_open_audit(audit)
        remember_stored(locked)  # read under its lock: the audit log compares with it
        _submit(locked, by=by, now=now)
    _refresh(audit, locked)
    return audit


def audit_submit_locked(*, audit, by, now=None):
    """audit_submit for a caller that holds the audit's row lock in its transaction (`audit_lock_answerable`)."""
    if not audit.is_open:
        raise AuditNotEditable(_("This audit has been submitted; ask an admin to reopen it to change answers."),
                               code="not_editable")
    remember_stored(audit)
    _submit(audit, by=by, now=now)
    return audit


def _submit(locked, *, by, now=None):
    """The submit of a locked open audit: the audit's questions and answers are read once, for the required
    check and for its scores (scoring.store_audit_scores), then the round's scores under the round's lock."""
    now = now or timezone.now()
    questions = list(audit_questions(locked).select_related(None).order_by())
    answers = {answer.question_id: answer for answer in locked.answers.all()}
    missing = {
        str(question.pk): _("This question needs an answer.") for question in questions
        if question.required and not (question.pk in answers and answers[question.pk].is_answered)
    }
    if missing:
        raise ValidationError(missing, code="unanswered")
    _record_transition(audit=locked, to_status=AuditStatus.SUBMITTED, by=by, at=now)
    locked.submitted_at, locked.submitted_by = now, by
    locked.first_submitted_at = locked.first_submitted_at or now
    locked.save(update_fields=["status", "submitted_at", "submitted_by", "first_submitted_at", "updated_at"])
    company_mark_due(company_id=locked.company_id)  # its reminders stop; the next due moment moves
    scoring.store_audit_scores(locked, questions=questions, answers=answers)
    locked.round = _lock_round(locked.round)
    scoring.store_round_scores(locked.round)


@retry_once_on_deadlock
def audit_reopen(*, audit, by, reason, deadline=None, now=None):
    """An admin reopens a submitted audit with a reason; it leaves the round's scores until resubmitted.

    The audit gets a fresh answer window when its deadline has passed (else it would turn overdue at once).
    """
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the audit is reopened.")}, code="reason_required")
    with transaction.atomic():
        locked = _lock_audit(audit)
        if locked.status != AuditStatus.SUBMITTED:
            raise ValidationError(_("Only a submitted audit can be reopened."), code="not_submitted")
        if deadline is None and locked.deadline <= now:
            window = schedule_of(company=locked.company).answer_window_days
            deadline = end_of_day(locked.company, local_date(locked.company, now) + datetime.timedelta(days=window))
        if deadline is not None:
            locked.deadline = deadline
        _record_transition(audit=locked, to_status=AuditStatus.REOPENED, by=by, at=now, reason=reason)
        locked.save(update_fields=["status", "deadline", "updated_at"])
        company_mark_due(company_id=locked.company_id)  # a new deadline, new reminders
        locked.round = _lock_round(locked.round)
        scoring.store_round_scores(locked.round)
    _refresh(audit, locked)
    return audit


def _refresh(audit, locked):
    """Copy the saved state onto the caller's instance so it does not hold stale values."""
    for name in ("status", "deadline", "submitted_at", "submitted_by_id", "first_submitted_at", "updated_at"):
        setattr(audit, name, getattr(locked, name))


# ---------------------------------------------------------------- action items

def _check_action_links(*, company, owner, round, audit, answer):
    errors = {}
    if owner is not None and (owner.company_id != company.pk or not owner.is_active):
        errors["owner"] = _("The owner must be an active member of this company.")
    for name, value in (("round", round), ("audit", audit), ("answer", answer)):
        if value is not None and value.company_id != company.pk:
            errors[name] = _("This belongs to another company.")
    if errors:
        raise ValidationError(errors)


def action_item_create(*, company, by, title, description="", factor=None, owner=None, due_date=None, round=None,
                       audit=None, answer=None, now=None):
    """Raise an action item from an answer, an audit, a round, a factor or nothing at all."""
    _check_action_links(company=company, owner=owner, round=round, audit=audit, answer=answer)
    if answer is not None:
        audit = audit or answer.audit
        factor = factor or answer.question.factor
    if audit is not None:
        round = round or audit.round
    item = ActionItem(
        company=company, title=(title or "").strip(), description=(description or "").strip(), factor=factor,
        owner=owner, due_date=due_date, round=round, audit=audit, answer=answer, created_by=by,
        created_at=now or timezone.now(),
    )
    item.full_clean()
    item.save()
    company_mark_due(company_id=company.pk)  # the owner's assignment notice, and the due date's reminders
    return item


ACTION_FIELDS = ("title", "description", "factor", "owner", "due_date", "status")


def action_item_update(*, item, by, now=None, expected_version=None, **fields):
    """Change any of ACTION_FIELDS; closing (done/dropped) stamps closed_at, reopening clears it."""
    unknown = set(fields) - set(ACTION_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown action item fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    if "owner" in fields:
        _check_action_links(company=item.company, owner=fields["owner"], round=None, audit=None, answer=None)
    if "status" in fields and fields["status"] not in ActionStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    for name, value in fields.items():
        setattr(item, name, value.strip() if isinstance(value, str) and name in ("title", "description") else value)
    if item.status in OPEN_ACTION_STATUSES:
        item.closed_at = None
    elif item.closed_at is None:
        item.closed_at = now or timezone.now()
    item.full_clean()
    save_versioned(item, expected_version=expected_version)
    company_mark_due(company_id=item.company_id)  # a new owner, due date or status moves its reminders
    return item
