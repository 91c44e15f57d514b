"""API tokens follow the credentials behind them: a new password or switching on two-factor revokes them, and
an account with two-factor gets a token only from a session that gave the second factor."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_scopes import scopes_disabled

from accounts.models import ApiToken, Role
from tests.accounts.page_helpers import issue_token
from tests.conftest import PASSWORD
from tests.factories import MembershipFactory
from tests.security.test_two_factor import current_code, enrol, sign_in_with_password

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-fresh-passphrase-2026"


def tokens_in_two_companies(alpha, beta):
    """The alpha head's token in alpha and, as a member of beta too, one in beta; returns their raw keys."""
    head = alpha.member(Role.DEPARTMENT_HEAD)
    in_beta = MembershipFactory(company=beta.company, role=Role.EXECUTIVE, user=head.user)
    return [issue_token(head)[1], issue_token(in_beta)[1]]


def answers(raw, tenant):
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return api.get(reverse("api-departments", args=[tenant.company.slug])).status_code


def active_tokens(user):
    with scopes_disabled():
        return ApiToken.objects.filter(membership__user=user, revoked_at__isnull=True).count()


def test_password_change_revokes_the_users_tokens_in_every_company(alpha, beta, client_for):
    head = alpha.user(Role.DEPARTMENT_HEAD)
    raw_alpha, raw_beta = tokens_in_two_companies(alpha, beta)
    assert answers(raw_alpha, alpha) == 200 and answers(raw_beta, beta) == 200
    other = issue_token(alpha.member(Role.ADMIN))[1]
    response = client_for(head).post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert answers(raw_alpha, alpha) == 401 and answers(raw_beta, beta) == 401
    assert active_tokens(head) == 0
    assert answers(other, alpha) == 200  # someone else's token stays


def test_refused_password_change_keeps_the_tokens(alpha, beta, client_for):
    head = alpha.user(Role.DEPARTMENT_HEAD)
    raw_alpha, _raw_beta = tokens_in_two_companies(alpha, beta)
    response = client_for(head).post(reverse("password_change"), {
        "old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 200
    assert answers(raw_alpha, alpha) == 200


def test_password_reset_revokes_the_users_tokens(alpha, beta, client):
    head = alpha.user(Role.DEPARTMENT_HEAD)
    raw_alpha, raw_beta = tokens_in_two_companies(alpha, beta)
    link = reverse("password_reset_confirm", args=[urlsafe_base64_encode(force_bytes(head.pk)),
                                                   default_token_generator.make_token(head)])
    form_url = client.get(link)["Location"]  # Django swaps the token for a session key, then shows the form
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_complete")
    assert answers(raw_alpha, alpha) == 401 and answers(raw_beta, beta) == 401


def test_switching_on_two_factor_revokes_tokens_taken_before(alpha, client_for):
    seller = alpha.member(Role.SALES_MANAGER)
    raw = issue_token(seller)[1]
    client = client_for(seller)
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=seller.user, confirmed=False)
    assert client.post(reverse("two_factor_setup"), {"code": current_code(device)}).status_code == 200
    assert answers(raw, alpha) == 401
    assert active_tokens(seller.user) == 0


def test_two_factor_account_gets_no_token_page_without_the_second_factor(alpha, client_for):
    seller = alpha.member(Role.SALES_MANAGER)
    client = client_for(seller)  # signed in before enrolling elsewhere: this session never gave a code
    enrol(seller.user)
    url = reverse("token_create", args=["alpha"])
    response = client.post(url, {"name": "script"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_verify"))
    assert active_tokens(seller.user) == 0


def test_two_factor_account_gets_a_token_page_after_the_second_factor(alpha, client):
    seller = alpha.member(Role.SALES_MANAGER)
    device, _codes = enrol(seller.user)
    sign_in_with_password(client, seller.user.email)
    assert client.post(reverse("two_factor_verify"), {"code": current_code(device)}).status_code == 302
    response = client.post(reverse("token_create", args=["alpha"]), {"name": "script"})
    assert response.status_code == 200 and response.context["raw_key"].startswith("ra_")
    assert active_tokens(seller.user) == 1


def test_two_factor_account_gets_no_token_from_the_api_without_the_second_factor(alpha, api_client_for):
    seller = alpha.member(Role.SALES_MANAGER)
    api = api_client_for(seller)  # signed in before enrolling elsewhere: this session never gave a code
    enrol(seller.user)
    response = api.post(reverse("api-tokens", args=["alpha"]), {"name": "script"}, format="json")
    assert response.status_code == 400 and "two-factor" in str(response.json())
    assert active_tokens(seller.user) == 0


def test_a_token_cannot_mint_tokens_for_a_two_factor_account(alpha, client):
    seller = alpha.member(Role.SALES_MANAGER)
    device, _codes = enrol(seller.user)
    sign_in_with_password(client, seller.user.email)
    client.post(reverse("two_factor_verify"), {"code": current_code(device)})
    raw = client.post(reverse("token_create", args=["alpha"]), {"name": "first"}).context["raw_key"]
    client.logout()
    response = client.post(reverse("api-tokens", args=["alpha"]), {"name": "second"},
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 400
    assert active_tokens(seller.user) == 1


def test_verified_api_session_gets_a_token(alpha, client):
    seller = alpha.member(Role.SALES_MANAGER)
    device, _codes = enrol(seller.user)
    sign_in_with_password(client, seller.user.email)
    client.post(reverse("two_factor_verify"), {"code": current_code(device)})
    response = client.post(reverse("api-tokens", args=["alpha"]), {"name": "script"},
                           content_type="application/json")
    assert response.status_code == 201 and response.json()["key"].startswith("ra_")


def test_migration_revokes_tokens_taken_before_an_earlier_enrolment(alpha):
    import importlib
    from datetime import timedelta

    from django.apps import apps
    from django.utils import timezone

    migration = importlib.import_module("accounts.migrations.0005_revoke_tokens_older_than_two_factor")
    seller, head = alpha.member(Role.SALES_MANAGER), alpha.member(Role.DEPARTMENT_HEAD)
    older, newer, unenrolled = issue_token(seller)[0], issue_token(seller)[0], issue_token(head)[0]
    device, _codes = enrol(seller.user)
    with scopes_disabled():
        ApiToken.objects.filter(pk=older.pk).update(created_at=device.created_at - timedelta(days=1))
        ApiToken.objects.filter(pk=newer.pk).update(created_at=timezone.now() + timedelta(seconds=1))
        migration.revoke_older_tokens(apps, None)
        revoked = set(ApiToken.objects.filter(revoked_at__isnull=False).values_list("pk", flat=True))
    assert older.pk in revoked and newer.pk not in revoked and unenrolled.pk not in revoked


def test_staff_setting_a_password_in_the_admin_revokes_the_users_tokens(alpha, beta, staff_client):
    head = alpha.user(Role.DEPARTMENT_HEAD)
    raw_alpha, _raw_beta = tokens_in_two_companies(alpha, beta)
    response = staff_client.post(reverse("admin:auth_user_password_change", args=[head.pk]),
                                 {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})
    assert response.status_code == 302
    assert answers(raw_alpha, alpha) == 401 and active_tokens(head) == 0
