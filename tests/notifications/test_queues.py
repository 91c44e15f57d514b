"""Past one machine: workers consume separate queues; the tick's work and the emails go through different ones."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django_scopes import scope, scopes_disabled

from notifications import tasks
from notifications.models import Kind, Notification, ReminderPolicy, Status

from . import live
from .test_reliability import worker_database_url
from .test_tick import ready_for_rounds


def test_sends_go_to_the_email_queue_and_the_tick_s_work_to_planning():
    from config.celery import app

    def queue_of(name):
        return app.amqp.router.route({}, name)["queue"].name

    assert queue_of("notifications.tasks.send_notification") == "email"
    assert queue_of("notifications.tasks.drain_outbox") == "email"
    assert queue_of("notifications.tasks.notifications_tick") == "planning"
    assert queue_of("notifications.tasks.due_work_for_companies") == "planning"
    assert set(settings.TASK_QUEUES) == {"email", "planning", "exports", "imports"}


def ran(worker, task_name):
    return f"Task {task_name}[" in Path(worker.log_path).read_text()


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_planning_worker_and_an_email_worker_each_take_only_their_queue(alpha):
    ready_for_rounds(alpha)
    with scope(company=alpha.company):
        # Real time is used by the workers: send at any hour so the test does not depend on the clock.
        ReminderPolicy.objects.create(company=alpha.company, skip_weekends=False, send_window_start=datetime.time(0),
                                      send_window_end=datetime.time(23, 59))
    database_url = worker_database_url()
    with live.redis_server() as redis, live.smtp_server() as (smtp, inbox), \
            live.celery_worker(broker_url=redis.url, database_url=database_url, smtp_port=smtp.port,
                               queues=["planning"]) as planning, \
            live.celery_worker(broker_url=redis.url, database_url=database_url, smtp_port=smtp.port,
                               queues=["email"]) as email, \
            live.celery_using(redis.url):
        tasks.notifications_tick.apply_async()  # as beat publishes it: to the planning queue
        assert live.wait_until(lambda: len(inbox.messages) >= 1, timeout=90), "no email reached the SMTP server"
    assert [m.rcpt_tos for m in inbox.messages] == [["head@alpha.test"]]
    with scopes_disabled():
        assert Notification.objects.filter(kind=Kind.ROUND_OPENED, status=Status.SENT).count() == 1
    assert ran(planning, "notifications.tasks.due_work_for_companies")
    assert not ran(planning, "notifications.tasks.drain_outbox")
    assert ran(email, "notifications.tasks.drain_outbox")
    assert not ran(email, "notifications.tasks.due_work_for_companies")
