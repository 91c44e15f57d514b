"""Members API: list with filters, retrieve, update role/department/active."""

import pytest

from accounts.models import Role
from tests.accounts.api_helpers import company_url, issue_token


def member_url(tenant, membership=None):
    return company_url(tenant, "members/" + (f"{membership.pk}/" if membership else ""))


@pytest.mark.parametrize("role", [Role.ADMIN, Role.EXECUTIVE])
def test_admin_and_executive_list_members(alpha, beta, api_client_for, role):
    body = api_client_for(alpha.member(role)).get(member_url(alpha)).json()
    assert body["count"] == 4
    assert all(m["email"].endswith("@alpha.test") for m in body["results"])


@pytest.mark.parametrize("role", [Role.DEPARTMENT_HEAD, Role.SALES_MANAGER])
def test_other_roles_cannot_list_members(alpha, api_client_for, role):
    assert api_client_for(alpha.member(role)).get(member_url(alpha)).status_code == 403


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("role=sales_manager", {"seller@alpha.test"}),
        ("is_active=true&role=admin", {"admin@alpha.test"}),
        ("department={sales}", {"head@alpha.test", "seller@alpha.test"}),
    ],
)
def test_member_filters(alpha, api_client_for, query, expected):
    query = query.format(sales=alpha.departments["sales"].pk)
    body = api_client_for(alpha.member(Role.ADMIN)).get(member_url(alpha) + "?" + query).json()
    assert {m["email"] for m in body["results"]} == expected


def test_filter_by_another_companys_department_finds_nothing(alpha, beta, api_client_for):
    url = member_url(alpha) + f"?department={beta.departments['sales'].pk}"
    assert api_client_for(alpha.member(Role.ADMIN)).get(url).json()["count"] == 0


@pytest.mark.parametrize("query", ["role=king", "department=abc", "department=99999999999999999999999"])
def test_bad_filters_are_400(alpha, api_client_for, query):
    response = api_client_for(alpha.member(Role.ADMIN)).get(member_url(alpha) + "?" + query)
    assert response.status_code == 400
    assert query.split("=")[0] in response.json()


def test_page_out_of_range_is_404(alpha, api_client_for):
    api = api_client_for(alpha.member(Role.ADMIN))
    assert api.get(member_url(alpha) + "?page=99999999999999999999").status_code == 404
    assert api.get(member_url(alpha) + "?page=abc").status_code == 404


def test_executive_retrieves_a_member(alpha, api_client_for):
    seller = alpha.member(Role.SALES_MANAGER)
    response = api_client_for(alpha.member(Role.EXECUTIVE)).get(member_url(alpha, seller))
    assert response.status_code == 200
    assert response.json()["department_name"] == "Sales"


def test_admin_changes_role_and_department(alpha, api_client_for):
    seller = alpha.member(Role.SALES_MANAGER)
    marketing = alpha.departments["marketing"]
    response = api_client_for(alpha.member(Role.ADMIN)).patch(
        member_url(alpha, seller), {"role": "department_head", "department": marketing.pk}, format="json"
    )
    assert response.status_code == 200
    seller.refresh_from_db()
    assert (seller.role, seller.department) == (Role.DEPARTMENT_HEAD, marketing)


def test_deactivating_a_member_revokes_their_tokens(alpha, api_client_for):
    seller = alpha.member(Role.SALES_MANAGER)
    token, _ = issue_token(seller)
    response = api_client_for(alpha.member(Role.ADMIN)).patch(member_url(alpha, seller), {"is_active": False}, format="json")
    assert response.status_code == 200
    seller.refresh_from_db()
    token.refresh_from_db()
    assert not seller.is_active
    assert token.revoked_at is not None


def test_last_admin_cannot_be_demoted(alpha, api_client_for):
    admin = alpha.member(Role.ADMIN)
    response = api_client_for(admin).patch(member_url(alpha, admin), {"role": "executive"}, format="json")
    assert response.status_code == 400
    assert "role" in response.json()
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN


def test_department_of_another_company_is_a_field_error(alpha, beta, api_client_for):
    seller = alpha.member(Role.SALES_MANAGER)
    response = api_client_for(alpha.member(Role.ADMIN)).patch(
        member_url(alpha, seller), {"department": beta.departments["sales"].pk}, format="json"
    )
    assert response.status_code == 400
    assert "department" in response.json()


def test_executive_cannot_change_members(alpha, api_client_for):
    seller = alpha.member(Role.SALES_MANAGER)
    response = api_client_for(alpha.member(Role.EXECUTIVE)).patch(member_url(alpha, seller), {"role": "admin"}, format="json")
    assert response.status_code == 403


def test_another_companys_member_is_404(alpha, beta, api_client_for):
    api = api_client_for(alpha.member(Role.ADMIN))
    theirs = beta.member(Role.ADMIN)
    assert api.get(member_url(alpha, theirs)).status_code == 404
    assert api.patch(member_url(alpha, theirs), {"is_active": False}, format="json").status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active


def test_anonymous_gets_401(alpha, anon_api):
    assert anon_api.get(member_url(alpha)).status_code == 401
