"""Writes for notifications: planning rows, claiming and sending them exactly once, member choices."""

import datetime
import logging
import random
import smtplib
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.db.models import Case, DateTimeField, F, Q, Value, When
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.models import DUE_NOW, Company
from accounts.security.audit import record, update_logged
from accounts.security.models import AuditAction
from accounts.services import company_mark_due
from audits.models import AuditStatus

from . import due, schedule, selectors
from .models import (
    OPTIONAL_KINDS,
    CalendarFeed,
    Kind,
    Notification,
    NotificationPreference,
    ReminderPolicy,
    SkipReason,
    Status,
    hash_feed_token,
    new_feed_token,
)

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
RETRY_BASE_SECONDS = 60
RETRY_MAX_SECONDS = 3600
# A queued send that has not run after this long is queued again by the next tick (lost message, broker restart).
ENQUEUE_STALE = datetime.timedelta(minutes=10)
# A drain (outbox_drain) claims this many rows at a time, and works this long before handing over to a fresh task.
DRAIN_BATCH = 5
DRAIN_SECONDS = 20
# A claim this old without a hand-over mark belongs to a dead worker; it may be claimed again. Only liveness
# depends on it: the conditional hand-over mark keeps a slow first attempt from sending after a re-claim. Short,
# so that a send whose worker was killed still goes out within two minutes of its due time.
SENDING_STALE = datetime.timedelta(seconds=45)
# A hand-over this old that was never marked sent is sent again (see "sending exactly once" and handover_stale):
# at least this long, and at least HANDOVER_TIMEOUTS times the mail backend's socket timeout.
HANDOVER_STALE_MIN = datetime.timedelta(seconds=60)
HANDOVER_TIMEOUTS = 6
DEFAULT_SMTP_TIMEOUT = 10  # config/settings EMAIL_TIMEOUT's default
# Marking a row sent after the server accepted it: a few tries on fresh connections.
MARK_TRIES = 4
MARK_PAUSE_SECONDS = 0.5
ASSIGNMENT_LOOKBACK = datetime.timedelta(days=2)
ACTION_OVERDUE_LOOKBACK = datetime.timedelta(days=14)
DIGEST_LOOKBACK = datetime.timedelta(hours=24)
# Keys looked up per query: under SQLite's old limit of 999 parameters, with the batch's company ids beside them.
KEYS_PER_QUERY = 800


# ---------------------------------------------------------------- policy

def reminder_policy_ensure(*, company):
    """The company's policy, created with the defaults on first use (idempotent)."""
    policy, _created = ReminderPolicy.objects.get_or_create(company=company)
    return policy


def reminder_policies_ensure(*, companies):
    """{company id: policy} for a batch of companies, the missing ones created with the defaults (two queries at
    most, three when one is missing); each policy's company is the instance given, so nothing reloads it."""
    by_id = {company.pk: company for company in companies}
    policies = {p.company_id: p for p in ReminderPolicy.objects.filter(company__in=list(by_id))}
    missing = [ReminderPolicy(company=company) for pk, company in by_id.items() if pk not in policies]
    if missing:
        ReminderPolicy.objects.bulk_create(missing, ignore_conflicts=True)  # a concurrent planner's row wins
        policies = {p.company_id: p for p in ReminderPolicy.objects.filter(company__in=list(by_id))}
    for policy in policies.values():
        policy.company = by_id[policy.company_id]
    return policies


def reminder_policy_update(*, policy, timezone_name=None, **fields):
    """Save the admin's policy (and the company timezone shown on the same page) after validation."""
    for name, value in fields.items():
        setattr(policy, name, value)
    policy.full_clean()
    with transaction.atomic():
        policy.save()
        if timezone_name is not None and timezone_name != policy.company.timezone:
            policy.company.timezone = timezone_name
            policy.company.full_clean()
            policy.company.save(update_fields=["timezone"])
        company_mark_due(company_id=policy.company_id)  # reminder moments, send window or digest slot moved
    return policy


# ---------------------------------------------------------------- planning
#
# Set-based: a batch of companies (one tick task's share) is planned with a fixed number of queries whatever
# its size — open audits, action items, policies, recipients, existing keys, one bulk insert per 500 rows,
# the queue marks — and the Python between them only builds rows. Per-company queries remain only for rare
# work: a round to open, an audit turning overdue, a weekly digest's figures.

def notifications_plan(*, company, now=None):
    """Create the notification rows that have fallen due and queue the sends; returns rows created.

    Idempotent: every row has a unique dedupe key, so two beats, a rerun or two workers never
    double a notification. The number of queries does not grow with departments or people.
    """
    now = now or timezone.now()
    return plan(companies=[company], policies=reminder_policies_ensure(companies=[company]), now=now).created


@dataclass(frozen=True)
class Plan:
    """What one planning pass created, and the rows it read by company id (the tick computes each company's
    next due moment from them)."""

    created: int
    audits: dict
    items: dict


def grouped(rows, key="company_id"):
    """{key: [rows]} in the rows' order."""
    groups = {}
    for item in rows:
        groups.setdefault(getattr(item, key), []).append(item)
    return groups


def plan(*, companies, policies, now):
    ids = [company.pk for company in companies]
    audits = grouped(selectors.open_audits_of(companies=ids))
    items = grouped(selectors.open_action_items_of(companies=ids))
    people = People(companies=companies, policies=policies, audits=audits)
    candidates, digests = [], []
    for company in companies:
        policy = policies[company.pk]
        rows = Rows(company=company, policy=policy, now=now)
        audit_candidates(rows, audits=audits.get(company.pk, []), people=people)
        action_item_candidates(rows, items=items.get(company.pk, []))
        candidates += rows.rows
        slot = digest_slot_due(company=company, policy=policy, now=now)
        if slot is not None:
            digests.append((rows, slot))
    with transaction.atomic():
        created = insert_new(candidates=candidates, digests=digests, people=people, now=now)
        fail_abandoned(companies=ids, now=now)
        enqueue_due(companies=ids, now=now)
    return Plan(created=created, audits=audits, items=items)


class People:
    """The recipients a batch's planning may need — executives, department members — each kind read once for the
    whole batch (one query), and only when first asked for."""

    def __init__(self, *, companies, policies, audits):
        self.ids = [company.pk for company in companies]
        self.member_companies = [pk for pk in self.ids if policies[pk].remind_department_members and audits.get(pk)]
        self.department_ids = {a.department_id for pk in self.member_companies for a in audits[pk]}
        self._executives = None
        self._members = None

    def executives(self, company_id):
        if self._executives is None:
            self._executives = grouped(selectors.executives_of(companies=self.ids))
        return self._executives.get(company_id, [])

    def department_members(self, company_id, department_id):
        if company_id not in self.member_companies:
            return []
        if self._members is None:
            self._members = grouped(selectors.department_members_of(
                companies=self.member_companies, department_ids=self.department_ids), "department_id")
        return self._members.get(department_id, [])


class Rows:
    """One company's new rows: the send moment (the next one in its send window) is computed once."""

    def __init__(self, *, company, policy, now):
        self.company, self.policy, self.now = company, policy, now
        self.tz = company.tzinfo
        self.send_at = schedule.next_send_time(now, policy=policy, tz=self.tz)
        self.rows = []

    def add(self, *, recipient, kind, key, **subject):
        self.rows.append(Notification(company=self.company, recipient=recipient, kind=kind,
                                      dedupe_key=f"{key}:m{recipient.pk}", created_at=self.now, due_at=self.send_at,
                                      **subject))


def audit_candidates(rows, *, audits, people):
    """Reminders, overdue notices and escalations of every open department audit."""
    policy, now, tz = rows.policy, rows.now, rows.tz
    for audit in audits:
        head = audit.department.head
        recipients = [head] if head is not None and head.is_active else []
        recipients += [m for m in people.department_members(audit.company_id, audit.department_id)
                       if m not in recipients]
        if audit.deadline <= now:
            occurrences = [schedule.overdue_occurrence(deadline=audit.deadline, policy=policy, now=now)]
        else:
            chain = schedule.before_deadline_chain(opened_at=audit.round.opened_at, deadline=audit.deadline,
                                                   policy=policy, tz=tz)
            occurrences = schedule.due_now(chain, now)
        payload = audit_payload(audit, head)
        for occurrence in occurrences:
            for person in recipients:
                rows.add(recipient=person, kind=occurrence.kind, key=f"{occurrence.kind}:a{audit.pk}:{occurrence.name}",
                         audit=audit, round=audit.round, payload={**payload, **occurrence.extra})
        escalation = schedule.escalation_occurrence(deadline=audit.deadline, policy=policy, now=now)
        if escalation is not None:
            for person in people.executives(audit.company_id):
                rows.add(recipient=person, kind=escalation.kind, key=f"{escalation.kind}:a{audit.pk}:{escalation.name}",
                         audit=audit, round=audit.round, payload=payload)


def audit_payload(audit, head):
    return {"department": audit.department.name, "period": audit.round.period,
            "head": head.user.display_name if head is not None else ""}


def action_item_candidates(rows, *, items):
    """Assignment, due-tomorrow and overdue notices for open action items with an owner."""
    now = rows.now
    for item in items:
        subject = {"action_item": item, "payload": {"title": item.title,
                                                    "due": item.due_date.isoformat() if item.due_date else ""}}
        assigned_recently = max(item.created_at, item.updated_at) >= now - ASSIGNMENT_LOOKBACK
        if assigned_recently and item.created_by_id != item.owner.user_id:
            rows.add(recipient=item.owner, kind=Kind.ACTION_ASSIGNED, key=f"{Kind.ACTION_ASSIGNED}:i{item.pk}",
                     **subject)
        occurrence = schedule.action_item_occurrences(due_date=item.due_date, tz=rows.tz, now=now)
        if occurrence is None:
            continue
        stale = occurrence.kind == Kind.ACTION_OVERDUE and occurrence.at < now - ACTION_OVERDUE_LOOKBACK
        if not stale:
            rows.add(recipient=item.owner, kind=occurrence.kind,
                     key=f"{occurrence.kind}:i{item.pk}:{item.due_date.isoformat()}", **subject)


def digest_slot_due(*, company, policy, now):
    """This week's digest moment when it has just passed, else None."""
    slot = schedule.digest_slot(policy=policy, tz=company.tzinfo, now=now)
    if slot < now - DIGEST_LOOKBACK:
        return None
    return slot


def insert_new(*, candidates, digests, people, now):
    """Insert the rows whose keys do not exist yet; a concurrent planner's rows are ignored, not doubled."""
    digest_rows = []
    for rows, slot in digests:
        start = len(rows.rows)
        for person in people.executives(rows.company.pk):
            rows.add(recipient=person, kind=Kind.DIGEST, key=f"{Kind.DIGEST}:{slot.date().isoformat()}")
        digest_rows.append((rows.company, slot, rows.rows[start:]))
    keys = [c.dedupe_key for c in candidates] + [d.dedupe_key for _c, _s, made in digest_rows for d in made]
    if not keys:
        return 0
    existing = set()
    for start in range(0, len(keys), KEYS_PER_QUERY):
        existing.update(Notification.objects.filter(company__in=people.ids, dedupe_key__in=keys[start:start + KEYS_PER_QUERY])
                        .values_list("dedupe_key", flat=True))
    new = [c for c in candidates if c.dedupe_key not in existing]
    for company, slot, made in digest_rows:
        new_digests = [d for d in made if d.dedupe_key not in existing]
        if not new_digests:
            continue
        # Computed only when someone still lacks this week's digest: a few queries, once a week per company.
        with scope(company=company):
            content = selectors.digest_content(company=company, now=now, since=slot - datetime.timedelta(days=7))
        if content is not None:
            for d in new_digests:
                d.payload = content
            new += new_digests
    Notification.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
    return len(new)


def fail_abandoned(*, companies=None, now):
    """Rows a dead attempt left "sending" after every attempt was used: record the failure instead of retrying
    forever (an admin may retry it). A row that was handed over says its delivery is unknown.
    Without companies (the sweep, outside any scope) every company's rows."""
    rows = Notification.objects.filter(company__in=companies) if companies is not None else Notification.objects.all()
    return rows.filter(abandoned_sending(now=now), attempts__gte=MAX_ATTEMPTS).update(
        status=Status.FAILED,
        last_error=Case(When(handed_over_at__isnull=True, then=Value(STOPPED_BEFORE_HANDOVER)),
                        default=Value(STOPPED_AFTER_HANDOVER)),
    )


STOPPED_BEFORE_HANDOVER = "The worker stopped while sending, and no attempts are left."
STOPPED_AFTER_HANDOVER = ("The worker stopped after handing the message to the mail server, and no attempts are "
                          "left: it may or may not have been delivered.")


def enqueue_due(*, companies, now):
    """Mark the companies' due rows as queued (so the tick does not look at them again) and wake the drains after
    the transaction commits; the drains take the rows from the outbox. Returns the number of rows marked."""
    marked = Notification.objects.filter(
        Q(company__in=companies, status=Status.PLANNED, due_at__lte=now)
        & (Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - ENQUEUE_STALE))
    ).update(enqueued_at=now)
    if marked:
        transaction.on_commit(wake_drains)
    return marked


# ---------------------------------------------------------------- the tick: only companies with due work

# A tick hands out at most this many companies (a Monday-morning surge of digests spreads over a few ticks).
MAX_COMPANIES_PER_TICK = 5000
# The tick hands the due companies to tasks in batches of this many: one batch is planned with a fixed number of
# queries (see "planning"), so a batch of 50 costs about what one company used to.
COMPANIES_PER_TASK = 50
# A handed-out company is skipped by later ticks this long; if its task never runs, it is due again after.
DUE_LEASE = datetime.timedelta(minutes=5)


def companies_due_claim(*, now, limit=MAX_COMPANIES_PER_TICK):
    """Ids of the active companies due by now, earliest first, leased to the tasks about to be published."""
    # Cross-tenant by nature: the tick lists due companies and hands each to its own scoped task.
    with scopes_disabled():
        ids = list(Company.objects.filter(is_suspended=False, next_due_at__lte=now)
                   .order_by("next_due_at", "pk").values_list("pk", flat=True)[:limit])
        if ids:
            Company.objects.filter(pk__in=ids).update(next_due_at=now + DUE_LEASE)
    return ids


def companies_due_release(*, ids):
    """The broker refused these companies' tasks: due again at the next tick rather than after the lease."""
    Company.objects.filter(pk__in=ids).update(next_due_at=DUE_NOW)


def company_due_work(*, company, now=None):
    """Everything the tick does for one due company (a batch of one: companies_due_work)."""
    return companies_due_work(companies=[company], now=now)


def companies_due_work(*, companies, now=None):
    """Everything the tick does for a batch of due companies — open their rounds, mark overdue audits, plan and
    queue notifications — then store when each is next due. Returns the number of notifications created.
    Runs inside `scope(company=companies)`."""
    from audits.services import audits_mark_overdue_in

    now = now or timezone.now()
    leased = {company.pk: company.next_due_at for company in companies}
    round_at = rounds_open_if_due(companies=companies, now=now)
    audits_mark_overdue_in(companies=companies, now=now)
    policies = reminder_policies_ensure(companies=companies)
    planned = plan(companies=companies, policies=policies, now=now)
    sends = selectors.send_moments_of(companies=list(leased))
    next_at = {company.pk: next_due_moment(company=company, policy=policies[company.pk], now=now, planned=planned,
                                           round_at=round_at.get(company.pk), sends=sends.get(company.pk, {}))
               for company in companies}
    # Conditional: when a service marked a company due meanwhile (accounts.services.company_mark_due), it stays due.
    Company.objects.filter(pk__in=list(leased)).update(next_due_at=Case(
        *[When(pk=pk, next_due_at=leased[pk], then=Value(moment)) for pk, moment in next_at.items()],
        default=F("next_due_at"), output_field=DateTimeField()))
    return planned.created


def rounds_open_if_due(*, companies, now):
    """Open each company's current round once its opening moment has passed; returns {company id: when to look
    again}. One query for the schedules and one for the rounds that exist; a round is opened company by company."""
    from audits import services as audit_services
    from audits.models import Round, Schedule
    from audits.periods import period_containing

    schedules = {s.company_id: s for s in Schedule.objects.filter(company__in=companies, is_active=True)}
    current = {}  # company id: (period, opening)
    for company in companies:
        cadence = schedules.get(company.pk)
        if cadence is None:
            continue  # no active schedule: schedule_update marks the company due when that changes
        period = period_containing(audit_services.local_date(company, now), cadence.cadence)
        current[company.pk] = (period, audit_services.opening_moment(company=company, schedule=cadence, period=period))
    opened = {pk for pk, (_period, opening) in current.items() if opening <= now}
    existing = set(Round.objects.filter(company__in=list(opened), period__in={current[pk][0].name for pk in opened})
                   .values_list("company_id", "period")) if opened else set()
    looks = {}
    for company in companies:
        if company.pk not in current:
            continue
        period, opening = current[company.pk]
        if opening > now:
            looks[company.pk] = opening
            continue
        if (company.pk, period.name) not in existing and not round_open(company=company, now=now):
            looks[company.pk] = now + due.OPEN_RETRY
            continue
        looks[company.pk] = audit_services.opening_moment(company=company, schedule=schedules[company.pk],
                                                          period=period.next())
    return looks


def round_open(*, company, now):
    """Open the company's due round in its own scope; False when it cannot open yet (logged)."""
    from audits import services as audit_services

    try:
        with scope(company=company):
            audit_services.round_open(company=company, now=now)
    except ValidationError as exc:
        logger.warning("round not opened for %s: %s", company.slug, "; ".join(exc.messages))
        return False
    return True


def next_due_moment(*, company, policy, now, planned, round_at, sends):
    """The earliest moment anything the tick does for this company falls due again (notifications.due)."""
    tz = company.tzinfo
    moments = [round_at, due.digest_moment(policy=policy, tz=tz, now=now)]
    moments += due.send_moments(waiting=sends.get("waiting"), sending=sends.get("sending"),
                                sending_stale=SENDING_STALE)
    for audit in planned.audits.get(company.pk, []):
        moments += due.audit_moments(audit, policy=policy, tz=tz, now=now)
    for item in planned.items.get(company.pk, []):
        moments += due.action_item_moments(item, tz=tz, now=now)
    return due.earliest(now, moments)


def publish_sends(ids):
    """Publish send tasks; when the broker is down, stop at once and leave the rest for the next tick."""
    from .tasks import BROKER_ERRORS, send_notification

    for position, pk in enumerate(ids):
        try:
            send_notification.apply_async(args=[pk])
        except BROKER_ERRORS as exc:
            logger.warning("broker unavailable, %d notification(s) wait for the next tick: %s", len(ids) - position, exc)
            # Cross-tenant by nature: ids may span companies; only the queue marker is reset.
            with scopes_disabled():
                Notification.objects.filter(pk__in=ids[position:], status=Status.PLANNED).update(enqueued_at=None)
            return position
    return len(ids)


# ---------------------------------------------------------------- sending exactly once
#
# The protocol, so that a worker dying at any point never loses a reminder, and sends it twice only when it dies
# in the instant between the server's acceptance and the sent mark:
#   1. claim: one conditional UPDATE turns the row to "sending" with a new attempt id (committed on its own);
#      only one worker wins it.
#   2. hand-over mark: just before the message is handed to the mail server (before SMTP's DATA command, once
#      the server has accepted sender and recipients) the attempt records `handed_over_at`, committed, and only
#      if the row is still its own (same attempt id). If it is not, the attempt stops without sending.
#   3. after the server accepts, the row is marked "sent", reconnecting to the database if the connection died.
# A row stuck in "sending" becomes sendable again (`abandoned_sending`), and the next drain claims it:
#   * no hand-over mark, claimed more than SENDING_STALE ago: that attempt provably sent nothing (it would
#     have had to commit the mark first, and a later mark by it fails on the new attempt id), so it is
#     claimed again and sent;
#   * hand-over mark, never marked sent, marked more than handover_stale() ago: the attempt is dead, and whether
#     the server accepted its DATA is unknown. It is claimed again and SENT AGAIN (a new attempt id, the same
#     Message-ID, emails.message_id, so a receiver that already has the first copy can drop the second). Never
#     recorded as sent blindly: a worker killed between the mark and the server's reply would lose the email.
# Why the stale age keeps a slow-but-alive attempt from being doubled: after its hand-over mark an attempt only
# runs smtplib's DATA step and the sent mark. Every socket operation of that step is bounded by the backend's
# timeout T (EMAIL_TIMEOUT, 10 s): the DATA command's reply, the message body (sendall: T in total since
# Python 3.5) and the final reply, so ≤ 3T; the sent mark adds its MARK_TRIES pauses (5 s) on fresh connections.
# handover_stale() is max(60 s, 6T): well above that worst case (60 s against 35 s at T = 10 s), thousands of
# times the usual (milliseconds on a relay). An attempt older than that has died (kill -9, OOM, host lost), or
# is stalled beyond its own timeouts (SIGSTOP, a frozen VM): only then can both copies reach the server.
# The remaining duplicate window is therefore the instant between the server's acceptance and the sent mark of a
# worker that dies inside it (tools/chaos measures it: p50/p95/max acceptance → mark), plus a connection that
# breaks after DATA and before the reply, which is retried like any transient error with the same Message-ID.


def handover_stale():
    """How long a hand-over may stay unconfirmed before the row is sent again: far above any SMTP timeout."""
    options = settings.MAILERS.get("default", {}).get("OPTIONS", {})
    timeout = options.get("timeout") or DEFAULT_SMTP_TIMEOUT
    return max(HANDOVER_STALE_MIN, datetime.timedelta(seconds=HANDOVER_TIMEOUTS * timeout))


def abandoned_sending(*, now):
    """Rows "sending" whose attempt is dead: claimed long ago without a hand-over (provably nothing sent), or
    handed over long ago and never marked sent (sent again, same Message-ID)."""
    return Q(status=Status.SENDING) & (
        Q(handed_over_at__isnull=True, claimed_at__lt=now - SENDING_STALE)
        | Q(handed_over_at__lt=now - handover_stale()))


@dataclass(frozen=True)
class Outcome:
    result: str  # sent, skipped, not_claimed, retry, failed
    countdown: float = 0


class ClaimLost(Exception):
    """The row was claimed again by another attempt before this one handed the message over."""


def notification_claim(*, notification_id, now):
    """The conditional UPDATE that makes sending exactly-once: only one caller turns the row to "sending".

    Returns the new attempt id, or None when the row is not (or no longer) claimable. A row being sent is
    claimable again only when its attempt is dead (abandoned_sending) and attempts are left.
    """
    attempt = uuid.uuid4()
    # Cross-tenant by nature: a worker holds only the id; the company is read from the row it claims.
    with scopes_disabled():
        claimed = Notification.objects.filter(pk=notification_id).filter(
            Q(status=Status.PLANNED, due_at__lte=now) | abandoned_sending(now=now) & Q(attempts__lt=MAX_ATTEMPTS)
        ).update(status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1, attempt_id=attempt,
                 handed_over_at=None)
    return attempt if claimed == 1 else None


def notification_deliver(*, notification_id, now=None):
    """Claim one notification, decide whether it is still wanted, send it; report what happened."""
    now = now or timezone.now()
    attempt = notification_claim(notification_id=notification_id, now=now)
    if attempt is None:
        return Outcome("not_claimed")
    return deliver_claimed(claimed_rows([notification_id], attempt=attempt)[0], now=now)


def claimed_rows(ids, *, attempt):
    """The rows of `ids` this attempt holds, with everything an email needs (one query)."""
    # Cross-tenant by nature: the rows were just claimed by id; each one's company scope is entered to send it.
    with scopes_disabled():
        return list(Notification.objects.select_related(
            "company", "recipient__user", "audit__department__head__user", "audit__round", "action_item",
        ).filter(pk__in=ids, status=Status.SENDING, attempt_id=attempt).order_by("due_at", "pk"))


def deliver_claimed(notification, *, now, session=None):
    """Send a row this attempt holds, or skip it when it is no longer wanted."""
    with scope(company=notification.company):
        reason = skip_reason_for(notification)
        if reason:
            finish(notification, status=Status.SKIPPED, skip_reason=reason)
            return Outcome("skipped")
        return send_claimed(notification, now=now, session=session)


def skip_reason_for(notification):
    """Why this notification must not be emailed any more, or ''."""
    if notification.company.is_suspended:
        return SkipReason.SUSPENDED
    if not notification.recipient.is_active:
        return SkipReason.INACTIVE
    audit = notification.audit
    if audit is not None and audit.status == AuditStatus.SUBMITTED:
        return SkipReason.RESOLVED
    item = notification.action_item
    if item is not None and (not item.is_open or item.owner_id != notification.recipient_id):
        return SkipReason.RESOLVED
    if not selectors.email_enabled(membership=notification.recipient, kind=notification.kind):
        return SkipReason.PREFERENCE
    return ""


def send_claimed(notification, *, now, session=None):
    from .emails import send_notification_email

    try:
        send_notification_email(notification, before_handover=lambda: mark_handed_over(notification),
                                session=session)
    except ClaimLost:
        return Outcome("not_claimed")
    except DatabaseError:
        raise  # the hand-over mark failed: nothing was sent; the task retries, or a drain re-claims
    except PERMANENT_SMTP_ERRORS as exc:
        return record_failure(notification, exc)
    except TRANSIENT_SMTP_ERRORS as exc:
        if is_permanent(exc) or notification.attempts >= MAX_ATTEMPTS:
            return record_failure(notification, exc)
        return reschedule(notification, exc, now=now)
    except Exception as exc:  # noqa: BLE001 – a rendering bug must be recorded, not retried forever
        logger.exception("notification %s could not be rendered or sent", notification.pk)
        return record_failure(notification, exc)
    mark_sent(notification)
    return Outcome("sent")


def mark_handed_over(notification):
    """Step 2: record, committed, that this attempt now hands the message over; stop if the row is not ours."""
    moment = timezone.now()
    if not Notification.objects.filter(pk=notification.pk, status=Status.SENDING,
                                       attempt_id=notification.attempt_id).update(handed_over_at=moment):
        raise ClaimLost(notification.pk)
    notification.handed_over_at = moment


def mark_sent(notification):
    """Step 3: the server accepted the message. Record it even if the database connection has just died (a
    fresh connection, a few tries); never raise, since a retry of the task would be refused anyway."""
    for attempt in range(1, MARK_TRIES + 1):
        try:
            finish(notification, status=Status.SENT, sent_at=timezone.now(), last_error="")
            return True
        except (OperationalError, InterfaceError) as exc:
            if connection.in_atomic_block:
                raise  # inside someone's transaction a new connection would not help
            logger.warning("notification %s accepted by SMTP; marking it sent failed (try %d): %s",
                           notification.pk, attempt, exc)
            connection.close()  # the next query opens a fresh connection
            time.sleep(MARK_PAUSE_SECONDS * attempt)
    logger.error("notification %s was accepted by SMTP but could not be marked sent; a drain sends it again "
                 "(same Message-ID) once its hand-over is stale", notification.pk)
    return False


PERMANENT_SMTP_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPNotSupportedError)
TRANSIENT_SMTP_ERRORS = (smtplib.SMTPException, OSError)


def is_permanent(exc):
    """A 5xx reply (bad address, refused, auth) will not fix itself by waiting."""
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500


def retry_countdown(attempts):
    """Exponential backoff with full jitter on top, capped: 60 s, 120 s, 240 s … ≤ 1 h."""
    base = min(RETRY_BASE_SECONDS * 2 ** (attempts - 1), RETRY_MAX_SECONDS)
    return base + random.uniform(0, base / 2)


def reschedule(notification, exc, *, now):
    countdown = retry_countdown(notification.attempts)
    later = now + datetime.timedelta(seconds=countdown)
    # The row goes back to "planned" but counts as queued, so the tick does not race the retry.
    finish(notification, status=Status.PLANNED, due_at=later, enqueued_at=later, last_error=describe(exc))
    return Outcome("retry", countdown)


def record_failure(notification, exc):
    finish(notification, status=Status.FAILED, last_error=describe(exc))
    return Outcome("failed")


def describe(exc):
    return f"{type(exc).__name__}: {exc}"[:2000]


def finish(notification, **fields):
    """Leave the "sending" state; conditional on the attempt, so a row another worker re-claimed is not overwritten."""
    Notification.objects.filter(pk=notification.pk, status=Status.SENDING, attempt_id=notification.attempt_id) \
        .update(**fields)
    for name, value in fields.items():
        setattr(notification, name, value)


# ---------------------------------------------------------------- draining the outbox
#
# The outbox, not the broker, is the queue. A drain (tasks.drain_outbox) claims the earliest sendable rows of every
# company straight from the table, DRAIN_BATCH at a time (FOR UPDATE SKIP LOCKED: drains running at once take
# different rows and never wait on each other), and sends them over one SMTP connection, each through the
# protocol above (hand-over mark, sent mark). Broker messages only wake drains: the tick's due work wakes them
# when it queues rows, the sweep whenever anything is sendable, so a wake Redis loses costs at most one sweep
# interval, and a lost message can never lose an email.

def sendable(now):
    """Rows a drain may claim now: planned and due, or left "sending" by a dead attempt with attempts left."""
    return Q(due_at__lte=now) & (Q(status=Status.PLANNED) | abandoned_sending(now=now) & Q(attempts__lt=MAX_ATTEMPTS))


def drain_claim(*, now):
    """Claim up to DRAIN_BATCH sendable rows of any company, earliest due first: (their ids, the attempt id)."""
    attempt = uuid.uuid4()
    # Cross-tenant by nature: the drain serves every company's outbox; each row is sent in its own scope.
    with scopes_disabled(), transaction.atomic():
        ids = list(Notification.objects.filter(sendable(now))
                   .select_for_update(skip_locked=True, of=("self",), no_key=True)
                   .order_by("due_at", "pk").values_list("pk", flat=True)[:DRAIN_BATCH])
        if ids:
            # Conditional again: SQLite takes no row locks, and there a concurrent drain may have won a row.
            Notification.objects.filter(sendable(now), pk__in=ids).update(
                status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1, attempt_id=attempt,
                handed_over_at=None)
    return ids, attempt


def outbox_drain(*, seconds=DRAIN_SECONDS, clock=time.monotonic):
    """Send sendable rows until none is left or `seconds` have passed: ({outcome: count}, more), `more` being
    True when time ran out with rows perhaps left (the caller hands over to a fresh drain)."""
    from .emails import MailSession

    stop_at, outcomes = clock() + seconds, {}
    with MailSession() as session:
        while clock() < stop_at:
            now = timezone.now()
            ids, attempt = drain_claim(now=now)
            if not ids:
                return outcomes, False
            for result in deliver_batch(claimed_rows(ids, attempt=attempt), now=now, session=session):
                outcomes[result] = outcomes.get(result, 0) + 1
    return outcomes, True


def deliver_batch(rows, *, now, session):
    """Deliver claimed rows in order; when the database connection dies, the rows not handed over yet are given
    back at once (on a fresh connection) instead of waiting SENDING_STALE, and the error is raised."""
    for position, notification in enumerate(rows):
        try:
            yield deliver_claimed(notification, now=now, session=session).result
        except (OperationalError, InterfaceError):
            release_unsent(rows[position:])
            raise


def release_unsent(rows):
    """Give back claimed rows that provably were not handed over (no hand-over mark): planned again, the attempt
    not counted. Best effort on a fresh connection; SENDING_STALE covers a failure here."""
    if not rows or connection.in_atomic_block:
        return
    connection.close()
    try:
        with scopes_disabled():
            Notification.objects.filter(pk__in=[row.pk for row in rows], status=Status.SENDING,
                                        attempt_id=rows[0].attempt_id, handed_over_at__isnull=True) \
                .update(status=Status.PLANNED, attempts=F("attempts") - 1, attempt_id=None, claimed_at=None)
    except DatabaseError:
        logger.warning("claimed notifications could not be given back; they are sendable again after %s",
                       SENDING_STALE, exc_info=True)


def wake_drains(count=None):
    """Publish drain tasks (NOTIFICATIONS_DRAINS by default, one per email worker slot); a drain that finds
    nothing ends after one query. False when the broker is unreachable (the next sweep wakes them)."""
    from .tasks import drain_outbox, publish

    for _ in range(count or settings.NOTIFICATIONS_DRAINS):
        if not publish(drain_outbox):
            return False
    return True


# ---------------------------------------------------------------- the sweep: the outbox is the source of truth

def notifications_sweep(*, now=None):
    """Every NOTIFICATIONS_SWEEP_SECONDS, across companies: fail dead attempts' rows that have no attempts left,
    and wake the drains when anything is sendable (due and never sent because the broker lost its wake, a retry
    whose time has come, a dead worker's claim). Returns (drains woken, failed)."""
    now = now or timezone.now()
    # Cross-tenant by nature: the sweep sees every company's outbox and only touches in-flight rows.
    with scopes_disabled(), transaction.atomic():
        failed = fail_abandoned(now=now)
        waiting = Notification.objects.filter(sendable(now)).exists()
    woken = settings.NOTIFICATIONS_DRAINS if waiting and wake_drains() else 0
    return woken, failed


def notification_retry(*, notification):
    """Admin's "try again" on a failed delivery: back to planned, sent after the transaction commits."""
    updated = Notification.objects.filter(pk=notification.pk, status=Status.FAILED).update(
        status=Status.PLANNED, attempts=0, due_at=timezone.now(), enqueued_at=timezone.now()
    )
    if updated:
        # Notifications are the worker's bookkeeping (not logged row by row); a person's retry is logged.
        record(action=AuditAction.STATE_CHANGE, company_id=notification.company_id, obj=notification,
               changes={"status": [Status.FAILED, Status.PLANNED]})
        transaction.on_commit(lambda: publish_sends([notification.pk]))
    return bool(updated)


# ---------------------------------------------------------------- in-app and choices

def notification_mark_read(*, notification, membership):
    if notification.recipient_id != membership.pk:
        raise Notification.DoesNotExist
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, membership):
    return membership.notifications.unread().update(read_at=timezone.now())


def email_choices_update(*, membership, choices):
    """Save {kind: on/off} for the optional kinds; mandatory kinds are ignored."""
    allowed = {k.value for k in OPTIONAL_KINDS}
    for kind, enabled in choices.items():
        if kind in allowed:
            NotificationPreference.objects.update_or_create(
                company=membership.company, membership=membership, kind=kind, defaults={"email_enabled": bool(enabled)}
            )


def unsubscribe(*, membership, kind):
    email_choices_update(membership=membership, choices={kind: False})


# ---------------------------------------------------------------- calendar feed

def calendar_feed_issue(*, membership):
    """Revoke the member's current feed and issue a new secret; returns the raw token (shown once in the URL)."""
    raw = new_feed_token()
    with transaction.atomic():
        calendar_feed_revoke(membership=membership)
        CalendarFeed.objects.create(company=membership.company, membership=membership, token_hash=hash_feed_token(raw))
    return raw


def calendar_feed_revoke(*, membership):
    return update_logged(CalendarFeed.objects.filter(membership=membership, revoked_at__isnull=True),
                         revoked_at=timezone.now())
