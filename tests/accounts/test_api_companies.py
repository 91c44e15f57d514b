"""GET /api/v1/companies/ and GET/PATCH /api/v1/companies/<slug>/."""

import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from tests.accounts.api_helpers import company_url, issue_token
from tests.factories import MembershipFactory

ALL_ROLES = [Role.ADMIN, Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.SALES_MANAGER]


def test_company_list_shows_each_company_of_the_user_with_the_role(alpha, beta, api_client_for):
    consultant = alpha.user(Role.EXECUTIVE)
    MembershipFactory(company=beta.company, user=consultant, role=Role.ADMIN)
    body = api_client_for(consultant).get("/api/v1/companies/").json()
    assert body["count"] == 2
    assert {(c["slug"], c["role"]) for c in body["results"]} == {("alpha", "executive"), ("beta", "admin")}


def test_company_list_with_a_token_shows_only_the_tokens_company(alpha, beta):
    consultant = alpha.member(Role.EXECUTIVE)
    MembershipFactory(company=beta.company, user=consultant.user, role=Role.ADMIN)
    _, raw = issue_token(consultant)
    api = APIClient(headers={"Authorization": f"Bearer {raw}"})
    body = api.get("/api/v1/companies/").json()
    assert [c["slug"] for c in body["results"]] == ["alpha"]


def test_company_list_hides_other_companies(alpha, beta, api_client_for):
    body = api_client_for(alpha.member(Role.ADMIN)).get("/api/v1/companies/").json()
    assert [c["slug"] for c in body["results"]] == ["alpha"]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_member_reads_company_settings(alpha, api_client_for, role):
    response = api_client_for(alpha.member(role)).get(company_url(alpha))
    assert response.status_code == 200
    assert response.json()["name"] == "Alpha Ltd"


def test_admin_changes_company_settings(alpha, api_client_for):
    response = api_client_for(alpha.member(Role.ADMIN)).patch(
        company_url(alpha), {"name": "Alpha Group", "timezone": "Asia/Tokyo"}, format="json"
    )
    assert response.status_code == 200
    alpha.company.refresh_from_db()
    assert (alpha.company.name, alpha.company.timezone, alpha.company.language) == ("Alpha Group", "Asia/Tokyo", "en")


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.SALES_MANAGER])
def test_non_admin_cannot_change_company_settings(alpha, api_client_for, role):
    response = api_client_for(alpha.member(role)).patch(company_url(alpha), {"name": "Mine"}, format="json")
    assert response.status_code == 403
    alpha.company.refresh_from_db()
    assert alpha.company.name == "Alpha Ltd"


def test_unknown_timezone_is_a_field_error(alpha, api_client_for):
    response = api_client_for(alpha.member(Role.ADMIN)).patch(company_url(alpha), {"timezone": "Mars/Olympus"}, format="json")
    assert response.status_code == 400
    assert "timezone" in response.json()


def test_put_needs_every_field(alpha, api_client_for):
    response = api_client_for(alpha.member(Role.ADMIN)).put(company_url(alpha), {"name": "Alpha"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"timezone", "language"}


def test_outsider_gets_404_for_another_company(alpha, beta, api_client_for):
    api = api_client_for(alpha.member(Role.ADMIN))
    assert api.get(company_url(beta)).status_code == 404
    assert api.patch(company_url(beta), {"name": "Taken"}, format="json").status_code == 404
    beta.company.refresh_from_db()
    assert beta.company.name == "Beta Inc"


def test_unknown_company_is_404(alpha, api_client_for):
    assert api_client_for(alpha.member(Role.ADMIN)).get("/api/v1/companies/nope/").status_code == 404


def test_anonymous_gets_401(alpha, anon_api):
    assert anon_api.get("/api/v1/companies/").status_code == 401
    assert anon_api.get(company_url(alpha)).status_code == 401
