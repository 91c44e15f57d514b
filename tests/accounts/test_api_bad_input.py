"""Bad input through the API: malformed JSON, wrong content type, NUL bytes, oversize strings → 4xx, never 500."""

import pytest
from django_scopes import scopes_disabled

from accounts.models import Department, Role
from tests.accounts.api_helpers import company_url


@pytest.fixture
def admin_api(alpha, api_client_for):
    return api_client_for(alpha.member(Role.ADMIN))


def department_names(company):
    with scopes_disabled():
        return set(Department.objects.filter(company=company).values_list("name", flat=True))


def test_malformed_json_is_400(alpha, admin_api):
    response = admin_api.post(company_url(alpha, "departments/"), '{"name": ', content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


def test_form_encoded_body_is_415(alpha, admin_api):
    response = admin_api.post(company_url(alpha, "departments/"), "name=Legal", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415


def test_json_that_is_not_an_object_is_400(alpha, admin_api):
    response = admin_api.post(company_url(alpha, "departments/"), "[1, 2]", content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("tail", "method", "field"),
    [
        ("departments/", "post", "name"),
        ("tokens/", "post", "name"),
        ("invitations/", "post", "email"),
        ("", "patch", "name"),
    ],
)
def test_nul_bytes_are_field_errors(alpha, admin_api, tail, method, field):
    response = getattr(admin_api, method)(company_url(alpha, tail), {field: "Le\x00gal", "role": "admin"}, format="json")
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize(("tail", "method", "field"), [("departments/", "post", "name"), ("", "patch", "name")])
def test_oversize_strings_are_field_errors(alpha, admin_api, tail, method, field):
    response = getattr(admin_api, method)(company_url(alpha, tail), {field: "x" * 10_000}, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_me_rejects_nul_and_oversize_names(alpha, admin_api):
    response = admin_api.patch("/api/v1/me/", {"first_name": "a\x00", "last_name": "y" * 500}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"first_name", "last_name"}


@pytest.mark.parametrize("head", ["abc", True, 99999999999999999999999, -1, {"id": 1}])
def test_bad_related_ids_are_field_errors(alpha, admin_api, head):
    response = admin_api.post(company_url(alpha, "departments/"), {"name": "Legal", "head": head}, format="json")
    assert response.status_code == 400
    assert "head" in response.json()
    assert "Legal" not in department_names(alpha.company)


def test_failed_write_leaves_no_partial_change(alpha, admin_api):
    seller = alpha.member(Role.SALES_MANAGER)
    # A valid department with an invalid role: nothing may be saved.
    response = admin_api.patch(
        company_url(alpha, f"members/{seller.pk}/"), {"department": alpha.departments["it"].pk, "role": "king"}, format="json"
    )
    assert response.status_code == 400
    seller.refresh_from_db()
    assert seller.department == alpha.departments["sales"]


def test_body_over_the_upload_limit_is_refused(alpha, admin_api, settings):
    body = '{"name": "' + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10) + '"}'
    response = admin_api.post(company_url(alpha, "departments/"), body, content_type="application/json")
    assert response.status_code == 400
