"""API tokens: create (key shown once), list own, revoke; Bearer authentication bound to one company."""

import pytest
from django_scopes import scopes_disabled
from rest_framework.test import APIClient

from accounts.models import ApiToken, Role, hash_token
from tests.accounts.api_helpers import company_url, issue_token

ALL_ROLES = [Role.ADMIN, Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.SALES_MANAGER]


def bearer(raw):
    return APIClient(headers={"Authorization": f"Bearer {raw}"})


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_member_creates_a_token_and_sees_the_key_once(alpha, api_client_for, role):
    api = api_client_for(alpha.member(role))
    response = api.post(company_url(alpha, "tokens/"), {"name": "CRM sync"}, format="json")
    assert response.status_code == 201
    raw = response.json()["key"]
    assert raw.startswith("ra_") and len(raw) > 30
    listed = api.get(company_url(alpha, "tokens/")).json()
    assert listed["count"] == 1
    assert "key" not in listed["results"][0]
    assert raw not in str(listed)


def test_token_is_stored_hashed(alpha, api_client_for):
    raw = api_client_for(alpha.member(Role.ADMIN)).post(company_url(alpha, "tokens/"), {"name": "n"}, format="json").json()["key"]
    with scopes_disabled():
        token = ApiToken.objects.get(company=alpha.company)
        stored = [str(v) for v in ApiToken.objects.filter(pk=token.pk).values_list().get()]
    assert token.key_hash == hash_token(raw)
    assert raw not in stored


def test_token_authenticates_requests_to_its_company(alpha):
    _, raw = issue_token(alpha.member(Role.EXECUTIVE))
    api = bearer(raw)
    assert api.get(company_url(alpha, "members/")).status_code == 200
    assert api.get("/api/v1/me/").json()["email"] == "exec@alpha.test"


def test_token_keeps_the_members_role(alpha):
    _, raw = issue_token(alpha.member(Role.SALES_MANAGER))
    assert bearer(raw).get(company_url(alpha, "members/")).status_code == 403


def test_token_of_company_a_on_company_b_url_is_404(alpha, beta):
    consultant = alpha.member(Role.ADMIN)
    from tests.factories import MembershipFactory

    MembershipFactory(company=beta.company, user=consultant.user, role=Role.ADMIN)
    _, raw = issue_token(consultant)
    # The user is a member of beta too, yet the token was issued for alpha only.
    assert bearer(raw).get(company_url(beta)).status_code == 404
    assert bearer(raw).get(company_url(beta, "departments/")).status_code == 404


def test_revoked_token_is_refused_on_the_very_next_request(alpha):
    member = alpha.member(Role.ADMIN)
    token, raw = issue_token(member)
    api = bearer(raw)
    assert api.delete(company_url(alpha, f"tokens/{token.pk}/")).status_code == 204
    response = api.get(company_url(alpha))
    assert response.status_code == 401


def test_unknown_or_malformed_token_is_401(alpha):
    assert bearer("ra_nope").get("/api/v1/me/").status_code == 401
    assert APIClient(headers={"Authorization": "Bearer a b"}).get("/api/v1/me/").status_code == 401


def test_token_of_deactivated_member_is_401(alpha, api_client_for):
    seller = alpha.member(Role.SALES_MANAGER)
    _, raw = issue_token(seller)
    api_client_for(alpha.member(Role.ADMIN)).patch(company_url(alpha, f"members/{seller.pk}/"), {"is_active": False}, format="json")
    assert bearer(raw).get("/api/v1/me/").status_code == 401


def test_member_cannot_revoke_a_colleagues_token(alpha, api_client_for):
    token, _ = issue_token(alpha.member(Role.SALES_MANAGER))
    response = api_client_for(alpha.member(Role.ADMIN)).delete(company_url(alpha, f"tokens/{token.pk}/"))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_another_companys_token_is_404(alpha, beta, api_client_for):
    token, _ = issue_token(beta.member(Role.ADMIN))
    api = api_client_for(alpha.member(Role.ADMIN))
    assert api.delete(company_url(alpha, f"tokens/{token.pk}/")).status_code == 404
    assert api.delete(company_url(beta, f"tokens/{token.pk}/")).status_code == 404


def test_token_name_is_required_and_bounded(alpha, api_client_for):
    api = api_client_for(alpha.member(Role.ADMIN))
    assert "name" in api.post(company_url(alpha, "tokens/"), {}, format="json").json()
    assert api.post(company_url(alpha, "tokens/"), {"name": "x" * 101}, format="json").status_code == 400


def test_anonymous_gets_401(alpha, anon_api):
    assert anon_api.get(company_url(alpha, "tokens/")).status_code == 401
