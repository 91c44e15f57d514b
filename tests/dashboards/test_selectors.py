"""Selectors: aggregated rows from stored scores in a constant number of queries."""

import pytest
from django_scopes import ScopeError, scope

from dashboards import selectors
from dashboards.filters import Filters
from tests.dashboards.conftest import build_history

OVERVIEW_QUERIES = 10  # rounds, factors, actions, cells, questions asked, answers, heatmap, completion, rules


def quarters(n, first_year=2015):
    return [f"{first_year + i // 4}-Q{i % 4 + 1}" for i in range(n)]


@pytest.mark.parametrize("size", [2, 9])
def test_overview_query_count_does_not_grow_with_rounds(alpha, size, django_assert_max_num_queries):
    build_history(alpha, quarters(size))
    with scope(company=alpha.company), django_assert_max_num_queries(OVERVIEW_QUERIES):
        overview = selectors.overview(company=alpha.company, filters=Filters())
    assert len(overview.rounds) == size


@pytest.mark.parametrize("departments", [["sales"], ["sales", "marketing", "product", "it", "management"]])
def test_overview_query_count_does_not_grow_with_departments(alpha, departments, django_assert_max_num_queries):
    build_history(alpha, quarters(3), departments=departments, missing_last=())
    with scope(company=alpha.company), django_assert_max_num_queries(OVERVIEW_QUERIES):
        overview = selectors.overview(company=alpha.company, filters=Filters())
    assert len(overview.heatmap.departments) == len(departments)


def test_department_filter_keeps_the_query_count(alpha, django_assert_max_num_queries):
    build_history(alpha, quarters(4))
    filters = Filters(department=alpha.departments["sales"])
    with scope(company=alpha.company), django_assert_max_num_queries(OVERVIEW_QUERIES + 1):
        overview = selectors.overview(company=alpha.company, filters=filters)
    assert {c.department for c in overview.heatmap.cells} == {"Sales"}


def test_round_rows_count_on_time_late_and_missing(alpha, history):
    with scope(company=alpha.company):
        rows = selectors.round_rows(company=alpha.company, filters=Filters())
    last = rows[-1]
    assert [r.period for r in rows] == ["2025-Q2", "2025-Q3", "2025-Q4"]
    assert (last.expected, last.submitted, last.on_time, last.late, last.missing) == (5, 4, 3, 1, 1)
    assert rows[0].index_change is None
    assert last.index_change == pytest.approx(last.system_index - rows[1].system_index, abs=0.01)


def test_period_range_limits_the_rounds(alpha, history):
    with scope(company=alpha.company):
        rows = selectors.round_rows(company=alpha.company, filters=Filters("2025-Q3", "2025-Q3"))
    assert [r.period for r in rows] == ["2025-Q3"]


def test_weakest_factor_names_its_accountable_department_and_open_actions(alpha, history):
    with scope(company=alpha.company):
        overview = selectors.overview(company=alpha.company, filters=Filters())
    [weakest] = overview.weakest
    assert (weakest.key, weakest.score) == ("sales_tech", 41.0)
    assert weakest.accountable_department == "Sales"
    assert weakest.open_actions == 2


def test_biggest_factor_fall_is_sales_technology(alpha, history):
    with scope(company=alpha.company):
        overview = selectors.overview(company=alpha.company, filters=Filters())
    assert overview.factor_falls[0].key == "sales_tech"
    assert overview.factor_falls[0].open_actions == 2
    assert all(m.delta > 0 for m in overview.factor_rises)


def test_heatmap_shows_only_answered_cells_and_links_audits(alpha, history):
    with scope(company=alpha.company):
        data = selectors.heatmap(company=alpha.company, filters=Filters(round_period="2025-Q4"))
        sales_audit = history["2025-Q4"].audits.get(department=alpha.departments["sales"])
    assert data.period == "2025-Q4"
    assert "Marketing" in [name for _id, name in data.departments]  # it has an audit…
    assert not [c for c in data.cells if c.department == "Marketing"]  # …but no scores: blank cells
    assert {c.audit_id for c in data.cells if c.department == "Sales"} == {sales_audit.pk}


def test_empty_company_gives_empty_rows(alpha, django_assert_max_num_queries):
    with scope(company=alpha.company), django_assert_max_num_queries(OVERVIEW_QUERIES):
        overview = selectors.overview(company=alpha.company, filters=Filters())
    assert overview.rounds == [] and overview.factors == [] and overview.weakest == []
    assert overview.heatmap.period is None


def test_all_not_applicable_scores_give_no_weakest_factor(alpha):
    build_history(alpha, quarters(2), not_applicable=True)
    with scope(company=alpha.company):
        overview = selectors.overview(company=alpha.company, filters=Filters())
    assert overview.weakest == [] and overview.story.lowest == []
    assert all(p.score is None for p in overview.factors)
    assert overview.factor_falls == [] and overview.factor_rises == []


def test_selectors_never_read_another_company(alpha, beta, history):
    build_history(beta, ["2025-Q4"])
    with scope(company=alpha.company):
        rows = selectors.score_rows(company=alpha.company, filters=Filters())
    assert {r["department"] for r in rows} <= {"Sales", "Marketing", "Product", "IT", "Management"}
    assert len(rows) == 7 * (5 + 5 + 4)


def test_dashboard_sql_outside_any_scope_raises(alpha, history):
    with pytest.raises(ScopeError):
        selectors.overview(company=alpha.company, filters=Filters())


def test_dashboard_sql_in_another_companys_scope_raises(alpha, beta, history):
    with scope(company=beta.company), pytest.raises(ScopeError):
        selectors.heatmap(company=alpha.company, filters=Filters())


def test_department_filter_reads_only_that_departments_actions_and_scores(alpha, history):
    sales = alpha.departments["sales"]
    with scope(company=alpha.company):
        whole = selectors.overview(company=alpha.company, filters=Filters())
        only_sales = selectors.overview(company=alpha.company, filters=Filters(department=sales))
    assert {p.department_id for p in whole.department_points} > {sales.pk}
    assert {p.department_id for p in only_sales.department_points} <= {sales.pk}
    assert {row.department for row in only_sales.completion_by_department} == {"Sales"}
    assert all(r.expected <= 1 for r in only_sales.rounds)
