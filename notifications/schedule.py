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


def before_deadline_chain(*, opened_at, deadline, policy, tz):
    """Round opened, N days before, and the deadline day (only events before the deadline)."""
    deadline_day = deadline.astimezone(tz).date()
    chain = [Occurrence(Kind.ROUND_OPENED, opened_at, "opened")]
    for days in sorted(set(policy.reminder_offsets or []), reverse=True):
        at = local_midnight(deadline_day - datetime.timedelta(days=days), tz)
        if at > opened_at:
            chain.append(Occurrence(Kind.DEADLINE_REMINDER, at, f"d-{days}", {"days_left": days}))
    if policy.remind_on_deadline_day:
        at = max(local_midnight(deadline_day, tz), opened_at)
        if at > opened_at:
            chain.append(Occurrence(Kind.DEADLINE_TODAY, at, "d-0"))
    return [o for o in chain if o.at < deadline]


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
