"""Invitations API: list/create, retrieve, resend, revoke (company admin only)."""

import pytest
from django_scopes import scopes_disabled

from accounts.models import Invitation, Role
from tests.accounts.api_helpers import company_url


def inv_url(tenant, invitation=None, action=""):
    return company_url(tenant, "invitations/" + (f"{invitation.pk}/" if invitation else "") + action)


@pytest.fixture
def invitation(alpha, api_client_for):
    response = api_client_for(alpha.member(Role.ADMIN)).post(
        inv_url(alpha), {"email": "New.Person@Example.com", "role": "sales_manager"}, format="json"
    )
    assert response.status_code == 201
    with scopes_disabled():
        return Invitation.objects.get(pk=response.json()["id"])


def test_admin_invites_with_a_normalised_email(alpha, invitation):
    assert invitation.email == "new.person@example.com"
    assert invitation.status == "pending"


def test_create_queues_the_email_after_commit_and_never_returns_the_link(
    alpha, api_client_for, django_capture_on_commit_callbacks
):
    # The email itself (templates/emails/invitation*) is covered by the invitation email tests.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api_client_for(alpha.member(Role.ADMIN)).post(
            inv_url(alpha), {"email": "x@example.com", "role": "executive", "department": alpha.departments["it"].pk},
            format="json",
        )
    assert response.status_code == 201
    assert len(callbacks) == 1
    assert response.json()["department"] == alpha.departments["it"].pk
    assert not {"token", "nonce", "url"} & set(response.json())


def test_admin_lists_and_retrieves_invitations(alpha, invitation, api_client_for):
    api = api_client_for(alpha.member(Role.ADMIN))
    assert api.get(inv_url(alpha)).json()["count"] == 1
    assert api.get(inv_url(alpha, invitation)).json()["email"] == "new.person@example.com"


def test_inviting_a_member_again_is_a_field_error(alpha, api_client_for):
    response = api_client_for(alpha.member(Role.ADMIN)).post(
        inv_url(alpha), {"email": "exec@alpha.test", "role": "executive"}, format="json"
    )
    assert response.status_code == 400
    assert "email" in response.json()


def test_bad_email_and_role_are_field_errors(alpha, api_client_for):
    response = api_client_for(alpha.member(Role.ADMIN)).post(inv_url(alpha), {"email": "nope", "role": "king"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"email", "role"}


def test_resend_changes_the_link(alpha, invitation, api_client_for):
    old_nonce = invitation.nonce
    response = api_client_for(alpha.member(Role.ADMIN)).post(inv_url(alpha, invitation, "resend/"))
    assert response.status_code == 200
    invitation.refresh_from_db()
    assert invitation.nonce != old_nonce


def test_revoke_then_resend_is_400(alpha, invitation, api_client_for):
    api = api_client_for(alpha.member(Role.ADMIN))
    assert api.post(inv_url(alpha, invitation, "revoke/")).json()["status"] == "revoked"
    response = api.post(inv_url(alpha, invitation, "resend/"))
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_resend_and_revoke_only_accept_post(alpha, invitation, api_client_for):
    api = api_client_for(alpha.member(Role.ADMIN))
    assert api.get(inv_url(alpha, invitation, "resend/")).status_code == 405
    assert api.delete(inv_url(alpha, invitation, "revoke/")).status_code == 405


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.SALES_MANAGER])
def test_non_admin_cannot_see_or_manage_invitations(alpha, invitation, api_client_for, role):
    api = api_client_for(alpha.member(role))
    assert api.get(inv_url(alpha)).status_code == 403
    assert api.post(inv_url(alpha), {"email": "a@b.test", "role": "admin"}, format="json").status_code == 403
    assert api.get(inv_url(alpha, invitation)).status_code == 403
    assert api.post(inv_url(alpha, invitation, "revoke/")).status_code == 403
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_another_companys_invitation_is_404(alpha, beta, invitation, api_client_for):
    api = api_client_for(beta.member(Role.ADMIN))
    assert api.get(inv_url(beta, invitation)).status_code == 404
    assert api.post(inv_url(beta, invitation, "revoke/")).status_code == 404
    assert api.post(inv_url(alpha, invitation, "revoke/")).status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_anonymous_gets_401(alpha, anon_api):
    assert anon_api.get(inv_url(alpha)).status_code == 401
