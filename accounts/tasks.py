"""Celery plumbing for tenant work: a task base class that loads the company and enters its scope."""

import logging

from celery import Task
from django_scopes import scope

from .models import Company

logger = logging.getLogger(__name__)


class CompanyTask(Task):
    """Base for tasks about one company: the first argument is `company_id`.

    The task body runs inside `scope(company=...)` with the loaded company as its first
    argument; a missing or suspended company skips the work (its tasks stop).
    """

    abstract = True
    acks_late = True
    max_retries = 5
    retry_backoff = True
    retry_backoff_max = 600
    retry_jitter = True

    def __call__(self, company_id, *args, **kwargs):
        company = Company.objects.filter(pk=company_id).first()
        if company is None:
            logger.info("task %s skipped: company %s no longer exists", self.name, company_id)
            return None
        if company.is_suspended:
            logger.info("task %s skipped: company %s is suspended", self.name, company.slug)
            return None
        with scope(company=company):
            return self.run(company, *args, **kwargs)
