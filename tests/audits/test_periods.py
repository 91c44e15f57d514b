import datetime

import pytest

from audits.periods import Period, parse_period, period_containing, periods_ending


@pytest.mark.parametrize("cadence, day, name", [
    ("quarterly", datetime.date(2026, 11, 15), "2026-Q4"),
    ("quarterly", datetime.date(2026, 1, 1), "2026-Q1"),
    ("monthly", datetime.date(2026, 11, 30), "2026-11"),
    ("half_yearly", datetime.date(2026, 7, 1), "2026-H2"),
    ("half_yearly", datetime.date(2026, 6, 30), "2026-H1"),
    ("yearly", datetime.date(2026, 12, 31), "2026"),
])
def test_period_containing_a_date_is_named_naturally(cadence, day, name):
    period = period_containing(day, cadence)
    assert period.name == name
    assert period.contains(day)


@pytest.mark.parametrize("name, start, end", [
    ("2026-Q4", datetime.date(2026, 10, 1), datetime.date(2026, 12, 31)),
    ("2024-02", datetime.date(2024, 2, 1), datetime.date(2024, 2, 29)),
    ("2026-H1", datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)),
    ("2026", datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)),
])
def test_parsed_period_knows_its_first_and_last_day(name, start, end):
    period = parse_period(name)
    assert (period.start, period.end, str(period)) == (start, end, name)


@pytest.mark.parametrize("name, previous", [
    ("2026-Q1", "2025-Q4"), ("2026-Q3", "2026-Q2"), ("2026-01", "2025-12"), ("2026-H1", "2025-H2"), ("2026", "2025"),
])
def test_previous_period_crosses_year_boundaries(name, previous):
    assert parse_period(name).previous().name == previous
    assert parse_period(previous).next().name == name


def test_lower_case_and_spaces_are_accepted():
    assert parse_period(" 2026-q4 ") == Period(2026, 4, "quarterly")


@pytest.mark.parametrize("bad", ["", "2026-Q5", "2026-13", "2026-00", "Q4-2026", "26-Q1", "2026-H3", "last quarter", None])
def test_bad_period_text_raises_a_clear_value_error(bad):
    with pytest.raises(ValueError, match="period|month|out of range|is not"):
        parse_period(bad)


def test_opening_date_is_the_opening_day_of_the_first_month():
    assert parse_period("2026-Q4").opening_date(15) == datetime.date(2026, 10, 15)


def test_periods_ending_lists_oldest_first():
    assert [p.name for p in periods_ending(parse_period("2026-Q2"), 4)] == ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]


def test_unknown_cadence_is_refused():
    with pytest.raises(ValueError, match="Unknown cadence"):
        period_containing(datetime.date(2026, 1, 1), "weekly")
