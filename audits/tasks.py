"""Celery tasks about one company's audits: thin, idempotent, scheduled by notifications' beat tick."""

import logging

from django.core.exceptions import ValidationError

from accounts.tasks import CompanyTask
from config.celery import app

from . import services

logger = logging.getLogger(__name__)


@app.task(base=CompanyTask, bind=False, ignore_result=True)
def open_round_for_company(company):
    """Open the company's current round; a second run (or a second worker) finds it open and does nothing."""
    try:
        round, created = services.round_open(company=company)
    except ValidationError as exc:
        # Nothing to open with (no published questionnaire, empty matrix): retrying would not help.
        logger.warning("round not opened for %s: %s", company.slug, "; ".join(exc.messages))
        return None
    return round.period if created else None


@app.task(base=CompanyTask, bind=False, ignore_result=True)
def mark_overdue_for_company(company):
    """Mark the company's audits past their deadline as overdue; returns how many changed."""
    return services.audits_mark_overdue(company=company)


@app.task(base=CompanyTask, bind=False, ignore_result=True)
def run_history_import(company, history_import_id):
    """Run a confirmed history import; a redelivered task finds it claimed and does nothing."""
    from .imports_apply import history_fail, history_run
    from .models import HistoryImport

    found = HistoryImport.objects.filter(company=company, pk=history_import_id).first()
    if found is None:
        return None
    try:
        return history_run(history_import=found).status
    except Exception:
        logger.exception("history import %s of %s failed", history_import_id, company.slug)
        history_fail(history_import=found)
        raise
