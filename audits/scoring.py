"""Scores: factor scores per department audit, company factor scores per round, the system index.

The arithmetic is pure (`answer_points`, `weighted_mean`) so property tests can run it without a database;
`store_audit_scores` and `store_round_scores` write the results and are called by the submit and reopen
services inside their transaction, so pages and the API only ever read stored numbers.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db import connection

from accounts import sqlrows

from .events import figures_changed
from .models import (
    AuditStatus,
    DepartmentAudit,
    Factor,
    FactorKey,
    FactorResponsibility,
    FactorScore,
    QuestionKind,
    Responsibility,
    RoundFactorScore,
)

SCALE_POINTS = {1: 0, 2: 25, 3: 50, 4: 75, 5: 100}
ACCOUNTABLE_WEIGHT = 2
CENT = Decimal("0.01")


def answer_points(*, kind, scale_value=None, bool_value=None, not_applicable=False):
    """0–100 for a scored answer; None when the answer does not count (N/A, unanswered, number, text)."""
    if not_applicable:
        return None
    if kind == QuestionKind.SCALE and scale_value is not None:
        return SCALE_POINTS[scale_value]
    if kind == QuestionKind.YES_NO and bool_value is not None:
        return 100 if bool_value else 0
    return None


def weighted_mean(pairs):
    """Weighted mean of (value, weight) pairs as a Decimal rounded to cents; None when nothing counts."""
    pairs = [(Decimal(value), Decimal(weight)) for value, weight in pairs if value is not None and weight > 0]
    total_weight = sum(weight for _, weight in pairs)
    if not total_weight:
        return None
    return (sum(value * weight for value, weight in pairs) / total_weight).quantize(CENT, rounding=ROUND_HALF_UP)


def factor_score(answers):
    """Score of one factor from (question, answer) pairs; returns (score or None, number of scored answers)."""
    pairs = []
    for question, answer in answers:
        if answer is None:
            continue
        points = answer_points(
            kind=question.kind, scale_value=answer.scale_value, bool_value=answer.bool_value,
            not_applicable=answer.not_applicable,
        )
        if points is not None:
            pairs.append((points, question.weight))
    return weighted_mean(pairs), len(pairs)


def system_index(scores):
    """Plain mean of the factor scores that exist (of the seven); None when no factor has a score."""
    return weighted_mean((score, 1) for score in scores)


def audit_factor_scores(factor_ids, questions, answers):
    """factor id → (score, scored answers) of one audit; `answers` maps question id → answer.

    Pure, so the history import (audits/imports_apply.py) scores thousands of audits in memory with the
    same arithmetic as a live submit.
    """
    by_factor = {factor_id: [] for factor_id in factor_ids}
    for question in questions:
        if question.factor_id in by_factor:
            by_factor[question.factor_id].append((question, answers.get(question.pk)))
    return {factor_id: factor_score(pairs) for factor_id, pairs in by_factor.items()}


def store_audit_scores(audit, *, questions=None, answers=None):
    """Compute and store one FactorScore per factor of the audit (None when every answer is N/A).

    `questions` (the audit's) and `answers` (question id → answer) when the caller has read them already (the
    submit). One upsert for every factor, one delete of scores of factors the audit no longer has.
    """
    if audit.factor_level:
        return  # imported factor scores are the record; there are no answers to recompute them from
    factor_ids = list(audit.factors.through.objects.filter(departmentaudit_id=audit.pk)
                      .values_list("factor_id", flat=True))
    if questions is None:
        questions = audit.round.questionnaire.questions.filter(factor__in=factor_ids)
    if answers is None:
        answers = {answer.question_id: answer for answer in audit.answers.all()}
    computed = audit_factor_scores(factor_ids, questions, answers)
    FactorScore.objects.bulk_create(
        [FactorScore(company_id=audit.company_id, audit_id=audit.pk, factor_id=factor_id, score=score,
                     scored_answers=counted) for factor_id, (score, counted) in computed.items()],
        update_conflicts=True, unique_fields=["audit", "factor"], update_fields=["score", "scored_answers"])
    audit.factor_scores.exclude(factor__in=factor_ids).delete()
    figures_changed.send(sender=FactorScore, company_id=audit.company_id)  # the bulk write sends no model signal


def round_factor_score(rows, accountable_department_id):
    """Company score of one factor from (department_id, score) rows, the accountable department counted double."""
    pairs = [
        (score, ACCOUNTABLE_WEIGHT if department_id == accountable_department_id else 1)
        for department_id, score in rows
    ]
    return weighted_mean(pairs), sum(1 for _, score in rows if score is not None)


def accountable_department_ids(company):
    """factor id → accountable department id in the company's current matrix."""
    cells = FactorResponsibility.objects.filter(company=company, responsibility=Responsibility.ACCOUNTABLE)
    return dict(cells.values_list("factor_id", "department_id"))


def round_audit_rows(round):
    """(statuses of the round's audits, factor id → [(department id, score)] of its submitted audits), in one
    hand-written read: the ORM's joins cost the submit several times what running them does (issue 15)."""
    quote, audit, score = connection.ops.quote_name, DepartmentAudit, FactorScore
    sql = (f"SELECT a.{sqlrows.column(audit, 'id')}, a.{sqlrows.column(audit, 'status')}, a.{sqlrows.column(audit, 'department')}, "
           f"s.{sqlrows.column(score, 'factor')}, s.{sqlrows.column(score, 'score')} "
           f"FROM {quote(audit._meta.db_table)} a LEFT JOIN {quote(score._meta.db_table)} s "
           f"ON s.{sqlrows.column(score, 'audit')} = a.{sqlrows.column(audit, 'id')} AND a.{sqlrows.column(audit, 'status')} = %s "
           f"WHERE a.{sqlrows.column(audit, 'round')} = %s AND a.{sqlrows.column(audit, 'company')} = %s "
           f"ORDER BY a.{sqlrows.column(audit, 'id')}")
    statuses, seen, rows_by_factor = [], set(), {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [AuditStatus.SUBMITTED, round.pk, round.company_id])
        for audit_id, status, department_id, factor_id, value in cursor.fetchall():
            if audit_id not in seen:  # one row per audit, or one per factor score of a submitted audit
                seen.add(audit_id)
                statuses.append(status)
            if factor_id is not None:
                value = sqlrows.column_value(score, "score", value)
                rows_by_factor.setdefault(factor_id, []).append((department_id, value))
    return statuses, rows_by_factor


def write_round_factor_scores(rows):
    """One UPDATE of the rows' score and departments_answered (CASE by id; ELSE keeps the column's type on
    PostgreSQL, so a NULL score needs no cast); the ORM's bulk_update built the same CASE at several times
    the cost of running it."""
    if not rows:
        return
    model = RoundFactorScore
    pk, score, answered = sqlrows.column(model, "id"), sqlrows.column(model, "score"), sqlrows.column(model, "departments_answered")
    cases = " ".join("WHEN %s THEN %s" for _ in rows)
    sql = (f"UPDATE {connection.ops.quote_name(model._meta.db_table)} SET "
           f"{score} = CASE {pk} {cases} ELSE {score} END, {answered} = CASE {pk} {cases} ELSE {answered} END "
           f"WHERE {pk} IN ({', '.join('%s' for _ in rows)})")
    score_field = model._meta.get_field("score")
    params = [value for row in rows for value in (row.pk, score_field.get_db_prep_save(row.score, connection))]
    params += [value for row in rows for value in (row.pk, row.departments_answered)]
    params += [row.pk for row in rows]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def store_round_scores(round):
    """Recompute the round's factor scores, system index and completion from its submitted audits.

    Two reads (the round's audits with their submitted factor scores, the round's stored rows) and one write of
    the factor rows whose figures changed.
    """
    audits, rows_by_factor = round_audit_rows(round)
    stored = {row.factor_id: row for row in round.factor_scores.all()}
    if len(stored) < len(FactorKey.values):
        # round_open fixes each factor's accountable department at opening; rows missing for any reason use
        # today's matrix.
        accountable = accountable_department_ids(round.company)
        for factor in Factor.objects.exclude(pk__in=list(stored)):
            stored[factor.pk] = RoundFactorScore.objects.create(
                company=round.company, round=round, factor=factor, accountable_department_id=accountable.get(factor.pk))
    factor_values, changed = [], []
    for row in stored.values():
        figures = round_factor_score(rows_by_factor.get(row.factor_id, []), row.accountable_department_id)
        if figures != (row.score, row.departments_answered):
            row.score, row.departments_answered = figures
            changed.append(row)
        factor_values.append(row.score)
    write_round_factor_scores(changed)
    figures_changed.send(sender=RoundFactorScore, company_id=round.company_id)  # a raw write sends no signal
    round.system_index = system_index(factor_values)
    round.expected_count = len(audits)
    round.submitted_count = sum(1 for status in audits if status == AuditStatus.SUBMITTED)
    round.save(update_fields=["system_index", "expected_count", "submitted_count"])
    return round
