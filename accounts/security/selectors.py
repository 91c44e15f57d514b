"""Reads of the audit log: a company's entries, filtered."""

from datetime import datetime, time

from django.utils import timezone

from .models import AuditLogEntry


def audit_log_of(*, company, action=None, actor=None, date_from=None, date_to=None):
    """The company's entries, newest first; dates are whole days in the company's timezone."""
    rows = AuditLogEntry.objects.filter(company=company).select_related("actor")
    if action:
        rows = rows.filter(action=action)
    if actor is not None:
        rows = rows.filter(actor=actor)
    if date_from:
        rows = rows.filter(at__gte=timezone.make_aware(datetime.combine(date_from, time.min), company.tzinfo))
    if date_to:
        rows = rows.filter(at__lte=timezone.make_aware(datetime.combine(date_to, time.max), company.tzinfo))
    return rows.order_by("-at", "-pk")
