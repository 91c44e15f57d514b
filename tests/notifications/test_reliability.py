"""Reliability with real components: concurrent senders (PostgreSQL), a broker that goes away (Redis),
and a real Celery worker delivering to a real SMTP server."""

import datetime
import os
import threading
import time
from urllib.parse import urlparse, urlunparse

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.models import Role
from notifications import services, tasks
from notifications.models import Kind, Notification, ReminderPolicy, Status

from . import live
from .test_tick import ready_for_rounds


def planned_for(tenant, *, audit=None, status=Status.PLANNED, key="reliability"):
    member = tenant.member(Role.DEPARTMENT_HEAD)
    with scopes_disabled():
        return Notification.objects.create(
            company=tenant.company, recipient=member, kind=Kind.ESCALATION if audit is None else Kind.ROUND_OPENED,
            dedupe_key=f"{key}:m{member.pk}", status=status, due_at=timezone.now() - datetime.timedelta(minutes=1),
            payload={"department": "Sales", "period": "2026-Q4"}, audit=audit,
        )


def run_together(count, target):
    """Start `count` threads at the same instant (a barrier) and collect what each returned."""
    live.app.finalize(auto=True)  # bind the tasks before threads call them
    barrier = threading.Barrier(count)
    results = [None] * count

    def worker(index):
        try:
            barrier.wait()
            results[index] = target()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


# ---------------------------------------------------------------- exactly once (PostgreSQL)

@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_exactly_one_email(alpha):
    notification = planned_for(alpha)
    results = run_together(2, lambda: tasks.send_notification(notification.pk))
    assert sorted(results) == ["not_claimed", "sent"]
    assert len(mail.outbox) == 1
    with scopes_disabled():
        assert Notification.objects.filter(status=Status.SENT).count() == 1
    assert tasks.send_notification(notification.pk) == "not_claimed"  # a rerun afterwards sends nothing
    assert len(mail.outbox) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_planners_at_once_create_each_notification_once(alpha, open_audit):
    open_audit(opened_at=timezone.now() - datetime.timedelta(days=20), deadline=timezone.now() - datetime.timedelta(days=4))
    with scope(company=alpha.company):
        ReminderPolicy.objects.create(company=alpha.company, skip_weekends=False, send_window_start=datetime.time(0),
                                      send_window_end=datetime.time(23, 59))

    def plan():
        with scope(company=alpha.company):
            return services.notifications_plan(company=alpha.company)

    run_together(2, plan)
    with scopes_disabled():
        keys = list(Notification.objects.values_list("dedupe_key", flat=True))
        assert len(keys) == len(set(keys)) == 2  # the head's overdue reminder and the executive's escalation
        assert Notification.objects.filter(status=Status.SENT).count() == 2
    assert len(mail.outbox) == 2


# ---------------------------------------------------------------- broker down (Redis)

@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_broker_outage_keeps_requests_fast_and_loses_nothing(alpha, client_for):
    failed = planned_for(alpha, status=Status.FAILED)
    with live.redis_server() as redis, live.celery_using(redis.url):
        redis.stop()
        client = client_for(alpha.member(Role.ADMIN))
        started = time.monotonic()
        response = client.post(reverse("notifications:failed_retry", kwargs={"company_slug": "alpha", "pk": failed.pk}))
        elapsed = time.monotonic() - started
        assert response.status_code == 302
        assert elapsed < 8, f"the request waited {elapsed:.1f}s for a dead broker"
        with scopes_disabled():
            row = Notification.objects.get(pk=failed.pk)
        assert (row.status, row.enqueued_at) == (Status.PLANNED, None)  # kept, and marked as not queued
        assert mail.outbox == []

        redis.start()  # same port: the broker is back
        with scope(company=alpha.company):
            services.notifications_plan(company=alpha.company)  # the next tick's work for this company
        assert live.queued_drains(redis.url) >= 1  # the drains are woken for it
    assert tasks.drain_outbox() == {"sent": 1}  # what a worker does with that message
    assert len(mail.outbox) == 1


# ---------------------------------------------------------------- real worker + real SMTP

def worker_database_url():
    """The URL of the database this test runs on (pytest-django's test database), for the worker."""
    parsed = urlparse(os.environ["DATABASE_URL"])
    return urlunparse(parsed._replace(path="/" + settings.DATABASES["default"]["NAME"]))


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_the_round_opened_reminder_to_smtp_exactly_once(alpha):
    ready_for_rounds(alpha)
    with scope(company=alpha.company):
        # Real time is used by the worker: send at any hour so the test does not depend on the clock.
        ReminderPolicy.objects.create(company=alpha.company, skip_weekends=False, send_window_start=datetime.time(0),
                                      send_window_end=datetime.time(23, 59))
    with live.redis_server() as redis, live.smtp_server() as (smtp, inbox), \
            live.celery_worker(broker_url=redis.url, database_url=worker_database_url(), smtp_port=smtp.port), \
            live.celery_using(redis.url):
        tasks.notifications_tick()
        assert live.wait_until(lambda: len(inbox.messages) >= 1, timeout=90), "no email reached the SMTP server"
        tasks.notifications_tick()  # the next beat: nothing new to send
        time.sleep(5)
    to_head = [m for m in inbox.messages if m.rcpt_tos == ["head@alpha.test"]]
    assert len(to_head) == 1
    assert b"Alpha Ltd" in to_head[0].content
    with scopes_disabled():
        assert Notification.objects.filter(kind=Kind.ROUND_OPENED, status=Status.SENT).count() == 1
