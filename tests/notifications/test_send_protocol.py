"""One email per reminder across crashes: a stable Message-ID, the hand-over mark, and the drains (woken by the
sweep) that take what a dead worker left; a lost broker message loses no email; a dropped database connection is
survived."""

import datetime
import smtplib
from unittest import mock

import psycopg
import pytest
from django.conf import settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from notifications import services, tasks
from notifications.models import Notification, Status

from . import live
from .test_reliability import planned_for


class WorkerDied(BaseException):
    """kill -9 between two lines: nothing after it runs, no except clause catches it."""


def reload(notification):
    with scopes_disabled():
        return Notification.objects.get(pk=notification.pk)


def backdate(notification, **ages):
    """Move the row's moments into the past: `claimed_at=minutes`, …"""
    past = {name: timezone.now() - datetime.timedelta(minutes=minutes) for name, minutes in ages.items()}
    with scopes_disabled():
        Notification.objects.filter(pk=notification.pk).update(**past)


def smtp_to(port):
    return override_settings(MAILERS={"default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
    }})


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """One run of the beat's sweep, with the drains it wakes run in-process (eager): (drains woken?, failed)."""

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            woken, failed = services.notifications_sweep()
        return woken > 0, failed

    return run


# ---------------------------------------------------------------- Message-ID

SEEN_IDS = []


class DisconnectingBackend(BaseEmailBackend):
    """An SMTP server that drops the connection: remembers the Message-ID it was offered."""

    def send_messages(self, messages):
        SEEN_IDS.extend(message.message()["Message-ID"] for message in messages)
        raise smtplib.SMTPServerDisconnected("connection lost")


def test_the_message_id_is_derived_from_the_outbox_key_and_the_same_on_every_attempt(alpha):
    notification = planned_for(alpha)
    SEEN_IDS.clear()
    with override_settings(MAILERS={"default": {"BACKEND": f"{__name__}.DisconnectingBackend"}}):
        assert services.notification_deliver(notification_id=notification.pk).result == "retry"
    row = reload(notification)
    assert services.notification_deliver(notification_id=notification.pk, now=row.due_at).result == "sent"
    [sent] = mail.outbox
    assert SEEN_IDS == [sent.message()["Message-ID"]]
    assert sent.message()["Message-ID"].startswith("<notification.")
    assert sent.message()["Message-ID"].endswith("@testserver>")
    other = planned_for(alpha, key="another")
    services.notification_deliver(notification_id=other.pk)
    assert mail.outbox[1].message()["Message-ID"] != sent.message()["Message-ID"]


# ---------------------------------------------------------------- a worker dies (real SMTP conversation)

def message_ids(inbox):
    return [line for message in inbox.messages for line in message.content.splitlines()
            if line.startswith(b"Message-ID:")]


def test_a_worker_dying_after_the_server_accepted_is_sent_again_once_with_the_same_message_id(alpha, sweep):
    notification = planned_for(alpha)
    with live.smtp_server() as (smtp, inbox), smtp_to(smtp.port):
        with mock.patch.object(services, "mark_sent", side_effect=WorkerDied), pytest.raises(WorkerDied):
            services.notification_deliver(notification_id=notification.pk)
        assert len(inbox.messages) == 1  # accepted, and the row was never marked
        row = reload(notification)
        assert row.status == Status.SENDING and row.handed_over_at is not None

        backdate(notification, claimed_at=5, enqueued_at=5)  # the claim is stale, the hand-over is fresh
        assert sweep() == (False, 0)
        assert tasks.send_notification(notification.pk) == "not_claimed"
        backdate(notification, handed_over_at=2)  # past handover_stale(): that attempt is dead
        assert sweep() == (True, 0)
        assert sweep() == (False, 0)
        assert tasks.send_notification(notification.pk) == "not_claimed"
        assert len(inbox.messages) == 2
        first, second = message_ids(inbox)
        assert first == second and first.startswith(b"Message-ID: <notification.")
    row = reload(notification)
    assert (row.status, row.attempts, row.last_error) == (Status.SENT, 2, "")


def dying_after_the_mark(real):
    def mark_then_die(notification):
        real(notification)
        raise WorkerDied  # kill -9 after the hand-over mark committed, before DATA reached the server

    return mark_then_die


def test_a_worker_dying_between_the_hand_over_mark_and_data_loses_nothing(alpha, sweep):
    notification = planned_for(alpha)
    with live.smtp_server() as (smtp, inbox), smtp_to(smtp.port):
        with mock.patch.object(services, "mark_handed_over", dying_after_the_mark(services.mark_handed_over)), \
                pytest.raises(WorkerDied):
            services.notification_deliver(notification_id=notification.pk)
        assert inbox.messages == []
        assert reload(notification).handed_over_at is not None
        backdate(notification, claimed_at=2, enqueued_at=2, handed_over_at=2)
        assert sweep() == (True, 0)
        assert len(inbox.messages) == 1
    assert reload(notification).status == Status.SENT


def test_a_hand_over_younger_than_six_smtp_timeouts_is_left_to_its_slow_worker(alpha, sweep):
    notification = planned_for(alpha)
    services.notification_claim(notification_id=notification.pk, now=timezone.now())
    backdate(notification, claimed_at=5, enqueued_at=5, handed_over_at=2)
    with live.smtp_server() as (smtp, inbox), override_settings(MAILERS={"default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": smtp.port, "timeout": 30},  # 6 × 30 s = 3 minutes
    }}):
        assert services.handover_stale() == datetime.timedelta(minutes=3)
        assert sweep() == (False, 0)
        assert tasks.send_notification(notification.pk) == "not_claimed"
        assert inbox.messages == []
        backdate(notification, handed_over_at=3.5)
        assert sweep() == (True, 0)
        assert len(inbox.messages) == 1
    assert reload(notification).status == Status.SENT


def test_a_stale_hand_over_out_of_attempts_is_failed_as_unknown_not_recorded_as_sent(alpha, sweep):
    notification = planned_for(alpha)
    services.notification_claim(notification_id=notification.pk, now=timezone.now())
    with scopes_disabled():
        Notification.objects.filter(pk=notification.pk).update(attempts=services.MAX_ATTEMPTS)
    backdate(notification, claimed_at=3, enqueued_at=3, handed_over_at=3)
    assert sweep() == (False, 1)
    row = reload(notification)
    assert row.status == Status.FAILED and row.last_error == services.STOPPED_AFTER_HANDOVER
    assert mail.outbox == []


def test_a_worker_dying_before_the_hand_over_is_sent_by_the_sweep_exactly_once(alpha, sweep):
    notification = planned_for(alpha)
    first = services.notification_claim(notification_id=notification.pk, now=timezone.now())
    assert first is not None  # ... and the worker died right after its claim
    backdate(notification, claimed_at=3, enqueued_at=3)
    with live.smtp_server() as (smtp, inbox), smtp_to(smtp.port):
        assert sweep() == (True, 0)
        assert len(inbox.messages) == 1
        row = reload(notification)
        assert (row.status, row.attempts) == (Status.SENT, 2)
        # The first attempt was only slow, not dead: it reaches the hand-over after the re-claim and stops.
        late = reload(notification)
        late.status, late.attempt_id = Status.SENDING, first
        with scope(company=alpha.company):
            assert services.send_claimed(late, now=timezone.now()).result == "not_claimed"
        assert sweep() == (False, 0)
    assert len(inbox.messages) == 1
    assert inbox.messages[0].content.count(b"Message-ID: <notification.") == 1


def test_a_claim_that_is_still_fresh_is_left_alone_by_the_sweep(alpha, sweep):
    notification = planned_for(alpha)
    services.notification_claim(notification_id=notification.pk, now=timezone.now())
    backdate(notification, enqueued_at=5)
    assert sweep() == (False, 0)
    assert mail.outbox == []


# ---------------------------------------------------------------- lost broker messages

def test_due_sends_whose_wake_was_lost_are_sent_once_by_the_drains_the_sweep_wakes(alpha, sweep):
    lost = planned_for(alpha)
    recent = planned_for(alpha, key="recent")
    backdate(lost, enqueued_at=1.5)  # queued 90 s ago, the wake never arrived
    backdate(recent, enqueued_at=0.25)  # queued 15 s ago: due all the same, so it goes too
    assert sweep() == (True, 0)
    assert [m.to for m in mail.outbox] == [["head@alpha.test"], ["head@alpha.test"]]
    assert (reload(lost).status, reload(recent).status) == (Status.SENT, Status.SENT)
    assert sweep() == (False, 0)
    assert len(mail.outbox) == 2


def test_a_send_never_queued_because_the_broker_was_down_is_sent_after_the_sweep(alpha, sweep):
    waiting = planned_for(alpha)
    backdate(waiting, due_at=2)  # enqueued_at stays empty: the publish failed and reset it
    assert sweep() == (True, 0)
    assert reload(waiting).status == Status.SENT


def test_a_send_not_due_yet_wakes_no_drain(alpha, sweep):
    later = planned_for(alpha)
    with scopes_disabled():
        Notification.objects.filter(pk=later.pk).update(due_at=timezone.now() + datetime.timedelta(minutes=5))
    assert sweep() == (False, 0)
    assert reload(later).status == Status.PLANNED and mail.outbox == []


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_sends_whose_wake_was_lost_in_a_redis_restart_without_persistence_go_out_after_the_sweep(alpha):
    notification = planned_for(alpha)
    with live.redis_server() as redis, live.celery_using(redis.url):
        assert services.wake_drains()
        redis.stop()
        redis.start()  # no AOF, no snapshot: the queued wakes are gone
        assert live.queued_drains(redis.url) == 0
        assert services.notifications_sweep() == (settings.NOTIFICATIONS_DRAINS, 0)
        assert live.queued_drains(redis.url) == settings.NOTIFICATIONS_DRAINS
    assert tasks.drain_outbox() == {"sent": 1}  # what the worker does with the first of them
    assert tasks.drain_outbox() == {}
    assert [m.to for m in mail.outbox] == [[notification.recipient.user.email]]


# ---------------------------------------------------------------- a terminated database connection

def terminate_from_another_connection(pid):
    """pg_terminate_backend(pid) as an operator (or a failover) would, from a connection of its own."""
    params = connection.get_connection_params()
    params = {key: params[key] for key in ("host", "port", "user", "dbname", "password") if params.get(key)}
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_tasks_survive_their_database_connection_being_terminated(alpha, persistent_connection):
    notification = planned_for(alpha)
    assert persistent_connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    terminate_from_another_connection(persistent_connection.connection.info.backend_pid)
    assert tasks.send_notification(notification.pk) == "sent"
    assert len(mail.outbox) == 1

    terminate_from_another_connection(persistent_connection.connection.info.backend_pid)
    assert tasks.plan_notifications_for_company(alpha.company.pk) == 0  # a company task: loads, plans, no error


class TerminatingCollector(live.SmtpCollector):
    """Accepts the message, and at that instant the database drops the worker's connection."""

    def __init__(self, pid):
        super().__init__()
        self.pid = pid

    async def handle_DATA(self, server, session, envelope):
        terminate_from_another_connection(self.pid)
        return await super().handle_DATA(server, session, envelope)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_accepted_message_is_marked_sent_on_a_fresh_connection_when_the_old_one_dies(alpha, persistent_connection,
                                                                                        caplog):
    from aiosmtpd.controller import Controller

    notification = planned_for(alpha)
    handler = TerminatingCollector(persistent_connection.connection.info.backend_pid)
    controller = Controller(handler, hostname="127.0.0.1", port=live.free_port())
    controller.start()
    try:
        with smtp_to(controller.port):
            assert tasks.send_notification(notification.pk) == "sent"
    finally:
        controller.stop()
    assert len(handler.messages) == 1
    row = reload(notification)
    assert row.status == Status.SENT and row.last_error == ""
    assert "marking it sent failed (try 1)" in caplog.text  # the mark really met the dead connection
    assert tasks.send_notification(notification.pk) == "not_claimed"


def test_a_claim_without_hand_over_and_out_of_attempts_is_failed_by_the_sweep(alpha, sweep):
    notification = planned_for(alpha)
    services.notification_claim(notification_id=notification.pk, now=timezone.now())
    with scopes_disabled():
        Notification.objects.filter(pk=notification.pk).update(attempts=services.MAX_ATTEMPTS)
    backdate(notification, claimed_at=3, enqueued_at=3)
    assert sweep() == (False, 1)
    row = reload(notification)
    assert row.status == Status.FAILED and "no attempts are left" in row.last_error
    assert mail.outbox == []
