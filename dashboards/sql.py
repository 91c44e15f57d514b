"""Hand-written SQL for the dashboard aggregates, behind the same tenant guard as the scoped managers.

Why not the ORM here: the dashboard endpoints run a handful of grouped queries whose ORM compilation
cost more than the database work itself (about 8 ms of a 21 ms request on SQLite, measured by
`make bench`). The statements below are plain, portable SQL (SQLite and PostgreSQL) with named
parameters; the ORM stays everywhere else.

Fail closed like django-scopes: `fetch` refuses to run unless the active scope is the company the
statement filters on, and every statement takes that company's id as `%(company)s`.
"""

import datetime

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_scopes import ScopeError
from django_scopes.state import get_scope


def require_scope(company):
    """Raise ScopeError unless this code runs inside `scope(company=company)` (or scopes_disabled())."""
    state = get_scope()
    if not state.get("_enabled", True):
        return
    scoped = state.get("company")
    if scoped is None or getattr(scoped, "pk", scoped) != company.pk:
        raise ScopeError("A dashboard query ran outside its company's scope.")


def fetch(company, statement, **params):
    """Rows of one statement for one company (its id bound as %(company)s)."""
    require_scope(company)
    with connection.cursor() as cursor:
        cursor.execute(statement, {**params, "company": company.pk})
        return cursor.fetchall()


def now_param():
    return connection.ops.adapt_datetimefield_value(timezone.now())


def date_param(value):
    return connection.ops.adapt_datefield_value(value)


def iso_date(value):
    """SQLite returns dates as text, PostgreSQL as date: both to YYYY-MM-DD."""
    return value if isinstance(value, str) else value.isoformat()


class Where:
    """AND-ed conditions with their parameters, built up from the optional filters."""

    def __init__(self, *conditions, **params):
        self.conditions, self.params = list(conditions), dict(params)

    def add(self, condition, **params):
        self.conditions.append(condition)
        self.params.update(params)
        return self

    def period_range(self, filters, alias="r"):
        """Rounds (table alias `alias`) whose period starts in the filters' range."""
        if filters.start:
            self.add(f"{alias}.period_start >= %(start)s", start=date_param(filters.start))
        if filters.end:
            self.add(f"{alias}.period_start < %(end)s", end=date_param(filters.end))
        return self

    def one_of(self, column, name, values):
        """`column IN (…)` with one named parameter per value (`values` must not be empty)."""
        params = {f"{name}{n}": value for n, value in enumerate(values)}
        return self.add(f"{column} IN ({', '.join(f'%({key})s' for key in params)})", **params)

    def department(self, filters, column="a.department_id"):
        if filters.department is not None:
            self.add(f"{column} = %(department)s", department=filters.department.pk)
        return self

    def __str__(self):
        return " AND ".join(self.conditions)


# A round is still running while its deadline is ahead and not every department has submitted.
RUNNING = "(r.deadline > %(now)s AND r.submitted_count < r.expected_count)"
# Department audits by punctuality: expected, on time, late, not yet due, missing.
PUNCTUALITY = """COUNT(a.id),
    COALESCE(SUM(CASE WHEN a.first_submitted_at <= a.deadline THEN 1 ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN a.first_submitted_at > a.deadline THEN 1 ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN a.first_submitted_at IS NULL AND a.deadline > %(now)s THEN 1 ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN a.first_submitted_at IS NULL AND a.deadline <= %(now)s THEN 1 ELSE 0 END), 0)"""


def round_rows(company, filters):
    """(id, period, period_start, system_index, expected, submitted, running, audits, on time, late, pending,
    missing, imported) per round in range, oldest first; with a department filter the counts are that
    department's."""
    where = Where("r.company_id = %(company)s").period_range(filters)
    join = "a.round_id = r.id"
    if filters.department is not None:
        join += " AND a.department_id = %(department)s"
        where.params["department"] = filters.department.pk
    return fetch(company, f"""
        SELECT r.id, r.period, r.period_start, CAST(r.system_index AS FLOAT), r.expected_count, r.submitted_count,
               CASE WHEN {RUNNING} THEN 1 ELSE 0 END, {PUNCTUALITY}, r.is_imported
        FROM audits_round r LEFT JOIN audits_departmentaudit a ON {join}
        WHERE {where}
        GROUP BY r.id, r.period, r.period_start, r.system_index, r.expected_count, r.submitted_count, r.deadline,
                 r.is_imported
        ORDER BY r.period_start""", now=now_param(), **where.params)


def company_factor_scores(company, filters):
    """(period, factor key, name_en, name_ru, departments answered, accountable department, expected, submitted,
    score, running, round id, accountable department id, imported) per round in range and factor, in round and
    catalogue order; a running round's scores are provisional."""
    where = Where("s.company_id = %(company)s").period_range(filters)
    return fetch(company, f"""
        SELECT r.period, f.key, f.name_en, f.name_ru, s.departments_answered, d.name, r.expected_count,
               r.submitted_count, CAST(s.score AS FLOAT), CASE WHEN {RUNNING} THEN 1 ELSE 0 END, r.id,
               s.accountable_department_id, r.is_imported
        FROM audits_roundfactorscore s JOIN audits_round r ON r.id = s.round_id
        JOIN audits_factor f ON f.id = s.factor_id LEFT JOIN accounts_department d ON d.id = s.accountable_department_id
        WHERE {where}
        ORDER BY r.period_start, f.position""", now=now_param(), **where.params)


def department_factor_scores(company, filters, department):
    """(period, factor key, name_en, name_ru, score, submitted?, running, imported) of one department's audits in
    range."""
    where = Where("s.company_id = %(company)s", "a.department_id = %(department)s",
                  department=department.pk).period_range(filters)
    return fetch(company, f"""
        SELECT r.period, f.key, f.name_en, f.name_ru, CAST(s.score AS FLOAT),
               CASE WHEN a.first_submitted_at IS NULL THEN 0 ELSE 1 END, CASE WHEN {RUNNING} THEN 1 ELSE 0 END,
               r.is_imported
        FROM audits_factorscore s JOIN audits_departmentaudit a ON a.id = s.audit_id
        JOIN audits_round r ON r.id = a.round_id JOIN audits_factor f ON f.id = s.factor_id
        WHERE {where}
        ORDER BY r.period_start, f.position""", now=now_param(), **where.params)


def open_actions(company, filters, statuses):
    """(factor key, name_en, name_ru, count) of open action items per factor (key None: no factor)."""
    where = Where("i.company_id = %(company)s").one_of("i.status", "status", statuses)
    joins = ""
    if filters.department is not None:
        # Raised on the department's audits or owned by its people.
        joins = ("LEFT JOIN audits_departmentaudit a ON a.id = i.audit_id "
                 "LEFT JOIN accounts_membership m ON m.id = i.owner_id")
        where.add("(a.department_id = %(department)s OR m.department_id = %(department)s)",
                  department=filters.department.pk)
    return fetch(company, f"""
        SELECT f.key, f.name_en, f.name_ru, COUNT(i.id)
        FROM audits_actionitem i LEFT JOIN audits_factor f ON f.id = i.factor_id {joins}
        WHERE {where}
        GROUP BY f.key, f.name_en, f.name_ru, f.position
        ORDER BY f.position""", **where.params)


def department_means(company, filters, factor_key=""):
    """(department id, name, period, mean stored score) per department and round, oldest round first.

    Driven from the company's audits (round and company indexes), not from every stored score.
    """
    where = Where("a.company_id = %(company)s").period_range(filters).department(filters)
    factor_join = ""
    if factor_key:
        factor_join = "JOIN audits_factor f ON f.id = s.factor_id AND f.key = %(factor)s"
        where.params["factor"] = factor_key
    return fetch(company, f"""
        SELECT a.department_id, d.name, r.period, AVG(CAST(s.score AS FLOAT))
        FROM audits_departmentaudit a JOIN audits_factorscore s ON s.audit_id = a.id {factor_join}
        JOIN audits_round r ON r.id = a.round_id JOIN accounts_department d ON d.id = a.department_id
        WHERE {where}
        GROUP BY a.department_id, d.name, r.period, r.period_start
        ORDER BY r.period_start, d.name""", **where.params)


def department_punctuality(company, filters):
    """(department id, name, expected, on time, late, pending, missing) per department over the range."""
    where = Where("a.company_id = %(company)s").period_range(filters).department(filters)
    round_join = "JOIN audits_round r ON r.id = a.round_id" if filters.start or filters.end else ""
    return fetch(company, f"""
        SELECT a.department_id, d.name, {PUNCTUALITY}
        FROM audits_departmentaudit a JOIN accounts_department d ON d.id = a.department_id {round_join}
        WHERE {where}
        GROUP BY a.department_id, d.name
        ORDER BY d.name""", now=now_param(), **where.params)


def rounds_newest_first(company, filters):
    """(id, period, running) of the rounds in range, newest first (the heatmap's round choice)."""
    where = Where("r.company_id = %(company)s").period_range(filters)
    return fetch(company, f"""
        SELECT r.id, r.period, CASE WHEN {RUNNING} THEN 1 ELSE 0 END FROM audits_round r
        WHERE {where} ORDER BY r.period_start DESC""", now=now_param(), **where.params)


def round_by_period(company, period):
    """(id, period, running) of the company's round for a period, or None."""
    rows = fetch(company, f"SELECT r.id, r.period, CASE WHEN {RUNNING} THEN 1 ELSE 0 END FROM audits_round r "
                          "WHERE r.company_id = %(company)s AND r.period = %(period)s", period=period, now=now_param())
    return rows[0] if rows else None


def heatmap_cells(company, filters, round_id):
    """(audit id, department id, name, status, factor key, score) of one round's audits, by department name;
    a department whose audit has no scores yet gives one row with key and score None."""
    where = Where("a.company_id = %(company)s", "a.round_id = %(round)s", round=round_id).department(filters)
    return fetch(company, f"""
        SELECT a.id, a.department_id, d.name, a.status, f.key, CAST(s.score AS FLOAT)
        FROM audits_departmentaudit a JOIN accounts_department d ON d.id = a.department_id
        LEFT JOIN audits_factorscore s ON s.audit_id = a.id LEFT JOIN audits_factor f ON f.id = s.factor_id
        WHERE {where}
        ORDER BY d.name, a.department_id""", **where.params)


def submitted_cells(company, filters):
    """(round id, department id, factor key, score, scored answers) of every submitted audit in range: the
    cells the story recomputes on a common part and reads weak parts from."""
    where = Where("a.company_id = %(company)s", "a.status = 'submitted'").period_range(filters).department(filters)
    return fetch(company, f"""
        SELECT a.round_id, a.department_id, f.key, CAST(s.score AS FLOAT), s.scored_answers
        FROM audits_departmentaudit a JOIN audits_round r ON r.id = a.round_id
        JOIN audits_factorscore s ON s.audit_id = a.id JOIN audits_factor f ON f.id = s.factor_id
        WHERE {where}""", **where.params)


def questions_asked(company, filters):
    """(round id, scored questions asked of the submitted audits) per round in range: coverage's denominator."""
    where = Where("a.company_id = %(company)s", "a.status = 'submitted'").period_range(filters).department(filters)
    return fetch(company, f"""
        SELECT a.round_id, COUNT(q.id)
        FROM audits_departmentaudit a JOIN audits_round r ON r.id = a.round_id
        JOIN audits_factorscore s ON s.audit_id = a.id
        JOIN audits_question q ON q.questionnaire_id = r.questionnaire_id AND q.factor_id = s.factor_id
             AND q.kind IN ('scale', 'yes_no')
        WHERE {where}
        GROUP BY a.round_id""", **where.params)


def round_answers(company, filters, round_id):
    """(question key, text_en, text_ru, factor key, kind, scale value, yes/no, N/A) of a round's submitted
    audits, for the questions under the weak threshold."""
    where = Where("a.company_id = %(company)s", "a.status = 'submitted'", "a.round_id = %(round)s",
                  round=round_id).department(filters)
    return fetch(company, f"""
        SELECT q.id, q.key, q.text_en, q.text_ru, f.key, q.kind, n.scale_value, n.bool_value, n.not_applicable
        FROM audits_answer n JOIN audits_departmentaudit a ON a.id = n.audit_id
        JOIN audits_question q ON q.id = n.question_id JOIN audits_factor f ON f.id = q.factor_id
        WHERE {where} AND q.kind IN ('scale', 'yes_no')""", **where.params)


def factor_names():
    """(key, name_en, name_ru) of the global factor catalogue in its order (not tenant data: no scope).

    Read once per process: only a data migration writes the catalogue, so it changes with a deploy and a
    restart, never under a running process. An empty read (a database not migrated yet) is not kept.
    """
    if not FACTOR_NAMES:
        with connection.cursor() as cursor:
            cursor.execute("SELECT key, name_en, name_ru FROM audits_factor ORDER BY position")
            FACTOR_NAMES[:] = cursor.fetchall()
    return FACTOR_NAMES


FACTOR_NAMES = []


# ---------------------------------------------------------------- the read model's rows (dashboards/readmodel.py)

# A snapshot is recomputed after this long whatever happened: if a generation bump was lost (the writer's
# connection died between its commit and the bump), a stale figure lasts minutes, not until the next change.
SNAPSHOT_MAX_AGE = datetime.timedelta(minutes=10)


def snapshot_read(company, key, columns):
    """`columns` of a view's snapshot when it is of the company's current generation and still valid, else None."""
    oldest = connection.ops.adapt_datetimefield_value(timezone.now() - SNAPSHOT_MAX_AGE)
    rows = fetch(company, f"""
        SELECT {columns} FROM dashboards_dashboardsnapshot s
        JOIN dashboards_figuresgeneration g ON g.company_id = s.company_id AND g.generation = s.generation
        WHERE s.company_id = %(company)s AND s.view = %(key)s AND s.computed_at > %(oldest)s
          AND (s.valid_until IS NULL OR s.valid_until > %(now)s)""", key=key, now=now_param(), oldest=oldest)
    return rows[0] if rows else None


def snapshot_payload(company, key):
    """The stored payload of a view when current and valid (see snapshot_read), else None."""
    row = snapshot_read(company, key, "s.payload")
    return row[0] if row else None


def figures_generation(company):
    """The company's figures generation (its row is created at 0 on first use)."""
    rows = fetch(company, "SELECT generation FROM dashboards_figuresgeneration WHERE company_id = %(company)s")
    if rows:
        return rows[0][0]
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO dashboards_figuresgeneration (company_id, generation) VALUES (%s, 0) "
                       "ON CONFLICT (company_id) DO NOTHING", [company.pk])
    return fetch(company, "SELECT generation FROM dashboards_figuresgeneration WHERE company_id = %(company)s")[0][0]


def figures_generation_bump(company_id):
    """One more generation for the company (no scope: called after commit, with an id, by the writer)."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE dashboards_figuresgeneration SET generation = generation + 1 WHERE company_id = %s",
                       [company_id])


def next_deadline(company):
    """The company's next round or audit deadline after now: figures computed now hold until then."""
    rows = fetch(company, """
        SELECT MIN(d) FROM (
            SELECT MIN(r.deadline) AS d FROM audits_round r WHERE r.company_id = %(company)s AND r.deadline > %(now)s
            UNION ALL
            SELECT MIN(a.deadline) FROM audits_departmentaudit a
            WHERE a.company_id = %(company)s AND a.deadline > %(now)s) AS upcoming""", now=now_param())
    value = rows[0][0] if rows else None
    if isinstance(value, str):  # SQLite returns the stored text, naive UTC
        parsed = parse_datetime(value)
        value = parsed if parsed is None or timezone.is_aware(parsed) else parsed.replace(tzinfo=datetime.UTC)
    return value


def snapshot_store(company, key, generation, valid_until, payload):
    """Insert or replace a view's snapshot."""
    require_scope(company)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM dashboards_dashboardsnapshot WHERE company_id = %s AND view = %s",
                       [company.pk, key])
        cursor.execute(
            "INSERT INTO dashboards_dashboardsnapshot (company_id, view, generation, valid_until, computed_at, payload) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            [company.pk, key, generation,
             None if valid_until is None else connection.ops.adapt_datetimefield_value(valid_until),
             now_param(), payload])


def snapshot_derive(company, key, source, generation, payload):
    """Insert or replace a snapshot derived from the `source` snapshot of `generation` (a response body rendered
    from its figures): it takes the source's generation, validity and age, so it is served exactly as long as its
    source would be. Nothing is stored when the source has been replaced meanwhile."""
    require_scope(company)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM dashboards_dashboardsnapshot WHERE company_id = %s AND view = %s",
                       [company.pk, key])
        cursor.execute(
            "INSERT INTO dashboards_dashboardsnapshot (company_id, view, generation, valid_until, computed_at, payload) "
            "SELECT company_id, %s, generation, valid_until, computed_at, %s FROM dashboards_dashboardsnapshot "
            "WHERE company_id = %s AND view = %s AND generation = %s",
            [key, payload, company.pk, source, generation])
