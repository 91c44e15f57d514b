"""Pure table builders: the same rows as each chart, as a caption, column headings and cells.

Pages render them as the "show as table" alternative; exports write them to CSV and XLSX.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.numbers import whole

from . import charts


def status_label(status):
    """'final', 'provisional' or 'incomplete' in the reader's language."""
    return {"final": pgettext("round status", "final"), "provisional": pgettext("round status", "provisional"),
            "incomplete": pgettext("round status", "incomplete")}[status]


def round_status(status, imported):
    """The status cell: 'final', or 'final, imported' for a round brought in by the history import."""
    label = status_label(status)
    return _("%(status)s, imported") % {"status": label} if imported else label


def change(latest, previous):
    """A displayed change: the difference of the displayed (rounded) values, so the table adds up."""
    return None if latest is None or previous is None else whole(latest) - whole(previous)


@dataclass
class Table:
    caption: str
    columns: list
    rows: list
    row_links: list | None = None  # a URL per row for the first cell (keyboard route to a chart's links)


def system_index(story):
    return Table(_("System index over rounds"), [_("Round"), _("Status"), _("System index"),
                                                 _("Departments answered"), _("Expected")],
                 [[r.period, round_status(r.status, r.imported), whole(r.index), r.coverage.answered, r.coverage.expected]
                  for r in story.rounds])


def factor_points(points, caption=None):
    return Table(caption or _("The seven factors over rounds"),
                 [_("Round"), _("Status"), _("Factor"), _("Score"), _("Departments answered"), _("Completion"),
                  _("Accountable")],
                 [[p.period, round_status("provisional" if p.provisional else "final", p.imported), p.factor_name, whole(p.score),
                   p.departments_answered, None if p.completion is None else whole(p.completion * 100),
                   p.accountable_department or ""]
                  for p in points])


def comparison(data):
    return Table(_("Latest round against the previous"),
                 [_("Factor"), data["previous"] or _("Previous"), data["latest"] or _("Latest"), _("Change")],
                 [[r["factor_name"], whole(r["previous"]), whole(r["latest"]), change(r["latest"], r["previous"])]
                  for r in data["rows"]])


def heatmap(data):
    cells = {(c.department_id, c.factor): c for c in data.cells}
    rows = []
    for department_id, name in data.departments:
        row = [name]
        for key, _factor_name in data.factors:
            cell = cells.get((department_id, key))
            row.append("" if cell is None else (_("N/A") if cell.score is None else whole(cell.score)))
        rows.append(row)
    caption = charts.heatmap_title(data)
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
    return Table(_("Biggest moves above the usual wobble"),
                 [_("Kind"), _("Name"), _("From round"), _("From"), _("Round"), _("To"), _("Change"), _("Rounds"),
                  _("Accountable"), _("Open action items")],
                 [[kinds[m.kind], m.name, m.start_period, whole(m.previous), m.period, whole(m.latest),
                   change(m.latest, m.previous), m.steps, m.accountable_department or "",
                   m.open_actions if m.kind == "factor" else ""] for m in moves])


def open_actions(rows):
    return Table(_("Open action items per factor"), [_("Factor"), _("Open action items")],
                 [[r.factor_name or _("No factor"), r.open_actions] for r in rows])


def department_points(points, caption):
    return Table(caption, [_("Round"), _("Department"), _("Score")],
                 [[p.period, p.department, whole(p.score)] for p in points])


def scores(rows):
    # The displayed score (half-up, as on every page) and the stored one, for analysts who recompute.
    return Table(_("All scores"), [_("Round"), _("Department"), _("Factor key"), _("Factor"), _("Score"),
                                   _("Score (stored, exact)"), _("Scored answers"), _("Status"), _("Deadline"),
                                   _("First submitted")],
                 [[r["period"], r["department"], r["factor"], r["factor_name"], whole(r["score"]), r["score"],
                   r["scored_answers"], r["status"], r["deadline"], r["first_submitted_at"]] for r in rows])
