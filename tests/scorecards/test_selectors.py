"""The diagnosis through the database: numbers, verdicts, system factors, the team sentence and headline."""

import datetime
import pathlib

import pytest
from django.conf import settings
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from accounts.models import Role
from audits.periods import parse_period
from scorecards import diagnosis as dx
from scorecards import selectors
from scorecards.models import DayOff
from tests.factories import ActionItemFactory, RoundFactorScoreFactory, RoundFactory, factor
from tests.scorecards.conftest import QUARTER, add_manager, fill_quarter, set_plan, set_rating

pytestmark = pytest.mark.django_db
Q1 = parse_period(QUARTER)


def audit_round(tenant, period=QUARTER, scores=None):
    """A round of `period` with factor scores; product and sales technology are the weakest by default."""
    rnd = RoundFactory(company=tenant.company, period=period, period_start=parse_period(period).start,
                       period_end=parse_period(period).end)
    scores = scores or {"product": (38, "product"), "sales_tech": (45, "sales"), "customers": (70, "marketing"),
                        "strategy": (75, "management")}
    for key, (score, department) in scores.items():
        RoundFactorScoreFactory(round=rnd, factor=factor(key), score=score,
                                accountable_department=tenant.departments[department])
    return rnd


def test_system_verdict_points_at_weakest_factors_with_departments_and_open_actions(alpha, team):
    audit_round(alpha)
    ActionItemFactory(company=alpha.company, factor=factor("product"))
    ActionItemFactory(company=alpha.company, factor=factor("product"), status="done")
    with scope(company=alpha.company):
        diag = selectors.diagnosis_of(company=alpha.company, manager=team["seller"], period=Q1)
        explanation = diag.explanation()
    assert diag.verdict == dx.SYSTEM
    assert [f["key"] for f in diag.factors] == ["product", "sales_tech"]
    assert diag.factors[0] == {"key": "product", "name": "Product", "score": 38.0, "score_whole": 38,
                               "department": "Product", "open_action_items": 1}
    assert explanation["sentence"] == ("The manager did their part; look at Product and Sales technology "
                                       "(under 50 in the audit).")
    assert explanation["working_days"] == 64
    assert explanation["metrics"][0]["compliance"] == 105.0
    assert explanation["thresholds"] == {"activity": 90, "knowledge": 70, "plan": 90}


def test_manager_verdict_names_the_gap(alpha, team):
    with scope(company=alpha.company):
        diag = selectors.diagnosis_of(company=alpha.company, manager=team["weak"], period=Q1)
    assert diag.verdict == dx.MANAGER
    assert diag.headline == "Below the norm: calls at 58 % of norm; knowledge 52."
    assert diag.factors == []


def test_days_off_lower_the_expected_activity(alpha, team):
    seller = team["seller"]
    with scopes_disabled():
        DayOff.objects.bulk_create([DayOff(company=alpha.company, manager=seller, date=datetime.date(2026, 3, d))
                                    for d in (2, 3, 4, 5)])
    with scope(company=alpha.company):
        x = selectors.diagnosis_of(company=alpha.company, manager=seller, period=Q1).explanation()
    assert (x["working_days"], x["days_off"], x["available_days"]) == (64, 4, 60)
    assert x["metrics"][0]["expected"] == 2400.0


def test_manager_override_replaces_the_company_norm(alpha, team):
    from tests.scorecards.conftest import set_norm

    set_norm(alpha.company, manager=team["weak"], calls=20, meetings=None)
    with scope(company=alpha.company):
        diag = selectors.diagnosis_of(company=alpha.company, manager=team["weak"], period=Q1)
    assert diag.result.metric_compliance == {"calls": 115.0}


def test_knowledge_score_is_the_mean_of_rating_and_checks(alpha, team):
    from scorecards.models import KnowledgeAttempt, KnowledgeCheck

    with scopes_disabled():
        check = KnowledgeCheck.objects.create(company=alpha.company, title="Product", is_published=True)
        KnowledgeAttempt.objects.create(company=alpha.company, knowledge_check=check, manager=team["seller"],
                                        period=QUARTER, score=60, correct=3, total=5)
    with scope(company=alpha.company):
        diag = selectors.diagnosis_of(company=alpha.company, manager=team["seller"], period=Q1)
    assert diag.knowledge == {"rating": 80, "checks": 60.0, "score": 70.0}


def test_team_sentence_when_most_of_the_team_is_in_system(alpha, team):
    audit_round(alpha)
    third = add_manager(alpha, "third@alpha.test")
    fill_quarter(third, calls=40, meetings=1)
    set_plan(third)
    set_rating(third, 75)
    with scope(company=alpha.company):
        view = selectors.team_view(company=alpha.company, managers=selectors.sales_managers(company=alpha.company),
                                   period=Q1)
        headline = selectors.team_headline(company=alpha.company, period=QUARTER)
    assert view.counts[dx.SYSTEM] == 2 and view.counts[dx.MANAGER] == 1
    expected = ("Most of the team met its norms and still missed the plan: the cause is in the system — "
                "look at Product and Sales technology.")  # the weak ones only (under 50)
    assert view.sentence == expected
    assert headline == expected


def test_no_headline_when_the_team_is_not_mostly_system(alpha, team):
    with scope(company=alpha.company):
        assert selectors.team_headline(company=alpha.company, period="2026-Q1") is None
        assert selectors.team_headline(company=alpha.company, period="not a period") is None


def test_no_headline_without_sales_managers(beta):
    with scopes_disabled():
        beta.member(Role.SALES_MANAGER).delete()
    with scope(company=beta.company):
        assert selectors.team_headline(company=beta.company) is None


def test_default_period_is_the_latest_audit_round(alpha, team):
    audit_round(alpha, period="2025-Q4")
    audit_round(alpha, period="2026-Q1")
    with scope(company=alpha.company):
        assert selectors.default_period(company=alpha.company).name == "2026-Q1"


def test_default_period_without_rounds_is_the_current_quarter(alpha, frozen_after_quarter):
    with scope(company=alpha.company):
        assert selectors.default_period(company=alpha.company).name == "2026-Q2"


def test_running_period_counts_only_up_to_today(alpha, team):
    with scope(company=alpha.company):
        x = selectors.diagnosis_of(company=alpha.company, manager=team["seller"], period=parse_period("2026-Q2"))
    # Today is 2026-04-15: 1–15 April hold 11 working days.
    assert x.explanation()["until"] == "2026-04-15" and x.result.working_days == 11


def test_team_diagnosis_takes_a_constant_number_of_queries(alpha, team, django_assert_max_num_queries):
    for n in range(5):
        manager = add_manager(alpha, f"extra{n}@alpha.test")
        fill_quarter(manager, calls=40, meetings=1)
        set_plan(manager)
    with scope(company=alpha.company):
        managers = list(selectors.sales_managers(company=alpha.company))
        with django_assert_max_num_queries(11):  # + the company's weak threshold (dashboards' rules)
            selectors.team_view(company=alpha.company, managers=managers, period=Q1)


def test_executive_dashboard_leads_with_the_team_headline_when_most_of_the_team_is_in_system(alpha, team,
                                                                                              client_for):
    audit_round(alpha)
    url = reverse("dashboards:executive", kwargs={"company_slug": "alpha"})
    sentence = "Most of the team met its norms and still missed the plan"
    assert sentence not in client_for(alpha.member(Role.EXECUTIVE)).get(url).content.decode()  # 1 of 2 is system
    third = add_manager(alpha, "third@alpha.test")
    fill_quarter(third, calls=40, meetings=1)
    set_plan(third)
    set_rating(third, 75)
    page = client_for(alpha.member(Role.EXECUTIVE)).get(url)
    assert page.status_code == 200
    assert 'class="dash-lead"' in page.content.decode() and sentence in page.content.decode()


def test_dashboards_reach_the_scorecard_headline_only_through_settings():
    """Dependencies point one way: dashboards imports no scorecards module (the hook is wired in settings)."""
    for path in (pathlib.Path(settings.BASE_DIR) / "dashboards").rglob("*.py"):
        assert "scorecards" not in path.read_text(encoding="utf-8"), path


def test_system_verdict_names_no_factor_when_none_is_weak(alpha, team):
    audit_round(alpha, scores={"product": (62.5, "product"), "sales_tech": (70, "sales")})
    with scope(company=alpha.company):
        diag = selectors.diagnosis_of(company=alpha.company, manager=team["seller"], period=Q1)
        explanation = diag.explanation()
    assert diag.verdict == dx.SYSTEM and diag.factors == []
    assert explanation["sentence"] == ("The manager did their part; no system factor is under 50 in this period's "
                                       "audit, so look at the plan and the market beyond the audited factors.")


def test_weak_factors_follow_the_company_threshold_and_keep_ties(alpha, team):
    from dashboards.services import dashboard_settings_update

    audit_round(alpha, scores={"product": (55, "product"), "sales_tech": (54.5, "sales"), "customers": (70, "marketing")})
    with scope(company=alpha.company):
        dashboard_settings_update(company=alpha.company, weak_threshold=60)
        diag = selectors.diagnosis_of(company=alpha.company, manager=team["seller"], period=Q1)
    assert sorted(f["key"] for f in diag.factors) == ["product", "sales_tech"]  # 55 and 54.5 both read 55
