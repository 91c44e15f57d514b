"""Public API sign-up: a company and its admin from one call, the page's rules, throttling."""

import pytest
from django.core.cache import cache
from django.test import override_settings
from django_scopes import scopes_disabled

from accounts.models import Company, Membership, Role

URL = "/api/v1/signup/"
BODY = {"company_name": "Gamma Tools", "slug": "gamma", "timezone": "Europe/Berlin", "language": "en",
        "first_name": "Greta", "last_name": "Admin", "email": "Greta@Gamma.test",
        "password": "a-long-unusual-passphrase-42"}


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()  # the throttle counts in the cache; every test starts with a clean slate
    yield
    cache.clear()


def test_signup_creates_the_company_and_admin_and_returns_a_working_token(db, anon_api):
    response = anon_api.post(URL, BODY, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["slug"], body["email"], body["role"]) == ("gamma", "greta@gamma.test", "admin")
    with scopes_disabled():
        assert Membership.objects.get(company__slug="gamma").user.email == "greta@gamma.test"
    me = anon_api.get("/api/v1/companies/gamma/", HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert me.status_code == 200 and me.json()["timezone"] == "Europe/Berlin"


def test_signup_refuses_a_taken_slug_a_known_email_and_a_weak_password(db, alpha, anon_api):
    response = anon_api.post(URL, {**BODY, "slug": "alpha", "email": "admin@alpha.test", "password": "123"},
                             format="json")
    assert response.status_code == 400
    assert {"slug", "email", "password"} <= set(response.json())
    assert not Company.objects.filter(slug="gamma").exists()


@pytest.mark.parametrize("field", ["company_name", "slug", "email", "password"])
def test_signup_without_a_required_field_is_a_field_error(db, anon_api, field):
    response = anon_api.post(URL, {k: v for k, v in BODY.items() if k != field}, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_signup_with_a_bad_timezone_or_language_is_a_field_error(db, anon_api):
    response = anon_api.post(URL, {**BODY, "timezone": "Mars/Olympus", "language": "xx"}, format="json")
    assert response.status_code == 400
    assert {"timezone", "language"} <= set(response.json())


def test_a_signed_in_user_attaches_the_new_company_without_a_password(alpha, api_client_for):
    api = api_client_for(alpha.member(Role.EXECUTIVE))
    response = api.post(URL, {"company_name": "Second Co", "slug": "second-co", "language": "ru"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["email"] == "exec@alpha.test"
    with scopes_disabled():
        assert Membership.objects.get(company__slug="second-co").role == Role.ADMIN


@override_settings(API_SIGNUP_RATE="2/hour")
def test_signup_is_throttled_per_address(db, anon_api):
    statuses = [anon_api.post(URL, {**BODY, "slug": f"t{i}", "email": f"t{i}@x.test"}, format="json").status_code
                for i in range(3)]
    assert statuses == [201, 201, 429]
