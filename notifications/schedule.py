"""Pure time logic: when each reminder falls due and when it may be sent. No database access."""

import datetime
from dataclasses import dataclass, field

from .models import Kind


@dataclass(frozen=True)
class Occurrence:
    """One event of a chain: what, when it happens, and a stable name for the dedupe key."""

    kind: str
    at: datetime.datetime
    name: str
    extra: dict = field(default_factory=dict, compare=False)


def local_midnight(day, tz):
    return datetime.datetime.combine(day, datetime.time(0, 0), tzinfo=tz)


def in_window(moment, *, policy, tz):
    """True when a moment is inside the company's send window (and not on a skipped weekend)."""
    local = moment.astimezone(tz)
    if policy.skip_weekends and local.weekday() >= 5:
        return False
    return policy.send_window_start <= local.time() < policy.send_window_end


def next_send_time(moment, *, policy, tz):
    """The first moment at or after `moment` inside the send window, in the company's timezone."""
    local = moment.astimezone(tz)
    for day_offset in range(8):
        day = local.date() + datetime.timedelta(days=day_offset)
        if policy.skip_weekends and day.weekday() >= 5:
            continue
        opens = datetime.datetime.combine(day, policy.send_window_start, tzinfo=tz)
        closes = datetime.datetime.combine(day, policy.send_window_end, tzinfo=tz)
        if day_offset == 0:
            if local < opens:
                return opens
            if local < closes:
                return moment
            continue
        return opens
    return moment  # unreachable with a valid window: at most two weekend days are skipped


def latest_passed(occurrences, now):
    """The most recent occurrence that has happened, or None: after downtime we send one, not a backlog."""
    passed = [o for o in occurrences if o.at <= now]
    return max(passed, key=lambda o: o.at) if passed else None


def due_now(occurrences, now):
    """Every occurrence at the latest moment that has passed: usually one, two when a reminder was moved to
    the opening (the round-opened email and that reminder share the moment)."""
    latest = latest_passed(occurrences, now)
    return [o for o in occurrences if o.at == latest.at] if latest else []


def before_deadline_chain(*, opened_at, deadline, policy, tz):
    """Round opened, N days before, and the deadline day (only events before the deadline).

    A reminder whose moment fell before the round opened (a round opened the day before its deadline has
    missed its "1 day before") is not dropped: the nearest such one is sent at the opening, saying how many
    days are really left. Earlier ones are superseded by it, as after downtime.
    """
    deadline_day = deadline.astimezone(tz).date()
    reminders = [Occurrence(Kind.DEADLINE_REMINDER, local_midnight(deadline_day - datetime.timedelta(days=days), tz),
                            f"d-{days}", {"days_left": days})
                 for days in sorted(set(policy.reminder_offsets or []), reverse=True)]
    if policy.remind_on_deadline_day:
        reminders.append(Occurrence(Kind.DEADLINE_TODAY, local_midnight(deadline_day, tz), "d-0"))
    chain = [Occurrence(Kind.ROUND_OPENED, opened_at, "opened")]
    missed = [o for o in reminders if o.at <= opened_at]
    if missed:
        chain.append(at_opening(missed[-1], opened_at=opened_at, deadline_day=deadline_day, tz=tz))
    chain += [o for o in reminders if o.at > opened_at]
    return [o for o in chain if o.at < deadline]


def at_opening(occurrence, *, opened_at, deadline_day, tz):
    """A missed reminder moved to the opening moment (same name, so its dedupe key is stable)."""
    extra = occurrence.extra
    if occurrence.kind == Kind.DEADLINE_REMINDER:
        extra = {"days_left": (deadline_day - opened_at.astimezone(tz).date()).days}
        if extra["days_left"] < 1:  # opened on the deadline day itself: that is the deadline-day reminder
            return Occurrence(Kind.DEADLINE_TODAY, opened_at, "d-0")
    return Occurrence(occurrence.kind, opened_at, occurrence.name, extra)


def overdue_occurrence(*, deadline, policy, now):
    """The latest 'still overdue' reminder: at the deadline, then every K days."""
    if now < deadline:
        return None
    step = datetime.timedelta(days=policy.overdue_every_days)
    index = int((now - deadline) / step)
    return Occurrence(Kind.OVERDUE, deadline + index * step, f"o{index}", {"days_overdue": (now - deadline).days})


def escalation_occurrence(*, deadline, policy, now):
    """The latest escalation step that has been reached, or None."""
    chain = [
        Occurrence(Kind.ESCALATION, deadline + datetime.timedelta(days=policy.escalate_after_days), "e1"),
        Occurrence(Kind.ESCALATION_2, deadline + datetime.timedelta(days=policy.second_escalation_after_days), "e2"),
    ]
    return latest_passed(chain, now)


def digest_slot(*, policy, tz, now):
    """This week's digest moment (local weekday and hour) if it has passed, else last week's."""
    local_now = now.astimezone(tz)
    monday = local_now.date() - datetime.timedelta(days=local_now.weekday())
    day = monday + datetime.timedelta(days=policy.digest_weekday)
    slot = datetime.datetime.combine(day, datetime.time(policy.digest_hour, 0), tzinfo=tz)
    if slot > now:
        slot -= datetime.timedelta(days=7)
    return slot


def action_item_occurrences(*, due_date, tz, now):
    """A day before the due date, and the day after it (overdue); only the latest that has passed."""
    if due_date is None:
        return None
    chain = [
        Occurrence(Kind.ACTION_DUE, local_midnight(due_date - datetime.timedelta(days=1), tz), "due"),
        Occurrence(Kind.ACTION_OVERDUE, local_midnight(due_date + datetime.timedelta(days=1), tz), "overdue"),
    ]
    return latest_passed(chain, now)
