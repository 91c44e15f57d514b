"""Submitting, "start from last round", reopening, and the audit's history on its page."""

import pytest
from django_scopes import scope

from accounts.models import Role
from audits import services
from audits.models import AuditStatus, QuestionKind
from tests.audits.page_helpers import audit_url, first_question, full_answers, questions_of

pytestmark = pytest.mark.django_db


def reload(audit):
    with scope(company=audit.company):
        audit.refresh_from_db()
    return audit


def submitted(audit, by, answer_all):
    answer_all(audit, by)
    with scope(company=audit.company):
        services.audit_submit(audit=audit, by=by)
    return audit


# ---------------------------------------------------------------- submit

def test_submit_with_the_whole_form_saves_and_submits(alpha, sales_audit, client_for):
    client = client_for(alpha.member(Role.DEPARTMENT_HEAD))
    response = client.post(audit_url("audit_submit", sales_audit), full_answers(sales_audit))
    assert response.status_code == 302
    assert reload(sales_audit).status == AuditStatus.SUBMITTED
    page = client.get(response.url).content.decode()
    assert "The audit is submitted." in page and "Factor scores" in page and 'id="answer-form"' not in page
    with scope(company=alpha.company):
        assert sales_audit.round.factor_scores.exclude(score=None).count() == 4


def test_submit_with_missing_answers_points_at_each_question_and_keeps_typed_data(alpha, sales_audit, client_for):
    data = full_answers(sales_audit)
    skipped = first_question(sales_audit, QuestionKind.YES_NO)
    del data[f"q{skipped.pk}-bool_value"]
    text = first_question(sales_audit, QuestionKind.TEXT)
    data[f"q{text.pk}-text_value"] = "Not lost"
    response = client_for(alpha.member(Role.DEPARTMENT_HEAD)).post(audit_url("audit_submit", sales_audit), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Answer these questions before submitting" in body
    assert f'href="#question-{skipped.pk}"' in body and "This question needs an answer." in body
    assert "Not lost" in body
    assert reload(sales_audit).status == AuditStatus.DRAFT
    assert f"{len(questions_of(sales_audit)) - 2} of {len(questions_of(sales_audit))} questions answered" in body


def test_submit_with_a_bad_value_does_not_submit(alpha, sales_audit, client_for):
    data = full_answers(sales_audit)
    data[f"q{first_question(sales_audit).pk}-scale_value"] = "0"
    response = client_for(alpha.member(Role.DEPARTMENT_HEAD)).post(audit_url("audit_submit", sales_audit), data)
    assert response.status_code == 400
    assert "Choose a score from 1 to 5." in response.content.decode()
    assert reload(sales_audit).status == AuditStatus.DRAFT


def test_submitting_twice_says_the_audit_is_submitted(alpha, sales_audit, client_for, answer_all):
    head = alpha.member(Role.DEPARTMENT_HEAD)
    submitted(sales_audit, head.user, answer_all)
    response = client_for(head).post(audit_url("audit_submit", sales_audit), follow=True)
    assert "has been submitted" in response.content.decode()


@pytest.mark.parametrize("role", [Role.ADMIN, Role.EXECUTIVE, Role.SALES_MANAGER])
def test_only_the_department_head_submits(alpha, sales_audit, client_for, role):
    assert client_for(alpha.member(role)).post(audit_url("audit_submit", sales_audit)).status_code == 403


def test_outsider_cannot_submit(beta, sales_audit, client_for):
    assert client_for(beta.member(Role.DEPARTMENT_HEAD)).post(audit_url("audit_submit", sales_audit)).status_code == 404


# ---------------------------------------------------------------- start from last round

@pytest.fixture
def q3_submitted(alpha, q4_round, answer_all):
    """The sales department's 2026-Q3 audit, submitted with 2s and "no" (opened after Q4 for brevity)."""
    with scope(company=alpha.company):
        q3, _created = services.round_open(company=alpha.company, period="2026-Q3", by=alpha.user(Role.ADMIN))
        audit = q3.audits.get(department=alpha.departments["sales"])
    return submitted_with(audit, alpha.user(Role.DEPARTMENT_HEAD), answer_all)


def submitted_with(audit, by, answer_all):
    answer_all(audit, by, scale=2, yes=False)
    with scope(company=audit.company):
        services.audit_submit(audit=audit, by=by)
    return audit


def test_the_form_shows_last_rounds_answer_beside_each_question(alpha, sales_audit, q3_submitted, client_for):
    body = client_for(alpha.member(Role.DEPARTMENT_HEAD)).get(audit_url("audit_detail", sales_audit)).content.decode()
    assert "Last round (2026-Q3):" in body and "2 — ad hoc" in body
    assert "Start from last round (2026-Q3)" in body


def test_start_from_last_round_copies_the_answers(alpha, sales_audit, q3_submitted, client_for):
    head = alpha.member(Role.DEPARTMENT_HEAD)
    response = client_for(head).post(audit_url("audit_copy_previous", sales_audit), follow=True)
    assert "answers copied from the last round" in response.content.decode()
    with scope(company=alpha.company):
        values = {answer.scale_value for answer in sales_audit.answers.all() if answer.question.kind == "scale"}
    assert values == {2}


def test_start_from_last_round_without_history_says_nothing_to_copy(alpha, sales_audit, client_for):
    response = client_for(alpha.member(Role.DEPARTMENT_HEAD)).post(audit_url("audit_copy_previous", sales_audit), follow=True)
    assert "Nothing to copy" in response.content.decode()


def test_start_from_last_round_on_a_submitted_audit_is_refused(alpha, sales_audit, q3_submitted, client_for, answer_all):
    head = alpha.member(Role.DEPARTMENT_HEAD)
    submitted(sales_audit, head.user, answer_all)
    response = client_for(head).post(audit_url("audit_copy_previous", sales_audit), follow=True)
    assert "has been submitted" in response.content.decode()


def test_start_from_last_round_is_for_the_head_only(alpha, beta, sales_audit, client_for):
    assert client_for(alpha.member(Role.EXECUTIVE)).post(audit_url("audit_copy_previous", sales_audit)).status_code == 403
    assert client_for(beta.member(Role.DEPARTMENT_HEAD)).post(audit_url("audit_copy_previous", sales_audit)).status_code == 404


# ---------------------------------------------------------------- reopen, history and revisions

def test_admin_reopens_with_a_reason_and_the_history_shows_it(alpha, sales_audit, client_for, answer_all):
    submitted(sales_audit, alpha.user(Role.DEPARTMENT_HEAD), answer_all)
    client = client_for(alpha.member(Role.ADMIN))
    confirm = client.get(audit_url("audit_reopen", sales_audit))
    assert confirm.status_code == 200 and 'name="reason"' in confirm.content.decode()
    response = client.post(audit_url("audit_reopen", sales_audit), {"reason": "Sales figures were wrong"}, follow=True)
    body = response.content.decode()
    assert "The audit is reopened" in body
    assert "Sales figures were wrong" in body and "Reopened" in body
    assert reload(sales_audit).status == AuditStatus.REOPENED


@pytest.mark.parametrize("reason", ["", "   ", "bad\x00reason"])
def test_reopen_without_a_usable_reason_is_a_form_error(alpha, sales_audit, client_for, answer_all, reason):
    submitted(sales_audit, alpha.user(Role.DEPARTMENT_HEAD), answer_all)
    response = client_for(alpha.member(Role.ADMIN)).post(audit_url("audit_reopen", sales_audit), {"reason": reason})
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    assert reload(sales_audit).status == AuditStatus.SUBMITTED


def test_reopening_a_draft_is_refused(alpha, sales_audit, client_for):
    client = client_for(alpha.member(Role.ADMIN))
    assert "Only a submitted audit can be reopened" in client.get(audit_url("audit_reopen", sales_audit)).content.decode()
    response = client.post(audit_url("audit_reopen", sales_audit), {"reason": "why not"})
    assert response.status_code == 400
    assert reload(sales_audit).status == AuditStatus.DRAFT


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.SALES_MANAGER])
def test_only_admins_reopen(alpha, sales_audit, client_for, role):
    assert client_for(alpha.member(role)).get(audit_url("audit_reopen", sales_audit)).status_code == 403


def test_outsider_cannot_reopen(beta, sales_audit, client_for):
    assert client_for(beta.member(Role.ADMIN)).get(audit_url("audit_reopen", sales_audit)).status_code == 404


def test_changes_after_reopening_are_kept_as_revisions_for_executives(alpha, sales_audit, client_for, answer_all):
    head = alpha.member(Role.DEPARTMENT_HEAD)
    submitted(sales_audit, head.user, answer_all)
    with scope(company=alpha.company):
        services.audit_reopen(audit=sales_audit, by=alpha.user(Role.ADMIN), reason="Recheck")
    question = first_question(sales_audit)
    response = client_for(head).post(audit_url("answer_save", sales_audit),
                                     {"question": question.pk, f"q{question.pk}-scale_value": "1"})
    assert response.status_code == 200
    body = client_for(alpha.member(Role.EXECUTIVE)).get(audit_url("audit_detail", sales_audit)).content.decode()
    assert "1 earlier version" in body
    assert "Recheck" in body


def test_a_bare_submit_keeps_the_autosaved_answers(alpha, sales_audit, client_for, answer_all):
    head = alpha.member(Role.DEPARTMENT_HEAD)
    answer_all(sales_audit, head.user)
    response = client_for(head).post(audit_url("audit_submit", sales_audit))
    assert response.status_code == 302
    assert reload(sales_audit).status == AuditStatus.SUBMITTED
    with scope(company=alpha.company):
        assert sales_audit.factor_scores.exclude(score=None).count() == 4
