"""Writes for notifications: planning rows, claiming and sending them exactly once, member choices."""

import datetime
import logging
import random
import smtplib
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.security.audit import record, update_logged
from accounts.security.models import AuditAction
from audits.models import AuditStatus

from . import schedule, selectors
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
# A row left in "sending" this long belongs to a dead worker; it may be claimed again.
SENDING_STALE = datetime.timedelta(minutes=15)
MAX_SENDS_PER_TICK = 500
ASSIGNMENT_LOOKBACK = datetime.timedelta(days=2)
ACTION_OVERDUE_LOOKBACK = datetime.timedelta(days=14)
DIGEST_LOOKBACK = datetime.timedelta(hours=24)


# ---------------------------------------------------------------- policy

def reminder_policy_ensure(*, company):
    """The company's policy, created with the defaults on first use (idempotent)."""
    policy, _created = ReminderPolicy.objects.get_or_create(company=company)
    return policy


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
    return policy


# ---------------------------------------------------------------- planning

def notifications_plan(*, company, now=None):
    """Create the notification rows that have fallen due and queue the sends; returns rows created.

    Idempotent: every row has a unique dedupe key, so two beats, a rerun or two workers never
    double a notification. The number of queries does not grow with departments or people.
    """
    now = now or timezone.now()
    policy = reminder_policy_ensure(company=company)
    with transaction.atomic():
        candidates = audit_candidates(company=company, policy=policy, now=now)
        candidates += action_item_candidates(company=company, policy=policy, now=now)
        slot = digest_slot_due(company=company, policy=policy, now=now)
        created = insert_new(company=company, policy=policy, candidates=candidates, digest_slot=slot, now=now)
        fail_abandoned(company=company, now=now)
        enqueue_due(company=company, now=now)
    return created


def row(*, company, recipient, kind, key, now, policy, **subject):
    send_at = schedule.next_send_time(now, policy=policy, tz=company.tzinfo)
    return Notification(company=company, recipient=recipient, kind=kind, dedupe_key=f"{key}:m{recipient.pk}",
                        created_at=now, due_at=send_at, **subject)


def audit_candidates(*, company, policy, now):
    """Reminders, overdue notices and escalations of every open department audit."""
    audits = list(selectors.open_audits_of(company=company))
    members = {}
    if policy.remind_department_members and audits:
        members = selectors.department_members_of(company=company, department_ids={a.department_id for a in audits})
    executives = None
    tz = company.tzinfo
    rows = []
    for audit in audits:
        head = audit.department.head
        people = [head] if head is not None and head.is_active else []
        people += [m for m in members.get(audit.department_id, []) if m not in people]
        chain = schedule.before_deadline_chain(opened_at=audit.round.opened_at, deadline=audit.deadline,
                                               policy=policy, tz=tz)
        if audit.deadline <= now:
            occurrences = [schedule.overdue_occurrence(deadline=audit.deadline, policy=policy, now=now)]
        else:
            occurrences = schedule.due_now(chain, now)
        payload = audit_payload(audit, head)
        for occurrence in occurrences:
            rows += [row(company=company, recipient=person, kind=occurrence.kind, now=now, policy=policy,
                         key=f"{occurrence.kind}:a{audit.pk}:{occurrence.name}", audit=audit,
                         round=audit.round, payload={**payload, **occurrence.extra}) for person in people]
        escalation = schedule.escalation_occurrence(deadline=audit.deadline, policy=policy, now=now)
        if escalation is not None:
            executives = selectors.executives_of(company=company) if executives is None else executives
            for person in executives:
                rows.append(row(company=company, recipient=person, kind=escalation.kind, now=now, policy=policy,
                                key=f"{escalation.kind}:a{audit.pk}:{escalation.name}", audit=audit,
                                round=audit.round, payload=payload))
    return rows


def audit_payload(audit, head):
    return {"department": audit.department.name, "period": audit.round.period,
            "head": head.user.display_name if head is not None else ""}


def action_item_candidates(*, company, policy, now):
    """Assignment, due-tomorrow and overdue notices for open action items with an owner."""
    rows = []
    for item in selectors.open_action_items_of(company=company):
        subject = {"action_item": item, "payload": {"title": item.title,
                                                    "due": item.due_date.isoformat() if item.due_date else ""}}
        assigned_recently = max(item.created_at, item.updated_at) >= now - ASSIGNMENT_LOOKBACK
        if assigned_recently and item.created_by_id != item.owner.user_id:
            rows.append(row(company=company, recipient=item.owner, kind=Kind.ACTION_ASSIGNED, now=now,
                            policy=policy, key=f"{Kind.ACTION_ASSIGNED}:i{item.pk}", **subject))
        occurrence = schedule.action_item_occurrences(due_date=item.due_date, tz=company.tzinfo, now=now)
        if occurrence is None:
            continue
        stale = occurrence.kind == Kind.ACTION_OVERDUE and occurrence.at < now - ACTION_OVERDUE_LOOKBACK
        if not stale:
            rows.append(row(company=company, recipient=item.owner, kind=occurrence.kind, now=now, policy=policy,
                            key=f"{occurrence.kind}:i{item.pk}:{item.due_date.isoformat()}", **subject))
    return rows


def digest_slot_due(*, company, policy, now):
    """This week's digest moment when it has just passed, else None."""
    slot = schedule.digest_slot(policy=policy, tz=company.tzinfo, now=now)
    if slot < now - DIGEST_LOOKBACK:
        return None
    return slot


def insert_new(*, company, policy, candidates, digest_slot, now):
    """Insert the rows whose keys do not exist yet; a concurrent planner's rows are ignored, not doubled."""
    digest_rows = []
    if digest_slot is not None:
        executives = selectors.executives_of(company=company)
        digest_rows = [row(company=company, recipient=person, kind=Kind.DIGEST, now=now, policy=policy,
                           key=f"{Kind.DIGEST}:{digest_slot.date().isoformat()}") for person in executives]
    keys = [c.dedupe_key for c in candidates + digest_rows]
    if not keys:
        return 0
    existing = set(Notification.objects.filter(company=company, dedupe_key__in=keys)
                   .values_list("dedupe_key", flat=True))
    new = [c for c in candidates if c.dedupe_key not in existing]
    new_digests = [d for d in digest_rows if d.dedupe_key not in existing]
    if new_digests:
        # Computed only when someone still lacks this week's digest: a few queries, once a week.
        content = selectors.digest_content(company=company, now=now, since=digest_slot - datetime.timedelta(days=7))
        if content is not None:
            for d in new_digests:
                d.payload = content
            new += new_digests
    Notification.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
    return len(new)


def fail_abandoned(*, company, now):
    """Rows stuck in "sending" after every attempt was used: record the failure instead of retrying forever."""
    Notification.objects.filter(
        company=company, status=Status.SENDING, claimed_at__lt=now - SENDING_STALE, attempts__gte=MAX_ATTEMPTS
    ).update(status=Status.FAILED, last_error="The worker stopped while sending, and no attempts are left.")


def enqueue_due(*, company, now):
    """Mark the due rows as queued and publish one send task per row after the transaction commits."""
    ids = selectors.due_notification_ids(company=company, now=now, enqueue_stale=ENQUEUE_STALE,
                                         sending_stale=SENDING_STALE, max_attempts=MAX_ATTEMPTS,
                                         limit=MAX_SENDS_PER_TICK)
    if ids:
        Notification.objects.filter(company=company, pk__in=ids).update(enqueued_at=now)
        transaction.on_commit(lambda: publish_sends(ids))
    return ids


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

@dataclass(frozen=True)
class Outcome:
    result: str  # sent, skipped, not_claimed, retry, failed
    countdown: float = 0


def notification_claim(*, notification_id, now):
    """The conditional UPDATE that makes sending exactly-once: only one caller turns the row to "sending"."""
    # Cross-tenant by nature: a worker holds only the id; the company is read from the row it claims.
    with scopes_disabled():
        return Notification.objects.filter(pk=notification_id).filter(
            Q(status=Status.PLANNED, due_at__lte=now)
            | Q(status=Status.SENDING, claimed_at__lt=now - SENDING_STALE, attempts__lt=MAX_ATTEMPTS)
        ).update(status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1) == 1


def notification_deliver(*, notification_id, now=None):
    """Claim one notification, decide whether it is still wanted, send it; report what happened."""
    now = now or timezone.now()
    if not notification_claim(notification_id=notification_id, now=now):
        return Outcome("not_claimed")
    with scopes_disabled():  # the row was just claimed by id; its company scope is entered right below
        notification = Notification.objects.select_related(
            "company", "recipient__user", "audit__department__head__user", "audit__round", "action_item",
        ).get(pk=notification_id)
    with scope(company=notification.company):
        reason = skip_reason_for(notification)
        if reason:
            finish(notification, status=Status.SKIPPED, skip_reason=reason)
            return Outcome("skipped")
        return send_claimed(notification, now=now)


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


def send_claimed(notification, *, now):
    from .emails import send_notification_email

    try:
        send_notification_email(notification)
    except PERMANENT_SMTP_ERRORS as exc:
        return record_failure(notification, exc)
    except TRANSIENT_SMTP_ERRORS as exc:
        if is_permanent(exc) or notification.attempts >= MAX_ATTEMPTS:
            return record_failure(notification, exc)
        return reschedule(notification, exc, now=now)
    except Exception as exc:  # noqa: BLE001 – a rendering bug must be recorded, not retried forever
        logger.exception("notification %s could not be rendered or sent", notification.pk)
        return record_failure(notification, exc)
    finish(notification, status=Status.SENT, sent_at=timezone.now(), last_error="")
    return Outcome("sent")


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
    """Leave the "sending" state; conditional, so a row another worker re-claimed is not overwritten."""
    Notification.objects.filter(pk=notification.pk, status=Status.SENDING, claimed_at=notification.claimed_at) \
        .update(**fields)
    for name, value in fields.items():
        setattr(notification, name, value)


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
