"""Company sign-up: a visitor creates a company and becomes its first admin."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import Company, Membership, Role
from tests.accounts.page_helpers import body

User = get_user_model()
STRONG = "granite-meadow-58-lantern"


def signup_data(**overrides):
    data = {"company_name": "Omega Trading", "slug": "omega", "timezone": "Europe/Moscow", "language": "ru",
            "first_name": "Olga", "last_name": "M", "email": "Olga@Omega.test", "password": STRONG}
    data.update(overrides)
    return data


def test_visitor_creates_a_company_and_is_its_admin(db, client):
    assert client.get(reverse("signup")).status_code == 200
    response = client.post(reverse("signup"), signup_data())
    assert response.status_code == 302
    assert response.url == reverse("company_home", args=["omega"])
    company = Company.objects.get(slug="omega")
    with scopes_disabled():
        membership = Membership.objects.get(company=company)
    assert (membership.user.email, membership.role) == ("olga@omega.test", Role.ADMIN)
    home = client.get(response.url)
    assert home.status_code == 200
    assert '<html lang="ru">' in body(home)


def test_signed_in_user_creates_another_company(alpha, client_for):
    client = client_for(alpha.member(Role.EXECUTIVE))
    form = client.get(reverse("signup")).context["form"]
    assert "password" not in form.fields
    response = client.post(reverse("signup"), {"company_name": "Side", "slug": "side", "timezone": "UTC",
                                               "language": "en"})
    assert response.status_code == 302
    with scopes_disabled():
        assert Membership.objects.get(company__slug="side").user == alpha.user(Role.EXECUTIVE)


@pytest.mark.parametrize("overrides,field", [
    ({"slug": "alpha"}, "slug"),
    ({"slug": "ALPHA"}, "slug"),
    ({"slug": "not a slug"}, "slug"),
    ({"email": "seller@alpha.test"}, "email"),
    ({"email": "SELLER@alpha.test"}, "email"),
    ({"password": "123"}, "password"),
    ({"password": "olga@omega.test"}, "password"),
    ({"timezone": "Nowhere/Land"}, "timezone"),
    ({"language": "xx"}, "language"),
    ({"company_name": "x" * 121}, "company_name"),
    ({"company_name": "Bad\x00Name"}, "company_name"),
    ({"company_name": ""}, "company_name"),
])
def test_bad_signup_input_is_a_form_error_and_nothing_is_created(alpha, client, overrides, field):
    response = client.post(reverse("signup"), signup_data(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Company.objects.filter(name="Omega Trading").exists()
    assert not User.objects.filter(email="olga@omega.test").exists()
