"""Plotly figures of the team view, built from plain rows (no database): a static script draws them."""

import textwrap

from django.utils.translation import gettext as _

from accounts.chart_text import plain
from accounts.numbers import whole

from .diagnosis import VERDICT_LABELS, VERDICTS

VERDICT_COLOURS = {
    "on_track": "#1b7f3b", "system": "#0b5cad", "manager": "#b3261e", "check_norms": "#8a5a00", "no_data": "#9aa3b2",
}
# Red (0) → yellow → green (100), spelled out: plotly.js has no named "RdYlGn" and silently used another scale.
KNOWLEDGE_SCALE = [[0, "#b3261e"], [0.5, "#f2c12e"], [1, "#1b7f3b"]]
AXIS_CAP = 160  # keep one outlier from squashing the team into a corner
# A name label's room in axis units (the axes run 0–160 over ~470 px in a desktop card, one name ~35 units):
# a point is named on the chart only when no other point lies within this box, the rest in the hover.
LABEL_ROOM_X, LABEL_ROOM_Y = 40, 14
TITLE_WIDTH = 45  # characters per title line, so a long "not shown" list wraps instead of running off


def _capped(value):
    return None if value is None else min(float(value), AXIS_CAP)


def _hover(p):
    text = _("%(name)s<br>activity %(activity)s %%<br>plan %(plan)s %%<br>knowledge %(knowledge)s<br>%(verdict)s") % {
        "name": plain(p["name"]), "activity": whole(p["activity"]), "plan": whole(p["plan"]),
        "knowledge": "—" if p["knowledge"] is None else whole(p["knowledge"]), "verdict": p["verdict_label"]}
    if p.get("weakest") is not None:
        text += "<br>" + _("weakest norm metric: %(value)s %% of norm") % {"value": whole(p["weakest"])}
    return text


def labelled(placed):
    """Per placed point, whether its name label fits: no other point within the label's room around it."""
    spots = [(_capped(p.get("weakest", p["activity"])), _capped(p["plan"])) for p in placed]
    return [not any(abs(x - ox) < LABEL_ROOM_X and abs(y - oy) < LABEL_ROOM_Y
                    for j, (ox, oy) in enumerate(spots) if j != i) for i, (x, y) in enumerate(spots)]


def label_position(x, y):
    """Above the point, leaning inwards near the left and right edges and below it near the top edge."""
    vertical = "bottom" if y > AXIS_CAP * 0.85 else "top"
    horizontal = "right" if x < AXIS_CAP * 0.3 else "left" if x > AXIS_CAP * 0.7 else "center"
    return f"{vertical} {horizontal}"


def quadrant_figure(points, thresholds):
    """Activity compliance (x) × plan attainment (y), colour = knowledge, one point per manager.

    `points`: [{"name", "activity", "plan", "knowledge", "verdict_label", "weakest"}]; managers without a plan
    or without norms cannot be placed and are listed in the title instead of drawn at zero.

    x is the manager's weakest norm metric ("weakest", % of norm), not the activity mean: right of the dashed
    line then means every metric meets the norm, as the verdict judges it (a mean would place a manager at
    40 % of the meetings norm among those whose shortfall is the system's).
    Names are printed only where they fit (`labelled`); every name is in the hover and the table below.
    """
    placed = [p for p in points if p["activity"] is not None and p["plan"] is not None]
    hover = [_hover(p) for p in placed]
    xs = [_capped(p.get("weakest", p["activity"])) for p in placed]
    ys = [_capped(p["plan"]) for p in placed]
    trace = {
        "type": "scatter", "mode": "markers+text", "name": _("Managers"), "x": xs, "y": ys,
        "text": [plain(p["name"]) if fits else "" for p, fits in zip(placed, labelled(placed), strict=True)],
        "textposition": [label_position(x, y) for x, y in zip(xs, ys, strict=True)], "cliponaxis": False,
        "hovertext": hover, "hoverinfo": "text",
        "marker": {
            "size": 16, "line": {"width": 1, "color": "#1d2330"},
            "color": [p["knowledge"] if p["knowledge"] is not None else 0 for p in placed],
            # No colour bar: the page's caption explains the scale and the hover gives each knowledge score.
            "cmin": 0, "cmax": 100, "colorscale": KNOWLEDGE_SCALE, "showscale": False,
        },
        # A phone's plot is half as wide: names only in the hover there.
        "meta": {"narrow": {"mode": "markers"}},
    }
    quadrant_labels = [
        (AXIS_CAP * 0.97, 5, _("The system's shortfall"), "right"),
        (3, 5, _("The manager's shortfall"), "left"),
        (3, AXIS_CAP * 0.97, _("Check the norms"), "left"),
        (AXIS_CAP * 0.97, AXIS_CAP * 0.97, _("On track"), "right"),
    ]
    unplaced = [plain(p["name"]) for p in points if p not in placed]
    title = _("Activity against plan")
    if unplaced:
        note = _("not shown (no plan or no norm): %(names)s") % {"names": ", ".join(unplaced)}
        title += "<br>" + "<br>".join(textwrap.wrap(note, TITLE_WIDTH))
    lines = title.count("<br>") + 1
    return {
        "data": [trace],
        "layout": {
            "title": {"text": title, "yref": "container", "y": 1, "yanchor": "top", "pad": {"t": 10},
                      "x": 0, "xanchor": "left"},
            # xgettext:no-python-format
            "xaxis": {"title": {"text": _("Weakest norm metric, % of norm")}, "range": [0, AXIS_CAP],
                      "zeroline": False, "automargin": True, "ticks": "outside"},
            "yaxis": {"title": {"text": _("Plan attainment, %")}, "range": [0, AXIS_CAP], "zeroline": False,
                      "automargin": True, "ticks": "outside"},
            "shapes": [
                {"type": "line", "x0": thresholds.activity, "x1": thresholds.activity, "y0": 0, "y1": AXIS_CAP,
                 "line": {"dash": "dash", "color": "#5b6475"}},
                {"type": "line", "x0": 0, "x1": AXIS_CAP, "y0": thresholds.plan, "y1": thresholds.plan,
                 "line": {"dash": "dash", "color": "#5b6475"}},
            ],
            "annotations": [
                {"x": x, "y": y, "text": text, "showarrow": False, "xanchor": anchor, "font": {"color": "#5b6475"}}
                for x, y, text, anchor in quadrant_labels
            ],
            "margin": {"t": 30 + 20 * lines, "r": 20, "b": 60, "l": 60},
            "showlegend": False,
        },
    }


def verdict_history_figure(history):
    """Managers per verdict over periods, stacked. `history`: [{"period", "counts": {verdict: n}}]."""
    periods = [h["period"] for h in history]
    data = [
        {"type": "bar", "name": str(VERDICT_LABELS[verdict]), "x": periods,
         "y": [h["counts"].get(verdict, 0) for h in history], "marker": {"color": VERDICT_COLOURS[verdict]}}
        for verdict in VERDICTS
    ]
    return {
        "data": data,
        "layout": {
            "barmode": "stack",
            "title": {"text": _("Managers per verdict"), "yref": "container", "y": 1, "yanchor": "top",
                      "pad": {"t": 10}, "x": 0, "xanchor": "left"},
            "xaxis": {"title": {"text": _("Period")}, "type": "category", "automargin": True},
            "yaxis": {"title": {"text": _("Managers")}, "dtick": 1, "rangemode": "tozero", "automargin": True},
            # Above the bars, under the title: below them the legend ran into the period labels.
            "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "xanchor": "left"},
            "margin": {"t": 100, "r": 20, "b": 60, "l": 60},
            "meta": {"narrow": {"margin": {"t": 160}}},  # on a phone the five verdicts take up to five rows
        },
    }
