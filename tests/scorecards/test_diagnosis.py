"""The diagnosis arithmetic and the verdict, with plain numbers (no database)."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorecards import diagnosis as dx

T = dx.Thresholds(activity=90, knowledge=70, plan=90)
MON_FRI = [0, 1, 2, 3, 4]


def test_working_days_count_monday_to_friday_only():
    # 2026-03-02 is a Monday; two full weeks.
    assert dx.working_days(datetime.date(2026, 3, 2), datetime.date(2026, 3, 15), MON_FRI) == 10


def test_days_off_on_working_days_reduce_the_count_and_weekend_days_off_do_not():
    start, end = datetime.date(2026, 3, 2), datetime.date(2026, 3, 15)
    days_off = [datetime.date(2026, 3, 3), datetime.date(2026, 3, 7), datetime.date(2026, 4, 1)]  # Tue, Sat, outside
    assert dx.working_days(start, end, MON_FRI, days_off) == 9


def test_company_holidays_leave_the_calendar_and_a_day_off_on_a_holiday_is_not_counted_twice():
    start, end = datetime.date(2026, 3, 2), datetime.date(2026, 3, 15)
    holidays = [datetime.date(2026, 3, 9), datetime.date(2026, 3, 8)]  # Monday, and a Sunday that changes nothing
    assert dx.working_days(start, end, MON_FRI, holidays=holidays) == 9
    assert dx.working_days(start, end, MON_FRI, [datetime.date(2026, 3, 9), datetime.date(2026, 3, 10)], holidays) == 8


def test_expected_counts_prorate_weekly_and_monthly_norms():
    norm = dx.Norm(calls_per_day=40, meetings_per_week=5, proposals_per_month=13)
    expected = dx.expected_counts(norm, available_days=65, days_per_week=5)
    assert expected["calls"] == 2600
    assert expected["meetings"] == 65
    # 65 working days = 13 weeks = 3 months of 52/12 weeks → 39 proposals.
    assert round(expected["proposals"], 6) == 39


def test_unused_norm_metrics_are_not_expected_and_not_averaged():
    expected = dx.expected_counts(dx.Norm(calls_per_day=10), available_days=10, days_per_week=5)
    assert expected == {"calls": 100}
    assert dx.compliance({"calls": 50, "meetings": 99}, expected) == {"calls": 50.0}


def test_compliance_with_days_off_uses_the_reduced_expectation():
    inputs = dx.Inputs(
        start=datetime.date(2026, 3, 2), end=datetime.date(2026, 3, 13), weekdays=MON_FRI,
        days_off=[datetime.date(2026, 3, 2), datetime.date(2026, 3, 3)], norm=dx.Norm(calls_per_day=10),
        actual={"calls": 80, "meetings": 0, "proposals": 0}, knowledge=80,
        plan_deals=10, actual_deals=10, plan_revenue=Decimal(100), actual_revenue=Decimal(100),
    )
    result = dx.diagnose(inputs)
    assert result.working_days == 10 and result.available_days == 8
    assert result.expected["calls"] == 80
    assert result.activity == 100.0


def test_combined_activity_is_the_mean_of_the_used_metrics():
    assert dx.mean(dx.compliance({"calls": 45, "meetings": 3}, {"calls": 50, "meetings": 5}).values()) == 75.0


def test_plan_of_zero_is_no_plan_and_never_divides_by_zero():
    assert dx.plan_attainment(plan_deals=0, actual_deals=3, plan_revenue=0, actual_revenue=10) == (None, None, None)
    deals, revenue, combined = dx.plan_attainment(plan_deals=0, actual_deals=3, plan_revenue=100, actual_revenue=50)
    assert (deals, revenue, combined) == (None, 50.0, 50.0)


def test_no_activity_expected_when_every_day_is_off():
    assert dx.percent(5, 0) is None


def test_verdict_on_track_when_norms_and_plan_are_met():
    assert dx.decide(metric_compliance={"calls": 95}, knowledge=80, plan=100, thresholds=T) == dx.ON_TRACK


def test_verdict_system_when_activity_and_knowledge_met_and_plan_missed():
    assert dx.decide(metric_compliance={"calls": 105}, knowledge=75, plan=60, thresholds=T) == dx.SYSTEM


def test_verdict_manager_when_activity_below_norm_and_plan_missed():
    assert dx.decide(metric_compliance={"calls": 58}, knowledge=80, plan=60, thresholds=T) == dx.MANAGER


def test_verdict_manager_when_knowledge_below_norm_and_plan_missed():
    assert dx.decide(metric_compliance={"calls": 100}, knowledge=52, plan=60, thresholds=T) == dx.MANAGER


def test_verdict_check_norms_when_plan_met_with_activity_below_norm():
    assert dx.decide(metric_compliance={"calls": 60}, knowledge=90, plan=120, thresholds=T) == dx.CHECK_NORMS


def test_thresholds_are_inclusive():
    assert dx.decide(metric_compliance={"calls": 90}, knowledge=70, plan=89.99, thresholds=T) == dx.SYSTEM
    assert dx.decide(metric_compliance={"calls": 90}, knowledge=70, plan=90, thresholds=T) == dx.ON_TRACK


def test_verdict_without_plan_or_without_measures_is_no_data():
    assert dx.decide(metric_compliance={"calls": 100}, knowledge=80, plan=None, thresholds=T) == dx.NO_DATA
    assert dx.decide(metric_compliance={"calls": 100}, knowledge=None, plan=50, thresholds=T) == dx.NO_DATA


def test_company_thresholds_change_the_verdict():
    strict = dx.Thresholds(activity=110, knowledge=70, plan=90)
    assert dx.decide(metric_compliance={"calls": 105}, knowledge=75, plan=60, thresholds=strict) == dx.MANAGER


def test_gaps_name_each_measure_below_its_threshold_worst_first():
    found = dx.gaps(metric_compliance={"calls": 58.4, "meetings": 95.0, "proposals": 80.0}, knowledge=52,
                    thresholds=T)
    assert [str(g) for g in found] == ["calls at 58 % of norm", "proposals at 80 % of norm", "knowledge 52"]


@given(
    activity=st.one_of(st.none(), st.floats(0, 300, allow_nan=False)),
    knowledge=st.one_of(st.none(), st.floats(0, 100, allow_nan=False)),
    plan=st.one_of(st.none(), st.floats(0, 300, allow_nan=False)),
)
def test_verdict_rules_hold_for_any_numbers(activity, knowledge, plan):
    verdict = dx.decide(metric_compliance={"calls": activity}, knowledge=knowledge, plan=plan, thresholds=T)
    assert verdict in dx.VERDICTS
    if plan is not None and plan >= T.plan:
        assert verdict in (dx.ON_TRACK, dx.CHECK_NORMS)
    if verdict == dx.SYSTEM:
        # The system is blamed only when the manager's own part is measured and met.
        assert activity >= T.activity and knowledge >= T.knowledge and plan < T.plan
    if verdict == dx.MANAGER:
        assert plan < T.plan and (activity < T.activity if activity is not None else knowledge < T.knowledge) or \
            (knowledge is not None and knowledge < T.knowledge)


@given(st.floats(0, 300, allow_nan=False), st.floats(0, 100, allow_nan=False), st.floats(0, 300, allow_nan=False),
       st.floats(0, 50, allow_nan=False))
def test_more_activity_never_turns_a_system_verdict_into_a_manager_one(activity, knowledge, plan, extra):
    before = dx.decide(metric_compliance={"calls": activity}, knowledge=knowledge, plan=plan, thresholds=T)
    after = dx.decide(metric_compliance={"calls": activity + extra}, knowledge=knowledge, plan=plan, thresholds=T)
    if before == dx.SYSTEM:
        assert after == dx.SYSTEM


def test_calls_far_above_the_norm_do_not_cover_meetings_at_40_percent():
    verdict = dx.decide(metric_compliance={"calls": 200.0, "meetings": 40.0}, knowledge=85, plan=60, thresholds=T)
    assert verdict == dx.MANAGER
    assert dx.capped_mean({"calls": 200.0, "meetings": 40.0}) == 70.0


def test_over_achievement_does_not_turn_a_short_metric_into_on_track():
    assert dx.decide(metric_compliance={"calls": 250.0, "proposals": 50.0}, knowledge=85, plan=120,
                     thresholds=T) == dx.CHECK_NORMS


NORM_VALUES = st.one_of(st.none(), st.integers(0, 60))
COUNTS = st.integers(0, 5000)


@given(
    norm=st.builds(dx.Norm, calls_per_day=NORM_VALUES, meetings_per_week=NORM_VALUES, proposals_per_month=NORM_VALUES),
    actual=st.fixed_dictionaries({"calls": COUNTS, "meetings": COUNTS, "proposals": COUNTS}),
    knowledge=st.one_of(st.none(), st.floats(0, 100, allow_nan=False)),
    plan_deals=st.one_of(st.none(), st.integers(0, 50)), actual_deals=st.integers(0, 100),
    thresholds=st.builds(dx.Thresholds, activity=st.integers(1, 150), knowledge=st.integers(0, 100),
                         plan=st.integers(1, 150)),
    days_off=st.sets(st.integers(0, 30), max_size=10),
)
def test_no_average_hides_a_weak_part(norm, actual, knowledge, plan_deals, actual_deals, thresholds, days_off):
    start = datetime.date(2026, 1, 1)
    result = dx.diagnose(dx.Inputs(
        start=start, end=datetime.date(2026, 1, 31), weekdays=MON_FRI,
        days_off=[start + datetime.timedelta(n) for n in days_off], norm=norm, actual=actual, knowledge=knowledge,
        plan_deals=plan_deals, actual_deals=actual_deals, thresholds=thresholds,
    ))
    short = {m for m, v in result.metric_compliance.items() if v is not None and v < thresholds.activity}
    knowledge_short = knowledge is not None and knowledge < thresholds.knowledge
    if short or knowledge_short:
        assert result.verdict != dx.SYSTEM
    if short:
        assert result.verdict not in (dx.SYSTEM, dx.ON_TRACK)
        assert result.activity_met is False
    # The reasons name every metric under its threshold, and knowledge when it is.
    assert {g.measure for g in result.gaps} == short | ({"knowledge"} if knowledge_short else set())
    measured = [v for v in result.metric_compliance.values() if v is not None]
    if measured:
        # The mean shown counts no metric above 100 %, so it never exceeds 100 % nor any capped part's mean.
        assert result.activity <= 100
        assert result.activity == pytest.approx(sum(min(v, 100) for v in measured) / len(measured))
    else:
        assert result.activity is None
