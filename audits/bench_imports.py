"""Import bench: a 10,000-row history file (CSV) checked and imported for a fresh company.

Prints rows, seconds and rows per second for the preview (upload: read, check, store) and for the import a
confirmed upload runs (read again, check again, write every round in one transaction). The company and
everything imported are rolled back at the end.
"""

import time

from django.db import transaction
from django_scopes import scope, scopes_disabled

from accounts.models import Company, Department

from . import imports_apply
from .models import HistoryImportStatus, QuestionnaireStatus
from .periods import QUARTERLY, Period

ROWS = 10_000
DEPARTMENTS = 20
KINDS = {"scale": lambda n: str(n % 5 + 1), "yes_no": lambda n: "yes" if n % 3 else "no",
         "number": lambda n: str(n % 40), "text": lambda n: f"note {n}"}


class Rollback(Exception):
    """Raised to undo the bench's data."""


def history_csv(company, rows=None):
    """`rows` answer rows: each department answers the questions of two factors, quarter after quarter back."""
    version = company.questionnaires.get(status=QuestionnaireStatus.PUBLISHED)
    by_factor = {}
    for question in version.questions.exclude(key="").select_related("factor").order_by("factor__position", "position"):
        by_factor.setdefault(question.factor.position, []).append(question)
    positions = sorted(by_factor)
    departments = list(company.departments.order_by("pk"))
    lines = ["period;department;question code;value;comment;submitted"]
    period = Period(2026, 3, QUARTERLY)
    rows = rows or ROWS
    while len(lines) <= rows:
        for d, department in enumerate(departments):
            late = d % 4 == 0  # a quarter of the departments submit after the two-week window
            day = period.start.replace(day=28 if late else 10).isoformat()
            for position in (positions[d % 7], positions[(d + 3) % 7]):
                for question in by_factor[position]:
                    lines.append(f"{period.name};{department.name};{question.key};"
                                 f"{KINDS[question.kind](len(lines))};;{day}")
        period = period.previous()
    return "\n".join(lines[:rows + 1]).encode()


def run(stdout, options=None):
    tag = str(int(time.time()))
    try:
        # Bench data for a throwaway company is created outside any request, then rolled back.
        with scopes_disabled(), transaction.atomic():
            company = Company.objects.create(name=f"Bench import {tag}", slug=f"bench-import-{tag}",
                                             timezone="Europe/Moscow", language="en")
            Department.objects.bulk_create([Department(company=company, name=f"Department {n:02d}")
                                            for n in range(DEPARTMENTS)])
            with scope(company=company):
                measure(stdout, company)
            raise Rollback
    except Rollback:
        pass


def measure(stdout, company):
    content = history_csv(company)
    started = time.perf_counter()
    upload = imports_apply.history_upload(company=company, by=None, file_name="bench.csv", content=content)
    checked = time.perf_counter() - started
    assert upload.preview["error_count"] == 0, upload.preview["errors"][:3]
    rows = upload.preview["rows_read"]
    stdout.write(f"import preview: {rows} rows in {checked:.2f} s ({rows / checked:,.0f} rows/s)")
    upload.status = HistoryImportStatus.QUEUED
    upload.save(update_fields=["status"])
    started, cpu = time.perf_counter(), time.process_time()
    done = imports_apply.history_run(history_import=upload)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert done.status == HistoryImportStatus.DONE, done.error or done.preview
    # CPU seconds of this process (the database server's work not included) tell a slow run on a loaded
    # machine from a slow import.
    stdout.write(f"import: {rows} rows, {done.summary['rounds']} rounds, {done.summary['audits']} audits "
                 f"in {elapsed:.2f} s ({rows / elapsed:,.0f} rows/s; {cpu:.2f} s CPU in this process)")
