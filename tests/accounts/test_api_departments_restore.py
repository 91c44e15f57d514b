"""Restoring an archived department through the API (the department list's Restore button)."""

import pytest
from django_scopes import scopes_disabled

from accounts.models import Role
from tests.accounts.api_helpers import company_url


def archive(department):
    with scopes_disabled():
        department.is_archived = True
        department.save(update_fields=["is_archived"])


def test_admin_restores_an_archived_department(alpha, api_client_for):
    department = alpha.departments["it"]
    archive(department)
    response = api_client_for(alpha.member(Role.ADMIN)).post(company_url(alpha, f"departments/{department.pk}/restore/"))
    assert response.status_code == 200 and response.json()["is_archived"] is False
    with scopes_disabled():
        department.refresh_from_db()
    assert not department.is_archived


def test_restoring_an_active_department_changes_nothing(alpha, api_client_for):
    department = alpha.departments["it"]
    response = api_client_for(alpha.member(Role.ADMIN)).post(company_url(alpha, f"departments/{department.pk}/restore/"))
    assert response.status_code == 200 and response.json()["lock_version"] == department.lock_version


def test_get_is_not_allowed(alpha, api_client_for):
    department = alpha.departments["it"]
    response = api_client_for(alpha.member(Role.ADMIN)).get(company_url(alpha, f"departments/{department.pk}/restore/"))
    assert response.status_code == 405


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.SALES_MANAGER])
def test_other_roles_cannot_restore(alpha, api_client_for, role):
    department = alpha.departments["it"]
    archive(department)
    assert api_client_for(alpha.member(role)).post(
        company_url(alpha, f"departments/{department.pk}/restore/")).status_code == 403


def test_another_companys_department_is_404(alpha, beta, api_client_for):
    department = beta.departments["it"]
    archive(department)
    assert api_client_for(alpha.member(Role.ADMIN)).post(
        company_url(alpha, f"departments/{department.pk}/restore/")).status_code == 404
