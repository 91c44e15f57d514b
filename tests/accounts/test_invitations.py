"""The public invitation page: signed, expiring, single-use; attaches or creates an account."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts import services
from accounts.models import Company, Membership, Role
from tests.accounts.page_helpers import body, invite
from tests.concurrency import run_together
from tests.factories import MembershipFactory, UserFactory

User = get_user_model()
STRONG = "plum-orchard-42-sunrise"


def link(invitation):
    return reverse("invitation_accept", args=[services.invitation_token(invitation)])


def membership_of(tenant, email):
    with scopes_disabled():
        return Membership.objects.filter(company=tenant.company, user__email=email).first()


def test_new_visitor_creates_an_account_and_joins(alpha, client):
    invitation = invite(alpha, "fresh@example.com", role=Role.DEPARTMENT_HEAD, department=alpha.departments["it"])
    page = client.get(link(invitation))
    assert page.status_code == 200
    assert "Alpha Ltd" in body(page) and "fresh@example.com" in body(page)
    response = client.post(link(invitation), {"first_name": "Fresh", "last_name": "Person",
                                              "password1": STRONG, "password2": STRONG})
    assert response.status_code == 302
    assert response.url == reverse("company_home", args=["alpha"])
    member = membership_of(alpha, "fresh@example.com")
    assert (member.role, member.department) == (Role.DEPARTMENT_HEAD, alpha.departments["it"])
    assert member.user.check_password(STRONG) and member.user.first_name == "Fresh"
    assert client.get(reverse("company_home", args=["alpha"])).status_code == 200


def test_weak_or_mismatched_password_is_a_form_error(alpha, client):
    invitation = invite(alpha, "fresh@example.com")
    weak = client.post(link(invitation), {"password1": "123", "password2": "123"})
    assert "password1" in weak.context["form"].errors
    similar = client.post(link(invitation), {"password1": "fresh@example.com", "password2": "fresh@example.com"})
    assert "password1" in similar.context["form"].errors
    mismatch = client.post(link(invitation), {"password1": STRONG, "password2": STRONG + "x"})
    assert "password2" in mismatch.context["form"].errors
    nul = client.post(link(invitation), {"first_name": "A\x00", "password1": STRONG, "password2": STRONG})
    assert "first_name" in nul.context["form"].errors
    assert not User.objects.filter(email="fresh@example.com").exists()


def test_signed_in_user_with_the_invited_email_attaches(alpha, beta, client_for):
    consultant = beta.member(Role.EXECUTIVE)
    invitation = invite(alpha, consultant.user.email, role=Role.EXECUTIVE)
    client = client_for(consultant)
    assert "Accept the invitation" in body(client.get(link(invitation)))
    assert client.post(link(invitation)).status_code == 302
    assert membership_of(alpha, consultant.user.email).role == Role.EXECUTIVE
    assert client.get(reverse("home")).status_code == 200  # two companies → chooser


def test_existing_account_is_asked_to_sign_in_first(alpha, beta, client):
    invitation = invite(alpha, "exec@beta.test")
    response = client.get(link(invitation))
    assert response.context["mode"] == "sign_in"
    assert "next=" in response.context["login_url"]
    response = client.post(link(invitation), {"password1": STRONG, "password2": STRONG})
    assert response.context["mode"] == "sign_in"
    assert membership_of(alpha, "exec@beta.test") is None


def test_wrong_signed_in_user_cannot_take_someone_elses_invitation(alpha, beta, client_for):
    invitation = invite(alpha, "someone@example.com")
    client = client_for(beta.member(Role.ADMIN))
    assert client.get(link(invitation)).status_code == 403
    response = client.post(link(invitation))
    assert response.status_code == 403
    assert "someone@example.com" in body(response)
    assert membership_of(alpha, "admin@beta.test") is None
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_reused_link_is_refused(alpha, client):
    invitation = invite(alpha, "once@example.com")
    client.post(link(invitation), {"password1": STRONG, "password2": STRONG})
    client.logout()
    again = client.get(link(invitation))
    assert again.status_code == 400
    assert "already been used" in body(again)


def test_expired_link_is_refused(alpha, client):
    invitation = invite(alpha, "late@example.com")
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        response = client.get(link(invitation))
        assert response.status_code == 400
        assert "expired" in body(response)
        client.post(link(invitation), {"password1": STRONG, "password2": STRONG})
    assert not User.objects.filter(email="late@example.com").exists()


def test_revoked_link_is_refused(alpha, client):
    invitation = invite(alpha, "revoked@example.com")
    services.invitation_revoke(invitation=invitation)
    response = client.get(link(invitation))
    assert response.status_code == 400
    assert "revoked" in body(response)


def test_tampered_link_is_refused(alpha, client):
    invitation = invite(alpha, "tamper@example.com")
    token = services.invitation_token(invitation)
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "garbage", "a" * 500, "x\x00y"):
        response = client.get(reverse("invitation_accept", args=[bad]))
        assert response.status_code == 400
        assert "not valid" in body(response)


def test_link_replaced_by_a_resend_is_refused(alpha, client):
    invitation = invite(alpha, "resent@example.com")
    old = link(invitation)
    with scopes_disabled():
        services.invitation_resend(invitation=invitation)
    response = client.get(old)
    assert response.status_code == 400
    assert "newer invitation" in body(response)
    assert client.get(link(invitation)).status_code == 200


def test_suspended_companys_invitation_is_refused(alpha, client):
    invitation = invite(alpha, "x@example.com")
    Company.objects.filter(pk=alpha.company.pk).update(is_suspended=True)
    response = client.get(link(invitation))
    assert response.status_code == 400
    assert "suspended" in body(response)


def test_deactivated_member_is_reactivated_not_reinvited(alpha, client_for):
    seller = alpha.member(Role.SALES_MANAGER)
    with scopes_disabled():
        Membership.objects.filter(pk=seller.pk).update(is_active=False)
    response = client_for(alpha.member(Role.ADMIN)).post(
        reverse("invitation_create", args=["alpha"]), {"email": seller.user.email, "role": Role.SALES_MANAGER}
    )
    assert "reactivate them" in response.context["form"].errors["email"][0]


def test_deactivated_user_in_several_companies_keeps_the_others(alpha, beta, client):
    user = UserFactory(email="two@example.com")
    MembershipFactory(company=beta.company, user=user, role=Role.EXECUTIVE)
    mine = MembershipFactory(company=alpha.company, user=user, role=Role.EXECUTIVE, is_active=False)
    assert client.post(reverse("login"), {"username": "two@example.com", "password": "correct-horse-battery"}).status_code == 302
    assert client.get(reverse("company_home", args=["alpha"])).status_code == 404
    assert client.get(reverse("company_home", args=["beta"])).status_code == 200
    assert not mine.is_active


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_accepts_of_one_link_make_one_account(alpha):
    invitation = invite(alpha, "race@example.com")
    def accept():
        try:
            services.invitation_accept(invitation=invitation, password=STRONG)
        except ValidationError:
            return "refused"
        return "joined"

    results, errors = run_together(accept, timeout=10)
    assert errors == []
    assert sorted(results) == ["joined", "refused"]
    assert User.objects.filter(email="race@example.com").count() == 1
