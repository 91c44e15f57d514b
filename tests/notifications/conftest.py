"""Helpers for notification tests: an open audit of Alpha's sales department with a deadline."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import DepartmentAuditFactory, RoundFactory

# Tuesday 2026-11-03 10:00 in Moscow (UTC+3): inside the default send window, a day after the digest.
TUESDAY_10_MSK = datetime.datetime(2026, 11, 3, 7, 0, tzinfo=datetime.UTC)


@pytest.fixture
def open_audit(alpha):
    """Alpha's sales audit, opened now with a deadline in 14 days."""

    def make(*, opened_at=None, deadline=None, department="sales", round=None):
        opened_at = opened_at or timezone.now()
        deadline = deadline or opened_at + datetime.timedelta(days=14)
        round = round or RoundFactory(company=alpha.company, opened_at=opened_at, deadline=deadline)
        return DepartmentAuditFactory(round=round, department=alpha.departments[department], deadline=deadline)

    return make


@pytest.fixture
def plan(django_capture_on_commit_callbacks):
    """Run the company's planning as the task does, executing the after-commit sends."""
    from django_scopes import scope

    from notifications.services import notifications_plan

    def run(company, now=None):
        with scope(company=company), django_capture_on_commit_callbacks(execute=True):
            return notifications_plan(company=company, now=now)

    return run
