"""The scorecard demo: every verdict at least once, the system's quarter, idempotent, nothing without managers."""

import datetime

import pytest
from django_scopes import scope, scopes_disabled

from accounts.models import Role
from audits.periods import QUARTERLY, period_containing, periods_ending
from scorecards import demo, selectors
from scorecards import diagnosis as dx
from scorecards.models import ActivityEntry, Holiday, PlanResult
from tests.scorecards.conftest import add_manager

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(2026, 5, 20, 9, 0, tzinfo=datetime.UTC)


def build(tenant):
    with scope(company=tenant.company):
        return demo.build(company=tenant.company, progress=lambda *a: None)


def test_demo_tells_the_story_and_covers_every_verdict(alpha, time_machine):
    time_machine.move_to(TODAY, tick=False)
    for n in range(5):
        add_manager(alpha, f"demo{n}@alpha.test")
    assert build(alpha) == 6
    quarters = periods_ending(period_containing(TODAY.date(), QUARTERLY).previous(), 4)
    seen = set()
    with scope(company=alpha.company):
        managers = list(selectors.sales_managers(company=alpha.company))
        for period in quarters:
            seen |= {d.verdict for d in selectors.diagnoses(company=alpha.company, managers=managers, period=period)}
        latest = selectors.team_view(company=alpha.company, managers=managers, period=quarters[-1])
    assert {dx.ON_TRACK, dx.SYSTEM, dx.MANAGER, dx.CHECK_NORMS} <= seen
    assert latest.counts[dx.SYSTEM] == 5 and latest.counts[dx.MANAGER] == 1
    assert latest.sentence.startswith("Most of the team met its norms and still missed the plan")
    with scopes_disabled():  # the working calendar: public holidays, nobody's activity on them
        holidays = set(Holiday.objects.filter(company=alpha.company).values_list("date", flat=True))
        assert datetime.date(2026, 1, 1) in holidays and datetime.date(2025, 12, 25) in holidays
        assert not ActivityEntry.objects.filter(company=alpha.company, date__in=holidays).exists()


def test_demo_is_idempotent(alpha, time_machine):
    time_machine.move_to(TODAY, tick=False)
    build(alpha)
    with scopes_disabled():
        counts = (ActivityEntry.objects.count(), PlanResult.objects.count())
    build(alpha)
    with scopes_disabled():
        assert (ActivityEntry.objects.count(), PlanResult.objects.count()) == counts


def test_demo_does_nothing_without_sales_managers(alpha):
    with scopes_disabled():
        alpha.member(Role.SALES_MANAGER).delete()
    assert build(alpha) == 0
    with scopes_disabled():
        assert not ActivityEntry.objects.exists()
