"""Notification bench: plan for 1,000 companies × 10 departments with every audit due, then send.

Prints planning time, queries per company (at 5 and 20 departments: must be equal) and emails per
second with the locmem backend. Everything runs in one transaction that is rolled back at the end,
so the bench leaves the database as it found it (run it on a laptop database without fear).
"""

import datetime
import time

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.models import Company, Department, Membership, Role, User
from audits.models import DepartmentAudit, Questionnaire, Round

from .models import Notification, ReminderPolicy, Status
from .services import notification_deliver, notifications_plan

LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


class Rollback(Exception):
    """Raised to undo the bench's data."""


def build_companies(*, count, departments, now, tag):
    """Companies with an executive, `departments` heads and one overdue audit per department (bulk inserts)."""
    companies = Company.objects.bulk_create([
        Company(name=f"Bench {tag} {i}", slug=f"bench-{tag}-{i}", timezone="Europe/Moscow", language="en")
        for i in range(count)
    ])
    people = User.objects.bulk_create([
        User(email=f"bench-{tag}-{c}-{d}@example.com") for c in range(count) for d in range(departments + 1)
    ])
    memberships = Membership.objects.bulk_create([
        Membership(company=company, user=people[c * (departments + 1) + d],
                   role=Role.EXECUTIVE if d == departments else Role.DEPARTMENT_HEAD)
        for c, company in enumerate(companies) for d in range(departments + 1)
    ])
    depts = Department.objects.bulk_create([
        Department(company=company, name=f"Department {d}", head=memberships[c * (departments + 1) + d])
        for c, company in enumerate(companies) for d in range(departments)
    ])
    ReminderPolicy.objects.bulk_create([
        ReminderPolicy(company=company, send_window_start=datetime.time(0), send_window_end=datetime.time(23, 59),
                       skip_weekends=False) for company in companies
    ])
    questionnaires = Questionnaire.objects.bulk_create([
        Questionnaire(company=company, version=1, title="Bench", status="published") for company in companies
    ])
    rounds = Round.objects.bulk_create([
        Round(company=company, period="2026-Q4", period_start=datetime.date(2026, 10, 1),
              period_end=datetime.date(2026, 12, 31), questionnaire=questionnaire,
              opened_at=now - datetime.timedelta(days=20), deadline=now - datetime.timedelta(days=4))
        for company, questionnaire in zip(companies, questionnaires, strict=True)
    ])
    DepartmentAudit.objects.bulk_create([
        DepartmentAudit(company=companies[c], round=rounds[c], department=depts[c * departments + d],
                        deadline=rounds[c].deadline)
        for c in range(count) for d in range(departments)
    ])
    return companies


def plan_queries(company, now):
    with scope(company=company), CaptureQueriesContext(connection) as queries:
        notifications_plan(company=company, now=now)
    return len(queries)


def run(stdout, options):
    count = int(options.get("companies") or 1000)
    departments = int(options.get("departments") or 10)
    now = timezone.now()
    try:
        # Bench data is cross-tenant by nature (bulk inserts for many companies), then rolled back.
        with override_settings(MAILERS=LOCMEM), scopes_disabled(), transaction.atomic():
            measure(stdout, count=count, departments=departments, now=now)
            raise Rollback
    except Rollback:
        stdout.write("bench data rolled back")


def measure(stdout, *, count, departments, now):
    started = time.perf_counter()
    companies = build_companies(count=count, departments=departments, now=now, tag="main")
    stdout.write(f"built {count} companies × {departments} departments in {time.perf_counter() - started:.1f} s")

    small, large = (build_companies(count=1, departments=size, now=now, tag=f"q{size}")[0] for size in (5, 20))
    per_company = {5: plan_queries(small, now), 20: plan_queries(large, now)}
    stdout.write(f"queries per company: {per_company[5]} at 5 departments, {per_company[20]} at 20 departments"
                 f" ({'constant' if per_company[5] == per_company[20] else 'GROWS'})")

    # The send tasks are queued on commit; the rolled-back transaction never commits, so nothing is published.
    started = time.perf_counter()
    for company in companies:
        with scope(company=company):
            notifications_plan(company=company, now=now)
    elapsed = time.perf_counter() - started
    planned = Notification.objects.filter(company__in=companies).count()
    stdout.write(f"planning: {count} companies in {elapsed:.2f} s ({elapsed / count * 1000:.1f} ms per company), "
                 f"{planned} notifications planned")

    sample = list(Notification.objects.filter(company__in=companies, status=Status.PLANNED)
                  .order_by("pk").values_list("pk", flat=True)[:2000])
    started = time.perf_counter()
    sent = sum(notification_deliver(notification_id=pk).result == "sent" for pk in sample)
    elapsed = time.perf_counter() - started
    stdout.write(f"sending: {sent} emails in {elapsed:.2f} s = {sent / elapsed:.0f} emails/s (locmem backend, "
                 f"claim + render HTML and text + send + mark sent)")
