"""Chart functions on plain data: no database, valid Plotly figures, readable empty states."""

import json

import plotly.graph_objects as go
import pytest
from django.utils import translation

from dashboards import charts, selectors, story
from dashboards.selectors import (
    ActionCount,
    DepartmentCompletion,
    DepartmentPoint,
    FactorPoint,
    Heatmap,
    HeatmapCell,
    Mover,
    RoundRow,
)


def valid(figure):
    """The dict is a valid Plotly figure and survives JSON."""
    go.Figure(figure)
    return json.loads(json.dumps(figure))


def round_row(period, index, change=None, **counts):
    base = {"expected": 5, "submitted": 4, "completion": 0.8, "on_time": 3, "late": 1, "pending": 0, "missing": 1}
    return RoundRow(round_id=1, period=period, period_start="2025-10-01", system_index=index, index_change=change,
                    **{**base, **counts})


def point(period, factor, score, accountable="Sales"):
    return FactorPoint(period=period, factor=factor, factor_name=factor.title(), score=score,
                       departments_answered=3, completion=0.8, accountable_department=accountable)


def audit_url(audit_id):
    return f"/c/alpha/dashboard/audits/{audit_id}/"


def no_data(figure):
    return figure["data"] == [] and figure["layout"]["annotations"][0]["text"]


EMPTY_CASES = [
    lambda: charts.system_index(story.build(rounds=[], points=[], actions=[], rules=story.Rules())),
    lambda: charts.factor_lines([]),
    lambda: charts.latest_vs_previous(selectors.latest_vs_previous([])),
    lambda: charts.heatmap(Heatmap(period=None), audit_url),
    lambda: charts.completion_by_round([]),
    lambda: charts.completion_by_department([]),
    lambda: charts.movers([], []),
    lambda: charts.open_actions([]),
    lambda: charts.department_lines([], "x"),
]


@pytest.mark.parametrize("build", EMPTY_CASES)
def test_empty_rows_give_an_explained_empty_figure(build):
    figure = valid(build())
    assert no_data(figure)
    assert figure["layout"]["title"]["text"]


def story_of(rows, points=()):
    return story.build(rounds=rows, points=list(points), actions=[], rules=story.Rules())


def test_one_round_draws_the_index_and_has_no_movers():
    told = story_of([round_row("2025-Q4", 62.5)], [point("2025-Q4", "product", 50)])
    figure = valid(charts.system_index(told))
    assert figure["data"][0]["y"] == [62.5]
    assert figure["data"][0]["text"] == ["63"]  # half-up, as on every surface
    assert no_data(valid(charts.movers(*selectors.split_news(told.factor_changes))))


def test_open_round_is_drawn_apart_as_provisional():
    told = story_of([round_row("2025-Q3", 60.0), round_row("2025-Q4", 70.0, in_progress=True, submitted=2)])
    figure = valid(charts.system_index(told))
    final, provisional = figure["data"]
    assert final["x"] == ["2025-Q3"]
    assert provisional["x"] == ["2025-Q3", "2025-Q4"] and provisional["line"]["dash"] == "dot"
    assert "provisional" in provisional["customdata"][-1]


def test_factor_lines_have_one_trace_per_factor_with_accountable_in_hover():
    points = [point(p, f, s) for p in ("2025-Q3", "2025-Q4") for f, s in (("product", 60), ("sales_tech", 41))]
    figure = valid(charts.factor_lines(points))
    assert [t["name"] for t in figure["data"]] == ["Product", "Sales_Tech"]
    assert figure["data"][0]["customdata"][0][0] == "Sales"
    assert figure["data"][0]["marker"]["symbol"] != figure["data"][1]["marker"]["symbol"]  # not colour alone


def test_all_not_applicable_scores_give_an_empty_figure():
    points = [point("2025-Q4", f, None) for f in ("product", "market")]
    assert no_data(valid(charts.factor_lines(points)))
    assert no_data(valid(charts.system_index(story_of([round_row("2025-Q4", None)]))))


def test_heatmap_cells_link_to_audits_and_missing_departments_stay_blank():
    data = Heatmap(period="2025-Q4", departments=[(1, "Sales"), (2, "Marketing")],
                   factors=[("product", "Product"), ("sales_tech", "Sales technology")],
                   cells=[HeatmapCell(1, "Sales", "sales_tech", 41.0, 10, "submitted"),
                          HeatmapCell(1, "Sales", "product", None, 10, "submitted")])
    trace = valid(charts.heatmap(data, audit_url))["data"][0]
    assert trace["z"] == [[None, 41.0], [None, None]]
    assert trace["text"][0] == ["N/A", "41"]
    assert trace["customdata"][0] == [audit_url(10), audit_url(10)]
    assert trace["customdata"][1] == ["", ""]
    assert trace["colorscale"] == "Cividis"


def test_punctuality_bars_stack_four_states_with_patterns():
    rows = [DepartmentCompletion(1, "Sales", 3, 1, 1, 0, 1)]
    figure = valid(charts.completion_by_department(rows))
    assert [t["x"][0] for t in figure["data"]] == [1, 1, 0, 1]
    assert len({t["marker"]["pattern"]["shape"] for t in figure["data"]}) == 4


def test_movers_and_actions_figures():
    falls = [Mover("factor", "sales_tech", "Sales technology", 55, 41, -14, "2025-Q4", "Sales", 2)]
    rises = [Mover("department", "3", "IT", 50, 56, 6, "2025-Q4")]
    movers = valid(charts.movers(falls, rises))["data"][0]
    assert movers["x"] == [-14, 6]
    assert movers["text"] == ["\u221214 \u2192 41", "+6 \u2192 56"]  # signed with a real minus sign
    actions = valid(charts.open_actions([ActionCount("sales_tech", "Sales technology", 2),
                                         ActionCount("product", "Product", 0)], "/actions/"))["data"][0]
    assert actions["y"] == [2] and actions["customdata"] == ["/actions/"]


def test_department_lines_for_a_factor_drill_down():
    points = [DepartmentPoint(1, "Sales", "2025-Q3", 55), DepartmentPoint(1, "Sales", "2025-Q4", 41),
              DepartmentPoint(2, "IT", "2025-Q4", 60)]
    figure = valid(charts.department_lines(points, "Sales technology"))
    assert [t["name"] for t in figure["data"]] == ["Sales", "IT"]


def test_russian_figures_use_a_decimal_comma():
    with translation.override("ru"):
        figure = valid(charts.system_index(story_of([round_row("2025-Q4", 62.5)])))
    assert figure["layout"]["separators"] == ", "


def drawn_figures():
    """One figure with data of each kind the pages draw."""
    rows = [round_row("2025-Q3", 60.0), round_row("2025-Q4", 70.0)]
    points = [point(p, f, s) for p in ("2025-Q3", "2025-Q4") for f, s in (("product", 60), ("sales_tech", 41))]
    heat = Heatmap(period="2025-Q4", departments=[(1, "Sales")], factors=[("product", "Product")],
                   cells=[HeatmapCell(1, "Sales", "product", 50.0, 10, "submitted")])
    falls = [Mover("factor", "sales_tech", "Sales technology", 55, 41, -14, "2025-Q4", "Sales", 2)]
    return [charts.system_index(story_of(rows, points)), charts.factor_lines(points), charts.heatmap(heat, audit_url),
            charts.completion_by_round(rows), charts.completion_by_department([DepartmentCompletion(1, "Sales", 3, 1, 1, 0, 1)]),
            charts.movers(falls, [])]


@pytest.mark.parametrize("index", range(6))
def test_every_figure_lets_axes_push_the_margins_and_keeps_its_legend_above_the_plot(index):
    figure = valid(drawn_figures()[index])
    layout = figure["layout"]
    assert layout["xaxis"]["automargin"] and layout["yaxis"]["automargin"]
    assert layout["legend"]["y"] > 1 and layout["legend"]["yanchor"] == "bottom"  # never under slanted ticks
    assert layout["title"]["yref"] == "container" and layout["margin"]["t"] >= 60  # title over the legend


def test_movers_on_a_phone_print_the_change_alone_still_with_a_real_minus_sign():
    falls = [Mover("factor", "sales_tech", "Sales technology", 55, 41, -14, "2025-Q4", "Sales", 2)]
    trace = valid(charts.movers(falls, [Mover("department", "3", "IT", 50, 56, 6, "2025-Q4")]))["data"][0]
    assert trace["meta"]["narrow"]["text"] == ["\u221214", "+6"]


def test_period_axes_stand_their_labels_upright_on_a_phone():
    figure = valid(charts.completion_by_round([round_row("2025-Q3", 60.0), round_row("2025-Q4", 70.0)]))
    assert figure["layout"]["meta"]["narrow"]["xaxis"] == {"tickangle": -90}
