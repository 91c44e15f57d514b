""""Start from last round" through the API: POST department-audits/<id>/copy-previous/ copies the previous
round's answers into the unanswered questions, as the answering page's button does, and answers with every
answer as stored."""

import pytest
from django_scopes import scope

from accounts.models import Role
from audits import services
from audits.models import Answer, QuestionKind

pytestmark = pytest.mark.django_db


def copy_url(audit, slug="alpha"):
    return f"/api/v1/companies/{slug}/department-audits/{audit.pk}/copy-previous/"


@pytest.fixture
def q3_submitted(alpha, q4_round, answer_all):
    """The sales department's 2026-Q3 audit, submitted with 2s and "no" (opened after Q4 for brevity)."""
    head = alpha.user(Role.DEPARTMENT_HEAD)
    with scope(company=alpha.company):
        q3, _created = services.round_open(company=alpha.company, period="2026-Q3", by=alpha.user(Role.ADMIN))
        audit = q3.audits.get(department=alpha.departments["sales"])
    answer_all(audit, head, scale=2, yes=False)
    with scope(company=alpha.company):
        services.audit_submit(audit=audit, by=head)
    return audit


def stored(audit):
    with scope(company=audit.company):
        return {a.question.key: (a.scale_value, a.bool_value) for a in audit.answers.select_related("question")}


def test_head_copies_last_rounds_answers_and_gets_them_as_stored(alpha, sales_audit, q3_submitted, api_client_for):
    response = api_client_for(alpha.member(Role.DEPARTMENT_HEAD)).post(copy_url(sales_audit))
    assert response.status_code == 200, response.json()
    body = response.json()
    copied = stored(sales_audit)
    assert body["copied"] == len(copied) > 0
    assert {value for value, _yes in copied.values() if value is not None} == {2}
    assert {(a["scale_value"], a["bool_value"]) for a in body["answers"]} == set(copied.values())
    assert body["progress"]["answered"] == len(copied)


def test_answered_questions_are_left_alone(alpha, sales_audit, q3_submitted, api_client_for):
    head = alpha.member(Role.DEPARTMENT_HEAD)
    with scope(company=alpha.company):
        scale = next(q for q in services.audit_questions(sales_audit) if q.kind == QuestionKind.SCALE)
        services.answer_save(audit=sales_audit, question=scale, by=head.user, scale_value=5)
    body = api_client_for(head).post(copy_url(sales_audit)).json()
    assert stored(sales_audit)[scale.key] == (5, None)
    assert body["copied"] == len(stored(sales_audit)) - 1
    assert api_client_for(head).post(copy_url(sales_audit)).json()["copied"] == 0  # nothing left to copy


def test_without_an_earlier_round_nothing_is_copied(alpha, sales_audit, api_client_for):
    response = api_client_for(alpha.member(Role.DEPARTMENT_HEAD)).post(copy_url(sales_audit))
    assert response.status_code == 200
    assert (response.json()["copied"], response.json()["answers"]) == (0, [])


def test_a_submitted_audit_is_a_conflict(alpha, sales_audit, q3_submitted, api_client_for, answer_all):
    head = alpha.member(Role.DEPARTMENT_HEAD)
    answer_all(sales_audit, head.user, scale=4)
    with scope(company=alpha.company):
        services.audit_submit(audit=sales_audit, by=head.user)
    before = stored(sales_audit)
    response = api_client_for(head).post(copy_url(sales_audit))
    assert response.status_code == 409 and "submitted" in response.json()["detail"]
    assert stored(sales_audit) == before


def test_a_body_is_ignored_and_get_is_not_allowed(alpha, sales_audit, q3_submitted, api_client_for):
    api = api_client_for(alpha.member(Role.DEPARTMENT_HEAD))
    assert api.get(copy_url(sales_audit)).status_code == 405
    assert api.post(copy_url(sales_audit), {"answers": "ignored"}, format="json").status_code == 200


@pytest.mark.parametrize("role", [Role.ADMIN, Role.EXECUTIVE, Role.SALES_MANAGER])
def test_only_the_departments_head_copies(alpha, sales_audit, q3_submitted, api_client_for, role):
    assert api_client_for(alpha.member(role)).post(copy_url(sales_audit)).status_code == 403
    assert stored(sales_audit) == {}


def test_another_companys_audit_is_not_found(alpha, beta, sales_audit, q3_submitted, api_client_for):
    outsider = api_client_for(beta.member(Role.DEPARTMENT_HEAD))
    assert outsider.post(copy_url(sales_audit)).status_code == 404
    assert outsider.post(copy_url(sales_audit, slug="beta")).status_code == 404
    with scope(company=alpha.company):
        assert not Answer.objects.filter(audit=sales_audit).exists()
