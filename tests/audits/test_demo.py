"""The audits demo builder: eight quarters, believable trends, an open latest round, idempotent."""

import datetime

import pytest
import time_machine
from django_scopes import scope

from audits import demo
from audits.models import AuditStatus, DepartmentAudit, RoundFactorScore
from tests.factories import company_with_department_heads

NOW = datetime.datetime(2026, 11, 28, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def demo_company(db):
    return company_with_department_heads(slug="demo-co", language="ru")


@pytest.fixture
def built(demo_company):
    notes = []
    with time_machine.travel(NOW, tick=False):
        demo.build(company=demo_company, progress=notes.append)
    return demo_company, notes


def factor_series(company, key):
    """The company score of one factor per round, oldest first."""
    with scope(company=company):
        rows = RoundFactorScore.objects.filter(company=company, factor__key=key).order_by("round__period_start")
        return [row.score for row in rows]


def test_demo_builds_eight_quarters_ending_with_the_current_open_round(built):
    company, notes = built
    with scope(company=company):
        rounds = list(company.audit_rounds.order_by("period_start"))
        latest_statuses = sorted(rounds[-1].audits.values_list("status", flat=True))
        history_statuses = set(rounds[0].audits.values_list("status", flat=True))
    assert [r.period for r in rounds] == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert latest_statuses == ["draft", "draft", "draft", "submitted", "submitted"]
    assert rounds[-1].deadline > NOW
    assert history_statuses == {AuditStatus.SUBMITTED}
    assert all(r.system_index is not None for r in rounds)
    assert "demo-co: 2026-Q4" in notes


def test_demo_trends_most_factors_improve_and_sales_technology_declines(built):
    company, _ = built
    strategy = factor_series(company, "strategy")
    sales_tech = factor_series(company, "sales_tech")
    assert strategy[-2] > strategy[0]
    assert sales_tech[-2] < sales_tech[-4]  # the last three quarters slide
    assert sales_tech[-4] > sales_tech[0]  # after climbing before
    product = factor_series(company, "product")
    assert product[-2] < product[-3]  # product dips in the last closed quarter too (the scorecard's story)


def test_demo_it_is_often_late_or_missing(built):
    company, _ = built
    with scope(company=company):
        it_audits = list(DepartmentAudit.objects.filter(company=company, department__name="IT", round__period__lt="2026-Q4"))
    late = [a for a in it_audits if a.first_submitted_at and a.first_submitted_at > a.deadline]
    missing = [a for a in it_audits if a.status == AuditStatus.OVERDUE]
    assert len(late) >= 3 and len(missing) == 2


def test_demo_adds_action_items_some_overdue(built):
    company, _ = built
    with scope(company=company):
        items = list(company.action_items.all())
        overdue = [i for i in items if i.is_open and i.due_date < NOW.date()]
    assert len(items) == 5 and overdue


def test_demo_build_twice_changes_nothing(built):
    company, notes = built
    with time_machine.travel(NOW, tick=False):
        assert demo.build(company=company, progress=notes.append) is None
    with scope(company=company):
        assert company.audit_rounds.count() == 8
        assert company.action_items.count() == 5
