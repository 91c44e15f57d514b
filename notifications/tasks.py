"""Celery tasks: one beat tick that fans out per company, and one send task per notification (thin)."""

import logging

import kombu.exceptions
import redis.exceptions
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Company
from accounts.tasks import CompanyTask
from config.celery import app

from .services import MAX_ATTEMPTS, notification_deliver, notifications_plan

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


def due_company_ids(now):
    """Companies whose next round should open now, as a set of ids."""
    from audits.selectors import companies_due_for_round

    return {getattr(company, "pk", company) for company in companies_due_for_round(now=now)}


@app.task(acks_late=True, ignore_result=True)
def notifications_tick():
    """The single beat entry: for every active company, open a due round, mark overdue audits, plan reminders."""
    from audits.tasks import mark_overdue_for_company, open_round_for_company

    now = timezone.now()
    # Cross-tenant scan by nature: the tick only lists companies and hands each to its own scoped task.
    with scopes_disabled():
        company_ids = list(Company.objects.filter(is_suspended=False).order_by("pk").values_list("pk", flat=True))
        due = due_company_ids(now)
    published = 0
    for company_id in company_ids:
        tasks = [open_round_for_company] if company_id in due else []
        tasks += [mark_overdue_for_company, plan_notifications_for_company]
        for task in tasks:
            if not publish(task, company_id):
                return published  # broker down: every company waits for the next tick alike
            published += 1
    return published


@app.task(base=CompanyTask, bind=False, ignore_result=True)
def plan_notifications_for_company(company):
    return notifications_plan(company=company)


@app.task(bind=True, acks_late=True, max_retries=MAX_ATTEMPTS, ignore_result=True)
def send_notification(self, notification_id):
    """Send one notification exactly once (claimed by a conditional update); SMTP trouble retries with backoff."""
    outcome = notification_deliver(notification_id=notification_id)
    if outcome.result == "retry":
        raise self.retry(countdown=outcome.countdown)
    return outcome.result
