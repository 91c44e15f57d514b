"""When the beat tick must next look at a company: the earliest moment anything it plans falls due.

Pure time logic over rows the planner has already loaded (no database access). It mirrors what
`services.notifications_plan` acts on — reminder chains, overdue repeats, escalations, action item dates, the
weekly digest, sends that wait for their moment — so a company costs the tick nothing between those moments.
Erring early is harmless (planning is idempotent), so every company is also looked at once a day: a rule
added to the planner and not here is late by a day at most, never lost.
"""

import datetime

from . import schedule

DAILY_LOOK = datetime.timedelta(days=1)
# A round that could not open (no published questionnaire, empty matrix) is tried again this often.
OPEN_RETRY = datetime.timedelta(hours=1)


def earliest(now, moments):
    """The earliest of the moments, never later than the daily look."""
    return min([m for m in moments if m is not None] + [now + DAILY_LOOK])


def after(now, moments):
    """Only the moments still ahead (the planner has just handled the ones that passed)."""
    return [m for m in moments if m > now]


def audit_moments(audit, *, policy, tz, now):
    """The open audit's next reminder, overdue notice (and status change) and escalation steps."""
    deadline = audit.deadline
    chain = schedule.before_deadline_chain(opened_at=audit.round.opened_at, deadline=deadline, policy=policy, tz=tz)
    moments = [occurrence.at for occurrence in chain] + [deadline]
    if deadline <= now:
        step = datetime.timedelta(days=policy.overdue_every_days)
        moments.append(deadline + (int((now - deadline) / step) + 1) * step)
    moments += [deadline + datetime.timedelta(days=policy.escalate_after_days),
                deadline + datetime.timedelta(days=policy.second_escalation_after_days)]
    return after(now, moments)


def action_item_moments(item, *, tz, now):
    """The day before an action item's due date and the day after it (overdue)."""
    if item.due_date is None:
        return []
    return after(now, [schedule.local_midnight(item.due_date - datetime.timedelta(days=1), tz),
                       schedule.local_midnight(item.due_date + datetime.timedelta(days=1), tz)])


def digest_moment(*, policy, tz, now):
    """The next weekly digest slot."""
    return schedule.digest_slot(policy=policy, tz=tz, now=now) + datetime.timedelta(days=7)


def send_moments(*, waiting, sending, sending_stale):
    """When planned rows fall due, and when a dead worker's claim expires (the planner fails it once its attempts
    are used up). Queued sends the broker lost are the sweep's (notifications_sweep, across companies), not ours.

    A moment already past stays in: rows beyond one tick's send limit are due again at the next tick.
    """
    return [waiting, sending + sending_stale if sending is not None else None]
