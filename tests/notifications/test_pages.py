"""Notification pages: list and read marks, email choices, reminder policy, failed deliveries."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import Role
from notifications.models import Kind, Notification, NotificationPreference, ReminderPolicy, Status


def url(name, tenant, **kwargs):
    return reverse(f"notifications:{name}", kwargs={"company_slug": tenant.company.slug, **kwargs})


def notify(tenant, role=Role.DEPARTMENT_HEAD, *, status=Status.SENT, kind=Kind.ROUND_OPENED, n=1, **fields):
    member = tenant.member(role)
    with scopes_disabled():
        start = Notification.objects.count()
        return [Notification.objects.create(
            company=tenant.company, recipient=member, kind=kind, status=status,
            dedupe_key=f"test:{tenant.company.slug}:{start + i}:m{member.pk}", payload={"period": "2026-Q4"}, **fields,
        ) for i in range(n)]


def test_a_member_sees_their_notifications_and_the_unread_count(alpha, client_for):
    notify(alpha, n=2)
    notify(alpha, status=Status.PLANNED)  # not yet happened: not shown
    response = client_for(alpha.member(Role.DEPARTMENT_HEAD)).get(url("list", alpha))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 2
    assert response.context["unread"] == 2
    assert b'class="badge unread-badge"' in response.content  # the navigation badge


def test_the_list_is_paginated(alpha, client_for):
    notify(alpha, n=30)
    client = client_for(alpha.member(Role.DEPARTMENT_HEAD))
    assert len(client.get(url("list", alpha)).context["page"].object_list) == 25
    assert len(client.get(url("list", alpha) + "?page=2").context["page"].object_list) == 5


def test_a_member_without_notifications_sees_an_empty_state(alpha, client_for):
    response = client_for(alpha.member(Role.SALES_MANAGER)).get(url("list", alpha))
    assert b"No notifications yet" in response.content


def test_an_outsider_gets_404_on_the_list(alpha, beta, client_for):
    assert client_for(beta.member(Role.ADMIN)).get(url("list", alpha)).status_code == 404


def test_marking_one_notification_read(alpha, client_for):
    [notification] = notify(alpha)
    client = client_for(alpha.member(Role.DEPARTMENT_HEAD))
    response = client.post(url("read", alpha, pk=notification.pk), {"page": "1"})
    assert response.status_code == 302 and response["Location"].endswith("?page=1")
    with scopes_disabled():
        assert Notification.objects.get(pk=notification.pk).read_at is not None


def test_marking_read_needs_post(alpha, client_for):
    [notification] = notify(alpha)
    assert client_for(alpha.member(Role.DEPARTMENT_HEAD)).get(url("read", alpha, pk=notification.pk)).status_code == 405


def test_a_member_cannot_mark_someone_elses_notification(alpha, beta, client_for):
    [theirs] = notify(alpha, Role.EXECUTIVE)
    [other_company] = notify(beta)
    client = client_for(alpha.member(Role.DEPARTMENT_HEAD))
    assert client.post(url("read", alpha, pk=theirs.pk)).status_code == 404
    assert client.post(url("read", alpha, pk=other_company.pk)).status_code == 404


def test_mark_all_read(alpha, client_for):
    notify(alpha, n=3)
    [other] = notify(alpha, Role.EXECUTIVE)
    response = client_for(alpha.member(Role.DEPARTMENT_HEAD)).post(url("read_all", alpha))
    assert response.status_code == 302
    with scopes_disabled():
        assert Notification.objects.filter(read_at__isnull=True).get() == other


# ---------------------------------------------------------------- email choices

def test_a_member_turns_off_the_digest(alpha, client_for):
    client = client_for(alpha.member(Role.EXECUTIVE))
    page = client.get(url("preferences", alpha))
    assert page.status_code == 200 and "digest" in page.context["form"].fields
    assert "round_opened" not in page.context["form"].fields  # mandatory kinds are not offered
    data = {kind: "on" for kind in page.context["form"].fields if kind != "digest"}
    assert client.post(url("preferences", alpha), data).status_code == 302
    with scopes_disabled():
        choice = NotificationPreference.objects.get(membership=alpha.member(Role.EXECUTIVE), kind="digest")
    assert choice.email_enabled is False


def test_an_outsider_gets_404_on_preferences(alpha, beta, client_for):
    assert client_for(beta.member(Role.EXECUTIVE)).get(url("preferences", alpha)).status_code == 404


# ---------------------------------------------------------------- reminder policy

VALID_POLICY = {
    "reminder_offsets": "7, 2", "remind_on_deadline_day": "on", "overdue_every_days": "2", "escalate_after_days": "3",
    "second_escalation_after_days": "10", "send_window_start": "08:30", "send_window_end": "17:00",
    "skip_weekends": "on", "digest_weekday": "4", "digest_hour": "16", "timezone": "Asia/Tokyo",
}


def test_the_admin_sets_the_reminder_policy_and_timezone(alpha, client_for):
    client = client_for(alpha.member(Role.ADMIN))
    assert client.get(url("policy", alpha)).status_code == 200
    response = client.post(url("policy", alpha), VALID_POLICY)
    assert response.status_code == 302
    with scopes_disabled():
        policy = ReminderPolicy.objects.get(company=alpha.company)
        alpha.company.refresh_from_db()
    assert policy.reminder_offsets == [7, 2]
    assert (policy.digest_weekday, policy.digest_hour, policy.second_escalation_after_days) == (4, 16, 10)
    assert alpha.company.timezone == "Asia/Tokyo"


@pytest.mark.parametrize("field, value, message", [
    ("timezone", "Mars/Olympus_Mons", "Select a valid choice"),
    ("send_window_end", "08:00", "must close after it opens"),
    ("reminder_offsets", "7, -1", "cannot be negative"),
    ("reminder_offsets", "seven", "whole numbers"),
    ("reminder_offsets", "120", "between 1 and 90"),
    ("second_escalation_after_days", "2", "must come after the first"),
    ("digest_hour", "24", "less than or equal to 23"),
])
def test_bad_policy_input_shows_a_form_error(alpha, client_for, field, value, message):
    response = client_for(alpha.member(Role.ADMIN)).post(url("policy", alpha), {**VALID_POLICY, field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    with scopes_disabled():
        assert not ReminderPolicy.objects.filter(company=alpha.company, digest_hour=16).exists()


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.SALES_MANAGER])
def test_only_the_admin_may_change_the_policy(alpha, client_for, role):
    client = client_for(alpha.member(role))
    assert client.get(url("policy", alpha)).status_code == 403
    assert client.post(url("policy", alpha), VALID_POLICY).status_code == 403


def test_an_outsider_gets_404_on_the_policy(alpha, beta, client_for):
    assert client_for(beta.member(Role.ADMIN)).get(url("policy", alpha)).status_code == 404


# ---------------------------------------------------------------- failed deliveries

def test_the_admin_sees_failed_deliveries_and_retries_one(alpha, client_for, django_capture_on_commit_callbacks):
    [failed] = notify(alpha, status=Status.FAILED, last_error="SMTPRecipientsRefused: no such user")
    client = client_for(alpha.member(Role.ADMIN))
    page = client.get(url("failed", alpha))
    assert page.status_code == 200 and b"no such user" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("failed_retry", alpha, pk=failed.pk))
    assert response.status_code == 302
    with scopes_disabled():
        assert Notification.objects.get(pk=failed.pk).status == Status.SENT


def test_an_empty_failed_list_says_so(alpha, client_for):
    assert b"No failed deliveries" in client_for(alpha.member(Role.ADMIN)).get(url("failed", alpha)).content


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.DEPARTMENT_HEAD])
def test_only_the_admin_sees_failed_deliveries(alpha, client_for, role):
    [failed] = notify(alpha, status=Status.FAILED)
    client = client_for(alpha.member(role))
    assert client.get(url("failed", alpha)).status_code == 403
    assert client.post(url("failed_retry", alpha, pk=failed.pk)).status_code == 403


def test_an_admin_cannot_retry_another_companys_failure(alpha, beta, client_for):
    [theirs] = notify(beta, status=Status.FAILED)
    assert client_for(alpha.member(Role.ADMIN)).post(url("failed_retry", alpha, pk=theirs.pk)).status_code == 404
