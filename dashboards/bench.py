"""Dashboard benchmark: a large company (50 departments × 40 quarterly rounds × 7 factors, scores stored),
then median times and query counts of the data endpoint, the heatmap endpoint, the full HTML page, and the
raw SQL aggregate the same numbers need. `manage.py bench` discovers `run`; `manage.py bench_dashboards` too.
"""

import datetime
import pickle
import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts import benchtable
from accounts.models import Company, Department, Membership, Role, User
from accounts.services import company_delete_by_slug
from audits.bench import build_company as build_demo_company
from audits.models import (
    ActionItem,
    DepartmentAudit,
    Factor,
    FactorResponsibility,
    FactorScore,
    Questionnaire,
    Round,
    RoundFactorScore,
)

from . import bench_browser, sql
from .models import DashboardSnapshot

SLUG = "bench-dashboards"
DEPARTMENTS, ROUNDS = 50, 40
EMAIL = "bench-dashboards@example.invalid"


def quarter(index, first_year=2016):
    year, q = first_year + index // 4, index % 4
    start = datetime.date(year, 3 * q + 1, 1)
    end = datetime.date(year + (q == 3), (3 * q + 3) % 12 + 1, 1) - datetime.timedelta(days=1)
    return f"{year}-Q{q + 1}", start, end


def score_for(factor_index, department_index, round_index):
    """Deterministic, varied scores: a slow drift per factor plus a department offset."""
    return round(40 + (factor_index * 7 + department_index * 3 + round_index * (factor_index - 3)) % 55, 2)


def build_company():
    """Create (or recreate) the benchmark company with stored scores, through bulk_create."""
    # Management code working on one throw-away tenant before any scope exists.
    with scopes_disabled():
        company_delete_by_slug(slug=SLUG)
        company = Company.objects.create(name="Bench Dashboards", slug=SLUG, language="en")
        user, _ = User.objects.get_or_create(email=EMAIL, defaults={"first_name": "Bench"})
        Membership.objects.create(company=company, user=user, role=Role.EXECUTIVE)
        departments = Department.objects.bulk_create(
            [Department(company=company, name=f"Department {i:02d}") for i in range(DEPARTMENTS)])
        factors = list(Factor.objects.order_by("position"))
        # A new company may come with a default matrix and questionnaire: replace the matrix, reuse the questionnaire.
        FactorResponsibility.objects.filter(company=company).delete()
        FactorResponsibility.objects.bulk_create([
            FactorResponsibility(company=company, factor=f, department=departments[i], responsibility="accountable")
            for i, f in enumerate(factors)])
        questionnaire = Questionnaire.objects.filter(company=company).order_by("-version").first() or \
            Questionnaire.objects.create(company=company, version=1, title="Bench", status="published")
        rounds = []
        for r in range(ROUNDS):
            period, start, end = quarter(r)
            deadline = timezone.make_aware(datetime.datetime.combine(start, datetime.time(12)), datetime.UTC) \
                + datetime.timedelta(days=14)
            rounds.append(Round(company=company, period=period, period_start=start, period_end=end,
                                questionnaire=questionnaire, deadline=deadline, expected_count=DEPARTMENTS,
                                submitted_count=DEPARTMENTS - (r % 3)))
        rounds = Round.objects.bulk_create(rounds)
        audits = []
        for r, round_ in enumerate(rounds):
            for d, department in enumerate(departments):
                missing = d < r % 3
                late = (d + r) % 7 == 0
                first = None if missing else round_.deadline + datetime.timedelta(days=2 if late else -1)
                audits.append(DepartmentAudit(company=company, round=round_, department=department,
                                              deadline=round_.deadline, status="overdue" if missing else "submitted",
                                              submitted_at=first, first_submitted_at=first))
        audits = DepartmentAudit.objects.bulk_create(audits, batch_size=1000)
        scores = [FactorScore(company=company, audit=a, factor=f, score=score_for(i, d % DEPARTMENTS, r),
                              scored_answers=3)
                  for n, a in enumerate(audits) if a.first_submitted_at
                  for r, d in [divmod(n, DEPARTMENTS)] for i, f in enumerate(factors)]
        FactorScore.objects.bulk_create(scores, batch_size=2000)
        round_scores = []
        for r, round_ in enumerate(rounds):
            for i, f in enumerate(factors):
                round_scores.append(RoundFactorScore(company=company, round=round_, factor=f,
                                                     score=score_for(i, 0, r), departments_answered=DEPARTMENTS,
                                                     accountable_department=departments[i]))
            round_.system_index = round(sum(score_for(i, 0, r) for i in range(len(factors))) / len(factors), 2)
        RoundFactorScore.objects.bulk_create(round_scores, batch_size=2000)
        Round.objects.bulk_update(rounds, ["system_index"], batch_size=500)
        ActionItem.objects.bulk_create([ActionItem(company=company, title=f"Action {i}", factor=factors[i % 7],
                                                   status="open" if i % 3 else "done") for i in range(120)])
    return company, user, len(scores)


# The raw SQL the dashboard's numbers need, written by hand: the same rows the selectors return (on time / late /
# not yet due / missing split, running rounds left out of the company scores and the movers, localized factor
# names, the heatmap's round choice and blank departments), each driven from the index a careful hand would use.
RUNNING = "(r.deadline > %(now)s AND r.submitted_count < r.expected_count)"
PUNCTUALITY = """COUNT(a.id), SUM(CASE WHEN a.first_submitted_at <= a.deadline THEN 1 ELSE 0 END),
        SUM(CASE WHEN a.first_submitted_at > a.deadline THEN 1 ELSE 0 END),
        SUM(CASE WHEN a.first_submitted_at IS NULL AND a.deadline > %(now)s THEN 1 ELSE 0 END),
        SUM(CASE WHEN a.first_submitted_at IS NULL AND a.deadline <= %(now)s THEN 1 ELSE 0 END)"""
RAW_QUERIES = {
    "rounds": f"""SELECT r.id, r.period, r.period_start, r.system_index, r.expected_count, r.submitted_count,
        r.deadline, {PUNCTUALITY}
        FROM audits_round r LEFT JOIN audits_departmentaudit a ON a.round_id = r.id
        WHERE r.company_id = %(c)s GROUP BY r.id, r.period, r.period_start, r.system_index, r.expected_count,
        r.submitted_count, r.deadline ORDER BY r.period_start""",
    "factors": f"""SELECT r.period, f.key, f.name_en, f.name_ru, s.departments_answered, d.name, r.expected_count,
        r.submitted_count, s.score
        FROM audits_roundfactorscore s JOIN audits_round r ON r.id = s.round_id JOIN audits_factor f ON f.id = s.factor_id
        LEFT JOIN accounts_department d ON d.id = s.accountable_department_id
        WHERE s.company_id = %(c)s AND NOT {RUNNING} ORDER BY r.period_start, f.position""",
    "factor_catalogue": "SELECT key, name_en, name_ru FROM audits_factor ORDER BY position",
    "department_means": f"""SELECT a.department_id, d.name, r.period, AVG(s.score)
        FROM audits_departmentaudit a JOIN audits_factorscore s ON s.audit_id = a.id
        JOIN audits_round r ON r.id = a.round_id JOIN accounts_department d ON d.id = a.department_id
        WHERE a.company_id = %(c)s AND a.round_id IN (SELECT r.id FROM audits_round r WHERE r.company_id = %(c)s
        AND r.submitted_count > 0 AND NOT {RUNNING} ORDER BY r.period_start DESC LIMIT 2)
        GROUP BY a.department_id, d.name, r.period, r.period_start ORDER BY r.period_start, d.name""",
    "completion_by_department": f"""SELECT a.department_id, d.name, {PUNCTUALITY}
        FROM audits_departmentaudit a JOIN accounts_department d ON d.id = a.department_id
        WHERE a.company_id = %(c)s GROUP BY a.department_id, d.name ORDER BY d.name""",
    "heatmap_rounds": f"""SELECT r.id, r.period, CASE WHEN {RUNNING} THEN 1 ELSE 0 END FROM audits_round r
        WHERE r.company_id = %(c)s ORDER BY r.period_start DESC""",
    "heatmap": f"""SELECT a.id, a.department_id, d.name, a.status, f.key, s.score
        FROM audits_departmentaudit a JOIN accounts_department d ON d.id = a.department_id
        LEFT JOIN audits_factorscore s ON s.audit_id = a.id LEFT JOIN audits_factor f ON f.id = s.factor_id
        WHERE a.company_id = %(c)s AND a.round_id = (SELECT r.id FROM audits_round r WHERE r.company_id = %(c)s
        AND NOT {RUNNING} ORDER BY r.period_start DESC LIMIT 1) ORDER BY d.name, a.department_id""",
    "open_actions": """SELECT f.key, f.name_en, f.name_ru, f.position, COUNT(*)
        FROM audits_actionitem i LEFT JOIN audits_factor f ON f.id = i.factor_id
        WHERE i.company_id = %(c)s AND i.status IN ('open', 'in_progress')
        GROUP BY f.key, f.name_en, f.name_ru, f.position ORDER BY f.position""",
}
# The data endpoint's numbers (the heatmap's round list comes from the rounds rows there, as in the selectors)
# and the heatmap endpoint's (its round list, the factor catalogue and the cells).
ALL_RAW = ["rounds", "factors", "factor_catalogue", "department_means", "completion_by_department", "heatmap",
           "open_actions"]
HEATMAP_RAW = ["heatmap_rounds", "factor_catalogue", "heatmap"]


def raw_sql(company, names):
    """Run the named raw aggregates directly; returns the number of rows read."""
    rows = 0
    params = {"c": company.pk, "now": connection.ops.adapt_datetimefield_value(timezone.now())}
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(RAW_QUERIES[name], params)
            rows += len(cursor.fetchall())
    return rows


def measure(action, runs):
    """(median ms, queries of the last run) over `runs` calls after one warm-up."""
    action()
    timings, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            action()
            timings.append((time.perf_counter() - start) * 1000)
        queries = len(captured.captured_queries)
    return statistics.median(timings), queries


def get_ok(client, url):
    def action():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    return action


def run(stdout, options=None):
    """Build the company, measure, print the table; the company is deleted afterwards unless options['keep'].
    Then the page in Chromium (unless options['no_browser']) and the demo query counts (unless options['no_demo'])."""
    options = options or {}
    runs = int(options.get("runs") or (5 if options.get("quick") else 15))
    started = time.perf_counter()
    company, user, score_count = build_company()
    stdout.write(f"dashboards bench on {connection.vendor}: {DEPARTMENTS} departments × {ROUNDS} rounds × 7 factors "
                 f"= {score_count} stored department scores (built in {time.perf_counter() - started:.1f}s), "
                 f"{runs} runs each\n")
    client = Client()
    client.force_login(user)
    api = f"/api/v1/companies/{SLUG}/dashboard/"
    all_raw, heatmap_raw = ALL_RAW, HEATMAP_RAW
    raw_all_ms, raw_all_q = measure(lambda: raw_sql(company, all_raw), runs)
    raw_heat_ms, raw_heat_q = measure(lambda: raw_sql(company, heatmap_raw), runs)
    api_floor = measure(get_ok(client, f"/api/v1/companies/{SLUG}/"), runs)
    page_floor = measure(get_ok(client, f"/c/{SLUG}/"), runs)
    rows = [  # (name, ms, queries, raw SQL ms it is compared with, floor ms)
        ("data endpoint", *measure(get_ok(client, api + "data/"), runs), raw_all_ms, api_floor[0]),
        ("heatmap endpoint", *measure(get_ok(client, api + "charts/heatmap/"), runs), raw_heat_ms, api_floor[0]),
        ("full HTML page", *measure(get_ok(client, f"/c/{SLUG}/dashboard/"), runs), raw_all_ms, page_floor[0]),
        ("raw SQL (all dashboard aggregates)", raw_all_ms, raw_all_q, raw_all_ms, None),
        ("raw SQL (heatmap)", raw_heat_ms, raw_heat_q, raw_heat_ms, None),
    ]
    stdout.write(f"{'measure':38} {'median ms':>10} {'queries':>8} {'ratio to raw SQL':>17} {'ratio − floor':>14}\n")
    for name, ms, queries, raw_ms, floor_ms in rows:
        beyond = f"{(ms - floor_ms) / raw_ms:14.2f}" if floor_ms is not None else " " * 14
        stdout.write(f"{name:38} {ms:10.1f} {queries:8d} {ms / raw_ms:17.2f} {beyond}\n")
    stdout.write(f"{'API floor (company detail API)':38} {api_floor[0]:10.1f} {api_floor[1]:8d}\n"
                 f"{'page floor (company overview page)':38} {page_floor[0]:10.1f} {page_floor[1]:8d}\n"
                 "ratio − floor: (measure − floor) / raw SQL, the dashboard work beyond what every signed-in API "
                 "request or page costs (session, user, company, membership; for pages the navigation too).\n")
    select_ms, snapshot_ms, snapshot_bytes = measure_snapshot_select(company, client, api + "data/", runs)
    stdout.write(f"{'raw SELECT of the read-model row':38} {select_ms:10.1f} {1:8d}   ({snapshot_bytes / 1024:.0f} KB "
                 f"payload: the snapshot the data endpoint, the heatmap and the page read)\n"
                 f"{'  … with its payload loaded (unpickled)':38} {snapshot_ms:10.1f} {1:8d}\n")
    add_table_rows(rows, snapshot_ms=snapshot_ms, api_floor=api_floor)
    if not options.get("no_browser"):
        bench_browser.run(stdout, user=user, slug=SLUG, quick=bool(options.get("quick")))
    if not options.get("keep"):
        with scopes_disabled():  # management code removing its own throw-away tenant
            company_delete_by_slug(slug=SLUG)
            User.objects.filter(email=EMAIL).delete()
    if not options.get("no_demo"):
        demo_query_counts(stdout)
    return rows


def measure_snapshot_select(company, client, url, runs):
    """(median ms of the SELECT, median ms of the SELECT with its payload loaded, payload bytes) of what a
    read-model hit reads (readmodel.figures → sql.snapshot_payload), for the company-wide view the data endpoint
    has just stored. The read model keeps a view as one pickled row, so its raw read is that SELECT and the
    unpickling that turns the bytes into the rows the endpoints serialize."""
    client.get(url)  # make sure the view's snapshot exists and is current
    with scope(company=company):
        keys = DashboardSnapshot.objects.filter(company=company).order_by("-computed_at").values_list("view", flat=True)
        key = next((k for k in keys if k.split(":")[2] == ""), None)  # the company-wide view (no department)
        payload = sql.snapshot_payload(company, key) if key else None
        if payload is None:
            return float("nan"), float("nan"), 0
        select_ms, _queries = measure(lambda: sql.snapshot_payload(company, key), runs)
        read_ms, _queries = measure(lambda: pickle.loads(bytes(sql.snapshot_payload(company, key))), runs)  # noqa: S301
    return select_ms, read_ms, len(bytes(payload))


def add_table_rows(rows, *, snapshot_ms, api_floor):
    """The issue-15 dashboard figures for the bench table (accounts.benchtable)."""
    by_name = {name: (ms, queries) for name, ms, queries, _raw, _floor in rows}
    raw_all_ms = by_name["raw SQL (all dashboard aggregates)"][0]
    size = f"{DEPARTMENTS}×{ROUNDS}"
    benchtable.add("request floor: authenticated API GET, queries", value=api_floor[1], target=2, unit="queries",
                   note="company detail API: session, user, company, membership and its own data")
    for name, bound in (("data endpoint", 1.2), ("heatmap endpoint", 1.5), ("full HTML page", 2.0)):
        benchtable.add(f"dashboards {size}: {name} / read-model read", value=by_name[name][0] / snapshot_ms,
                       target=bound, unit="×", timing=True)
    benchtable.add(f"dashboards {size}: data endpoint / old raw aggregate", value=by_name["data endpoint"][0] / raw_all_ms,
                   target=0.5, unit="×", timing=True)


DEMO_TARGETS = (("data endpoint", "api", "data/", 4), ("summary endpoint", "api", "summary/", 4),
                ("executive page", "page", "", 8))


def demo_query_counts(stdout):
    """Queries of the data and summary endpoints and the executive page on a demo-like company (audits.bench's
    eight quarters, committed: the read model stores nothing for a company changed in an open transaction), each
    read twice: the first computes the read model, the second is what every later read costs. The company and its
    people are deleted afterwards."""
    tag = f"dash{int(time.time())}"
    # Management code building and removing its own throw-away tenant.
    with scopes_disabled():
        company = build_demo_company(tag)
        admin = Membership.objects.get(company=company, role=Role.ADMIN).user
    try:
        client = Client()
        client.force_login(admin)
        for name, kind, tail, bound in DEMO_TARGETS:
            url = (f"/api/v1/companies/{company.slug}/dashboard/{tail}" if kind == "api"
                   else f"/c/{company.slug}/dashboard/{tail}")
            counts = []
            for _ in range(2):
                with CaptureQueriesContext(connection) as captured:
                    assert client.get(url).status_code == 200, url
                counts.append(len(captured))
            stdout.write(f"demo {name}: {counts[0]} queries on the first read (computes the read model), "
                         f"{counts[1]} after\n")
            benchtable.add(f"demo: {name}, queries", value=counts[1], target=bound, unit="queries",
                           note=f"first read {counts[0]}")
    finally:
        with scopes_disabled():
            company_delete_by_slug(slug=company.slug)
            User.objects.filter(email__endswith=f"-{tag}@example.com").delete()
