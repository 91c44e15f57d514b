"""Sending: the claim, retries with backoff, permanent failures, after-commit enqueueing, preferences."""

import datetime
import smtplib
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.models import Role
from notifications import services
from notifications.models import Kind, Notification, NotificationPreference, SkipReason, Status
from notifications.tasks import drain_outbox, send_notification

from .conftest import TUESDAY_10_MSK

SMTP_FAILS = {"exc": None, "calls": 0}


class FailingBackend(BaseEmailBackend):
    """The SMTP edge: raises what the test sets in SMTP_FAILS."""

    def send_messages(self, messages):
        SMTP_FAILS["calls"] += 1
        raise SMTP_FAILS["exc"]


@pytest.fixture
def smtp_raises():
    def arm(exc):
        SMTP_FAILS.update(exc=exc, calls=0)
        return override_settings(MAILERS={"default": {"BACKEND": "tests.notifications.test_sending.FailingBackend"}})

    return arm


@pytest.fixture
def planned(alpha, open_audit):
    """One planned round-opened notification for Alpha's sales head, due now (not yet sent)."""
    with time_machine.travel(TUESDAY_10_MSK, tick=False):
        audit = open_audit()
    with scope(company=alpha.company):
        return Notification.objects.create(
            company=alpha.company, recipient=alpha.member(Role.DEPARTMENT_HEAD), kind=Kind.ROUND_OPENED,
            dedupe_key=f"round_opened:a{audit.pk}:opened:m{alpha.member(Role.DEPARTMENT_HEAD).pk}",
            audit=audit, round=audit.round, payload={"department": "Sales", "period": audit.round.period},
            created_at=TUESDAY_10_MSK, due_at=TUESDAY_10_MSK,
        )


def reload(notification):
    with scopes_disabled():
        return Notification.objects.get(pk=notification.pk)


@time_machine.travel(TUESDAY_10_MSK, tick=False)
def test_running_the_send_task_twice_sends_one_email(planned):
    assert send_notification(planned.pk) == "sent"
    assert send_notification(planned.pk) == "not_claimed"
    assert len(mail.outbox) == 1
    row = reload(planned)
    assert (row.status, row.attempts) == (Status.SENT, 1)
    assert row.sent_at is not None


@time_machine.travel(TUESDAY_10_MSK, tick=False)
def test_a_row_left_sending_by_a_dead_worker_is_sent_after_the_stale_period(planned):
    with scopes_disabled():
        Notification.objects.filter(pk=planned.pk).update(status=Status.SENDING, claimed_at=TUESDAY_10_MSK, attempts=1)
    assert send_notification(planned.pk) == "not_claimed"  # still fresh: the first worker may be sending
    with time_machine.travel(TUESDAY_10_MSK + services.SENDING_STALE + datetime.timedelta(seconds=1), tick=False):
        assert send_notification(planned.pk) == "sent"
    assert len(mail.outbox) == 1
    assert reload(planned).attempts == 2


@time_machine.travel(TUESDAY_10_MSK, tick=False)
def test_a_future_notification_is_not_sent_early(planned):
    with scopes_disabled():
        Notification.objects.filter(pk=planned.pk).update(due_at=TUESDAY_10_MSK + datetime.timedelta(hours=1))
    assert send_notification(planned.pk) == "not_claimed"
    assert mail.outbox == []


@time_machine.travel(TUESDAY_10_MSK, tick=False)
def test_a_transient_smtp_error_is_retried_later_with_backoff(planned, smtp_raises):
    with smtp_raises(smtplib.SMTPServerDisconnected("gone")):
        outcome = services.notification_deliver(notification_id=planned.pk)
    assert outcome.result == "retry"
    assert 60 <= outcome.countdown <= 90  # first step 60 s plus up to 50 % jitter
    row = reload(planned)
    assert (row.status, row.attempts) == (Status.PLANNED, 1)
    assert "SMTPServerDisconnected" in row.last_error
    assert row.due_at == TUESDAY_10_MSK + datetime.timedelta(seconds=outcome.countdown)
    # The task asks Celery to retry with that countdown (eagerly the retry finds the row not yet due).
    with smtp_raises(smtplib.SMTPServerDisconnected("gone")), \
            time_machine.travel(row.due_at, tick=False), \
            mock.patch.object(send_notification, "retry", side_effect=RuntimeError("retry")) as retry:
        with pytest.raises(RuntimeError):
            send_notification(planned.pk)
    assert 120 <= retry.call_args.kwargs["countdown"] <= 180


def test_backoff_grows_exponentially_and_is_capped():
    for attempt, base in [(1, 60), (2, 120), (3, 240), (4, 480)]:
        assert base <= services.retry_countdown(attempt) <= base * 1.5  # jitter spreads a burst of retries
    assert services.retry_countdown(30) <= services.RETRY_MAX_SECONDS * 1.5


@time_machine.travel(TUESDAY_10_MSK, tick=False)
def test_retries_are_bounded_then_the_failure_is_recorded(planned, smtp_raises):
    moment = TUESDAY_10_MSK
    with smtp_raises(OSError("connection refused")):
        for _attempt in range(services.MAX_ATTEMPTS):
            with time_machine.travel(moment, tick=False):
                outcome = services.notification_deliver(notification_id=planned.pk)
            moment = reload(planned).due_at
        assert SMTP_FAILS["calls"] == services.MAX_ATTEMPTS
    assert outcome.result == "failed"
    row = reload(planned)
    assert (row.status, row.attempts) == (Status.FAILED, services.MAX_ATTEMPTS)
    assert "connection refused" in row.last_error


@time_machine.travel(TUESDAY_10_MSK, tick=False)
def test_a_refused_recipient_fails_at_once_without_retrying(planned, smtp_raises):
    with smtp_raises(smtplib.SMTPRecipientsRefused({"head@alpha.test": (550, b"no such user")})):
        assert services.notification_deliver(notification_id=planned.pk).result == "failed"
    assert SMTP_FAILS["calls"] == 1
    assert reload(planned).status == Status.FAILED


@time_machine.travel(TUESDAY_10_MSK, tick=False)
def test_a_5xx_reply_is_permanent(planned, smtp_raises):
    with smtp_raises(smtplib.SMTPDataError(554, b"rejected")):
        assert services.notification_deliver(notification_id=planned.pk).result == "failed"


@time_machine.travel(TUESDAY_10_MSK, tick=False)
def test_a_failed_email_is_still_an_in_app_notification(planned, smtp_raises, alpha):
    with smtp_raises(smtplib.SMTPRecipientsRefused({})):
        services.notification_deliver(notification_id=planned.pk)
    with scope(company=alpha.company):
        assert list(alpha.member(Role.DEPARTMENT_HEAD).notifications.in_app()) == [reload(planned)]


@time_machine.travel(TUESDAY_10_MSK, tick=False)
def test_an_optional_email_turned_off_is_skipped_but_shown_in_app(alpha, planned, in_scope):
    head = alpha.member(Role.DEPARTMENT_HEAD)
    with in_scope(alpha.company):
        Notification.objects.filter(pk=planned.pk).update(kind=Kind.ESCALATION)
        NotificationPreference.objects.create(company=alpha.company, membership=head, kind=Kind.ESCALATION,
                                              email_enabled=False)
    assert send_notification(planned.pk) == "skipped"
    assert mail.outbox == []
    assert reload(planned).skip_reason == SkipReason.PREFERENCE
    with in_scope(alpha.company):
        assert head.notifications.unread().count() == 1


# ---------------------------------------------------------------- after commit only

@time_machine.travel(TUESDAY_10_MSK, tick=False)
def test_a_rolled_back_planning_enqueues_nothing(alpha, open_audit, django_capture_on_commit_callbacks):
    open_audit()
    with mock.patch.object(drain_outbox, "apply_async") as publish, \
            django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic(), scope(company=alpha.company):
            services.notifications_plan(company=alpha.company)
            raise RuntimeError("the request failed after planning")
    assert callbacks == []
    publish.assert_not_called()
    with scopes_disabled():
        assert not Notification.objects.exists()


@time_machine.travel(TUESDAY_10_MSK, tick=False)
def test_a_committed_planning_marks_its_rows_queued_and_wakes_the_drains(alpha, open_audit,
                                                                        django_capture_on_commit_callbacks):
    open_audit()
    with mock.patch.object(drain_outbox, "apply_async") as publish, \
            django_capture_on_commit_callbacks(execute=True), scope(company=alpha.company):
        services.notifications_plan(company=alpha.company)
    with scopes_disabled():
        [row] = Notification.objects.all()
    assert row.enqueued_at == timezone.now()
    assert publish.call_count == settings.NOTIFICATIONS_DRAINS
    assert mail.outbox == []  # the publish was intercepted: nothing sent in the request


@time_machine.travel(TUESDAY_10_MSK, tick=False)
def test_queued_rows_do_not_wake_the_drains_again_until_stale(alpha, open_audit, django_capture_on_commit_callbacks):
    open_audit()
    with mock.patch.object(drain_outbox, "apply_async") as publish, scope(company=alpha.company):
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                services.notifications_plan(company=alpha.company)
        assert publish.call_count == settings.NOTIFICATIONS_DRAINS
        with time_machine.travel(TUESDAY_10_MSK + services.ENQUEUE_STALE + datetime.timedelta(seconds=1)), \
                django_capture_on_commit_callbacks(execute=True):
            services.notifications_plan(company=alpha.company)
    assert publish.call_count == 2 * settings.NOTIFICATIONS_DRAINS  # still unsent: a later tick wakes them again
