"""Drains: workers take due rows straight from the outbox, many over one SMTP connection, never the same row
twice, and give back at once what they had claimed but not handed over when their database connection dies."""

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.db import OperationalError
from django_scopes import scopes_disabled

from notifications import services, tasks
from notifications.models import Notification, Status

from . import live
from .test_reliability import planned_for, run_together
from .test_send_protocol import smtp_to, terminate_from_another_connection


def planned_rows(tenant, count):
    return [planned_for(tenant, key=f"drain{n}") for n in range(count)]


def statuses():
    with scopes_disabled():
        return sorted(Notification.objects.values_list("status", flat=True))


class PeerCollector(live.SmtpCollector):
    """Keeps each message with the client address of the connection it came over."""

    def __init__(self):
        super().__init__()
        self.peers = []

    async def handle_DATA(self, server, session, envelope):
        self.peers.append(session.peer)
        return await super().handle_DATA(server, session, envelope)


def test_one_drain_sends_every_due_row_over_one_smtp_connection(alpha):
    planned_rows(alpha, 12)  # more than one claim batch
    handler = PeerCollector()
    controller = Controller(handler, hostname="127.0.0.1", port=live.free_port())
    controller.start()
    try:
        with smtp_to(controller.port):
            assert tasks.drain_outbox() == {"sent": 12}
    finally:
        controller.stop()
    assert len(handler.messages) == 12
    assert len(set(handler.peers)) == 1  # one connection, one EHLO, for all twelve
    assert statuses() == [Status.SENT] * 12
    assert tasks.drain_outbox() == {}


def test_a_drain_out_of_time_hands_over_to_a_fresh_drain(alpha, monkeypatch):
    planned_rows(alpha, 3)
    ticks = iter([0, 0, 100])  # the budget is spent after the first claim
    monkeypatch.setattr(services, "DRAIN_BATCH", 1)
    outcomes, more = services.outbox_drain(seconds=10, clock=lambda: next(ticks))
    assert (outcomes, more) == ({"sent": 1}, True)
    assert tasks.drain_outbox() == {"sent": 2}  # what the fresh drain (published by the task) finds


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_drains_at_once_send_each_due_row_exactly_once(alpha):
    planned_rows(alpha, 20)
    results = run_together(2, lambda: services.outbox_drain()[0].get("sent", 0))
    assert sum(results) == 20
    assert len(mail.outbox) == 20
    assert len({message.to[0] + message.extra_headers["Message-ID"] for message in mail.outbox}) == 20
    assert statuses() == [Status.SENT] * 20


class TerminatingAtSecondMessage(live.SmtpCollector):
    """At the second message's MAIL command (before its hand-over mark) the database drops the worker."""

    def __init__(self, pid):
        super().__init__()
        self.pid, self.mails = pid, 0

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        self.mails += 1
        if self.mails == 2:
            terminate_from_another_connection(self.pid)
        envelope.mail_from = address
        return "250 OK"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_drain_whose_database_connection_dies_gives_back_what_it_had_not_handed_over(alpha, persistent_connection,
                                                                                      monkeypatch):
    planned_rows(alpha, 4)
    monkeypatch.setattr(services, "DRAIN_BATCH", 4)
    handler = TerminatingAtSecondMessage(persistent_connection.connection.info.backend_pid)
    controller = Controller(handler, hostname="127.0.0.1", port=live.free_port())
    controller.start()
    try:
        with smtp_to(controller.port):
            with pytest.raises(OperationalError):
                services.outbox_drain()
            # Sendable again at once (not after SENDING_STALE), the failed attempt not counted.
            with scopes_disabled():
                given_back = list(Notification.objects.filter(status=Status.PLANNED).values_list("attempts",
                                                                                                flat=True))
            assert given_back == [0, 0, 0]
            assert services.outbox_drain()[0] == {"sent": 3}
    finally:
        controller.stop()
    assert len(handler.messages) == 4
    assert statuses() == [Status.SENT] * 4
