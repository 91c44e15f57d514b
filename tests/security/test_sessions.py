"""Sessions: a new key at sign-in, server-side logout, 8 h idle and 7 day absolute limits, secure cookies."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD
from tests.test_settings import PRODUCTION_VARIABLES, run_with_production_settings

pytestmark = pytest.mark.django_db
EMAIL = "exec@alpha.test"


def sign_in(client):
    response = client.post(reverse("login"), {"username": EMAIL, "password": PASSWORD})
    assert response.status_code == 302
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def profile_status(client):
    return client.get(reverse("profile")).status_code


def test_sign_in_rotates_the_session_key(alpha, client):
    session = client.session
    session["before"] = "anonymous"
    session.save()
    anonymous_key = session.session_key
    signed_in_key = sign_in(client)
    assert signed_in_key != anonymous_key
    assert not SessionStore().exists(anonymous_key)


def test_logout_deletes_the_session_on_the_server(alpha, client):
    key = sign_in(client)
    assert profile_status(client) == 200
    client.post(reverse("logout"))
    assert not SessionStore().exists(key)
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = key  # the stolen cookie of the old session
    assert profile_status(replay) == 302


def test_idle_timeout_is_eight_hours_renewed_by_activity(alpha, client):
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    start = timezone.now()
    sign_in(client)
    with time_machine.travel(start + timedelta(hours=7)):
        assert profile_status(client) == 200
    with time_machine.travel(start + timedelta(hours=14)):
        assert profile_status(client) == 200  # 7 h after the last request
    with time_machine.travel(start + timedelta(hours=22, minutes=1)):
        assert profile_status(client) == 302  # 8 h 1 min idle


def session_writes(client):
    """How many session UPDATEs one request makes."""
    with CaptureQueriesContext(connection) as captured:
        assert profile_status(client) == 200
    return sum(1 for q in captured.captured_queries if q["sql"].startswith('UPDATE "django_session"'))


def test_activity_renews_the_session_at_most_once_a_minute(alpha, client):
    assert settings.SESSION_ACTIVITY_WRITE_SECONDS == 60
    start = timezone.now()
    key = sign_in(client)
    with time_machine.travel(start + timedelta(seconds=30)):
        assert session_writes(client) == 0  # the sign-in just saved it
    with time_machine.travel(start + timedelta(seconds=61)):
        assert session_writes(client) == 1
        expiry = SessionStore(session_key=key).get_expiry_date()
        assert expiry > timezone.now() + timedelta(hours=8) - timedelta(seconds=5)
    with time_machine.travel(start + timedelta(seconds=90)):
        assert session_writes(client) == 0


def test_absolute_timeout_ends_an_active_session_after_seven_days(alpha, client):
    assert settings.SESSION_ABSOLUTE_SECONDS == 7 * 24 * 60 * 60
    start = timezone.now()
    sign_in(client)
    hours = 0
    while hours + 6 < 7 * 24:
        hours += 6
        with time_machine.travel(start + timedelta(hours=hours)):
            assert profile_status(client) == 200, f"signed out after {hours} h"
    with time_machine.travel(start + timedelta(hours=7 * 24, minutes=1)):
        assert profile_status(client) == 302
    with time_machine.travel(start + timedelta(hours=7 * 24, minutes=2)):
        assert profile_status(client) == 302  # the session is gone, not just refused once


def test_session_cookie_is_httponly_and_samesite(alpha, client):
    sign_in(client)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_production_cookies_are_secure_httponly_and_samesite():
    code = ("import django; django.setup(); from django.conf import settings as s; "
            "print(s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, "
            "s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_SAMESITE)")
    result = run_with_production_settings(code, **PRODUCTION_VARIABLES)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "Lax", "True", "Lax"]
