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


def test_quadrant_names_only_the_managers_whose_label_fits_and_lists_those_it_cannot_place():
    figure = charts.quadrant_figure([point("A", 100, 50, 80), point("B", 98, 52, 70), point("D", 20, 140, 60),
                                     point("C", None, 50, 70)], Thresholds())
    trace = figure["data"][0]
    assert trace["text"] == ["", "", "D"]  # A and B sit on each other: their names are in the hover only
    assert ["A" in hover for hover in trace["hovertext"]] == [True, False, False]
    assert trace["textposition"][2] == "bottom right"  # near the top and left edges: leaning inwards
    assert trace["meta"]["narrow"] == {"mode": "markers"}  # a phone: every name in the hover
    assert "C" in figure["layout"]["title"]["text"]
    assert figure["layout"]["shapes"][0]["x0"] == 90 and figure["layout"]["shapes"][1]["y0"] == 90


def test_quadrant_wraps_a_long_list_of_managers_it_cannot_place_onto_title_lines():
    figure = charts.quadrant_figure([point(f"Manager number {i}", None, 50, 70) for i in range(6)], Thresholds())
    lines = figure["layout"]["title"]["text"].split("<br>")
    assert len(lines) > 2 and max(len(line) for line in lines) <= charts.TITLE_WIDTH
    assert figure["layout"]["margin"]["t"] >= 20 * len(lines)
