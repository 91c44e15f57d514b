"""Celery tasks: one beat tick that fans out batches of due companies, and one send task per notification (thin)."""

import logging

import kombu.exceptions
import redis.exceptions
from django.utils import timezone
from django_scopes import scope

from accounts.models import Company
from accounts.tasks import DATABASE_CONNECTION_ERRORS, CompanyTask, fresh_database_connection
from config.celery import app

from .services import (
    COMPANIES_PER_TASK,
    MAX_ATTEMPTS,
    companies_due_claim,
    companies_due_release,
    companies_due_work,
    company_due_work,
    notification_deliver,
    notifications_plan,
    notifications_sweep,
    outbox_drain,
)

logger = logging.getLogger(__name__)

# What a publish raises when the broker does not answer (kombu wraps most; the Redis client leaks some).
BROKER_ERRORS = (
    kombu.exceptions.OperationalError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    ConnectionError,
    TimeoutError,
    OSError,
)


def publish(task, *args):
    """Publish one task; False when the broker is unreachable (the caller stops, the next tick retries)."""
    try:
        task.apply_async(args=list(args))
    except BROKER_ERRORS as exc:
        logger.warning("broker unavailable, %s(%s) waits for the next tick: %s", task.name, args, exc)
        return False
    return True


# A lost database connection retries: the lease taken by companies_due_claim keeps a retry from planning twice.
@app.task(acks_late=True, ignore_result=True, max_retries=3, autoretry_for=DATABASE_CONNECTION_ERRORS,
          retry_backoff=True, retry_jitter=True)
def notifications_tick():
    """The single beat entry: hand every company with something due now (a round to open, an audit turning
    overdue, a reminder, a digest, a send) to a task, COMPANIES_PER_TASK to a task. Companies with nothing due
    cost nothing."""
    company_ids = companies_due_claim(now=timezone.now())
    for position in range(0, len(company_ids), COMPANIES_PER_TASK):
        if not publish(due_work_for_companies, company_ids[position:position + COMPANIES_PER_TASK]):
            # Broker down: stop at once (no timeout per batch); the rest are due again at the next tick.
            companies_due_release(ids=company_ids[position:])
            return position
    return len(company_ids)


@app.task(acks_late=True, ignore_result=True, autoretry_for=DATABASE_CONNECTION_ERRORS, max_retries=5,
          retry_backoff=True, retry_backoff_max=600, retry_jitter=True)
def due_work_for_companies(company_ids):
    """A batch of due companies, planned together inside a scope of exactly these companies (missing and
    suspended ones skipped). When the batch fails, each company is tried alone, so one company's fault delays
    only that company (it is due again when its lease ends)."""
    fresh_database_connection()
    companies = list(Company.objects.filter(pk__in=company_ids, is_suspended=False).order_by("pk"))
    if not companies:
        return 0
    try:
        with scope(company=companies):
            return companies_due_work(companies=companies)
    except DATABASE_CONNECTION_ERRORS:
        raise
    except Exception:
        if len(companies) == 1:
            raise
        logger.exception("due work failed for a batch of %d companies; trying each alone", len(companies))
    created = 0
    for company in companies:
        try:
            with scope(company=company):
                created += company_due_work(company=company)
        except DATABASE_CONNECTION_ERRORS:
            raise
        except Exception:
            logger.exception("due work failed for company %s", company.slug)
    return created


@app.task(base=CompanyTask, bind=False, ignore_result=True)
def due_work_for_company(company):
    """One company's due work (messages published before batches existed still arrive here)."""
    return company_due_work(company=company)


@app.task(base=CompanyTask, bind=False, ignore_result=True)
def plan_notifications_for_company(company):
    return notifications_plan(company=company)


@app.task(bind=True, acks_late=True, max_retries=MAX_ATTEMPTS, ignore_result=True,
          autoretry_for=DATABASE_CONNECTION_ERRORS, retry_backoff=True, retry_jitter=True)
def send_notification(self, notification_id):
    """Send one notification exactly once (claimed by a conditional update); SMTP trouble retries with backoff.
    A lost database connection retries too: the claim and the hand-over mark make a rerun harmless."""
    fresh_database_connection()
    outcome = notification_deliver(notification_id=notification_id)
    if outcome.result == "retry":
        raise self.retry(countdown=outcome.countdown)
    return outcome.result


# No acks_late: a drain killed mid-run needs no redelivery (its rows become sendable again by themselves and the
# next sweep wakes new drains). A lost database connection retries: the rows it held were given back first.
@app.task(ignore_result=True, autoretry_for=DATABASE_CONNECTION_ERRORS, max_retries=5, retry_backoff=1,
          retry_backoff_max=10, retry_jitter=True)
def drain_outbox():
    """Send what the outbox holds, every company's, earliest due first (services.outbox_drain); when its time is
    up with rows perhaps left, a fresh drain takes over."""
    fresh_database_connection()
    outcomes, more = outbox_drain()
    if more:
        publish(drain_outbox)
    return outcomes


@app.task(acks_late=True, ignore_result=True, max_retries=3, autoretry_for=DATABASE_CONNECTION_ERRORS,
          retry_backoff=True)
def notifications_sweep_task():
    """Beat, every NOTIFICATIONS_SWEEP_SECONDS: the outbox decides what still has to go out (drains are woken
    for rows the broker lost or a dead worker left, rows out of attempts are failed); see
    services.notifications_sweep."""
    fresh_database_connection()
    woken, failed = notifications_sweep()
    return woken + failed
