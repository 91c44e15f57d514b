"""Team-view figures from plain rows: placement, colour by knowledge, labels that do not collide."""

from scorecards import charts
from scorecards.diagnosis import Thresholds


def point(name, activity, plan, knowledge):
    return {"name": name, "activity": activity, "plan": plan, "knowledge": knowledge, "verdict_label": "x"}


def test_quadrant_colours_points_by_knowledge_on_an_explicit_red_to_green_scale():
    figure = charts.quadrant_figure([point("A", 103, 50, 80), point("B", 79, 50, 52)], Thresholds())
    marker = figure["data"][0]["marker"]
    assert marker["color"] == [80, 52] and (marker["cmin"], marker["cmax"]) == (0, 100)
    assert isinstance(marker["colorscale"], list)  # plotly.js knows no "RdYlGn" by name
    assert marker["colorscale"][0][1] == "#b3261e" and marker["colorscale"][-1][1] == "#1b7f3b"


def test_quadrant_alternates_label_sides_and_lists_managers_it_cannot_place():
    figure = charts.quadrant_figure([point("A", 100, 50, 80), point("B", 98, 50, 70), point("C", None, 50, 70)],
                                    Thresholds())
    assert figure["data"][0]["textposition"] == ["top center", "bottom center"]
    assert "C" in figure["layout"]["title"]["text"] and figure["data"][0]["text"] == ["A", "B"]
    assert figure["layout"]["shapes"][0]["x0"] == 90 and figure["layout"]["shapes"][1]["y0"] == 90
