"""Django admin for platform staff: tenants list with member counts, suspend/reactivate, delete; tenant rows."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import ApiToken, Company, Department, Invitation, Membership, Role
from tests.accounts.page_helpers import body, invite, issue_token
from tests.factories import CompanyFactory, DepartmentAuditFactory, RoundFactory, UserFactory

User = get_user_model()


@pytest.fixture
def staff_client(client, db):
    client.force_login(UserFactory(email="staff@platform.test", is_staff=True, is_superuser=True))
    return client


def action(client, name, companies):
    return client.post(reverse("admin:accounts_company_changelist"),
                       {"action": name, "_selected_action": [c.pk for c in companies]}, follow=True)


def test_company_list_shows_member_counts_in_constant_queries(alpha, beta, staff_client,
                                                             django_assert_max_num_queries):
    for n in range(5):
        CompanyFactory(slug=f"extra-{n}")
    with django_assert_max_num_queries(12):
        response = staff_client.get(reverse("admin:accounts_company_changelist"))
    assert response.status_code == 200
    rows = {c.slug: c.member_count for c in response.context["cl"].result_list}
    assert rows["alpha"] == 4 and rows["extra-0"] == 0


def test_company_list_filters_by_suspended(alpha, beta, staff_client):
    Company.objects.filter(pk=beta.company.pk).update(is_suspended=True)
    response = staff_client.get(reverse("admin:accounts_company_changelist") + "?is_suspended__exact=1")
    assert [c.slug for c in response.context["cl"].result_list] == ["beta"]


def test_suspend_and_reactivate_actions(alpha, beta, staff_client, client_for):
    response = action(staff_client, "suspend", [alpha.company])
    assert "1 company suspended" in body(response)
    alpha.company.refresh_from_db()
    assert alpha.company.is_suspended and alpha.company.suspended_at
    beta.company.refresh_from_db()
    assert not beta.company.is_suspended
    member = client_for(alpha.member(Role.EXECUTIVE))
    assert member.get(reverse("company_home", args=["alpha"])).status_code == 403
    staff_client.force_login(User.objects.get(email="staff@platform.test"))
    action(staff_client, "reactivate", [alpha.company])
    alpha.company.refresh_from_db()
    assert not alpha.company.is_suspended and alpha.company.suspended_at is None


def test_company_change_page_shows_departments_and_members_read_only(alpha, staff_client):
    url = reverse("admin:accounts_company_change", args=[alpha.company.pk])
    response = staff_client.get(url)
    assert response.status_code == 200
    text = body(response)
    assert "Marketing" in text and "seller@alpha.test" in text
    saved = staff_client.post(url, {
        "name": "Alpha Renamed", "slug": "alpha", "timezone": "Europe/Moscow", "language": "en",
        **management_form("departments", 5), **management_form("memberships", 4),
    })
    assert saved.status_code == 302, saved.context and saved.context["errors"]
    alpha.company.refresh_from_db()
    assert alpha.company.name == "Alpha Renamed"


def management_form(prefix, count):
    return {f"{prefix}-TOTAL_FORMS": count, f"{prefix}-INITIAL_FORMS": count,
            f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000}


def test_delete_confirms_then_removes_the_company_and_everything_it_owns(alpha, beta, staff_client):
    invite(alpha)
    issue_token(alpha.member(Role.ADMIN))
    url = reverse("admin:accounts_company_delete", args=[alpha.company.pk])
    confirm = staff_client.get(url)
    assert confirm.status_code == 200
    assert "Are you sure" in body(confirm)
    assert Company.objects.filter(pk=alpha.company.pk).exists()
    response = staff_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Company.objects.filter(pk=alpha.company.pk).exists()
    with scopes_disabled():
        for model in (Department, Membership, Invitation, ApiToken):
            assert not model.objects.filter(company_id=alpha.company.pk).exists()
        assert Membership.objects.filter(company=beta.company).count() == 4
    assert User.objects.filter(email="admin@alpha.test").exists()


def test_bulk_delete_action_works_too(alpha, beta, staff_client):
    response = staff_client.post(reverse("admin:accounts_company_changelist"),
                                 {"action": "delete_selected", "_selected_action": [alpha.company.pk], "post": "yes"})
    assert response.status_code == 302
    assert list(Company.objects.values_list("slug", flat=True)) == ["beta"]


@pytest.mark.parametrize("model", ["department", "membership", "invitation", "apitoken", "user"])
def test_tenant_row_admins_list_every_company_and_open_a_row(alpha, beta, staff_client, model):
    invite(alpha)
    issue_token(alpha.member(Role.ADMIN))
    listing = staff_client.get(reverse(f"admin:accounts_{model}_changelist"))
    assert listing.status_code == 200
    first = listing.context["cl"].result_list[0]
    assert staff_client.get(reverse(f"admin:accounts_{model}_change", args=[first.pk])).status_code == 200


def test_tenant_rows_are_read_only_in_the_admin(alpha, staff_client):
    sales = alpha.departments["sales"]
    staff_client.post(reverse("admin:accounts_department_change", args=[sales.pk]), {"name": "Hacked"})
    sales.refresh_from_db()
    assert sales.name == "Sales"
    assert staff_client.get(reverse("admin:accounts_department_add")).status_code == 403


def test_staff_revokes_a_token(alpha, staff_client):
    token, _ = issue_token(alpha.member(Role.ADMIN))
    staff_client.post(reverse("admin:accounts_apitoken_changelist"),
                      {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_staff_adds_a_user_by_email(db, staff_client):
    response = staff_client.post(reverse("admin:accounts_user_add"), {
        "email": "new@platform.test", "password1": "zephyr-canyon-91-mosaic", "password2": "zephyr-canyon-91-mosaic",
        "usable_password": "true",
    })
    assert response.status_code == 302
    assert User.objects.filter(email="new@platform.test").exists()


def test_non_staff_member_cannot_open_the_admin(alpha, client_for):
    response = client_for(alpha.member(Role.ADMIN)).get(reverse("admin:accounts_company_changelist"))
    assert response.status_code == 302


def test_company_with_audit_history_can_be_deleted(alpha, staff_client):
    DepartmentAuditFactory(company=alpha.company, department=alpha.departments["sales"],
                           round=RoundFactory(company=alpha.company))
    staff_client.post(reverse("admin:accounts_company_delete", args=[alpha.company.pk]), {"post": "yes"})
    assert not Company.objects.filter(pk=alpha.company.pk).exists()
