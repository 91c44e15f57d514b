"""What the executive's three dashboard requests cost on the demo's data, from the read model and cold, at two sizes.

Issue 15: the data and summary endpoints at most 4 queries and the executive page at most 8 with the read model
warm; the team headline is part of the stored figures, so a hit reads nothing of the scorecards. A cold read
(the generation just bumped) recomputes everything, in a number of queries that does not grow with the company.
"""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope
from rest_framework.test import APIClient

from accounts.models import Role
from audits import demo as audits_demo
from dashboards import sql
from scorecards import demo as scorecards_demo
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory, company_with_department_heads

NOW = datetime.datetime(2026, 11, 28, 9, 0, tzinfo=datetime.UTC)
WARM = {"data": 4, "summary": 4, "page": 8}  # issue 15's targets
COLD = 40  # everything recomputed: the overview's own queries, the team headline's, storing the snapshot
# size → (sales managers, departments with no factor beside the seed's five)
SIZES = {"demo": (6, 0), "larger": (24, 12)}


def demo_shaped(size, django_capture_on_commit_callbacks):
    """A company built by the demo's own builders (eight quarters of audits, the sales team's scorecards), with an
    executive; its figures generation bumped as after a real commit."""
    managers, extra_departments = SIZES[size]
    with django_capture_on_commit_callbacks(execute=True):
        company = company_with_department_heads(slug=f"demo-{size}", language="en")
        with scope(company=company):
            sales = company.departments.get(name="Sales")
        for n in range(extra_departments):
            DepartmentFactory(company=company, name=f"Branch {n:02d}")
        for n in range(managers):
            MembershipFactory(company=company, role=Role.SALES_MANAGER, department=sales,
                              user=UserFactory(email=f"seller{n}@{size}.test"))
        executive = MembershipFactory(company=company, role=Role.EXECUTIVE,
                                      user=UserFactory(email=f"exec@{size}.test"))
        with scope(company=company):
            audits_demo.build(company=company, progress=lambda _note: None)
            scorecards_demo.build(company=company, progress=lambda *_args: None)
    return company, executive.user


def cool(company):
    """A new figures generation, as after a committed change: the next read recomputes."""
    with scope(company=company):
        sql.figures_generation(company)  # its row exists, as after the first read
    sql.figures_generation_bump(company.pk)


def requests_of(company):
    base = f"/api/v1/companies/{company.slug}/dashboard/"
    return {"data": base + "data/", "summary": base + "summary/", "page": f"/c/{company.slug}/dashboard/"}


def counted(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(captured.captured_queries), response


@pytest.fixture
def clients(client):
    def make(user):
        api = APIClient()
        api.force_login(user)
        client.force_login(user)
        return {"data": api, "summary": api, "page": client}

    return make


@pytest.mark.django_db
@pytest.mark.parametrize("size", list(SIZES))
def test_dashboard_requests_cost_the_same_few_queries_warm_and_a_bounded_number_cold(
        size, clients, django_capture_on_commit_callbacks):
    with time_machine.travel(NOW, tick=False):
        company, executive = demo_shaped(size, django_capture_on_commit_callbacks)
        by_name = clients(executive)
        counts = {}
        for name, url in requests_of(company).items():
            cool(company)
            counts[name, "cold"], cold = counted(by_name[name], url)
            counts[name, "warm"], warm = counted(by_name[name], url)
            if name != "page":  # (the page differs by its CSP nonce)
                assert warm.json() == cold.json()  # the snapshot holds what was computed
    for name, limit in WARM.items():
        assert counts[name, "warm"] <= limit, counts
        assert counts[name, "cold"] <= COLD, counts


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_the_company(clients, django_capture_on_commit_callbacks):
    seen = {}
    sql.factor_names()  # the process's one-time read of the catalogue names, outside the counts
    with time_machine.travel(NOW, tick=False):
        for size in SIZES:
            company, executive = demo_shaped(size, django_capture_on_commit_callbacks)
            by_name = clients(executive)
            for name, url in requests_of(company).items():
                cool(company)
                cold, _response = counted(by_name[name], url)
                warm, _response = counted(by_name[name], url)
                seen.setdefault(name, set()).add((cold, warm))
    assert all(len(pairs) == 1 for pairs in seen.values()), seen


@pytest.mark.django_db
def test_the_team_headline_is_stored_with_the_figures_and_a_scorecard_change_is_read_at_once(
        clients, django_capture_on_commit_callbacks):
    from scorecards.models import PlanResult

    with time_machine.travel(NOW, tick=False):
        company, executive = demo_shaped("demo", django_capture_on_commit_callbacks)
        api = clients(executive)["summary"]
        url = requests_of(company)["summary"]
        before = [s["text"] for s in api.get(url).json()["sentences"] if s["kind"] == "team"]
        assert before and before[0].startswith("Most of the team met its norms and still missed the plan")
        with django_capture_on_commit_callbacks(execute=True), scope(company=company):
            for plan in PlanResult.objects.filter(company=company, period="2026-Q3"):
                plan.actual_deals, plan.actual_revenue = plan.plan_deals, plan.plan_revenue
                plan.save()
        after = [s["text"] for s in api.get(url).json()["sentences"] if s["kind"] == "team"]
    assert after != before  # the plan is met now: the team is no longer "in the system"
