"""Login throttling (django-axes): 5 wrong passwords lock the email+address pair for 15 minutes."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
EMAIL = "seller@alpha.test"


def sign_in(client, password, email=EMAIL, address="10.0.0.1"):
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=address)


def is_signed_in(client):
    return "_auth_user_id" in client.session


def fail(client, times, **kwargs):
    for _ in range(times):
        sign_in(client, "wrong-password", **kwargs)


def test_threshold_is_five_failures_and_fifteen_minutes():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=15)


def test_four_failures_still_let_the_right_password_in(alpha, client):
    fail(client, 4)
    assert sign_in(client, PASSWORD).status_code == 302
    assert is_signed_in(client)


def test_after_five_failures_even_the_right_password_is_refused_with_a_clear_message(alpha, client):
    fail(client, 5)
    response = sign_in(client, PASSWORD)
    assert response.status_code == 429
    assert not is_signed_in(client)
    page = response.content.decode()
    assert "Too many sign-in attempts" in page and "15 minutes" in page


def test_lockout_is_per_email_and_address(alpha, client):
    fail(client, 5)
    assert sign_in(client, PASSWORD, address="10.0.0.2").status_code == 302  # another address
    client.logout()
    assert sign_in(client, PASSWORD, email="head@alpha.test").status_code == 302  # another account


def test_email_case_does_not_reset_the_count(alpha, client):
    fail(client, 3)
    fail(client, 2, email=EMAIL.upper())
    assert sign_in(client, PASSWORD).status_code == 429


def test_the_right_password_works_again_after_the_cool_off(alpha, client):
    fail(client, 5)
    start = timezone.now()
    with time_machine.travel(start + timedelta(minutes=16)):
        assert sign_in(client, PASSWORD).status_code == 302
        assert is_signed_in(client)


def test_an_attempt_during_the_lockout_restarts_the_cool_off(alpha, client):
    fail(client, 5)
    start = timezone.now()
    with time_machine.travel(start + timedelta(minutes=14)):
        assert sign_in(client, PASSWORD).status_code == 429
    with time_machine.travel(start + timedelta(minutes=16)):
        assert sign_in(client, PASSWORD).status_code == 429  # 2 minutes after the last attempt
    with time_machine.travel(start + timedelta(minutes=32)):
        assert sign_in(client, PASSWORD).status_code == 302


def test_staff_unlock_in_the_admin(alpha, client, staff_client_factory):
    fail(client, 5)
    attempt = AccessAttempt.objects.get(username=EMAIL)
    staff = staff_client_factory()
    response = staff.post(reverse("admin:axes_accessattempt_changelist"),
                          {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert sign_in(client, PASSWORD).status_code == 302


def test_failures_are_in_the_audit_log(alpha, client):
    from django_scopes import scopes_disabled

    from accounts.models import AuditAction, AuditLogEntry

    fail(client, 2)
    with scopes_disabled():
        assert AuditLogEntry.objects.filter(company=alpha.company, action=AuditAction.LOGIN_FAILED,
                                            actor_email=EMAIL).count() == 2
    assert alpha.member(Role.SALES_MANAGER).user.email == EMAIL


@pytest.fixture
def staff_client_factory(db):
    from django.test import Client

    from tests.factories import UserFactory

    def make():
        staff = Client()
        staff.force_login(UserFactory(email="staff@platform.test", is_staff=True, is_superuser=True))
        return staff

    return make


def test_staff_unlock_with_the_axes_reset_commands(alpha, client):
    from django.core.management import call_command

    fail(client, 5)
    assert sign_in(client, PASSWORD).status_code == 429
    call_command("axes_reset_username", EMAIL)  # one account
    assert not AccessAttempt.objects.exists()
    assert sign_in(client, PASSWORD).status_code == 302
    client.logout()
    fail(client, 5, email="head@alpha.test")
    assert sign_in(client, PASSWORD, email="head@alpha.test").status_code == 429
    call_command("axes_reset")  # everyone
    assert sign_in(client, PASSWORD, email="head@alpha.test").status_code == 302

