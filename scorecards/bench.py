"""Scorecard import benchmark: preview and apply of a 10,000-row activity CSV (20 managers × 500 days),
then the same file again (every row an update); then 10,000-row plans and ratings files (200 managers ×
50 quarters), previewed and applied. Prints seconds, queries and rows per second for each step.
`manage.py bench --only scorecards` runs it.
"""

import datetime
import time

from django.db import connection
from django_scopes import scope, scopes_disabled

from accounts import benchtable
from accounts.models import Company, Membership, Role, User
from accounts.services import company_delete_by_slug
from audits.periods import QUARTERLY, period_containing

from . import imports, services
from .models import ActivityEntry, KnowledgeRating, PlanResult

SLUG = "bench-scorecards"
ROWS, MANAGERS = 10_000, 20
PERIOD_MANAGERS = 200  # plans and ratings: 200 managers × 50 quarters
TODAY = datetime.date(2026, 6, 30)
TARGET_SECONDS = 5  # issue 13: a 10,000-row file imports in at most 5 s on PostgreSQL (preview + confirm)
TARGET_QUERIES = 25  # a constant number of queries whatever the file's size


def build_company(managers=PERIOD_MANAGERS):
    """A throw-away company with an admin and `managers` sales managers; returns (company, admin, emails)."""
    # Management code working on one throw-away tenant before any scope exists.
    with scopes_disabled():
        company_delete_by_slug(slug=SLUG)
        company = Company.objects.create(name="Bench Scorecards", slug=SLUG, language="en")
        admin, _ = User.objects.get_or_create(email="bench-scorecards-admin@example.invalid")
        Membership.objects.create(company=company, user=admin, role=Role.ADMIN)
        emails = [f"bench-scorecards-{n:03d}@example.invalid" for n in range(managers)]
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


def period_csv(kind, emails, rows=ROWS):
    """Plans or ratings, one row per manager and quarter, newest quarter first, Russian headers, cp1251."""
    header = {"plans": "Почта;Период;План сделок;Выиграно сделок;План выручки;Выручка",
              "ratings": "Почта;Период;Оценка;Примечание"}[kind]
    lines, period = [header], period_containing(TODAY, QUARTERLY)
    while len(lines) <= rows:
        for n, email in enumerate(emails[:rows - len(lines) + 1]):
            if kind == "plans":
                lines.append(f"{email};{period.name};{10 + n % 5};{n % 12};{1_000_000 + n * 1000};{n * 9000},50")
            else:
                lines.append(f"{email};{period.name};{40 + n % 60};")
        period = period.previous()
    return ("\n".join(lines) + "\n").encode("cp1251")


def timed(action):
    with benchtable.CountedQueries(connection) as queries:
        began = time.perf_counter()
        result = action()
        elapsed = time.perf_counter() - began
    return result, elapsed, len(queries)


def _rate(rows, seconds):
    return f"{rows / seconds:8,.0f} rows/s" if seconds else ""


def _bench_kind(stdout, *, company, admin, kind, content, rows):
    result, previewed, queries = timed(lambda: imports.preview(
        company=company, file_name=f"{kind}.csv", content=content, today=TODAY, kind=kind))
    assert result.ok, result.file_errors or [r.errors for r in result.error_rows[:3]]
    stdout.write(f"  {kind:8} preview:              {previewed:6.2f} s, {queries} queries, {_rate(rows, previewed)}")
    batch = services.upload_create(company=company, by=admin, file_name=f"{kind}.csv", content=content, kind=kind)
    (result, summary), elapsed, queries = timed(lambda: services.upload_apply(batch=batch, today=TODAY))
    assert summary is not None, result.file_errors or [r.errors for r in result.error_rows[:3]]
    stdout.write(f"  {kind:8} check + apply:         {elapsed:6.2f} s, {queries} queries, {_rate(rows, elapsed)}, "
                 f"{summary}")
    benchtable.add(f"scorecard {kind} import, {rows:,} rows: preview + confirm", value=previewed + elapsed,
                   target=TARGET_SECONDS, unit="s", timing=True)
    benchtable.add(f"scorecard {kind} import: queries of the confirm", value=queries, target=TARGET_QUERIES,
                   unit="queries")


def run(stdout, options):
    company, admin, emails = build_company()
    content = csv_bytes(emails[:MANAGERS])
    stdout.write(f"{connection.vendor}: {ROWS:,} rows, {len(content) / 2**20:.2f} MB, {MANAGERS} managers")
    try:
        with scope(company=company):
            result, previewed, queries = timed(lambda: imports.preview(
                company=company, file_name="activity.csv", content=content, today=TODAY))
            assert result.ok, result.file_errors or result.error_rows[:3]
            stdout.write(f"  preview:              {previewed:6.2f} s, {queries} queries, {_rate(ROWS, previewed)}")
            for label, data in (("apply (all new):      ", content),
                                ("apply again (updates):", content + b"\n")):
                # The second file differs by a trailing empty line: the very same file would be refused as
                # already imported, and the bench measures replacing every row.
                batch = services.upload_create(company=company, by=admin, file_name="activity.csv", content=data)
                (result, summary), elapsed, queries = timed(lambda b=batch: services.upload_apply(batch=b, today=TODAY))
                assert summary is not None, result.error_rows[:3] or result.already
                stdout.write(f"  {label} {elapsed:6.2f} s, {queries} queries, {_rate(ROWS, elapsed)}, {summary}")
                if summary["created"]:
                    benchtable.add(f"scorecard activity import, {ROWS:,} rows: preview + confirm",
                                   value=previewed + elapsed, target=TARGET_SECONDS, unit="s", timing=True)
            stdout.write(f"  rows stored: {ActivityEntry.objects.filter(company=company).count():,}")
            for kind in ("plans", "ratings"):
                _bench_kind(stdout, company=company, admin=admin, kind=kind, content=period_csv(kind, emails),
                            rows=ROWS)
            stdout.write(f"  rows stored: {PlanResult.objects.filter(company=company).count():,} plans, "
                         f"{KnowledgeRating.objects.filter(company=company).count():,} ratings")
    finally:
        with scopes_disabled():
            company_delete_by_slug(slug=SLUG)
