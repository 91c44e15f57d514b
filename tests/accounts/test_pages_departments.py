"""Department pages: list with member counts and pagination, create, edit, archive, restore."""

import pytest
from django_scopes import scopes_disabled

from accounts.models import Department, Role
from tests.accounts.page_helpers import body, page
from tests.factories import DepartmentFactory


def departments(tenant):
    with scopes_disabled():
        return {d.name: d for d in Department.objects.filter(company=tenant.company)}


def test_list_shows_heads_and_active_member_counts(alpha, beta, client_for):
    response = client_for(alpha.member(Role.SALES_MANAGER)).get(page(alpha, "department_list"))
    assert response.status_code == 200
    rows = {d.name: d for d in response.context["page"].object_list}
    assert rows["Sales"].member_count == 2
    assert rows["Sales"].head == alpha.member(Role.DEPARTMENT_HEAD)
    assert "Beta" not in body(response)


def test_list_paginates_and_survives_a_bad_page_number(alpha, client_for):
    for n in range(30):
        DepartmentFactory(company=alpha.company, name=f"Branch {n:02}")
    client = client_for(alpha.member(Role.ADMIN))
    first = client.get(page(alpha, "department_list"))
    assert len(first.context["page"].object_list) == 25
    assert client.get(page(alpha, "department_list") + "?page=2").context["page"].number == 2
    assert client.get(page(alpha, "department_list") + "?page=abc").status_code == 200


def test_admin_creates_a_department_with_a_head(alpha, client_for):
    head = alpha.member(Role.EXECUTIVE)
    response = client_for(alpha.member(Role.ADMIN)).post(
        page(alpha, "department_create"), {"name": "  Logistics ", "head": head.pk}
    )
    assert response.status_code == 302
    assert departments(alpha)["Logistics"].head == head


@pytest.mark.parametrize("name", ["sales", "SALES", "Sales "])
def test_duplicate_name_in_any_letter_case_is_a_field_error(alpha, client_for, name):
    response = client_for(alpha.member(Role.ADMIN)).post(page(alpha, "department_create"), {"name": name})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert len(departments(alpha)) == 5


def test_duplicate_cyrillic_name_in_another_case_is_refused(alpha, client_for):
    client = client_for(alpha.member(Role.ADMIN))
    assert client.post(page(alpha, "department_create"), {"name": "Продажи"}).status_code == 302
    response = client.post(page(alpha, "department_create"), {"name": "ПРОДАЖИ"})
    assert response.context["form"].errors["name"]


def test_same_name_in_another_company_is_fine(alpha, beta, client_for):
    response = client_for(alpha.member(Role.ADMIN)).post(page(alpha, "department_create"), {"name": "Logistics"})
    assert response.status_code == 302
    with scopes_disabled():
        DepartmentFactory(company=beta.company, name="Logistics")


@pytest.mark.parametrize("payload,field", [
    ({"name": "x" * 101}, "name"),
    ({"name": "Bad\x00name"}, "name"),
    ({"name": ""}, "name"),
    ({"name": "Ok", "head": "999999"}, "head"),
])
def test_bad_input_is_a_form_error(alpha, client_for, payload, field):
    response = client_for(alpha.member(Role.ADMIN)).post(page(alpha, "department_create"), payload)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert len(departments(alpha)) == 5


def test_head_from_another_company_is_refused(alpha, beta, client_for):
    response = client_for(alpha.member(Role.ADMIN)).post(
        page(alpha, "department_create"), {"name": "Logistics", "head": beta.member(Role.ADMIN).pk}
    )
    assert "head" in response.context["form"].errors


def test_admin_renames_a_department_and_changes_its_head(alpha, client_for):
    sales = alpha.departments["sales"]
    client = client_for(alpha.member(Role.ADMIN))
    form = client.get(page(alpha, "department_edit", sales.pk)).context["form"]
    assert form.initial["name"] == "Sales"
    response = client.post(page(alpha, "department_edit", sales.pk), {"name": "Sales & Retail", "head": ""})
    assert response.status_code == 302
    sales.refresh_from_db()
    assert (sales.name, sales.head) == ("Sales & Retail", None)


def test_renaming_to_another_departments_name_is_refused(alpha, client_for):
    sales = alpha.departments["sales"]
    response = client_for(alpha.member(Role.ADMIN)).post(page(alpha, "department_edit", sales.pk), {"name": "it"})
    assert response.context["form"].errors["name"]
    sales.refresh_from_db()
    assert sales.name == "Sales"


def test_archive_asks_for_confirmation_then_archives_and_restore_brings_it_back(alpha, client_for):
    it = alpha.departments["it"]
    client = client_for(alpha.member(Role.ADMIN))
    confirm = client.get(page(alpha, "department_archive", it.pk))
    assert confirm.status_code == 200
    assert "IT" in body(confirm)
    it.refresh_from_db()
    assert not it.is_archived
    assert client.post(page(alpha, "department_archive", it.pk)).status_code == 302
    it.refresh_from_db()
    assert it.is_archived
    listing = client.get(page(alpha, "department_list"))
    assert "Restore" in body(listing)
    assert client.post(page(alpha, "department_restore", it.pk)).status_code == 302
    it.refresh_from_db()
    assert not it.is_archived


def test_archived_department_keeps_its_name_reserved(alpha, client_for):
    it = alpha.departments["it"]
    client = client_for(alpha.member(Role.ADMIN))
    client.post(page(alpha, "department_archive", it.pk))
    response = client.post(page(alpha, "department_create"), {"name": "it"})
    assert "already exists" in response.context["form"].errors["name"][0]


def test_archived_department_cannot_be_archived_again_or_edited(alpha, client_for):
    it = alpha.departments["it"]
    client = client_for(alpha.member(Role.ADMIN))
    client.post(page(alpha, "department_archive", it.pk))
    assert client.post(page(alpha, "department_archive", it.pk)).status_code == 404
    assert client.post(page(alpha, "department_edit", it.pk), {"name": "x"}).status_code == 404


def test_restore_needs_post(alpha, client_for):
    it = alpha.departments["it"]
    assert client_for(alpha.member(Role.ADMIN)).get(page(alpha, "department_restore", it.pk)).status_code == 405
