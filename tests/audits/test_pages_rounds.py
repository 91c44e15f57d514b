"""Round pages: the list with "open now", a round's department audits and scores, "my audit", the home card."""

import pytest
from django.urls import reverse
from django_scopes import scope

from accounts.models import Role
from audits import services
from audits.models import Round
from tests.audits.page_helpers import head_of, url

pytestmark = pytest.mark.django_db


def submit_all(audit, by, answer_all):
    answer_all(audit, by)
    with scope(company=audit.company):
        services.audit_submit(audit=audit, by=by)


# ---------------------------------------------------------------- round list and "open now"

def test_admin_sees_rounds_and_the_current_round(alpha, q4_round, client_for):
    response = client_for(alpha.member(Role.ADMIN)).get(url("round_list", alpha.company))
    body = response.content.decode()
    assert response.status_code == 200
    assert "2026-Q4" in body and "The 2026-Q4 round is open." in body
    assert "0 of 5 submitted" in body


def test_admin_without_rounds_gets_the_open_now_button(alpha, questionnaire, matrix, at_oct_2, client_for):
    body = client_for(alpha.member(Role.ADMIN)).get(url("round_list", alpha.company)).content.decode()
    assert "Open the 2026-Q4 round now" in body and "No audit rounds yet." in body


def test_open_now_opens_the_current_round_once(alpha, questionnaire, matrix, at_oct_2, client_for):
    client = client_for(alpha.member(Role.ADMIN))
    response = client.post(url("round_open", alpha.company), follow=True)
    assert "The 2026-Q4 round is open." in response.content.decode()
    response = client.post(url("round_open", alpha.company), follow=True)
    assert "The 2026-Q4 round is already open." in response.content.decode()
    with scope(company=alpha.company):
        assert Round.objects.filter(company=alpha.company).count() == 1


def test_open_now_without_a_matrix_explains_why(alpha, questionnaire, at_oct_2, client_for):
    with scope(company=alpha.company):
        alpha.company.factor_responsibilities.all().delete()
    response = client_for(alpha.member(Role.ADMIN)).post(url("round_open", alpha.company), follow=True)
    assert "set up the responsibility matrix first" in response.content.decode()


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.SALES_MANAGER])
def test_only_admins_open_rounds(alpha, questionnaire, matrix, at_oct_2, client_for, role):
    assert client_for(alpha.member(role)).post(url("round_open", alpha.company)).status_code == 403


def test_open_now_is_post_only(alpha, client_for):
    assert client_for(alpha.member(Role.ADMIN)).get(url("round_open", alpha.company)).status_code == 405


def test_department_head_sees_only_rounds_with_their_audit(alpha, q4_round, client_for):
    assert "2026-Q4" in client_for(alpha.member(Role.DEPARTMENT_HEAD)).get(url("round_list", alpha.company)).content.decode()
    lonely = head_of(alpha, "marketing")
    with scope(company=alpha.company):
        q4_round.audits.filter(department=alpha.departments["marketing"]).delete()
    assert "2026-Q4" not in client_for(lonely).get(url("round_list", alpha.company)).content.decode()


def test_sales_manager_cannot_see_rounds(alpha, client_for):
    assert client_for(alpha.member(Role.SALES_MANAGER)).get(url("round_list", alpha.company)).status_code == 403


def test_outsider_gets_404_on_the_round_list(alpha, beta, client_for):
    assert client_for(beta.member(Role.ADMIN)).get(url("round_list", alpha.company)).status_code == 404


# ---------------------------------------------------------------- round detail

def test_round_page_shows_departments_status_and_scores(alpha, q4_round, sales_audit, client_for, answer_all):
    submit_all(sales_audit, alpha.user(Role.DEPARTMENT_HEAD), answer_all)
    response = client_for(alpha.member(Role.EXECUTIVE)).get(url("round_detail", alpha.company, round_pk=q4_round.pk))
    body = response.content.decode()
    assert response.status_code == 200
    for name in ("Sales", "Marketing", "Management", "Product", "IT"):
        assert name in body
    assert "on time" in body and "Submitted" in body
    assert "1 of 5 submitted" in body
    assert ">83<" in body  # every factor: scale 4 (75 points, weight 2) and yes (100): (150 + 100) / 3
    assert "Company factor scores" in body


def test_department_head_sees_only_their_row(alpha, q4_round, client_for):
    body = client_for(alpha.member(Role.DEPARTMENT_HEAD)).get(
        url("round_detail", alpha.company, round_pk=q4_round.pk)).content.decode()
    assert ">Sales</a>" in body and ">Marketing</a>" not in body


def test_head_without_an_audit_in_the_round_gets_403(alpha, q4_round, client_for):
    lonely = head_of(alpha, "marketing")
    with scope(company=alpha.company):
        q4_round.audits.filter(department=alpha.departments["marketing"]).delete()
    assert client_for(lonely).get(url("round_detail", alpha.company, round_pk=q4_round.pk)).status_code == 403


def test_round_of_another_company_is_404(alpha, beta, q4_round, client_for):
    assert client_for(beta.member(Role.ADMIN)).get(url("round_detail", alpha.company, round_pk=q4_round.pk)).status_code == 404
    assert client_for(alpha.member(Role.ADMIN)).get(url("round_detail", alpha.company, round_pk=999999)).status_code == 404


def test_sales_manager_cannot_see_a_round(alpha, q4_round, client_for):
    assert client_for(alpha.member(Role.SALES_MANAGER)).get(
        url("round_detail", alpha.company, round_pk=q4_round.pk)).status_code == 403


# ---------------------------------------------------------------- my audit, navigation, home

def test_my_audit_redirects_to_the_open_audit(alpha, sales_audit, client_for):
    response = client_for(alpha.member(Role.DEPARTMENT_HEAD)).get(url("my_audit", alpha.company))
    assert response.status_code == 302
    assert response.url == url("audit_detail", alpha.company, audit_pk=sales_audit.pk)


def test_my_audit_without_an_open_audit_says_so(alpha, client_for):
    response = client_for(alpha.member(Role.DEPARTMENT_HEAD)).get(url("my_audit", alpha.company))
    assert response.status_code == 200
    assert "no open audit" in response.content.decode()


def test_my_audit_is_for_department_heads(alpha, beta, client_for):
    assert client_for(alpha.member(Role.ADMIN)).get(url("my_audit", alpha.company)).status_code == 403
    assert client_for(beta.member(Role.DEPARTMENT_HEAD)).get(url("my_audit", alpha.company)).status_code == 404


def test_home_shows_the_heads_open_audit_with_progress(alpha, sales_audit, client_for):
    body = client_for(alpha.member(Role.DEPARTMENT_HEAD)).get(
        reverse("company_home", kwargs={"company_slug": "alpha"})).content.decode()
    assert "2026-Q4 audit" in body and "My audits" in body
    assert "0 of " in body and url("audit_detail", alpha.company, audit_pk=sales_audit.pk) in body
    assert url("my_audit", alpha.company) in body  # navigation


def test_home_hints_admins_to_open_the_first_round(alpha, client_for):
    body = client_for(alpha.member(Role.ADMIN)).get(reverse("company_home", kwargs={"company_slug": "alpha"})).content.decode()
    assert "No audit round yet" in body
    assert url("round_list", alpha.company) in body and url("action_list", alpha.company) in body
