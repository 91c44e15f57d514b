"""A reminder whose moment fell before the round opened is sent at the opening while the deadline is ahead."""

import datetime
import zoneinfo

import time_machine
from django.core import mail
from django_scopes import scopes_disabled

from notifications import schedule
from notifications.models import Kind, Notification, ReminderPolicy

from .conftest import TUESDAY_10_MSK

MSK = zoneinfo.ZoneInfo("Europe/Moscow")
# End of Wednesday 2026-11-04 in Moscow: a round opened on Tuesday 10:00 has one day left.
WEDNESDAY_END_MSK = datetime.datetime(2026, 11, 4, 23, 59, 59, tzinfo=MSK)


def planned(company):
    with scopes_disabled():
        return [(n.kind, n.payload.get("days_left")) for n in Notification.objects.filter(company=company).order_by("pk")]


def test_a_round_opened_the_day_before_its_deadline_sends_the_one_day_reminder_at_opening(alpha, open_audit, plan):
    with time_machine.travel(TUESDAY_10_MSK, tick=False):
        open_audit(deadline=WEDNESDAY_END_MSK)
        plan(alpha.company)
        plan(alpha.company)  # the next tick plans nothing new
    assert planned(alpha.company) == [(Kind.ROUND_OPENED, None), (Kind.DEADLINE_REMINDER, 1)]
    assert [m.subject.endswith("is due in 1 day") for m in mail.outbox] == [False, True]
    with time_machine.travel(datetime.datetime(2026, 11, 4, 10, 0, tzinfo=MSK), tick=False):
        plan(alpha.company)
    assert [kind for kind, _ in planned(alpha.company)] == [Kind.ROUND_OPENED, Kind.DEADLINE_REMINDER,
                                                             Kind.DEADLINE_TODAY]
    assert len(mail.outbox) == 3


def test_a_missed_reminder_says_how_many_days_are_really_left():
    opened = datetime.datetime(2026, 11, 17, 10, 0, tzinfo=MSK)  # three days before the deadline day
    chain = schedule.before_deadline_chain(opened_at=opened, deadline=datetime.datetime(2026, 11, 20, 23, 59, tzinfo=MSK),
                                           policy=ReminderPolicy(reminder_offsets=[7, 1]), tz=MSK)
    assert [(o.kind, o.at, o.name, o.extra.get("days_left")) for o in chain] == [
        (Kind.ROUND_OPENED, opened, "opened", None),
        (Kind.DEADLINE_REMINDER, opened, "d-7", 3),
        (Kind.DEADLINE_REMINDER, datetime.datetime(2026, 11, 19, tzinfo=MSK), "d-1", 1),
        (Kind.DEADLINE_TODAY, datetime.datetime(2026, 11, 20, tzinfo=MSK), "d-0", None),
    ]
    assert [o.name for o in schedule.due_now(chain, opened)] == ["opened", "d-7"]


def test_a_round_opened_on_its_deadline_day_sends_the_deadline_day_reminder_at_opening():
    opened = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=MSK)
    chain = schedule.before_deadline_chain(opened_at=opened, deadline=datetime.datetime(2026, 11, 20, 23, 59, tzinfo=MSK),
                                           policy=ReminderPolicy(), tz=MSK)
    assert [(o.kind, o.name) for o in schedule.due_now(chain, opened)] == [
        (Kind.ROUND_OPENED, "opened"), (Kind.DEADLINE_TODAY, "d-0"),
    ]


def test_nothing_is_moved_to_the_opening_once_the_deadline_has_passed():
    opened = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=MSK)
    chain = schedule.before_deadline_chain(opened_at=opened, deadline=opened - datetime.timedelta(hours=1),
                                           policy=ReminderPolicy(), tz=MSK)
    assert chain == []
