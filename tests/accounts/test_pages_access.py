"""Who may open which company page: outsiders get 404, wrong roles 403, visitors the sign-in page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import Department, Invitation, Membership, Role
from tests.accounts.page_helpers import invite, issue_token, page
from tests.conftest import ALL_ROLES

A, E, H, S = Role.ADMIN, Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.SALES_MANAGER


def routes(tenant):
    """(route name, args, roles allowed) for every company page of the accounts domain."""
    sales = tenant.departments["sales"].pk
    seller = tenant.member(S).pk
    invitation = invite(tenant).pk
    return [
        ("company_home", [], ALL_ROLES),
        ("department_list", [], ALL_ROLES),
        ("department_create", [], [A]),
        ("department_edit", [sales], [A]),
        ("department_archive", [sales], [A]),
        ("member_list", [], [A, E]),
        ("member_edit", [seller], [A]),
        ("member_deactivate", [seller], [A]),
        ("invitation_list", [], [A]),
        ("invitation_create", [], [A]),
        ("invitation_revoke", [invitation], [A]),
        ("company_settings", [], [A]),
        ("token_list", [], ALL_ROLES),
        ("token_create", [], ALL_ROLES),
    ]


POST_ONLY = [("department_restore", "departments"), ("member_reactivate", "members"),
             ("invitation_resend", "invitations")]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_each_role_gets_exactly_the_pages_its_permissions_allow(alpha, client_for, role):
    client = client_for(alpha.member(role))
    for name, args, allowed in routes(alpha):
        expected = 200 if role in allowed else 403
        assert client.get(page(alpha, name, *args)).status_code == expected, name


@pytest.mark.parametrize("role", [E, H, S])
def test_wrong_role_posting_changes_nothing(alpha, client_for, role):
    client = client_for(alpha.member(role))
    for name, args, allowed in routes(alpha):
        if role not in allowed:
            # GET-only lists answer a POST with 405 before the role check; either way nothing happens.
            status = client.post(page(alpha, name, *args), {"name": "X", "role": A}).status_code
            assert status in (403, 405), name
    with scopes_disabled():
        archived = Department.objects.filter(company=alpha.company, is_archived=True).first()
        assert archived is None
        pending = Invitation.objects.get(company=alpha.company)
    assert pending.status == "pending"
    archived = alpha.departments["it"]
    with scopes_disabled():
        Department.objects.filter(pk=archived.pk).update(is_archived=True)
    for name, _ in POST_ONLY:
        pk = {"department_restore": archived.pk, "member_reactivate": alpha.member(S).pk,
              "invitation_resend": pending.pk}[name]
        assert client.post(page(alpha, name, pk)).status_code == 403, name


def test_outsider_gets_404_on_every_company_page(alpha, beta, client_for):
    client = client_for(beta.member(A))
    for name, args, _ in routes(alpha):
        assert client.get(page(alpha, name, *args)).status_code == 404, name
        assert client.post(page(alpha, name, *args), {"name": "X"}).status_code == 404, name


def test_another_companys_object_id_is_404_inside_my_company(alpha, beta, client_for):
    client = client_for(alpha.member(A))
    beta_invitation = invite(beta)
    foreign = {
        "department_edit": beta.departments["sales"].pk,
        "department_archive": beta.departments["sales"].pk,
        "department_restore": beta.departments["sales"].pk,
        "member_edit": beta.member(S).pk,
        "member_deactivate": beta.member(S).pk,
        "member_reactivate": beta.member(S).pk,
        "invitation_revoke": beta_invitation.pk,
        "invitation_resend": beta_invitation.pk,
        "token_revoke": issue_token(beta.member(A))[0].pk,
    }
    for name, pk in foreign.items():
        assert client.get(page(alpha, name, pk)).status_code in (404, 405), name
        assert client.post(page(alpha, name, pk)).status_code == 404, name
    with scopes_disabled():
        assert Membership.objects.get(pk=beta.member(S).pk).is_active
        assert Invitation.objects.get(pk=beta_invitation.pk).status == "pending"
        assert not Department.objects.get(pk=beta.departments["sales"].pk).is_archived


def test_unknown_company_is_404(alpha, client_for):
    assert client_for(alpha.member(A)).get("/c/no-such-company/").status_code == 404


def test_visitor_is_sent_to_sign_in(alpha, client):
    response = client.get(page(alpha, "member_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_deactivated_member_gets_404(alpha, client_for):
    seller = alpha.member(S)
    with scopes_disabled():
        Membership.objects.filter(pk=seller.pk).update(is_active=False)
    assert client_for(seller).get(page(alpha, "company_home")).status_code == 404


def test_list_pages_refuse_other_methods(alpha, client_for):
    client = client_for(alpha.member(A))
    for name in ("company_home", "department_list", "member_list", "invitation_list", "token_list"):
        assert client.post(page(alpha, name)).status_code == 405, name


def test_a_company_page_finds_membership_company_and_switcher_in_one_query(alpha, beta, client_for):
    member = alpha.member(A)
    with scopes_disabled():
        Membership.objects.create(company=beta.company, user=member.user, role=Role.EXECUTIVE)
    client = client_for(member)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("company_home", kwargs={"company_slug": alpha.company.slug}))
    assert response.status_code == 200
    assert beta.company.name in response.content.decode()  # the switcher lists the other company
    membership_reads = [q["sql"] for q in queries.captured_queries
                        if 'FROM "accounts_membership"' in q["sql"]
                        and f'"user_id" = {member.user.pk}' in q["sql"]]  # "accounts_membership". or an alias
    assert len(membership_reads) == 1


def test_navigation_links_point_at_the_company_being_shown(alpha, beta, client_for):
    member = alpha.member(A)
    with scopes_disabled():
        Membership.objects.create(company=beta.company, user=member.user, role=Role.ADMIN)
    client = client_for(member)
    for tenant in (alpha, beta, alpha):
        page = client.get(reverse("company_home", kwargs={"company_slug": tenant.company.slug})).content.decode()
        other = beta if tenant is alpha else alpha
        assert f'href="/c/{tenant.company.slug}/members/"' in page
        assert f'href="/c/{other.company.slug}/members/"' not in page
