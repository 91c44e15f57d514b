"""Celery plumbing for tenant work: a task base class that loads the company and enters its scope."""

import logging

from celery import Task
from celery.signals import task_prerun
from django.db import InterfaceError, OperationalError, connection
from django_scopes import scope

from .models import Company

logger = logging.getLogger(__name__)


# What a lost database connection raises (restart, failover, pg_terminate_backend): worth retrying idempotent tasks.
DATABASE_CONNECTION_ERRORS = (OperationalError, InterfaceError)


def fresh_database_connection():
    """Start a task on a usable connection: one the database dropped since the last task is closed here (and
    reopened by the first query) instead of failing the task. Celery's worker closes connections around every
    task too; this also covers tasks run in-process. Never inside a transaction, which must keep its connection.
    """
    if not connection.in_atomic_block:
        connection.close_if_unusable_or_obsolete()


@task_prerun.connect
def start_on_usable_connection(**kwargs):
    """Before every task, in the worker and in-process alike: the worker's Celery Django fixup already closes every
    connection before and after each task; run in-process (eager), only this replaces a connection that died."""
    fresh_database_connection()


class CompanyTask(Task):
    """Base for tasks about one company: the first argument is `company_id`.

    The task body runs inside `scope(company=...)` with the loaded company as its first
    argument; a missing or suspended company skips the work (its tasks stop).
    """

    abstract = True
    acks_late = True
    # Company tasks are idempotent, so a dropped database connection is retried (with backoff) instead of failing.
    autoretry_for = DATABASE_CONNECTION_ERRORS
    max_retries = 5
    retry_backoff = True
    retry_backoff_max = 600
    retry_jitter = True

    def __call__(self, company_id, *args, **kwargs):
        fresh_database_connection()
        company = Company.objects.filter(pk=company_id).first()
        if company is None:
            logger.info("task %s skipped: company %s no longer exists", self.name, company_id)
            return None
        if company.is_suspended:
            logger.info("task %s skipped: company %s is suspended", self.name, company.slug)
            return None
        with scope(company=company):
            return self.run(company, *args, **kwargs)
