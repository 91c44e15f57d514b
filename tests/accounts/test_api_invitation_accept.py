"""Public API invitation acceptance by the link's token: new account, signed-in user, bad tokens."""

import pytest
from django.core.cache import cache
from django.test import override_settings
from django_scopes import scope, scopes_disabled

from accounts import services
from accounts.models import Membership, Role
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def invite(tenant, email="new.head@alpha.test", role=Role.DEPARTMENT_HEAD):
    with scope(company=tenant.company):
        invitation = services.invitation_create(company=tenant.company, email=email, role=role,
                                                department=tenant.departments["it"],
                                                invited_by=tenant.user(Role.ADMIN))
        return invitation, services.invitation_token(invitation)


def url(token):
    return f"/api/v1/invitations/{token}/accept/"


def test_accepting_creates_the_account_and_membership_and_a_token(alpha, anon_api):
    _invitation, token = invite(alpha)
    response = anon_api.post(url(token), {"first_name": "Nina", "password": "another-long-passphrase-7"},
                             format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["company"], body["role"], body["department"]) == ("alpha", "department_head",
                                                                    alpha.departments["it"].pk)
    audits = anon_api.get("/api/v1/companies/alpha/departments/", HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert audits.status_code == 200


def test_the_link_works_once(alpha, anon_api):
    _invitation, token = invite(alpha)
    first = anon_api.post(url(token), {"password": "another-long-passphrase-7"}, format="json")
    second = anon_api.post(url(token), {"password": "another-long-passphrase-7"}, format="json")
    assert first.status_code == 201
    assert second.status_code == 400 and "token" in second.json()


def test_a_new_account_needs_a_strong_password(alpha, anon_api):
    _invitation, token = invite(alpha)
    response = anon_api.post(url(token), {"password": "123"}, format="json")
    assert response.status_code == 400 and "password" in response.json()
    missing = anon_api.post(url(token), {}, format="json")
    assert missing.status_code == 400 and "password" in missing.json()
    with scopes_disabled():
        assert not Membership.objects.filter(user__email="new.head@alpha.test").exists()


@pytest.mark.parametrize("token", ["garbage", "a" * 300])
def test_a_forged_token_is_a_field_error(db, anon_api, token):
    response = anon_api.post(url(token), {"password": "another-long-passphrase-7"}, format="json")
    assert response.status_code == 400 and "token" in response.json()


def test_a_signed_in_user_with_the_invited_email_is_attached(alpha, beta, api_client_for):
    _invitation, token = invite(alpha, email="exec@beta.test", role=Role.EXECUTIVE)
    response = api_client_for(beta.member(Role.EXECUTIVE)).post(url(token), {}, format="json")
    assert response.status_code == 201, response.json()
    with scopes_disabled():
        assert Membership.objects.filter(company=alpha.company, user__email="exec@beta.test").exists()


def test_someone_else_signed_in_gets_403(alpha, beta, api_client_for):
    _invitation, token = invite(alpha)
    response = api_client_for(beta.member(Role.ADMIN)).post(url(token), {}, format="json")
    assert response.status_code == 403


def test_an_existing_account_must_sign_in_first(alpha, anon_api):
    UserFactory(email="known@alpha.test")
    _invitation, token = invite(alpha, email="known@alpha.test")
    response = anon_api.post(url(token), {"password": "another-long-passphrase-7"}, format="json")
    assert response.status_code == 400


def test_get_is_not_allowed(alpha, anon_api):
    _invitation, token = invite(alpha)
    assert anon_api.get(url(token)).status_code == 405


@override_settings(API_INVITATION_ACCEPT_RATE="1/hour")
def test_acceptance_is_throttled(db, anon_api):
    statuses = [anon_api.post(url("forged"), {}, format="json").status_code for _ in range(2)]
    assert statuses == [400, 429]
