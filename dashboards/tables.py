"""Pure table builders: the same rows as each chart, as a caption, column headings and cells.

Pages render them as the "show as table" alternative; exports write them to CSV and XLSX.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass
class Table:
    caption: str
    columns: list
    rows: list
    row_links: list | None = None  # a URL per row for the first cell (keyboard route to a chart's links)


def system_index(rounds):
    return Table(_("System index over rounds"), [_("Round"), _("System index"), _("Change"), _("Submitted"),
                                                 _("Expected")],
                 [[r.period, r.system_index, r.index_change, r.submitted, r.expected] for r in rounds])


def factor_points(points, caption=None):
    return Table(caption or _("The seven factors over rounds"),
                 [_("Round"), _("Factor"), _("Score"), _("Departments answered"), _("Completion"), _("Accountable")],
                 [[p.period, p.factor_name, p.score, p.departments_answered,
                   None if p.completion is None else round(p.completion * 100), p.accountable_department or ""]
                  for p in points])


def comparison(data):
    return Table(_("Latest round against the previous"),
                 [_("Factor"), data["previous"] or _("Previous"), data["latest"] or _("Latest"), _("Change")],
                 [[r["factor_name"], r["previous"], r["latest"],
                   None if r["latest"] is None or r["previous"] is None else round(r["latest"] - r["previous"], 2)]
                  for r in data["rows"]])


def heatmap(data):
    cells = {(c.department_id, c.factor): c for c in data.cells}
    rows = []
    for department_id, name in data.departments:
        row = [name]
        for key, _factor_name in data.factors:
            cell = cells.get((department_id, key))
            row.append("" if cell is None else (_("N/A") if cell.score is None else cell.score))
        rows.append(row)
    caption = _("Departments × factors, %(period)s") % {"period": data.period} if data.period else \
        _("Departments × factors")
    return Table(caption, [_("Department"), *[name for _key, name in data.factors]], rows)


def punctuality(rows, first_column, labels, caption):
    return Table(caption, [first_column, _("Expected"), _("On time"), _("Late"), _("Not yet due"), _("Missing")],
                 [[label, r.expected, r.on_time, r.late, r.pending, r.missing] for label, r in zip(labels, rows,
                                                                                                   strict=True)])


def completion_by_round(rounds):
    return punctuality(rounds, _("Round"), [r.period for r in rounds], _("Completion and punctuality per round"))


def completion_by_department(rows):
    return punctuality(rows, _("Department"), [r.department for r in rows],
                       _("Completion and punctuality per department"))


def movers(moves):
    kinds = {"factor": _("Factor"), "department": _("Department")}
    return Table(_("Biggest movers since the previous round"),
                 [_("Kind"), _("Name"), _("Previous"), _("Latest"), _("Change"), _("Round"), _("Accountable"),
                  _("Open action items")],
                 [[kinds[m.kind], m.name, m.previous, m.latest, m.delta, m.period, m.accountable_department or "",
                   m.open_actions if m.kind == "factor" else ""] for m in moves])


def open_actions(rows):
    return Table(_("Open action items per factor"), [_("Factor"), _("Open action items")],
                 [[r.factor_name or _("No factor"), r.open_actions] for r in rows])


def department_points(points, caption):
    return Table(caption, [_("Round"), _("Department"), _("Score")],
                 [[p.period, p.department, p.score] for p in points])


def scores(rows):
    return Table(_("All scores"), [_("Round"), _("Department"), _("Factor key"), _("Factor"), _("Score"),
                                   _("Scored answers"), _("Status"), _("Deadline"), _("First submitted")],
                 [[r["period"], r["department"], r["factor"], r["factor_name"], r["score"], r["scored_answers"],
                   r["status"], r["deadline"], r["first_submitted_at"]] for r in rows])
