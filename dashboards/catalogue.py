"""The charts the dashboards offer: where each one's rows come from, its figure, table and text summary.

Pages take rows from one `selectors.overview` call; chart endpoints load only the rows their chart
needs. Either way the figure, table and summary come from the same pure functions.
"""

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from . import charts, narrative, readmodel, selectors, tables


@dataclass
class Links:
    """URLs a figure may carry (heatmap cells, action bars); built by the view from the company."""

    company_slug: str

    def audit(self, audit_id):
        # reverse() once per figure, not per cell: a heatmap has hundreds of cells.
        return self.audit_prefix + f"{audit_id}/"

    @cached_property
    def audit_prefix(self):
        return reverse("dashboards:audit", kwargs={"company_slug": self.company_slug, "audit_id": 1})[:-len("1/")]

    @property
    def action_list(self):
        return optional_url("audits:action_list", company_slug=self.company_slug)


def optional_url(name, **kwargs):
    """The URL of a route another app may not have yet, else an empty string."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


@dataclass(frozen=True)
class Chart:
    name: str
    title: Any
    load: Any  # (company, filters) -> rows, the fewest queries this chart needs
    pick: Any  # (overview) -> rows, on pages that loaded everything at once
    figure: Any  # (rows, links) -> figure dict
    table: Any  # (rows) -> tables.Table
    summary: Any  # (rows) -> str


def from_overview(pick):
    """A chart loader that picks its rows from the view's Overview (the read model: one query on a hit)."""
    return lambda company, filters: pick(readmodel.overview(company=company, filters=filters))


def movers_rows(company, filters):
    """The movers chart's rows: the news of the same story the page tells (so chart and sentences agree)."""
    return overview_movers(readmodel.overview(company=company, filters=filters))


def overview_movers(overview):
    return [*overview.factor_falls, *overview.factor_rises, *overview.department_falls, *overview.department_rises]


def split_moves(moves):
    return [m for m in moves if m.delta < 0], [m for m in moves if m.delta > 0]


# ---------------------------------------------------------------- text summaries

def summary_index(overview):
    sentence = narrative.index_sentence(overview.story) or narrative.provisional_sentence(overview.story)
    return sentence.text if sentence else _("No system index yet.")


def summary_factors(points):
    comparison = selectors.latest_vs_previous(points)
    scored = [r for r in comparison["rows"] if r["latest"] is not None]
    if not scored:
        return _("No factor scores yet.")
    best = max(scored, key=lambda r: r["latest"])
    worst = min(scored, key=lambda r: r["latest"])
    return _("%(period)s: highest %(best)s (%(best_score)s), lowest %(worst)s (%(worst_score)s).") % {
        "period": comparison["latest"], "best": best["factor_name"], "best_score": narrative.num(best["latest"]),
        "worst": worst["factor_name"], "worst_score": narrative.num(worst["latest"])}


def summary_comparison(data):
    if data["previous"] is None:
        return _("Only one scored round so far.") if data["latest"] else _("No factor scores yet.")
    return _("Each factor in %(latest)s beside %(previous)s; which moves are news is in the sentences above "
             "(moves within a factor's usual wobble are steady).") % {
        "previous": data["previous"], "latest": data["latest"]}


def summary_heatmap(data):
    scored = [c for c in data.cells if c.score is not None]
    if not scored:
        return _("No scored cells in this round yet.")
    lowest = min(scored, key=lambda c: c.score)
    names = dict(data.factors)
    return _("%(period)s: %(count)s departments; lowest cell: %(department)s · %(factor)s (%(score)s).") % {
        "period": data.period, "count": len(data.departments), "department": lowest.department,
        "factor": names.get(lowest.factor, lowest.factor), "score": narrative.num(lowest.score)}


def summary_completion_rounds(rounds):
    sentence = narrative.completion_sentence(rounds[-1] if rounds else None)
    return sentence.text if sentence else _("No department audits yet.")


def summary_completion_departments(rows):
    if not rows:
        return _("No department audits yet.")
    sentence = narrative.late_department_sentence(rows)
    if sentence:
        return sentence.text
    pending = sum(r.pending for r in rows)
    if pending:
        return ngettext("No department audit is late or missing; %(count)s is not yet due.",
                        "No department audit is late or missing; %(count)s are not yet due.", pending) % {
            "count": pending}
    return _("Every department answered on time.")


def summary_movers(moves):
    falls, rises = split_moves(moves)
    factor_moves = [m for m in sorted(falls, key=lambda m: m.delta) if m.kind == "factor"] or \
        [m for m in sorted(rises, key=lambda m: -m.delta) if m.kind == "factor"]
    if factor_moves:
        return narrative.factor_change_sentence(factor_moves[0]).text
    if moves:
        return narrative.department_change_sentence(moves[0]).text
    return _("No move above its usual wobble: every factor and department is steady, or only one final round "
             "is in range.")


def summary_actions(rows):
    total = sum(r.open_actions for r in rows)
    if not total:
        return _("No open action items.")
    top = max(rows, key=lambda r: r.open_actions)
    return ngettext("%(total)s open action item; most on %(factor)s (%(count)s).",
                    "%(total)s open action items; most on %(factor)s (%(count)s).", total) % {
        "total": total, "factor": top.factor_name or _("No factor"), "count": top.open_actions}


def summary_department_lines(points):
    if not any(p.score is not None for p in points):
        return _("No scores in this range yet.")
    latest = points[-1].period
    scored = [p for p in points if p.period == latest and p.score is not None]
    if not scored:
        return _("No scores in the latest round.")
    worst = min(scored, key=lambda p: p.score)
    return _("%(period)s: lowest %(department)s (%(score)s).") % {
        "period": latest, "department": worst.department, "score": narrative.num(worst.score)}


# ---------------------------------------------------------------- the company charts

def factor_departments_rows(company, filters):
    return selectors.department_series(company=company, filters=filters, factor_key=filters.factor_key)


COMPANY_CHARTS = {chart.name: chart for chart in [
    Chart("system-index", gettext_lazy("System index over rounds"),
          from_overview(lambda o: o), lambda o: o,
          lambda rows, links: charts.system_index(rows.story), lambda rows: tables.system_index(rows.story),
          summary_index),
    Chart("factors", gettext_lazy("The seven factors over rounds"),
          from_overview(lambda o: o.factors), lambda o: o.factors,
          lambda rows, links: charts.factor_lines(rows), tables.factor_points, summary_factors),
    Chart("latest-vs-previous", gettext_lazy("Latest round against the previous"),
          from_overview(lambda o: o.comparison), lambda o: o.comparison, lambda rows, links: charts.latest_vs_previous(rows), tables.comparison,
          summary_comparison),
    Chart("heatmap", gettext_lazy("Departments × factors"),
          from_overview(lambda o: o.heatmap), lambda o: o.heatmap,
          lambda rows, links: charts.heatmap(rows, links.audit), tables.heatmap, summary_heatmap),
    Chart("completion-rounds", gettext_lazy("Completion and punctuality per round"),
          from_overview(lambda o: o.rounds), lambda o: o.rounds,
          lambda rows, links: charts.completion_by_round(rows), tables.completion_by_round,
          summary_completion_rounds),
    Chart("completion-departments", gettext_lazy("Completion and punctuality per department"),
          from_overview(lambda o: o.completion_by_department), lambda o: o.completion_by_department,
          lambda rows, links: charts.completion_by_department(rows), tables.completion_by_department,
          summary_completion_departments),
    Chart("movers", gettext_lazy("Biggest moves above the usual wobble"), movers_rows, overview_movers,
          lambda rows, links: charts.movers(*split_moves(rows)), tables.movers, summary_movers),
    Chart("open-actions", gettext_lazy("Open action items per factor"),
          from_overview(lambda o: o.actions), lambda o: o.actions,
          lambda rows, links: charts.open_actions(rows, links.action_list), tables.open_actions, summary_actions),
]}

# Drill-down: one factor across departments (needs filters.factor_key).
FACTOR_CHART = Chart(
    "factor-departments", gettext_lazy("One factor across departments"), factor_departments_rows, None,
    lambda rows, links: charts.department_lines(rows, _("One factor across departments")),
    lambda rows: tables.department_points(rows, _("One factor across departments")), summary_department_lines,
)

# ---------------------------------------------------------------- the department dashboard charts
# Loaders receive filters already narrowed to the department (company-factors drops it again).

DEPARTMENT_CHARTS = {chart.name: chart for chart in [
    Chart("department-factors", gettext_lazy("The department's factors over rounds"),
          from_overview(lambda o: o.factors), lambda o: o.factors,
          lambda rows, links: charts.factor_lines(rows, _("The department's factors over rounds")),
          lambda rows: tables.factor_points(rows, _("The department's factors over rounds")), summary_factors),
    Chart("department-completion", gettext_lazy("The department's completion record"),
          from_overview(lambda o: o.rounds), lambda o: o.rounds,
          lambda rows, links: charts.punctuality_bars(rows, [r.period for r in rows],
                                                      _("The department's completion record")),
          tables.completion_by_round, summary_completion_rounds),
    Chart("company-factors", gettext_lazy("Company factor scores, for context"),
          lambda c, f: readmodel.overview(company=c, filters=f.with_department(None)).factors, None,
          lambda rows, links: charts.factor_lines(rows, _("Company factor scores, for context"), dashed=True),
          lambda rows: tables.factor_points(rows, _("Company factor scores, for context")), summary_factors),
]}


def heatmap_row_links(data, links):
    """Per department row of the heatmap table: a link to its audit in that round (keyboard route to a cell)."""
    first_audit = {}
    for cell in data.cells:
        first_audit.setdefault(cell.department_id, cell.audit_id)
    return [links.audit(first_audit[d]) if d in first_audit else "" for d, _name in data.departments]


def chart_table(chart, rows, links):
    """The chart's "show as table" alternative (heatmap rows link to their audits)."""
    table = chart.table(rows)
    if chart.name == "heatmap":
        table.row_links = heatmap_row_links(rows, links)
    return table


def render_chart(chart, rows, links):
    """Everything a page or endpoint shows for one chart."""
    return {"name": chart.name, "title": str(chart.title), "summary": chart.summary(rows),
            "figure": chart.figure(rows, links), "table": chart_table(chart, rows, links)}
