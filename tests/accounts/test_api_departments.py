"""Departments API: list/create, retrieve/update/archive under /api/v1/companies/<slug>/departments/."""

import pytest
from django_scopes import scopes_disabled

from accounts.models import Department, Role
from tests.accounts.api_helpers import company_url

ALL_ROLES = [Role.ADMIN, Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.SALES_MANAGER]


def dept_url(tenant, department=None):
    return company_url(tenant, "departments/" + (f"{department.pk}/" if department else ""))


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_member_lists_departments_paginated(alpha, beta, api_client_for, role):
    body = api_client_for(alpha.member(role)).get(dept_url(alpha)).json()
    assert body["count"] == 5
    assert {"next", "previous", "results"} <= set(body)
    sales = next(d for d in body["results"] if d["name"] == "Sales")
    assert sales["member_count"] == 2
    assert sales["head_name"]


def test_archived_departments_are_listed_only_on_request(alpha, api_client_for):
    api = api_client_for(alpha.member(Role.ADMIN))
    assert api.delete(dept_url(alpha, alpha.departments["it"])).status_code == 204
    assert api.get(dept_url(alpha)).json()["count"] == 4
    assert api.get(dept_url(alpha) + "?include_archived=true").json()["count"] == 5


def test_admin_creates_a_department_with_a_head(alpha, api_client_for):
    head = alpha.member(Role.EXECUTIVE)
    response = api_client_for(alpha.member(Role.ADMIN)).post(
        dept_url(alpha), {"name": "Logistics", "head": head.pk}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["head"] == head.pk
    with scopes_disabled():
        assert Department.objects.get(company=alpha.company, name="Logistics").head == head


def test_duplicate_department_name_is_a_field_error(alpha, api_client_for):
    response = api_client_for(alpha.member(Role.ADMIN)).post(dept_url(alpha), {"name": "sales"}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()


def test_head_from_another_company_is_a_field_error(alpha, beta, api_client_for):
    response = api_client_for(alpha.member(Role.ADMIN)).post(
        dept_url(alpha), {"name": "Logistics", "head": beta.member(Role.ADMIN).pk}, format="json"
    )
    assert response.status_code == 400
    assert "head" in response.json()


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.SALES_MANAGER])
def test_non_admin_cannot_create_change_or_archive(alpha, api_client_for, role):
    api = api_client_for(alpha.member(role))
    sales = alpha.departments["sales"]
    assert api.post(dept_url(alpha), {"name": "X"}, format="json").status_code == 403
    assert api.patch(dept_url(alpha, sales), {"name": "X"}, format="json").status_code == 403
    assert api.delete(dept_url(alpha, sales)).status_code == 403
    sales.refresh_from_db()
    assert (sales.name, sales.is_archived) == ("Sales", False)


def test_member_retrieves_a_department(alpha, api_client_for):
    response = api_client_for(alpha.member(Role.SALES_MANAGER)).get(dept_url(alpha, alpha.departments["sales"]))
    assert response.status_code == 200
    assert response.json()["name"] == "Sales"


def test_admin_renames_a_department_and_clears_its_head(alpha, api_client_for):
    sales = alpha.departments["sales"]
    response = api_client_for(alpha.member(Role.ADMIN)).patch(
        dept_url(alpha, sales), {"name": "Sales & Retail", "head": None}, format="json"
    )
    assert response.status_code == 200
    sales.refresh_from_db()
    assert (sales.name, sales.head) == ("Sales & Retail", None)


def test_patch_keeps_fields_it_does_not_name(alpha, api_client_for):
    sales = alpha.departments["sales"]
    head = sales.head
    api_client_for(alpha.member(Role.ADMIN)).patch(dept_url(alpha, sales), {"name": "Direct sales"}, format="json")
    sales.refresh_from_db()
    assert sales.head == head


def test_delete_archives_instead_of_deleting(alpha, api_client_for):
    it = alpha.departments["it"]
    assert api_client_for(alpha.member(Role.ADMIN)).delete(dept_url(alpha, it)).status_code == 204
    it.refresh_from_db()
    assert it.is_archived


def test_another_companys_department_is_404(alpha, beta, api_client_for):
    api = api_client_for(alpha.member(Role.ADMIN))
    theirs = beta.departments["sales"]
    assert api.get(dept_url(alpha, theirs)).status_code == 404
    assert api.patch(dept_url(alpha, theirs), {"name": "Pwned"}, format="json").status_code == 404
    assert api.delete(dept_url(alpha, theirs)).status_code == 404
    theirs.refresh_from_db()
    assert (theirs.name, theirs.is_archived) == ("Sales", False)


def test_outsider_on_another_companys_url_is_404(alpha, beta, api_client_for):
    api = api_client_for(beta.member(Role.ADMIN))
    assert api.get(dept_url(alpha)).status_code == 404
    assert api.get(dept_url(alpha, alpha.departments["sales"])).status_code == 404


def test_anonymous_gets_401(alpha, anon_api):
    assert anon_api.get(dept_url(alpha)).status_code == 401
    assert anon_api.post(dept_url(alpha), {"name": "X"}, format="json").status_code == 401


def test_out_of_range_id_is_404_not_500(alpha, api_client_for):
    api = api_client_for(alpha.member(Role.ADMIN))
    assert api.get(company_url(alpha, "departments/99999999999999999999999/")).status_code == 404
    assert api.get(company_url(alpha, "departments/0/")).status_code == 404
