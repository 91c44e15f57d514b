"""Celery tasks: one beat tick that fans out per company, and one send task per notification (thin)."""

import logging

import kombu.exceptions
import redis.exceptions
from django.utils import timezone

from accounts.tasks import DATABASE_CONNECTION_ERRORS, CompanyTask, fresh_database_connection
from config.celery import app

from .services import (
    MAX_ATTEMPTS,
    companies_due_claim,
    companies_due_release,
    company_due_work,
    notification_deliver,
    notifications_plan,
    notifications_sweep,
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


@app.task(acks_late=True, ignore_result=True)
def notifications_tick():
    """The single beat entry: hand every company with something due now (a round to open, an audit turning
    overdue, a reminder, a digest, a send) to its own task. Companies with nothing due cost nothing."""
    company_ids = companies_due_claim(now=timezone.now())
    for position, company_id in enumerate(company_ids):
        if not publish(due_work_for_company, company_id):
            # Broker down: stop at once (no timeout per company); the rest are due again at the next tick.
            companies_due_release(ids=company_ids[position:])
            return position
    return len(company_ids)


@app.task(base=CompanyTask, bind=False, ignore_result=True)
def due_work_for_company(company):
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


@app.task(acks_late=True, ignore_result=True, max_retries=3, autoretry_for=DATABASE_CONNECTION_ERRORS,
          retry_backoff=True)
def notifications_sweep_task():
    """Beat, every NOTIFICATIONS_SWEEP_SECONDS: the outbox decides what still has to go out (lost broker
    messages are published again, dead workers' sends are settled); see services.notifications_sweep."""
    fresh_database_connection()
    republished, settled = notifications_sweep()
    return republished + settled
