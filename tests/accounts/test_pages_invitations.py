"""Invitation pages of a company admin: list with status, create (email sent), resend, revoke."""

import re

import pytest
from django.core import mail
from django_scopes import scopes_disabled

from accounts import services
from accounts.models import Company, Invitation, Role
from tests.accounts.page_helpers import body, invite, page
from tests.factories import DepartmentFactory


def invitations(tenant):
    with scopes_disabled():
        return list(Invitation.objects.filter(company=tenant.company))


def test_admin_invites_someone_and_an_email_goes_out(alpha, client_for, django_capture_on_commit_callbacks):
    client = client_for(alpha.member(Role.ADMIN))
    assert client.get(page(alpha, "invitation_create")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page(alpha, "invitation_create"), {
            "email": "New.Person@Example.com", "role": Role.DEPARTMENT_HEAD,
            "department": alpha.departments["marketing"].pk,
        })
    assert response.status_code == 302
    [invitation] = invitations(alpha)
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "new.person@example.com", Role.DEPARTMENT_HEAD, alpha.user(Role.ADMIN))
    [message] = mail.outbox
    assert message.to == ["new.person@example.com"]
    assert "Alpha Ltd" in message.subject
    # The link's signed token carries a timestamp (to the second): read it from the mail and check what it names.
    link = re.search(r"http://testserver/invitations/(?P<token>[^/\s]+)/", message.body)
    assert link and services.invitation_from_token(link["token"]) == invitation
    assert "admin@alpha.test" in message.body or alpha.user(Role.ADMIN).get_full_name() in message.body
    html = message.alternatives[0][0]
    assert f"/invitations/{link['token']}/" in html


def test_invitation_email_speaks_the_companys_language(alpha, client_for, django_capture_on_commit_callbacks):
    Company.objects.filter(pk=alpha.company.pk).update(language="ru")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(alpha.member(Role.ADMIN)).post(page(alpha, "invitation_create"),
                                                  {"email": "ivan@example.com", "role": Role.EXECUTIVE})
    [message] = mail.outbox
    assert '<html lang="ru">' in message.alternatives[0][0]


def test_list_shows_each_invitations_status(alpha, client_for):
    invite(alpha, "pending@example.com")
    revoked = invite(alpha, "revoked@example.com")
    services.invitation_revoke(invitation=revoked)
    response = client_for(alpha.member(Role.ADMIN)).get(page(alpha, "invitation_list"))
    assert response.status_code == 200
    text = body(response)
    assert "pending@example.com" in text and "Pending" in text and "Revoked" in text


def test_empty_list_says_so(alpha, client_for):
    response = client_for(alpha.member(Role.ADMIN)).get(page(alpha, "invitation_list"))
    assert "No invitations yet" in body(response)


@pytest.mark.parametrize("payload,field", [
    ({"email": "not-an-email", "role": Role.EXECUTIVE}, "email"),
    ({"email": "a" * 250 + "@example.com", "role": Role.EXECUTIVE}, "email"),
    ({"email": "nul\x00@example.com", "role": Role.EXECUTIVE}, "email"),
    ({"email": "x@example.com", "role": "king"}, "role"),
    ({"email": "seller@alpha.test", "role": Role.EXECUTIVE}, "email"),
])
def test_bad_invitation_input_is_a_form_error(alpha, client_for, payload, field):
    response = client_for(alpha.member(Role.ADMIN)).post(page(alpha, "invitation_create"), payload)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert invitations(alpha) == []


def test_duplicate_pending_invitation_is_refused(alpha, client_for):
    invite(alpha, "twice@example.com")
    response = client_for(alpha.member(Role.ADMIN)).post(
        page(alpha, "invitation_create"), {"email": "TWICE@example.com", "role": Role.EXECUTIVE}
    )
    assert "already pending" in response.context["form"].errors["email"][0]
    assert len(invitations(alpha)) == 1


def test_archived_department_is_not_offered(alpha, client_for):
    archived = DepartmentFactory(company=alpha.company, name="Old", is_archived=True)
    response = client_for(alpha.member(Role.ADMIN)).post(
        page(alpha, "invitation_create"), {"email": "x@example.com", "role": Role.EXECUTIVE, "department": archived.pk}
    )
    assert "department" in response.context["form"].errors


def test_resend_mails_a_new_link_and_kills_the_old_one(alpha, client_for, django_capture_on_commit_callbacks):
    invitation = invite(alpha)
    old_token = services.invitation_token(invitation)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(alpha.member(Role.ADMIN)).post(page(alpha, "invitation_resend", invitation.pk))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert old_token not in mail.outbox[-1].body
    assert services.invitation_token(invitation) in mail.outbox[-1].body


def test_resend_of_a_revoked_invitation_is_refused_with_a_message(alpha, client_for):
    invitation = invite(alpha)
    services.invitation_revoke(invitation=invitation)
    response = client_for(alpha.member(Role.ADMIN)).post(page(alpha, "invitation_resend", invitation.pk), follow=True)
    assert "can no longer be resent" in body(response)


def test_revoke_confirms_then_revokes(alpha, client_for):
    invitation = invite(alpha)
    client = client_for(alpha.member(Role.ADMIN))
    confirm = client.get(page(alpha, "invitation_revoke", invitation.pk))
    assert invitation.email in body(confirm)
    assert client.post(page(alpha, "invitation_revoke", invitation.pk)).status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "revoked"


def test_revoking_an_accepted_invitation_is_refused(alpha, client_for):
    invitation = invite(alpha)
    services.invitation_accept(invitation=invitation, password="a-long-pass-phrase-42")
    response = client_for(alpha.member(Role.ADMIN)).post(page(alpha, "invitation_revoke", invitation.pk))
    assert response.status_code == 400
    assert "already been accepted" in body(response)
