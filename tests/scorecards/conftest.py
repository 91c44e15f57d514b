"""Scorecard fixtures: a sales team in company alpha with norms, a quarter of activity and plans."""

import datetime
from decimal import Decimal

import pytest
from django_scopes import scopes_disabled

from accounts.models import Role
from scorecards.models import ActivityEntry, ActivityNorm, KnowledgeRating, PlanResult
from tests.factories import MembershipFactory, UserFactory

QUARTER = "2026-Q1"
Q_START, Q_END = datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)
AFTER_QUARTER = datetime.datetime(2026, 4, 15, 12, 0, tzinfo=datetime.UTC)


def working_days(start=Q_START, end=Q_END):
    day, days = start, []
    while day <= end:
        if day.weekday() < 5:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def add_manager(tenant, email, **kwargs):
    return MembershipFactory(company=tenant.company, role=Role.SALES_MANAGER, department=tenant.departments["sales"],
                             user=UserFactory(email=email, first_name=email.split("@")[0].title(), last_name="Seller"),
                             **kwargs)


def fill_quarter(manager, *, calls, meetings=0, proposals=0, days=None):
    """The same counts on every working day of the quarter (one bulk insert)."""
    with scopes_disabled():  # test data, built outside any request
        ActivityEntry.objects.bulk_create([
            ActivityEntry(company=manager.company, manager=manager, date=d, calls=calls, meetings=meetings,
                          proposals=proposals)
            for d in (days or working_days())
        ])


def set_norm(company, manager=None, calls=40, meetings=5, proposals=None):
    with scopes_disabled():
        return ActivityNorm.objects.create(company=company, manager=manager, calls_per_day=calls,
                                           meetings_per_week=meetings, proposals_per_month=proposals)


def set_plan(manager, *, plan_deals=10, actual_deals=5, plan_revenue="1000000", actual_revenue="500000",
             period=QUARTER):
    with scopes_disabled():
        return PlanResult.objects.create(company=manager.company, manager=manager, period=period,
                                         plan_deals=plan_deals, actual_deals=actual_deals,
                                         plan_revenue=Decimal(plan_revenue), actual_revenue=Decimal(actual_revenue))


def set_rating(manager, score, period=QUARTER):
    with scopes_disabled():
        return KnowledgeRating.objects.create(company=manager.company, manager=manager, period=period, score=score)


@pytest.fixture
def frozen_after_quarter(time_machine):
    time_machine.move_to(AFTER_QUARTER, tick=False)


def judged_team(tenant):
    """The tenant's seller (system: norms met, plan missed) and a second manager (manager: calls low)."""
    set_norm(tenant.company)
    seller = tenant.member(Role.SALES_MANAGER)
    weak = add_manager(tenant, "weak@alpha.test")
    fill_quarter(seller, calls=42, meetings=1)
    fill_quarter(weak, calls=23, meetings=1)
    for manager, rating in [(seller, 80), (weak, 52)]:
        set_plan(manager)
        set_rating(manager, rating)
    return {"seller": seller, "weak": weak}


@pytest.fixture
def team(alpha, frozen_after_quarter):
    return judged_team(alpha)


@pytest.fixture
def other_head(alpha):
    """A department head of Marketing: not the head of sales."""
    head = MembershipFactory(company=alpha.company, role=Role.DEPARTMENT_HEAD, department=alpha.departments["marketing"],
                             user=UserFactory(email="marketing-head@alpha.test"))
    with scopes_disabled():
        alpha.departments["marketing"].head = head
        alpha.departments["marketing"].save()
    return head
