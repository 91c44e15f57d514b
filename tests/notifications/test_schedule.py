"""Pure time logic: send windows, weekends, reminder chains (no database)."""

import datetime
import zoneinfo

from notifications import schedule
from notifications.models import Kind, ReminderPolicy

MSK = zoneinfo.ZoneInfo("Europe/Moscow")


def at(*args):
    return datetime.datetime(*args, tzinfo=MSK)


def test_a_moment_inside_the_window_is_sent_at_once():
    assert schedule.next_send_time(at(2026, 11, 3, 10, 0), policy=ReminderPolicy(), tz=MSK) == at(2026, 11, 3, 10, 0)


def test_an_evening_moment_waits_for_the_next_morning():
    assert schedule.next_send_time(at(2026, 11, 3, 20, 0), policy=ReminderPolicy(), tz=MSK) == at(2026, 11, 4, 9, 0)


def test_an_early_moment_waits_for_the_window_to_open():
    assert schedule.next_send_time(at(2026, 11, 3, 6, 30), policy=ReminderPolicy(), tz=MSK) == at(2026, 11, 3, 9, 0)


def test_friday_evening_waits_for_monday_when_weekends_are_skipped():
    assert schedule.next_send_time(at(2026, 11, 6, 19, 0), policy=ReminderPolicy(), tz=MSK) == at(2026, 11, 9, 9, 0)


def test_weekends_are_used_when_the_company_says_so():
    policy = ReminderPolicy(skip_weekends=False)
    assert schedule.next_send_time(at(2026, 11, 7, 12, 0), policy=policy, tz=MSK) == at(2026, 11, 7, 12, 0)


def test_the_window_is_read_in_the_company_timezone():
    tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")
    moment = datetime.datetime(2026, 11, 3, 1, 0, tzinfo=datetime.UTC)  # 10:00 in Tokyo, 04:00 in Moscow
    assert schedule.next_send_time(moment, policy=ReminderPolicy(), tz=tokyo) == moment
    assert schedule.next_send_time(moment, policy=ReminderPolicy(), tz=MSK) == at(2026, 11, 3, 9, 0)


def test_the_before_deadline_chain_has_opening_offsets_and_deadline_day():
    chain = schedule.before_deadline_chain(opened_at=at(2026, 11, 1, 10), deadline=at(2026, 11, 20, 23, 59),
                                           policy=ReminderPolicy(), tz=MSK)
    assert [(o.kind, o.at) for o in chain] == [
        (Kind.ROUND_OPENED, at(2026, 11, 1, 10)),
        (Kind.DEADLINE_REMINDER, at(2026, 11, 13, 0, 0)),
        (Kind.DEADLINE_REMINDER, at(2026, 11, 19, 0, 0)),
        (Kind.DEADLINE_TODAY, at(2026, 11, 20, 0, 0)),
    ]


def test_only_the_latest_passed_reminder_is_due_after_downtime():
    chain = schedule.before_deadline_chain(opened_at=at(2026, 11, 1, 10), deadline=at(2026, 11, 20, 23, 59),
                                           policy=ReminderPolicy(), tz=MSK)
    assert schedule.latest_passed(chain, at(2026, 11, 19, 12)).name == "d-1"


def test_overdue_reminders_repeat_every_k_days():
    deadline = at(2026, 11, 20, 18)
    policy = ReminderPolicy(overdue_every_days=3)
    assert schedule.overdue_occurrence(deadline=deadline, policy=policy, now=at(2026, 11, 20, 17)) is None
    assert schedule.overdue_occurrence(deadline=deadline, policy=policy, now=at(2026, 11, 21, 9)).name == "o0"
    assert schedule.overdue_occurrence(deadline=deadline, policy=policy, now=at(2026, 11, 23, 19)).name == "o1"


def test_escalation_steps_follow_the_policy_days():
    deadline = at(2026, 11, 20, 18)
    policy = ReminderPolicy(escalate_after_days=3, second_escalation_after_days=7)
    assert schedule.escalation_occurrence(deadline=deadline, policy=policy, now=at(2026, 11, 22, 18)) is None
    assert schedule.escalation_occurrence(deadline=deadline, policy=policy, now=at(2026, 11, 24, 9)).kind == Kind.ESCALATION
    assert schedule.escalation_occurrence(deadline=deadline, policy=policy, now=at(2026, 11, 28, 9)).kind == Kind.ESCALATION_2


def test_the_digest_slot_is_this_weeks_when_passed_else_last_weeks():
    policy = ReminderPolicy(digest_weekday=0, digest_hour=9)
    assert schedule.digest_slot(policy=policy, tz=MSK, now=at(2026, 11, 2, 9, 30)) == at(2026, 11, 2, 9, 0)
    assert schedule.digest_slot(policy=policy, tz=MSK, now=at(2026, 11, 2, 8, 30)) == at(2026, 10, 26, 9, 0)
