"""The reminder policy and the member's calendar feed through the API (the policy page, the feed buttons)."""

import pytest
from django_scopes import scopes_disabled

from accounts.models import Role
from notifications.models import CalendarFeed, ReminderPolicy

POLICY = "/api/v1/companies/{}/notifications/policy/"
FEED = "/api/v1/companies/{}/notifications/calendar/"


def test_admin_reads_the_defaults_and_changes_the_policy(alpha, api_client_for):
    api = api_client_for(alpha.member(Role.ADMIN))
    assert api.get(POLICY.format("alpha")).json()["overdue_every_days"] == 3
    response = api.patch(POLICY.format("alpha"), {"reminder_offsets": [1, 7, 7], "digest_hour": 8}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["reminder_offsets"] == [7, 1]
    with scopes_disabled():
        assert ReminderPolicy.objects.get(company=alpha.company).digest_hour == 8


@pytest.mark.parametrize("body, field", [
    ({"reminder_offsets": [0]}, "reminder_offsets"),
    ({"overdue_every_days": 99}, "overdue_every_days"),
    ({"digest_hour": 24}, "digest_hour"),
    ({"send_window_start": "25:00"}, "send_window_start"),
])
def test_bad_policy_values_are_field_errors(alpha, api_client_for, body, field):
    response = api_client_for(alpha.member(Role.ADMIN)).patch(POLICY.format("alpha"), body, format="json")
    assert response.status_code == 400 and field in response.json()


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.SALES_MANAGER])
def test_only_the_admin_sees_the_policy(alpha, api_client_for, role):
    assert api_client_for(alpha.member(role)).get(POLICY.format("alpha")).status_code == 403


def test_another_companys_policy_is_404(alpha, beta, api_client_for):
    assert api_client_for(alpha.member(Role.ADMIN)).get(POLICY.format("beta")).status_code == 404


def test_a_member_issues_replaces_and_revokes_their_feed(alpha, api_client_for, client):
    api = api_client_for(alpha.member(Role.DEPARTMENT_HEAD))
    first = api.post(FEED.format("alpha"))
    second = api.post(FEED.format("alpha"))
    assert first.status_code == 201 and second.status_code == 201
    assert client.get(first.json()["url"].replace("http://testserver", "")).status_code == 404  # replaced
    assert client.get(second.json()["url"].replace("http://testserver", "")).status_code == 200
    assert api.delete(FEED.format("alpha")).status_code == 204
    assert api.delete(FEED.format("alpha")).status_code == 404
    with scopes_disabled():
        assert not CalendarFeed.objects.filter(revoked_at__isnull=True).exists()


def test_another_companys_feed_is_404(alpha, beta, api_client_for):
    assert api_client_for(alpha.member(Role.ADMIN)).post(FEED.format("beta")).status_code == 404
