"""Dashboard benchmark: a large company (50 departments × 40 quarterly rounds × 7 factors, scores stored),
then median times and query counts of the data endpoint, the heatmap endpoint, the full HTML page, each beside
the raw SELECT of the read-model row it reads and the raw SQL aggregate the same numbers need. `manage.py bench` discovers `run`; `manage.py bench_dashboards` too.
"""

import datetime
import statistics
import time

from django.db import connection
from django.test import Client
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
        with benchtable.CountedQueries(connection) as captured:
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


# The timed requests: (name, URL tail, what it is compared with in the old raw SQL, which floor it stands on, the
# prefix of the read-model row a hit reads: its stored body, readmodel.body).
ENDPOINTS = (("data endpoint", "api:data/", "all", "api", "data:"),
             ("heatmap endpoint", "api:charts/heatmap/", "heatmap", "api", "chart:heatmap:"),
             ("full HTML page", "page:", "all", "page", "page:executive:"))
BROWSER_ACCEPT_ENCODING = "gzip, deflate, br, zstd"  # Chromium's
PAIRS = 40  # alternating floor/endpoint requests for the time beyond the floor (measure_beyond)
TARGETS = {"data endpoint": 1.2, "heatmap endpoint": 1.5, "full HTML page": 2.0}


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
    # As browsers and HTTP libraries (httpx, requests) ask: stored API bodies are sent gzip-compressed as stored.
    client = Client(HTTP_ACCEPT_ENCODING=BROWSER_ACCEPT_ENCODING)
    client.force_login(user)
    raw = {"all": measure(lambda: raw_sql(company, ALL_RAW), runs),
           "heatmap": measure(lambda: raw_sql(company, HEATMAP_RAW), runs)}
    floors = {"api": measure(get_ok(client, f"/api/v1/companies/{SLUG}/"), runs),
              # "How we compute": the company shell and one settings row. Not the company home: an executive's home
              # reads the dashboard's figures for its own section, which is dashboard work, not the floor.
              "page": measure(get_ok(client, f"/c/{SLUG}/dashboard/how-we-compute/"), runs),
              "home": measure(get_ok(client, f"/c/{SLUG}/"), runs)}
    floor_urls = {"api": f"/api/v1/companies/{SLUG}/", "page": f"/c/{SLUG}/dashboard/how-we-compute/"}
    pairs = max(runs, PAIRS)
    rows = []  # (name, ms, queries, raw SQL ms, ms beyond its floor, raw SELECT ms of its read-model row, bytes)
    for name, tail, raw_name, floor, prefix in ENDPOINTS:
        kind, path = tail.split(":", 1)
        url = f"/api/v1/companies/{SLUG}/dashboard/{path}" if kind == "api" else f"/c/{SLUG}/dashboard/{path}"
        ms, queries = measure(get_ok(client, url), runs)
        beyond_ms = measure_beyond(get_ok(client, floor_urls[floor]), get_ok(client, url), pairs)
        select_ms, size = measure_body_select(company, prefix, runs)
        rows.append((name, ms, queries, raw[raw_name][0], beyond_ms, select_ms, size))
    rows += [("raw SQL (all dashboard aggregates)", *raw["all"], raw["all"][0], None, None, None),
             ("raw SQL (heatmap)", *raw["heatmap"], raw["heatmap"][0], None, None, None)]
    print_rows(stdout, rows, floors, pairs)
    identity = Client()  # a client that does not accept gzip: the stored body is inflated for it
    identity.force_login(user)
    plain_ms, _queries = measure(get_ok(identity, f"/api/v1/companies/{SLUG}/dashboard/data/"), runs)
    stdout.write(f"data endpoint for a client without Accept-Encoding: gzip: {plain_ms:.1f} ms "
                 f"({plain_ms / raw['all'][0]:.2f}× the old raw aggregate; not a target row)\n")
    add_table_rows(rows, api_floor=floors["api"])
    if not options.get("no_browser"):
        bench_browser.run(stdout, user=user, slug=SLUG, quick=bool(options.get("quick")))
    if not options.get("keep"):
        with scopes_disabled():  # management code removing its own throw-away tenant
            company_delete_by_slug(slug=SLUG)
            User.objects.filter(email=EMAIL).delete()
    if not options.get("no_demo"):
        demo_query_counts(stdout)
    return rows


def print_rows(stdout, rows, floors, pairs):
    stdout.write(f"{'measure':38} {'median ms':>10} {'queries':>8} {'/ old raw SQL':>14} {'− floor ms':>11} "
                 f"{'row ms':>7} {'row KB':>7} {'/ row':>7} {'− floor / row':>14}\n")
    for name, ms, queries, raw_ms, beyond_ms, select_ms, size in rows:
        line = f"{name:38} {ms:10.1f} {queries:8d} {ms / raw_ms:14.2f}"
        if select_ms is not None:
            line += (f" {beyond_ms:11.2f} {select_ms:7.2f} {size / 1024:7.0f} {ms / select_ms:7.2f} "
                     f"{beyond_ms / select_ms:14.2f}")
        stdout.write(line + "\n")
    stdout.write(f"{'API floor (company detail API)':38} {floors['api'][0]:10.1f} {floors['api'][1]:8d}\n"
                 f"{'page floor (How we compute page)':38} {floors['page'][0]:10.1f} {floors['page'][1]:8d}\n"
                 f"{'  (company home, executive: not a floor)':38} {floors['home'][0]:10.1f} {floors['home'][1]:8d}\n"
                 "row: the raw SELECT, to Python bytes, of the one row a hit reads (the endpoint's stored "
                 "body); / row: measure / that SELECT; − floor ms: the median, over "
                 f"{pairs} alternating requests, of (measure − floor), the floor being what every signed-in API request "
                 "or page costs (session, user, company, membership; for pages the navigation too); − floor / row: "
                 "that / the SELECT.\n")


def measure_beyond(floor, action, pairs):
    """Median ms of `action` beyond `floor` over `pairs` alternating calls of each. A difference of two medians
    taken one after the other moves by a millisecond with the machine's drift, which is more than a read-model
    hit costs beyond the floor; pairs taken side by side see the same machine."""
    floor(), action()
    differences = []
    for _ in range(pairs):
        start = time.perf_counter()
        floor()
        middle = time.perf_counter()
        action()
        differences.append((time.perf_counter() - middle) - (middle - start))
    return statistics.median(differences) * 1000


def measure_body_select(company, prefix, runs):
    """(median ms, bytes) of the raw SELECT, to Python bytes, of the read-model row a hit of the endpoint reads:
    its stored body for the unfiltered company view, the one view the bench reads (the endpoint has just stored it)."""
    with scope(company=company):
        keys = list(DashboardSnapshot.objects.filter(company=company, view__startswith=prefix)
                    .values_list("view", flat=True))
        if len(keys) != 1:  # nothing stored: the company was changed in a transaction still open (a test)
            return float("nan"), 0

        def select():
            stored = sql.snapshot_payload(company, keys[0])
            return stored if isinstance(stored, bytes) else bytes(stored)

        size = len(select())
        select_ms, _queries = measure(select, runs)
    return select_ms, size


def add_table_rows(rows, *, api_floor):
    """The issue-15 dashboard figures for the bench table (accounts.benchtable)."""
    by_name = {row[0]: row for row in rows}
    size = f"{DEPARTMENTS}×{ROUNDS}"
    benchtable.add("request floor: authenticated API GET, queries", value=api_floor[1], target=2, unit="queries",
                   note="company detail API: session, user, company, membership and its own data")
    for name, bound in TARGETS.items():
        _name, ms, _queries, _raw, beyond_ms, select_ms, _size = by_name[name]
        floor = "API" if name != "full HTML page" else "page"
        # A stored body sent as it is can cost less than the floor request (which serializes its own data): the
        # time beyond the floor is then below zero and counted as 0, with the measured difference in the note.
        cheaper = " — less than the floor, counted as 0" if beyond_ms < 0 else ""
        benchtable.add(f"dashboards {size}: ({name} − {floor} floor) / read-model read",
                       value=max(beyond_ms, 0.0) / select_ms, target=bound, unit="×", timing=True,
                       note=f"PASS/FAIL on the ratio beyond the {floor} floor ({beyond_ms:.2f} ms{cheaper}); plain "
                            f"{name} / read-model read = {ms / select_ms:.2f}×; read-model read = raw SELECT of "
                            f"its stored body, {select_ms:.2f} ms")
    ms, raw_all_ms = by_name["data endpoint"][1], by_name["raw SQL (all dashboard aggregates)"][1]
    benchtable.add(f"dashboards {size}: data endpoint / old raw aggregate", value=ms / raw_all_ms,
                   target=0.5, unit="×", timing=True, note="plain: whole request / raw SQL aggregate")


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
                with benchtable.CountedQueries(connection) as captured:
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
