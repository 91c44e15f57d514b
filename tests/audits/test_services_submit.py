"""Submitting and reopening department audits; "start from last round"."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django_scopes import scope

from audits import selectors, services
from audits.models import AuditStatus
from audits.services import AuditNotEditable


@pytest.fixture
def head(alpha):
    return alpha.user("department_head")


def test_submit_needs_every_required_question_with_errors_per_question(alpha, sales_audit, head):
    with scope(company=alpha.company):
        answered = services.audit_questions(sales_audit).get(factor__key="sales_tech", kind="scale")
        services.answer_save(audit=sales_audit, question=answered, by=head, scale_value=3)
        required = set(services.audit_questions(sales_audit).filter(required=True).values_list("pk", flat=True))
        with pytest.raises(ValidationError) as error:
            services.audit_submit(audit=sales_audit, by=head)
        sales_audit.refresh_from_db()
    assert set(error.value.message_dict) == {str(pk) for pk in required - {answered.pk}}
    assert sales_audit.status == AuditStatus.DRAFT


def test_submit_records_the_transition_and_first_submission_once(alpha, sales_audit, head, answer_all):
    answer_all(sales_audit, head)
    admin = alpha.user("admin")
    first = datetime.datetime(2026, 10, 10, 12, 0, tzinfo=datetime.UTC)
    second = datetime.datetime(2026, 10, 12, 12, 0, tzinfo=datetime.UTC)
    with scope(company=alpha.company):
        services.audit_submit(audit=sales_audit, by=head, now=first)
        assert (sales_audit.status, sales_audit.submitted_at, sales_audit.first_submitted_at) == ("submitted", first, first)
        with pytest.raises(AuditNotEditable):
            services.audit_submit(audit=sales_audit, by=head)
        services.audit_reopen(audit=sales_audit, by=admin, reason="Wrong quarter's figures", now=first)
        services.audit_submit(audit=sales_audit, by=head, now=second)
        sales_audit.refresh_from_db()
        transitions = [(t.from_status, t.to_status, t.by, t.reason) for t in selectors.audit_transitions(audit=sales_audit)]
    assert (sales_audit.submitted_at, sales_audit.first_submitted_at) == (second, first)
    assert transitions == [
        ("", "draft", admin, ""),
        ("draft", "submitted", head, ""),
        ("submitted", "reopened", admin, "Wrong quarter's figures"),
        ("reopened", "submitted", head, ""),
    ]


def test_reopen_needs_a_reason_and_a_submitted_audit(alpha, sales_audit, head, answer_all):
    admin = alpha.user("admin")
    with scope(company=alpha.company):
        with pytest.raises(ValidationError, match="Only a submitted audit"):
            services.audit_reopen(audit=sales_audit, by=admin, reason="why not")
    answer_all(sales_audit, head)
    with scope(company=alpha.company):
        services.audit_submit(audit=sales_audit, by=head)
        with pytest.raises(ValidationError) as error:
            services.audit_reopen(audit=sales_audit, by=admin, reason="   ")
    assert "reason" in error.value.message_dict


def test_reopening_after_the_deadline_gives_a_fresh_answer_window(alpha, sales_audit, head, answer_all):
    answer_all(sales_audit, head)
    with scope(company=alpha.company):
        services.audit_submit(audit=sales_audit, by=head)
        with time_machine.travel(datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC), tick=False):
            services.audit_reopen(audit=sales_audit, by=alpha.user("admin"), reason="Missing evidence")
            assert services.audits_mark_overdue(company=alpha.company) == 4  # the other departments, not sales
        sales_audit.refresh_from_db()
    assert sales_audit.status == AuditStatus.REOPENED
    assert sales_audit.deadline.astimezone(alpha.company.tzinfo).date() == datetime.date(2026, 12, 4)


@pytest.fixture
def two_rounds(alpha, questionnaire, matrix, head, answer_all):
    """Q3 answered and submitted by sales, then Q4 opened with a copied (new version) questionnaire."""
    with scope(company=alpha.company):
        with time_machine.travel(datetime.datetime(2026, 7, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
            q3, _ = services.round_open(company=alpha.company)
        q3_sales = q3.audits.get(department=alpha.departments["sales"])
    answer_all(q3_sales, head, scale=2)
    with scope(company=alpha.company):
        na = services.audit_questions(q3_sales).get(factor__key="customers", kind="yes_no")
        services.answer_save(audit=q3_sales, question=na, by=head, not_applicable=True, comment="No direct customers")
        services.audit_submit(audit=q3_sales, by=head)
        services.questionnaire_publish(questionnaire=services.questionnaire_copy(questionnaire=questionnaire))
        with time_machine.travel(datetime.datetime(2026, 10, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
            q4, _ = services.round_open(company=alpha.company)
        return q3_sales, q4.audits.get(department=alpha.departments["sales"])


def test_start_from_last_round_copies_previous_answers_by_question_key(alpha, two_rounds, head):
    q3_sales, q4_sales = two_rounds
    with scope(company=alpha.company):
        keep = services.audit_questions(q4_sales).get(factor__key="sales_tech", kind="scale")
        services.answer_save(audit=q4_sales, question=keep, by=head, scale_value=5)
        copied = services.answers_copy_from_previous(audit=q4_sales, by=head)
        answers = {a.question.key: a for a in q4_sales.answers.select_related("question")}
        assert q4_sales.round.questionnaire_id != q3_sales.round.questionnaire_id
    assert copied == 7  # eight scored questions of four factors, one already answered
    assert answers["sales_tech-scale"].scale_value == 5
    assert answers["product-scale"].scale_value == 2
    assert (answers["customers-yes"].not_applicable, answers["customers-yes"].comment) == (True, "No direct customers")


def test_audit_sheet_shows_last_rounds_answer_beside_each_question_in_constant_queries(
    alpha, two_rounds, django_assert_max_num_queries
):
    _q3_sales, q4_sales = two_rounds
    with scope(company=alpha.company), django_assert_max_num_queries(8):
        sheet = selectors.audit_sheet(audit=q4_sales)
        rows = {row.question.key: row for group in sheet.groups for row in group.rows}
        factor_keys = [group.factor.key for group in sheet.groups]
    assert factor_keys == ["product", "customers", "strategy", "sales_tech"]
    assert rows["product-scale"].previous.scale_value == 2
    assert rows["product-number"].previous is None
    assert (sheet.answered, sheet.total) == (0, 10)


def test_progress_counts_answered_questions(alpha, sales_audit, head):
    with scope(company=alpha.company):
        question = services.audit_questions(sales_audit).get(factor__key="sales_tech", kind="scale")
        services.answer_save(audit=sales_audit, question=question, by=head, scale_value=3)
        assert selectors.audit_progress(audit=sales_audit) == (1, 10)


def test_start_from_last_round_without_history_copies_nothing(alpha, sales_audit, head):
    with scope(company=alpha.company):
        assert services.answers_copy_from_previous(audit=sales_audit, by=head) == 0
