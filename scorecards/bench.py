"""Scorecard import benchmark: preview and apply of a 10,000-row activity CSV (20 managers × 500 days),
then the same file again (every row an update). `manage.py bench --only scorecards` runs it.
"""

import datetime
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from accounts.models import Company, Membership, Role, User
from accounts.services import company_delete_by_slug

from . import imports, services
from .models import ActivityEntry

SLUG = "bench-scorecards"
ROWS, MANAGERS = 10_000, 20
TODAY = datetime.date(2026, 6, 30)


def build_company():
    """A throw-away company with an admin and MANAGERS sales managers; returns (company, admin, emails)."""
    # Management code working on one throw-away tenant before any scope exists.
    with scopes_disabled():
        company_delete_by_slug(slug=SLUG)
        company = Company.objects.create(name="Bench Scorecards", slug=SLUG, language="en")
        admin, _ = User.objects.get_or_create(email="bench-scorecards-admin@example.invalid")
        Membership.objects.create(company=company, user=admin, role=Role.ADMIN)
        emails = [f"bench-scorecards-{n:02d}@example.invalid" for n in range(MANAGERS)]
        for email in emails:
            user, _ = User.objects.get_or_create(email=email)
            Membership.objects.create(company=company, user=user, role=Role.SALES_MANAGER)
    return company, admin, emails


def csv_bytes(emails, rows=ROWS):
    """A semicolon CSV in Windows-1251 with Russian headers, as Excel in Russia saves it."""
    start = TODAY - datetime.timedelta(days=rows // len(emails) + 1)
    lines = ["Почта;Дата;Звонки;Встречи;КП"]
    for n in range(rows):
        day = start + datetime.timedelta(days=n // len(emails))
        lines.append(f"{emails[n % len(emails)]};{day.strftime('%d.%m.%Y')};{n % 50};{n % 4};{n % 3}")
    return ("\n".join(lines) + "\n").encode("cp1251")


def timed(action):
    with CaptureQueriesContext(connection) as queries:
        began = time.perf_counter()
        result = action()
        elapsed = time.perf_counter() - began
    return result, elapsed, len(queries)


def run(stdout, options):
    company, admin, emails = build_company()
    content = csv_bytes(emails)
    stdout.write(f"{connection.vendor}: {ROWS:,} rows, {len(content) / 2**20:.2f} MB, {MANAGERS} managers")
    try:
        with scope(company=company):
            result, elapsed, queries = timed(lambda: imports.preview(
                company=company, file_name="activity.csv", content=content, today=TODAY))
            assert result.ok, result.file_errors or result.error_rows[:3]
            stdout.write(f"  preview:              {elapsed:6.2f} s, {queries} queries")
            for label in ("apply (all new):      ", "apply again (updates):"):
                batch = services.upload_create(company=company, by=admin, file_name="activity.csv", content=content)
                (result, summary), elapsed, queries = timed(lambda b=batch: services.upload_apply(batch=b, today=TODAY))
                assert summary is not None, result.error_rows[:3]
                stdout.write(f"  {label} {elapsed:6.2f} s, {queries} queries, {summary}")
            stdout.write(f"  rows stored: {ActivityEntry.objects.filter(company=company).count():,}")
    finally:
        with scopes_disabled():
            company_delete_by_slug(slug=SLUG)
