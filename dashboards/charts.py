"""Pure chart functions: plain rows in, a Plotly figure out (a dict in Plotly's figure schema).

No database access here. Figures are built as plain dicts rather than `go.Figure` objects because
graph_objects validation costs more than the queries behind a chart; the tests pass every figure
through `plotly.graph_objects.Figure(...)` to prove it is a valid figure.
"""

from collections import defaultdict

from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from accounts.chart_text import plain, plain_all
from accounts.numbers import signed_whole, whole

# Okabe–Ito: distinguishable with the common colour-vision deficiencies (yellow left out: too pale on white).
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#000000", "#F0E442"]
# Lines also differ by marker and dash, so no meaning rests on colour alone.
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "x", "star", "cross", "triangle-down"]
DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "solid", "dash"]
# Cividis is built to read the same for people with colour-vision deficiencies.
HEATMAP_SCALE = "Cividis"
PUNCTUALITY = [  # (row field, label, colour, bar pattern)
    ("on_time", gettext_noop("On time"), "#009E73", ""),
    ("late", gettext_noop("Late"), "#E69F00", "/"),
    ("pending", gettext_noop("Not yet due"), "#56B4E9", "."),
    ("missing", gettext_noop("Missing"), "#D55E00", "x"),
]


# Legends sit above the plot area, never below it where tick labels (slanted or not) run into them; the title
# keeps the top line of the top margin (PNG and PDF; the pages drop it under their own heading).
TOP_LEGEND = {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "xanchor": "left"}
TITLE_AND_LEGEND_MARGIN = 100  # px: the title's line and up to three legend rows at export widths


def layout(title, **extra):
    """Shared layout: title, readable font, number separators for the active language, automatic axis margins."""
    separators = ", " if (get_language() or "en")[:2] == "ru" else ".,"
    base = {
        "title": {"text": title, "yref": "container", "y": 1, "yanchor": "top", "pad": {"t": 10},
                  "x": 0, "xanchor": "left"},
        "font": {"family": "system-ui, sans-serif", "size": 13},
        "separators": separators,
        "margin": {"l": 60, "r": 20, "t": TITLE_AND_LEGEND_MARGIN, "b": 50},
        "hovermode": "closest",
        "legend": TOP_LEGEND,
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
    }
    base.update(extra)
    for axis in ("xaxis", "yaxis"):  # tick labels and axis titles push the margins instead of being cut off
        base[axis] = {"automargin": True, **base.get(axis, {})}
    if base["xaxis"].get("type") == "category":
        # On a phone, slanted period labels reach under the score axis's "0": upright ones stay in their column.
        base.setdefault("meta", {}).setdefault("narrow", {})["xaxis"] = {"tickangle": -90}
    return base


def empty_figure(title, message):
    """A figure with no data and a visible explanation instead of empty axes."""
    return {
        "data": [],
        "layout": layout(title, xaxis={"visible": False}, yaxis={"visible": False}, annotations=[{
            "text": message, "showarrow": False, "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5,
            "font": {"size": 15},
        }]),
    }


def no_data_message():
    return _("No scores in this range yet.")


def score_axis(title=None):
    return {"title": {"text": title or _("Score (0–100)")}, "range": [0, 100], "gridcolor": "#dddddd"}


def period_axis(periods):
    # No axis title: the period labels speak for themselves.
    return {"type": "category", "categoryorder": "array", "categoryarray": periods}


def status_text(figure):
    """'final · imported · 5/5 departments' for a hover (the coverage and origin travel with the figure)."""
    labels = {"final": _("final"), "provisional": _("provisional"), "incomplete": _("incomplete")}
    origin = f" · {_('imported from history')}" if figure.imported else ""
    return (f"{labels[figure.status]}{origin} · {figure.coverage.answered}/{figure.coverage.expected} "
            + _("departments"))


def imported_marks(periods, imported_periods):
    """Layout shapes and labels that shade the columns of rounds brought in by the history import.

    On a category axis a shape's x is the category's position, so each run of adjacent imported rounds
    becomes one band from half a step before its first round to half a step after its last.
    """
    position = {period: i for i, period in enumerate(periods)}
    marked = sorted(position[p] for p in set(imported_periods) if p in position)
    runs = []
    for i in marked:
        if runs and runs[-1][1] == i - 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    shapes = [{"type": "rect", "xref": "x", "yref": "paper", "x0": first - 0.5, "x1": last + 0.5, "y0": 0, "y1": 1,
               "fillcolor": "#e8e8e8", "opacity": 0.5, "line": {"width": 0}, "layer": "below"}
              for first, last in runs]
    labels = [{"text": _("imported"), "xref": "x", "yref": "paper", "x": (first + last) / 2, "y": 0.01,
               "yanchor": "bottom", "showarrow": False, "font": {"size": 11, "color": "#444444"}}
              for first, last in runs]
    return {"shapes": shapes, "annotations": labels} if runs else {}


def system_index(story):
    """Line of the final system index over rounds; an open round's provisional index drawn apart (hollow, dotted)."""
    title = _("System index over rounds")
    scored = [r for r in story.rounds if r.index is not None]
    finals = [r for r in scored if not r.provisional]
    if not scored:
        return empty_figure(title, no_data_message())
    status_label = _("Status")
    hover = "%{x}: %{text}<br>" + status_label + ": %{customdata}<extra></extra>"
    data = [{
        "type": "scatter", "mode": "lines+markers+text", "name": _("System index (final)"),
        "x": [r.period for r in finals], "y": [r.index for r in finals],
        "text": [str(whole(r.index)) for r in finals], "textposition": "top center",
        "line": {"color": OKABE_ITO[0], "width": 3},
        "marker": {"size": 9, "symbol": ["circle-open" if r.incomplete else "circle" for r in finals]},
        "customdata": [status_text(r) for r in finals], "hovertemplate": hover,
    }]
    provisional = [r for r in scored if r.provisional]
    if provisional:
        anchor = finals[-1:]  # a dotted bridge from the last final round, so the open point reads as "not yet"
        data.append({
            "type": "scatter", "mode": "lines+markers+text", "name": _("Provisional (round still open)"),
            "x": [r.period for r in anchor + provisional], "y": [r.index for r in anchor + provisional],
            "text": [""] * len(anchor) + [str(whole(r.index)) for r in provisional], "textposition": "top center",
            "line": {"color": "#777777", "width": 2, "dash": "dot"},
            "marker": {"size": 11, "symbol": "circle-open", "color": "#555555"},
            "customdata": [status_text(r) for r in anchor + provisional], "hovertemplate": hover,
        })
    periods = [r.period for r in scored]
    return {"data": data, "layout": layout(title, xaxis=period_axis(periods), yaxis=score_axis(_("System index")),
                                           **imported_marks(periods, [r.period for r in scored if r.imported]))}


def factor_lines(points, title=None, dashed=False):
    """One line per factor over rounds; hover: score, completion, accountable department."""
    title = title or _("The seven factors over rounds")
    if not any(p.score is not None for p in points):
        return empty_figure(title, no_data_message())
    periods = list(dict.fromkeys(p.period for p in points))
    by_factor = defaultdict(list)
    provisional = [p for p in points if p.provisional and p.score is not None]
    for point in points:
        if not point.provisional:
            by_factor[(point.factor, plain(point.factor_name))].append(point)
    accountable_label, completion_label = _("Accountable"), _("Completion")
    data = []
    for i, ((_key, name), series) in enumerate(by_factor.items()):
        data.append({
            "type": "scatter", "mode": "lines+markers", "name": name, "connectgaps": False,
            "x": [p.period for p in series], "y": [p.score for p in series],
            "line": {"color": OKABE_ITO[i % 8], "width": 2, "dash": "dot" if dashed else DASHES[i % 8]},
            "marker": {"symbol": SYMBOLS[i % 8], "size": 8},
            "customdata": [[plain(p.accountable_department) or "—",
                            f"{p.completion:.0%}" if p.completion is not None else "—"] for p in series],
            "text": [str(whole(p.score)) if p.score is not None else "" for p in series],
            "hovertemplate": "<b>" + name + "</b> %{x}: %{text}<br>" + accountable_label
                             + ": %{customdata[0]}<br>" + completion_label + ": %{customdata[1]}<extra></extra>",
        })
    if provisional:
        data.append({
            "type": "scatter", "mode": "markers", "name": _("Provisional (round still open)"),
            "x": [p.period for p in provisional], "y": [p.score for p in provisional],
            "marker": {"symbol": "circle-open", "size": 10, "color": "#555555"},
            "text": [f"{plain(p.factor_name)}: {whole(p.score)}" for p in provisional],
            "hovertemplate": "%{x} · %{text} (" + _("provisional") + ")<extra></extra>",
        })
    return {"data": data, "layout": layout(title, xaxis=period_axis(periods), yaxis=score_axis(),
                                           hovermode="x unified",
                                           **imported_marks(periods, [p.period for p in points if p.imported]))}


def latest_vs_previous(comparison):
    """Grouped bars: each factor's score in the latest round beside the previous one."""
    title = _("Latest round against the previous")
    rows = comparison["rows"]
    if comparison["latest"] is None:
        return empty_figure(title, no_data_message())
    names = plain_all(r["factor_name"] for r in rows)
    data = []
    if comparison["previous"]:
        data.append({"type": "bar", "name": comparison["previous"], "x": names, "y": [r["previous"] for r in rows],
                     "marker": {"color": OKABE_ITO[4], "pattern": {"shape": "/"}},
                     "text": [_fmt(r["previous"]) for r in rows], "textposition": "none",
                     "hovertemplate": "%{x}<br>" + comparison["previous"] + ": %{text}<extra></extra>"})
    data.append({"type": "bar", "name": comparison["latest"], "x": names, "y": [r["latest"] for r in rows],
                 "marker": {"color": OKABE_ITO[0]}, "text": [_fmt(r["latest"]) for r in rows],
                 "textposition": "outside",
                 "hovertemplate": "%{x}<br>" + comparison["latest"] + ": %{text}<extra></extra>"})
    return {"data": data, "layout": layout(title, barmode="group", yaxis=score_axis())}


def _fmt(value):
    return "" if value is None else str(whole(value))


def heatmap_title(data):
    """'Departments × factors, 2025-Q4', saying so when the round is still open."""
    if data.period is None:
        return _("Departments × factors")
    if data.provisional:
        return _("Departments × factors, %(period)s (provisional: the round is still open)") % {"period": data.period}
    return _("Departments × factors, %(period)s") % {"period": data.period}


def heatmap(data, audit_url):
    """Department × factor scores of one round; a cell's customdata is its audit's URL (click to open)."""
    title = heatmap_title(data)
    if data.period is None or not data.departments:
        return empty_figure(title, _("No department audits in this round yet."))
    cells = {(c.department_id, c.factor): c for c in data.cells}
    z, text, links = [], [], []
    for department_id, _name in data.departments:
        z_row, text_row, link_row = [], [], []
        for key, _factor_name in data.factors:
            cell = cells.get((department_id, key))
            z_row.append(cell.score if cell else None)
            text_row.append("" if cell is None else (_("N/A") if cell.score is None else str(whole(cell.score))))
            link_row.append(audit_url(cell.audit_id) if cell else "")
        z.append(z_row)
        text.append(text_row)
        links.append(link_row)
    return {
        "data": [{
            "type": "heatmap", "x": plain_all(name for _key, name in data.factors),
            "y": plain_all(name for _id, name in data.departments),
            "z": z, "text": text, "texttemplate": "%{text}", "customdata": links, "zmin": 0, "zmax": 100,
            "colorscale": HEATMAP_SCALE, "xgap": 2, "ygap": 2, "hoverongaps": False,
            # No plotly colour bar on the page: plotly.js resets its fill with a style attribute that the strict
            # CSP refuses. The page draws the scale under the chart (dashboards/_colour_scale.html); the PDF
            # turns the colour bar on (dashboards.views.report_figures).
            "showscale": False,
            "hovertemplate": "%{y} · %{x}: %{text}<br>" + _("Click to open the audit") + "<extra></extra>",
        }],
        # Tick angle left to plotly: level where the factor names fit, slanted or upright where they do not.
        "layout": layout(title, yaxis={"autorange": "reversed"},
                         height=max(320, 90 + 32 * len(data.departments)),
                         meta={"narrow": {"xaxis": {"tickangle": -90}}}),
    }


def punctuality_bars(rows, labels, title, horizontal=False):
    """Stacked bars of on time / late / not yet due / missing per round or department."""
    if not rows:
        return empty_figure(title, _("No department audits in this range yet."))
    data = []
    for field, label, colour, pattern in PUNCTUALITY:
        values = [getattr(r, field) for r in rows]
        axes = {"x": values, "y": labels, "orientation": "h"} if horizontal else {"x": labels, "y": values}
        data.append({"type": "bar", "name": _(label), **axes,
                     "marker": {"color": colour, "pattern": {"shape": pattern}},
                     "hovertemplate": "%{" + ("y" if horizontal else "x") + "}: %{" + ("x" if horizontal else "y")
                                      + "} " + _(label).lower() + "<extra></extra>"})
    count_axis = {"title": {"text": _("Department audits")}, "dtick": 1 if max(r.expected for r in rows) < 10 else None}
    extra = {"xaxis": count_axis, "yaxis": {"autorange": "reversed"}} if horizontal else {
        "yaxis": count_axis, "xaxis": {"type": "category"}}
    if horizontal:
        extra["height"] = max(320, 120 + 24 * len(rows))
    return {"data": data, "layout": layout(title, barmode="stack", **extra)}


def completion_by_round(rounds):
    return punctuality_bars(rounds, [r.period for r in rounds], _("Completion and punctuality per round"))


def completion_by_department(rows):
    return punctuality_bars(rows, plain_all(r.department for r in rows), _("Completion and punctuality per department"),
                            horizontal=True)


def movers(falls, rises):
    """Horizontal bars of the largest falls and rises (points of change), labelled with the latest score."""
    title = _("Biggest moves above the usual wobble")
    moves = sorted([*falls, *rises], key=lambda m: m.delta)
    if not moves:
        return empty_figure(title, _("Two scored rounds are needed to show movement."))
    kinds = {"factor": _("factor"), "department": _("department")}
    return {
        "data": [{
            "type": "bar", "orientation": "h", "name": _("Change"),
            "y": [f"{plain(m.name)} ({kinds[m.kind]})" for m in moves], "x": [m.delta for m in moves],
            "marker": {"color": [OKABE_ITO[3] if m.delta < 0 else OKABE_ITO[2] for m in moves],
                       "pattern": {"shape": ["x" if m.delta < 0 else "" for m in moves]}},
            # Signed with a real minus, from the displayed (rounded) endpoints: the same numbers as the sentences.
            "text": [f"{signed_whole(whole(m.latest) - whole(m.previous))} → {whole(m.latest)}" for m in moves],
            "textposition": "outside",
            "customdata": [f"{m.start_period} {whole(m.previous)} → {m.period} {whole(m.latest)}" for m in moves],
            "hovertemplate": "%{y}: %{text}<br>%{customdata}<extra></extra>",
            # A phone's plot has room for the change only; the latest score stays in the hover.
            # and a name's kind goes onto a second line, leaving the bars more of the width.
            "meta": {"narrow": {"text": [signed_whole(whole(m.latest) - whole(m.previous)) for m in moves],
                                "y": [f"{plain(m.name)}<br>({kinds[m.kind]})" for m in moves]}},
        }],
        # Room on both sides for the "−14 → 27" labels, so a fall's label never runs into the axis names;
        # the largest fall on top, where an executive reads first.
        "layout": layout(title, xaxis={"title": {"text": _("Change in points")}, "zeroline": True,
                                       "zerolinecolor": "#333333", "range": movers_range(moves)},
                         margin={"l": 60, "r": 20, "t": 60, "b": 60},
                         # Invisible outside ticks: a gap between the names and the largest fall's label.
                         yaxis={"autorange": "reversed", "ticks": "outside", "ticklen": 8, "tickcolor": "#ffffff"},
                         showlegend=False, height=max(300, 120 + 30 * len(moves)),
                         meta={"narrow": {"xaxis": {"title": {"text": _("Change")}},
                                          "height": max(300, 120 + 40 * len(moves))}}),  # two-line names
    }


def movers_range(moves):
    """An x range with room beyond the largest fall and rise for the outside "−17 → 42" labels.

    In a half-width card the plot is ~250 px wide and a label ~60 px: a margin of 75 % of the bars' span on
    each labelled side keeps the largest fall's label clear of the department and factor names.
    """
    low = min(0, *(m.delta for m in moves))
    high = max(0, *(m.delta for m in moves))
    span = max(high - low, 1)
    return [low - 0.75 * span if low < 0 else -0.05 * span, high + 0.75 * span if high > 0 else 0.05 * span]


def open_actions(rows, action_list_url=""):
    """Bars of open action items per factor; customdata links to the action list when there is one."""
    title = _("Open action items per factor")
    rows = [r for r in rows if r.open_actions]
    if not rows:
        return empty_figure(title, _("No open action items."))
    names = [plain(r.factor_name) or _("No factor") for r in rows]
    return {
        "data": [{"type": "bar", "x": names, "y": [r.open_actions for r in rows], "name": _("Open action items"),
                  "marker": {"color": OKABE_ITO[1]}, "text": [str(r.open_actions) for r in rows],
                  "textposition": "auto", "customdata": [action_list_url for _r in rows],
                  "hovertemplate": "%{x}: %{y}<extra></extra>"}],
        "layout": layout(title, yaxis={"title": {"text": _("Open action items")}, "dtick": 1},
                         showlegend=False),
    }


def department_lines(points, title):
    """One line per department over rounds (a factor's drill-down, or mean scores)."""
    if not any(p.score is not None for p in points):
        return empty_figure(title, no_data_message())
    periods = list(dict.fromkeys(p.period for p in points))
    by_department = defaultdict(list)
    for point in points:
        by_department[plain(point.department)].append(point)
    data = [{
        "type": "scatter", "mode": "lines+markers", "name": name, "x": [p.period for p in series],
        "y": [p.score for p in series], "line": {"color": OKABE_ITO[i % 8], "dash": DASHES[i % 8]},
        "marker": {"symbol": SYMBOLS[i % 8], "size": 7},
        "text": [str(whole(p.score)) if p.score is not None else "" for p in series],
        "hovertemplate": "<b>" + name + "</b> %{x}: %{text}<extra></extra>",  # name: escaped above
    } for i, (name, series) in enumerate(by_department.items())]
    return {"data": data, "layout": layout(title, xaxis=period_axis(periods), yaxis=score_axis())}
