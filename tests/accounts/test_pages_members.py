"""Member pages: filtered list, edit role/department, deactivate/reactivate; the last admin stays."""

import pytest
from django_scopes import scopes_disabled

from accounts.models import Membership, Role
from tests.accounts.page_helpers import body, issue_token, page
from tests.factories import MembershipFactory, UserFactory


def reload(membership):
    with scopes_disabled():
        return Membership.objects.get(pk=membership.pk)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.EXECUTIVE])
def test_admin_and_executive_see_the_member_list(alpha, beta, client_for, role):
    response = client_for(alpha.member(role)).get(page(alpha, "member_list"))
    assert response.status_code == 200
    emails = [m.user.email for m in response.context["page"].object_list]
    assert "seller@alpha.test" in emails and "seller@beta.test" not in emails


def test_executive_sees_no_admin_actions(alpha, client_for):
    response = client_for(alpha.member(Role.EXECUTIVE)).get(page(alpha, "member_list"))
    assert "/deactivate/" not in body(response)


def test_list_filters_by_role_department_and_status(alpha, client_for):
    client = client_for(alpha.member(Role.ADMIN))
    url = page(alpha, "member_list")
    by_role = client.get(url, {"role": Role.SALES_MANAGER}).context["page"].object_list
    assert [m.user.email for m in by_role] == ["seller@alpha.test"]
    by_department = client.get(url, {"department": alpha.departments["sales"].pk}).context["page"].object_list
    assert {m.user.email for m in by_department} == {"head@alpha.test", "seller@alpha.test"}
    with scopes_disabled():
        Membership.objects.filter(pk=alpha.member(Role.SALES_MANAGER).pk).update(is_active=False)
    inactive = client.get(url, {"status": "inactive"}).context["page"].object_list
    assert [m.user.email for m in inactive] == ["seller@alpha.test"]
    assert len(client.get(url, {"status": "active"}).context["page"].object_list) == 3


def test_bad_filter_values_are_shown_not_crashing(alpha, beta, client_for):
    response = client_for(alpha.member(Role.ADMIN)).get(
        page(alpha, "member_list"), {"role": "pope", "department": beta.departments["sales"].pk, "status": "x"}
    )
    assert response.status_code == 200
    assert set(response.context["filters"].errors) == {"role", "department", "status"}
    assert len(response.context["page"].object_list) == 4


def test_list_paginates(alpha, client_for):
    for n in range(30):
        MembershipFactory(company=alpha.company, role=Role.SALES_MANAGER, user=UserFactory(email=f"m{n:02}@alpha.test"))
    client = client_for(alpha.member(Role.ADMIN))
    response = client.get(page(alpha, "member_list"), {"role": Role.SALES_MANAGER, "page": 2})
    assert response.context["page"].number == 2
    assert "role=sales_manager" in response.context["query"]


def test_admin_changes_role_and_department(alpha, client_for):
    seller = alpha.member(Role.SALES_MANAGER)
    response = client_for(alpha.member(Role.ADMIN)).post(
        page(alpha, "member_edit", seller.pk),
        {"role": Role.DEPARTMENT_HEAD, "department": alpha.departments["marketing"].pk},
    )
    assert response.status_code == 302
    seller = reload(seller)
    assert (seller.role, seller.department) == (Role.DEPARTMENT_HEAD, alpha.departments["marketing"])


@pytest.mark.parametrize("payload,field", [
    ({"role": "owner"}, "role"),
    ({"role": Role.EXECUTIVE, "department": "not-a-number"}, "department"),
])
def test_bad_member_input_is_a_form_error(alpha, client_for, payload, field):
    seller = alpha.member(Role.SALES_MANAGER)
    response = client_for(alpha.member(Role.ADMIN)).post(page(alpha, "member_edit", seller.pk), payload)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert reload(seller).role == Role.SALES_MANAGER


def test_archived_or_foreign_department_is_refused(alpha, beta, client_for):
    seller = alpha.member(Role.SALES_MANAGER)
    client = client_for(alpha.member(Role.ADMIN))
    response = client.post(page(alpha, "member_edit", seller.pk),
                           {"role": Role.SALES_MANAGER, "department": beta.departments["sales"].pk})
    assert "department" in response.context["form"].errors
    assert reload(seller).department == alpha.departments["sales"]


def test_last_admin_cannot_be_demoted(alpha, client_for):
    admin = alpha.member(Role.ADMIN)
    response = client_for(admin).post(page(alpha, "member_edit", admin.pk), {"role": Role.EXECUTIVE})
    assert response.status_code == 200
    assert "at least one active admin" in body(response)
    assert reload(admin).role == Role.ADMIN


def test_deactivate_confirms_then_deactivates_and_revokes_tokens(alpha, client_for):
    seller = alpha.member(Role.SALES_MANAGER)
    token, _ = issue_token(seller)
    client = client_for(alpha.member(Role.ADMIN))
    assert client.get(page(alpha, "member_deactivate", seller.pk)).status_code == 200
    assert reload(seller).is_active
    assert client.post(page(alpha, "member_deactivate", seller.pk)).status_code == 302
    assert not reload(seller).is_active
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_deactivating_a_head_clears_the_departments_head(alpha, client_for):
    head = alpha.member(Role.DEPARTMENT_HEAD)
    client_for(alpha.member(Role.ADMIN)).post(page(alpha, "member_deactivate", head.pk))
    sales = alpha.departments["sales"]
    sales.refresh_from_db()
    assert sales.head is None


def test_admin_cannot_deactivate_themself_but_another_admin_can(alpha, client_for):
    other = MembershipFactory(company=alpha.company, role=Role.ADMIN, user=UserFactory(email="admin2@alpha.test"))
    with scopes_disabled():
        Membership.objects.filter(pk=other.pk).update(is_active=False)
    admin = alpha.member(Role.ADMIN)
    # Another admin is needed to even try: an admin cannot deactivate themself.
    response = client_for(admin).post(page(alpha, "member_deactivate", admin.pk))
    assert response.status_code == 400
    assert "cannot deactivate yourself" in body(response)
    with scopes_disabled():
        Membership.objects.filter(pk=other.pk).update(is_active=True)
    client_for(other).post(page(alpha, "member_deactivate", admin.pk))
    assert not reload(admin).is_active
    response = client_for(other).post(page(alpha, "member_deactivate", other.pk))
    assert response.status_code == 400
    assert reload(other).is_active


def test_reactivate_brings_a_member_back(alpha, client_for):
    seller = alpha.member(Role.SALES_MANAGER)
    client = client_for(alpha.member(Role.ADMIN))
    client.post(page(alpha, "member_deactivate", seller.pk))
    assert client.post(page(alpha, "member_reactivate", seller.pk)).status_code == 302
    assert reload(seller).is_active
    assert client_for(seller).get(page(alpha, "company_home")).status_code == 200
