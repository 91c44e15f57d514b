"""Audit page bench: median time of one autosaved answer (the JSON endpoint) and of a submit (with scoring).

Builds a demo-like company (eight quarters of history through audits.demo.build), then drives the pages
with Django's test client as the head of the department with the most factors: `runs` answer saves, and `runs` submits (each
submit is followed by an untimed reopen). Everything runs in one transaction rolled back at the end, so
the database is left as it was found. Options: runs (default 50).
"""

import statistics
import time

from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from accounts import benchtable
from accounts.models import Company, Department, Membership, Role, User

from . import demo, services
from .models import OPEN_STATUSES, QuestionKind

DEPARTMENTS = ("Management", "Sales", "Marketing", "Product", "IT")


class Rollback(Exception):
    """Raised to undo the bench's data."""


def build_company(tag):
    """A company like the demo one: five departments with heads, an admin, eight quarters of audits."""
    company = Company.objects.create(name=f"Bench audits {tag}", slug=f"bench-audits-{tag}", timezone="Europe/Moscow",
                                     language="en")
    admin = User.objects.create(email=f"bench-admin-{tag}@example.com")
    Membership.objects.create(company=company, user=admin, role=Role.ADMIN)
    for name in DEPARTMENTS:
        department = Department.objects.create(company=company, name=name)
        user = User.objects.create(email=f"bench-{name.lower()}-{tag}@example.com")
        department.head = Membership.objects.create(company=company, user=user, role=Role.DEPARTMENT_HEAD,
                                                    department=department)
        department.save(update_fields=["head"])
    demo.build(company=company, progress=lambda message: None)
    return company


def open_biggest_audit(company):
    """The latest round's audit with the most factors (reopened if needed, started from last round), its head."""
    with scope(company=company):
        latest = company.audit_rounds.order_by("-period_start").first()
        audit = latest.audits.annotate(factor_count=Count("factors")).select_related("department__head__user") \
            .order_by("-factor_count", "pk").first()
        if audit.status not in OPEN_STATUSES:
            services.audit_reopen(audit=audit, by=None, reason="bench")
        services.answers_copy_from_previous(audit=audit, by=None)
        return audit, audit.department.head.user, list(services.audit_questions(audit))


QUERIES = []  # queries of each timed POST of the current section
CPU = []  # CPU milliseconds of this process for each timed POST of the current section


def timed(client, target, data=None):
    """(milliseconds, response) of one POST; its query count goes to QUERIES."""
    with benchtable.CountedQueries(connection) as captured:
        started, cpu = time.perf_counter(), time.process_time()
        response = client.post(target, data or {})
        elapsed = (time.perf_counter() - started) * 1000
        CPU.append((time.process_time() - cpu) * 1000)
    QUERIES.append(len(captured))
    return elapsed, response


def bench_answer_save(client, audit, questions, runs):
    scale = [question for question in questions if question.kind == QuestionKind.SCALE]
    target = reverse("audits:answer_save", kwargs={"company_slug": audit.company.slug, "audit_pk": audit.pk})
    times = []
    for run in range(runs):
        question = scale[run % len(scale)]
        data = {"question": question.pk, f"q{question.pk}-scale_value": str(run % 5 + 1),
                f"q{question.pk}-comment": f"bench {run}"}
        elapsed, response = timed(client, target, data)
        assert response.status_code == 200, response.content
        times.append(elapsed)
    return times


def bench_submit(client, audit, questions, runs):
    """Answer every required question once, then submit and (untimed) reopen `runs` times."""
    with scope(company=audit.company):
        for question in questions:
            if question.kind == QuestionKind.SCALE:
                services.answer_save(audit=audit, question=question, by=None, scale_value=3)
            elif question.kind == QuestionKind.YES_NO:
                services.answer_save(audit=audit, question=question, by=None, bool_value=True)
            elif question.kind == QuestionKind.NUMBER:
                services.answer_save(audit=audit, question=question, by=None, number_value=5)
            else:
                services.answer_save(audit=audit, question=question, by=None, text_value="bench")
    target = reverse("audits:audit_submit", kwargs={"company_slug": audit.company.slug, "audit_pk": audit.pk})
    times = []
    for _run in range(runs):
        elapsed, response = timed(client, target)
        assert response.status_code == 302, response.content
        times.append(elapsed)
        with scope(company=audit.company):
            services.audit_reopen(audit=audit, by=None, reason="bench")
    return times


def describe(name, times):
    queries = f", {max(QUERIES)} queries" if QUERIES else ""
    return (f"{name}: median {statistics.median(times):.1f} ms, p90 {statistics.quantiles(times, n=10)[-1]:.1f} ms "
            f"over {len(times)} runs{queries}")


def cpu_line(name):
    """The section's median CPU time of this process: what a loaded machine's waiting leaves out (on SQLite the
    database works in this process too; on PostgreSQL the server's share is not in it)."""
    return f"{name}: CPU of this process median {statistics.median(CPU):.1f} ms"


def measured(section):
    """(times, most queries of one request) of a bench section."""
    QUERIES.clear()
    CPU.clear()
    times = section()
    return times, max(QUERIES)


def run(stdout, options=None):
    options = options or {}
    runs = int(options.get("runs") or (15 if options.get("quick") else 50))
    tag = str(int(time.time()))
    # As in Django's TestCase: the client's requests must not close the connection holding the bench transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        # Bench data for a throwaway company is created outside any request, then rolled back.
        with override_settings(ALLOWED_HOSTS=["*"]), scopes_disabled(), transaction.atomic():
            started = time.perf_counter()
            company = build_company(tag)
            stdout.write(f"demo-like company (8 quarters) built in {time.perf_counter() - started:.1f} s")
            audit, head, questions = open_biggest_audit(company)
            client = Client()
            client.force_login(head)
            with scope(company=company):
                stdout.write(f"{audit.department.name} audit: {len(questions)} questions, round {audit.round.period}")
            saves, save_queries = measured(lambda: bench_answer_save(client, audit, questions, runs))
            stdout.write(describe("answer save (JSON endpoint)", saves))
            stdout.write(cpu_line("answer save (JSON endpoint)"))
            submits, submit_queries = measured(lambda: bench_submit(client, audit, questions, runs))
            stdout.write(describe("submit (with scoring)", submits))
            stdout.write(cpu_line("submit (with scoring)"))
            benchtable.add("autosave: queries", value=save_queries, target=10, unit="queries")
            benchtable.add("autosave: p50", value=statistics.median(saves), target=12, unit="ms", timing=True,
                           note="target on PostgreSQL")
            benchtable.add("submit (with scoring): p50", value=statistics.median(submits), target=30, unit="ms",
                           timing=True, note=f"{submit_queries} queries")
            raise Rollback
    except Rollback:
        pass
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    run_import_section(stdout)


def run_import_section(stdout):
    """The "import" section: a 10,000-row history file (audits/bench_imports.py)."""
    from . import bench_imports

    stdout.write("-- import")
    bench_imports.run(stdout)
