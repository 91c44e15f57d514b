"""Reads of the audits domain. Every selector starts from the company (or an object already in its scope)."""

import functools
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts import sqlrows
from accounts.models import Company, Role

from .models import (
    OPEN_ACTION_STATUSES,
    Answer,
    DepartmentAudit,
    Factor,
    FactorResponsibility,
    FactorScore,
    HistoryImport,
    Question,
    QuestionnaireStatus,
    Responsibility,
    Round,
    Schedule,
)
from .periods import period_containing
from .services import (
    audit_questions,
    audit_questions_params,
    audit_questions_sql,
    local_date,
    opening_moment,
    previous_audit,
    question_identity,
)

# ---------------------------------------------------------------- questionnaires, matrix, schedule

def current_questionnaire(*, company):
    """The published questionnaire new rounds use, or None."""
    return company.questionnaires.filter(status=QuestionnaireStatus.PUBLISHED).first()


def questionnaires_of(*, company):
    return company.questionnaires.annotate(question_count=Count("questions")).order_by("-version")


def questions_by_factor(*, questionnaire):
    """[(factor, [questions])] in catalogue order, factors without questions included (two queries)."""
    questions = list(questionnaire.questions.all())
    return [(factor, [q for q in questions if q.factor_id == factor.pk]) for factor in Factor.objects.all()]


def matrix_of(*, company):
    """factor key → {"factor", "accountable": department or None, "contributing": [departments]} (two queries)."""
    matrix = {factor.key: {"factor": factor, "accountable": None, "contributing": []} for factor in Factor.objects.all()}
    cells = FactorResponsibility.objects.filter(company=company).select_related("factor", "department")
    for cell in cells.order_by("department__name"):
        row = matrix[cell.factor.key]
        if cell.responsibility == Responsibility.ACCOUNTABLE:
            row["accountable"] = cell.department
        else:
            row["contributing"].append(cell.department)
    return matrix


def schedule_for(*, company):
    """The company's schedule, or an unsaved default one (reads never write)."""
    return Schedule.objects.filter(company=company).first() or Schedule(company=company)


def next_round_opening(*, company, schedule, now=None):
    """(period, moment) of the next round the schedule opens: this period's while its opening day is ahead, else the next."""
    now = now or timezone.now()
    period = period_containing(local_date(company, now), schedule.cadence)
    if opening_moment(company=company, schedule=schedule, period=period) <= now:
        period = period.next()
    return period, opening_moment(company=company, schedule=schedule, period=period)


# ---------------------------------------------------------------- rounds and audits

def rounds_of(*, company):
    """The company's rounds, newest first, with their audit counts."""
    return company.audit_rounds.select_related("questionnaire").order_by("-period_start")


def round_scores(*, round):
    """The round's stored company factor scores in catalogue order."""
    return round.factor_scores.select_related("factor", "accountable_department").order_by("factor__position")


def audits_of_round(*, round):
    return (
        round.audits.select_related("department", "department__head__user", "submitted_by")
        .annotate(answer_count=Count("answers"))
        .order_by("department__name")
    )


def audits_visible_to(*, membership):
    """Admins and executives see every audit of the company; a department head only their department's."""
    audits = DepartmentAudit.objects.filter(company=membership.company).select_related("round", "department")
    if membership.role in (Role.ADMIN, Role.EXECUTIVE):
        return audits.order_by("-round__period_start", "department__name")
    if membership.role == Role.DEPARTMENT_HEAD and membership.department_id:
        return audits.filter(department_id=membership.department_id).order_by("-round__period_start")
    return audits.none()


def can_view_audit(*, membership, audit):
    return audits_visible_to(membership=membership).filter(pk=audit.pk).exists()


def can_answer_audit(*, membership, audit):
    """Department heads answer their own department's audits."""
    return (
        membership.is_active and membership.role == Role.DEPARTMENT_HEAD
        and membership.department_id == audit.department_id
    )


@dataclass
class QuestionRow:
    question: Question
    answer: Answer | None
    previous: Answer | None  # the same question's answer in the department's previous round ("last quarter: 3")

    @property
    def is_answered(self):
        return self.answer is not None and self.answer.is_answered


@dataclass
class FactorGroup:
    factor: Factor
    rows: list = field(default_factory=list)
    score: object = None  # stored FactorScore.score, when the audit has been submitted


@dataclass
class AuditSheet:
    """Everything the answer form shows: questions grouped by factor, answers, last round's answers, progress."""

    audit: DepartmentAudit
    groups: list
    previous_audit: DepartmentAudit | None

    @property
    def total(self):
        return sum(len(group.rows) for group in self.groups)

    @property
    def answered(self):
        return sum(1 for group in self.groups for row in group.rows if row.is_answered)


def audit_sheet(*, audit):
    """The audit grouped by factor with answers and the previous round's answers, in a constant number of queries."""
    factors = list(audit.factors.all())
    questions = list(audit_questions(audit))
    answers = {answer.question_id: answer for answer in audit.answers.select_related("updated_by")}
    earlier = previous_audit(audit)
    previous = previous_answers(audit=earlier) if earlier else {}
    scores = {score.factor_id: score.score for score in audit.factor_scores.all()}
    groups = []
    for factor in factors:
        rows = [
            QuestionRow(question=q, answer=answers.get(q.pk), previous=previous.get(question_identity(q)))
            for q in questions if q.factor_id == factor.pk
        ]
        groups.append(FactorGroup(factor=factor, rows=rows, score=scores.get(factor.pk)))
    return AuditSheet(audit=audit, groups=groups, previous_audit=earlier)


def previous_answers(*, audit):
    """An audit's answers keyed by question identity (key, else factor + text), to match another version's questions."""
    return {question_identity(answer.question): answer for answer in audit.answers.select_related("question")}


def audit_progress(*, audit):
    """(answered, total) questions of the audit: "12 of 18 answered"."""
    total = audit_questions(audit).count()
    answered = sum(1 for answer in audit.answers.filter(question__in=audit_questions(audit)) if answer.is_answered)
    return answered, total


@functools.cache
def progress_statement(vendor):
    """The SQL of `audit_progress_with_answers` (built once per database kind)."""
    return (f"SELECT q.{connection.ops.quote_name(Question._meta.pk.column)}, {sqlrows.select_list(Answer, 'a')} "
            f"{audit_questions_sql(answers='a')}")


def audit_progress_with_answers(*, audit):
    """(answered, total, question id → stored answer) in one query: the audit's questions (`audit_questions`), each
    with this audit's answer beside it. A save's answers are thus re-read after the save in the query that counts
    the progress.

    Written as SQL because every autosave runs it: the ORM's form of this join (a FilteredRelation and a column of
    it per answer field) took four times longer to build than to run, the largest single cost of an autosave
    (issue 15).
    """
    with connection.cursor() as cursor:
        cursor.execute(progress_statement(connection.vendor), audit_questions_params(audit))
        rows = cursor.fetchall()
    answers = (sqlrows.from_row(Answer, row[1:]) for row in rows)
    stored = {answer.question_id: answer for answer in answers if answer is not None}
    return sum(answer.is_answered for answer in stored.values()), len(rows), stored


def audit_transitions(*, audit):
    return audit.transitions.select_related("by").order_by("at", "pk")


def answer_revisions(*, answer):
    return answer.revisions.select_related("changed_by")


# ---------------------------------------------------------------- action items

def action_items_of(*, company, status=None, factor=None, owner=None, overdue=None, today=None):
    """Action items with optional filters: status (one or a list, e.g. OPEN_ACTION_STATUSES), factor, owner, overdue."""
    items = company.action_items.select_related("factor", "owner__user", "round", "audit__department")
    if isinstance(status, list | tuple | set):
        items = items.filter(status__in=status)
    elif status:
        items = items.filter(status=status)
    if factor is not None:
        items = items.filter(factor=factor)
    if owner is not None:
        items = items.filter(owner=owner)
    if overdue is not None:
        today = today or local_date(company, timezone.now())
        late = Q(status__in=OPEN_ACTION_STATUSES, due_date__lt=today)
        items = items.filter(late) if overdue else items.exclude(late)
    return items


def open_action_items_per_factor(*, company):
    """factor key → number of open action items (for dashboards)."""
    rows = company.action_items.filter(status__in=OPEN_ACTION_STATUSES, factor__isnull=False).values("factor__key")
    return {row["factor__key"]: row["n"] for row in rows.annotate(n=Count("pk"))}


# ---------------------------------------------------------------- scheduling scan

def companies_due_for_round(*, now):
    """Companies whose current period's round should be open by now and is not: the scheduler's fan-out list."""
    # Cross-tenant scan: the beat tick looks at every company's schedule, then hands each to a scoped task.
    with scopes_disabled():
        schedules = list(
            Schedule.objects.filter(is_active=True, company__is_suspended=False).select_related("company")
        )
        due = {}
        for schedule in schedules:
            company = schedule.company
            period = period_containing(local_date(company, now), schedule.cadence)
            if opening_moment(company=company, schedule=schedule, period=period) <= now:
                due[company.pk] = period.name
        opened = set(
            Round.objects.filter(company_id__in=due, period__in=set(due.values())).values_list("company_id", "period")
        )
        ids = [company_id for company_id, period in due.items() if (company_id, period) not in opened]
        return list(Company.objects.filter(pk__in=ids).order_by("pk"))


# ---------------------------------------------------------------- prefetch helpers for list pages

def audits_with_scores(*, company, round_ids=None):
    """Submitted audits with their factor scores prefetched (department × factor heatmaps)."""
    audits = DepartmentAudit.objects.filter(company=company).select_related("round", "department")
    if round_ids is not None:
        audits = audits.filter(round_id__in=round_ids)
    return audits.prefetch_related(Prefetch("factor_scores", queryset=FactorScore.objects.select_related("factor")))


def history_imports_of(*, company):
    """The company's history imports, newest first, without the kept file (it can be megabytes)."""
    return HistoryImport.objects.filter(company=company).select_related("questionnaire").defer("content_b64")
