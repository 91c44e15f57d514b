"""Company home, suspended companies, and the page language (user's choice, then the company's)."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.models import Company, Role
from tests.accounts.page_helpers import body, page
from tests.factories import CompanyFactory, MembershipFactory

User = get_user_model()


def test_home_shows_company_and_role(alpha, client_for):
    response = client_for(alpha.member(Role.DEPARTMENT_HEAD)).get(page(alpha, "company_home"))
    assert response.status_code == 200
    assert "Alpha Ltd" in body(response) and "Department head" in body(response)
    assert page(alpha, "member_list") not in body(response)


def test_admin_home_links_to_administration(alpha, client_for):
    text = body(client_for(alpha.member(Role.ADMIN)).get(page(alpha, "company_home")))
    for name in ("department_list", "member_list", "invitation_list", "company_settings", "token_list"):
        assert page(alpha, name) in text


def test_suspended_companys_members_see_the_suspended_page(alpha, client_for):
    Company.objects.filter(pk=alpha.company.pk).update(is_suspended=True)
    client = client_for(alpha.member(Role.ADMIN))
    for name in ("company_home", "department_list", "member_list"):
        response = client.get(page(alpha, name))
        assert response.status_code == 403
        assert "This company is suspended" in body(response)
        assert [t.name for t in response.templates][0] == "accounts/suspended.html"


def test_suspended_company_is_still_404_for_outsiders(alpha, beta, client_for):
    Company.objects.filter(pk=alpha.company.pk).update(is_suspended=True)
    assert client_for(beta.member(Role.ADMIN)).get(page(alpha, "company_home")).status_code == 404


def test_russian_company_renders_russian_pages(alpha, client_for):
    Company.objects.filter(pk=alpha.company.pk).update(language="ru")
    response = client_for(alpha.member(Role.EXECUTIVE)).get(page(alpha, "company_home"))
    assert '<html lang="ru">' in body(response)


def test_users_own_language_wins_over_the_companys(alpha, client_for):
    Company.objects.filter(pk=alpha.company.pk).update(language="ru")
    User.objects.filter(pk=alpha.user(Role.EXECUTIVE).pk).update(language="en")
    response = client_for(alpha.member(Role.EXECUTIVE)).get(page(alpha, "company_home"))
    assert '<html lang="en">' in body(response)


def test_english_company_with_russian_user_renders_russian(alpha, client_for):
    User.objects.filter(pk=alpha.user(Role.EXECUTIVE).pk).update(language="ru")
    response = client_for(alpha.member(Role.EXECUTIVE)).get(page(alpha, "company_home"))
    assert '<html lang="ru">' in body(response)


def test_person_in_two_companies_gets_a_chooser_and_a_switcher(alpha, client_for):
    other = CompanyFactory(slug="gamma", name="Gamma LLC")
    MembershipFactory(company=other, user=alpha.user(Role.EXECUTIVE), role=Role.ADMIN)
    client = client_for(alpha.member(Role.EXECUTIVE))
    chooser = body(client.get(reverse("home")))
    assert "Gamma LLC" in chooser and "Alpha Ltd" in chooser
    assert reverse("company_home", args=["gamma"]) in body(client.get(page(alpha, "company_home")))
