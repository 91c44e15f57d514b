"""Aggregated dashboard rows from the stored scores, each in a constant number of queries.

Nothing here recomputes scores: rounds, round factor scores and department factor scores are
stored by audits.scoring. Rows are plain dataclasses so charts, tables, exports and the API
share them without touching the database again.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import get_language

from audits.models import (
    OPEN_ACTION_STATUSES,
    ActionItem,
    DepartmentAudit,
    FactorResponsibility,
    FactorScore,
    Responsibility,
)

from . import sql
from .models import DashboardSettings


def as_float(value):
    return None if value is None else round(float(value), 2)


def russian():
    return (get_language() or "en")[:2] == "ru"


def localized_name(row, prefix, ru=None):
    """Pick `<prefix>name_ru` or `<prefix>name_en` from a values() row for the active language."""
    if (russian() if ru is None else ru) and row.get(f"{prefix}name_ru"):
        return row[f"{prefix}name_ru"]
    return row[f"{prefix}name_en"]


# ---------------------------------------------------------------- row types

@dataclass
class RoundRow:
    round_id: int
    period: str
    period_start: str
    system_index: float | None
    index_change: float | None
    expected: int
    submitted: int
    completion: float | None
    on_time: int
    late: int
    pending: int
    missing: int
    in_progress: bool = False  # deadline ahead and not everyone submitted: its scores are provisional


def settled(rounds):
    """Rounds whose scores are final (the headline, movers and comparisons read only these)."""
    return [r for r in rounds if not r.in_progress]


@dataclass
class FactorPoint:
    period: str
    factor: str
    factor_name: str
    score: float | None
    departments_answered: int
    completion: float | None
    accountable_department: str | None


@dataclass
class HeatmapCell:
    department_id: int
    department: str
    factor: str
    score: float | None
    audit_id: int
    status: str


@dataclass
class Heatmap:
    period: str | None
    departments: list = field(default_factory=list)  # [(id, name)] in display order
    factors: list = field(default_factory=list)  # [(key, name)]
    cells: list = field(default_factory=list)  # [HeatmapCell]
    periods: list = field(default_factory=list)  # rounds one may choose, newest first


@dataclass
class DepartmentCompletion:
    department_id: int
    department: str
    expected: int
    on_time: int
    late: int
    pending: int
    missing: int


@dataclass
class DepartmentPoint:
    department_id: int
    department: str
    period: str
    score: float | None


@dataclass
class Mover:
    kind: str  # "factor" or "department"
    key: str
    name: str
    previous: float
    latest: float
    delta: float
    period: str
    accountable_department: str | None = None
    open_actions: int = 0


@dataclass
class ActionCount:
    factor: str
    factor_name: str
    open_actions: int


@dataclass
class Weakest:
    factor: str
    factor_name: str
    score: float
    delta: float | None
    period: str
    accountable_department: str | None
    open_actions: int


def to_dict(row):
    """A shallow dict of a row (dataclasses.asdict deep-copies, which costs more than the query)."""
    return dict(row.__dict__)


def to_dicts(rows):
    return [dict(row.__dict__) for row in rows]


# ---------------------------------------------------------------- shared pieces

def factor_catalogue():
    """[(key, localized name)] of the seven factors in catalogue order (one query)."""
    ru = russian()
    return [(key, (name_ru if ru and name_ru else name_en)) for key, name_en, name_ru in sql.factor_names()]


def in_range(filters, path=""):
    """Q for rows whose round (reached through `path`, e.g. "audit__round__") lies in the period range."""
    q = Q()
    if filters.start:
        q &= Q(**{f"{path}period_start__gte": filters.start})
    if filters.end:
        q &= Q(**{f"{path}period_start__lt": filters.end})
    return q


# ---------------------------------------------------------------- selectors

def round_rows(*, company, filters):
    """One row per round in range (oldest first): system index, its change, completion, punctuality. 1 query."""
    result, previous_index = [], None
    for (round_id, period, period_start, index, expected_count, submitted_count, running, n_audits, on_time, late,
         pending, missing) in sql.round_rows(company, filters):
        index = as_float(index)
        if filters.department:
            expected, submitted = n_audits, on_time + late
        else:
            expected, submitted = expected_count or n_audits, submitted_count
        change = round(index - previous_index, 2) if index is not None and previous_index is not None else None
        result.append(RoundRow(
            round_id=round_id, period=period, period_start=sql.iso_date(period_start),
            system_index=index, index_change=change, expected=expected, submitted=submitted,
            completion=round(submitted / expected, 4) if expected else None,
            on_time=on_time, late=late, pending=pending, missing=missing, in_progress=bool(running),
        ))
        if not running:  # changes are measured between settled rounds
            previous_index = index if index is not None else previous_index
    return result


def factor_series(*, company, filters):
    """Company factor scores per round (or one department's, with the department filter). 1–2 queries."""
    if filters.department:
        return department_factor_series(company=company, filters=filters, department=filters.department)
    rows = sql.company_factor_scores(company, filters)
    ru = russian()
    return [
        FactorPoint(
            period=period, factor=key, factor_name=name_ru if ru and name_ru else name_en, score=score,
            departments_answered=answered,
            completion=round(submitted / expected, 4) if expected else None,
            accountable_department=accountable,
        )
        for period, key, name_en, name_ru, answered, accountable, expected, submitted, score in rows
    ]


def accountable_departments(*, company):
    """{factor key: accountable department name} from the responsibility matrix (1 query)."""
    rows = FactorResponsibility.objects.filter(company=company, responsibility=Responsibility.ACCOUNTABLE).values(
        "factor__key", "department__name")
    return {row["factor__key"]: row["department__name"] for row in rows}


def department_factor_series(*, company, filters, department):
    """One department's factor scores per round, from its audits' stored scores (2 queries)."""
    accountable = accountable_departments(company=company)
    ru = russian()
    return [
        FactorPoint(
            period=period, factor=key, factor_name=name_ru if ru and name_ru else name_en, score=score,
            departments_answered=1 if score is not None else 0, completion=1.0 if submitted else 0.0,
            accountable_department=accountable.get(key),
        )
        for period, key, name_en, name_ru, score, submitted in sql.department_factor_scores(company, filters, department)
    ]


def latest_vs_previous(points):
    """{"latest": period, "previous": period, "rows": [{factor, factor_name, latest, previous}]} from a series."""
    periods = list(dict.fromkeys(p.period for p in points if p.score is not None))
    latest = periods[-1] if periods else None
    previous = periods[-2] if len(periods) > 1 else None
    by_key = defaultdict(dict)
    names = {}
    for point in points:
        names[point.factor] = point.factor_name
        by_key[point.factor][point.period] = point.score
    rows = [
        {"factor": key, "factor_name": names[key], "latest": by_key[key].get(latest),
         "previous": by_key[key].get(previous) if previous else None}
        for key in names
    ]
    return {"latest": latest, "previous": previous, "rows": rows}


def heatmap(*, company, filters, rounds=None):
    """Department × factor scores of one round (the chosen one, else the latest in range). 3 queries.

    `rounds`: the round_rows already loaded for the same filters (the overview passes them), saving a query.
    """
    if rounds is None:
        rounds = [{"id": pk, "period": period, "running": bool(running)}
                  for pk, period, running in sql.rounds_newest_first(company, filters)]
    else:
        rounds = [{"id": r.round_id, "period": r.period, "running": r.in_progress} for r in reversed(rounds)]
    factors = factor_catalogue()
    chosen = next((r for r in rounds if r["period"] == filters.round_period), None)
    if chosen is None and filters.round_period:  # a round outside the range may still be chosen
        found = sql.round_by_period(company, filters.round_period)
        chosen = {"id": found[0], "period": found[1]} if found else None
    if chosen is None and rounds:  # the latest settled round, else the running one
        chosen = next((r for r in rounds if not r["running"]), rounds[0])
    result = Heatmap(period=chosen["period"] if chosen else None, factors=factors,
                     periods=[r["period"] for r in rounds])
    if chosen is None:
        return result
    # One query gives rows and cells: a department whose audit has no scores yet comes as a blank row.
    departments, cells = {}, result.cells
    for audit_id, department_id, name, status, factor_key, score in sql.heatmap_cells(company, filters, chosen["id"]):
        departments.setdefault(department_id, name)
        if factor_key is not None:
            cells.append(HeatmapCell(department_id, name, factor_key, score, audit_id, status))
    result.departments = list(departments.items())
    return result


def completion_by_department(*, company, filters):
    """Per department over the range: audits expected, on time, late, pending, missing. 1 query."""
    return [
        DepartmentCompletion(department_id=department_id, department=name, expected=expected, on_time=on_time,
                             late=late, pending=pending, missing=missing)
        for department_id, name, expected, on_time, late, pending, missing
        in sql.department_punctuality(company, filters)
    ]


def department_series(*, company, filters, factor_key="", round_ids=None):
    """Mean stored factor score per department and round (one factor's score with `factor_key`). 1 query.

    `round_ids` narrows it to some rounds (the movers need only the latest two; none: no query).
    """
    if round_ids is not None and not round_ids:
        return []
    return [DepartmentPoint(department_id=department_id, department=name, period=period, score=as_float(mean))
            for department_id, name, period, mean
            in sql.department_means(company, filters, factor_key=factor_key, round_ids=round_ids)]


def open_actions_by_factor(*, company, filters):
    """Open and in-progress action items per factor (None factor = not tied to a factor). 1 query."""
    ru = russian()
    return [
        ActionCount(factor=key or "", open_actions=count,
                    factor_name=(name_ru if ru and name_ru else name_en) if key else "")
        for key, name_en, name_ru, count in sql.open_actions(company, filters, [str(s) for s in OPEN_ACTION_STATUSES])
    ]


def movers(points, key, name, *, kind, limit=3):
    """Largest rises and falls between each series' last two scored rounds: (falls, rises)."""
    series = defaultdict(list)
    labels = {}
    for point in points:
        if point.score is not None:
            series[getattr(point, key)].append(point)
            labels[getattr(point, key)] = getattr(point, name)
    moves = []
    for series_key, scored in series.items():
        if len(scored) < 2:
            continue
        before, after = scored[-2], scored[-1]
        moves.append(Mover(kind=kind, key=str(series_key), name=labels[series_key], previous=before.score,
                           latest=after.score, delta=round(after.score - before.score, 2), period=after.period,
                           accountable_department=getattr(after, "accountable_department", None)))
    falls = sorted((m for m in moves if m.delta < 0), key=lambda m: m.delta)[:limit]
    rises = sorted((m for m in moves if m.delta > 0), key=lambda m: -m.delta)[:limit]
    return falls, rises


def weakest_factor(points, actions):
    """The lowest-scored factor of the latest scored round, with its change, owner and open actions."""
    comparison = latest_vs_previous(points)
    scored = [row for row in comparison["rows"] if row["latest"] is not None]
    if not scored:
        return None
    row = min(scored, key=lambda r: r["latest"])
    accountable = next((p.accountable_department for p in reversed(points)
                        if p.factor == row["factor"] and p.period == comparison["latest"]), None)
    open_count = next((a.open_actions for a in actions if a.factor == row["factor"]), 0)
    delta = round(row["latest"] - row["previous"], 2) if row["previous"] is not None else None
    return Weakest(factor=row["factor"], factor_name=row["factor_name"], score=row["latest"], delta=delta,
                   period=comparison["latest"], accountable_department=accountable, open_actions=open_count)


def with_open_actions(moves, actions):
    counts = {a.factor: a.open_actions for a in actions}
    for move in moves:
        move.open_actions = counts.get(move.key, 0)
    return moves


@dataclass
class Overview:
    """Everything the executive dashboard shows, from 7 queries (8 with a department) whatever the company's size."""

    rounds: list
    factors: list
    comparison: dict
    heatmap: Heatmap
    completion_by_department: list
    department_points: list
    actions: list
    factor_falls: list
    factor_rises: list
    department_falls: list
    department_rises: list
    weakest: Weakest | None

    def as_dict(self):
        return {
            "rounds": to_dicts(self.rounds), "factors": to_dicts(self.factors), "latest_vs_previous": self.comparison,
            "heatmap": {**to_dict(self.heatmap), "cells": to_dicts(self.heatmap.cells)}, "completion_by_department": to_dicts(self.completion_by_department),
            "department_series": to_dicts(self.department_points), "open_actions": to_dicts(self.actions),
            "movers": {"factor_falls": to_dicts(self.factor_falls), "factor_rises": to_dicts(self.factor_rises),
                       "department_falls": to_dicts(self.department_falls),
                       "department_rises": to_dicts(self.department_rises)},
            "weakest": to_dict(self.weakest) if self.weakest else None,
        }


def latest_two(rounds):
    """Ids of the last two settled rounds that have any submission (the movers compare these)."""
    return [r.round_id for r in settled(rounds) if r.submitted][-2:]


def overview(*, company, filters):
    """All dashboard rows for a company (and optional department filter)."""
    rounds = round_rows(company=company, filters=filters)
    points = factor_series(company=company, filters=filters)
    actions = open_actions_by_factor(company=company, filters=filters)
    department_points = department_series(company=company, filters=filters, round_ids=latest_two(rounds))
    factor_falls, factor_rises = movers(points, "factor", "factor_name", kind="factor")
    department_falls, department_rises = movers(department_points, "department_id", "department", kind="department")
    return Overview(
        rounds=rounds, factors=points, comparison=latest_vs_previous(points),
        heatmap=heatmap(company=company, filters=filters, rounds=rounds),
        completion_by_department=completion_by_department(company=company, filters=filters),
        department_points=department_points, actions=actions,
        factor_falls=with_open_actions(factor_falls, actions), factor_rises=with_open_actions(factor_rises, actions),
        department_falls=department_falls, department_rises=department_rises,
        weakest=weakest_factor(points, actions),
    )


# ---------------------------------------------------------------- department dashboard and drill-downs

def show_company_lines_to_heads(*, company):
    settings_row = DashboardSettings.objects.filter(company=company).values("show_company_lines_to_heads").first()
    return True if settings_row is None else settings_row["show_company_lines_to_heads"]


def department_actions(*, company, department, limit=50):
    """Open action items of a department (raised on its audits or owned by its people)."""
    return list(
        ActionItem.objects.filter(company=company, status__in=OPEN_ACTION_STATUSES)
        .filter(Q(audit__department=department) | Q(owner__department=department))
        .select_related("factor", "owner__user")
        .order_by("due_date", "-created_at")[:limit]
    )


def audit_scores(*, company, audit_id):
    """One department audit with its stored factor scores, or None when it is not this company's."""
    audit = (DepartmentAudit.objects.filter(company=company, pk=audit_id)
             .select_related("round", "department").first())
    if audit is None:
        return None, []
    rows = (FactorScore.objects.filter(company=company, audit=audit).order_by("factor__position")
            .values("factor__key", "factor__name_en", "factor__name_ru", "score", "scored_answers"))
    return audit, [{"factor": r["factor__key"], "factor_name": localized_name(r, "factor__"),
                    "score": as_float(r["score"]), "scored_answers": r["scored_answers"]} for r in rows]


def score_rows(*, company, filters):
    """Every stored department factor score in range, flat, for the 'all scores' export. 1 query."""
    scores = FactorScore.objects.filter(in_range(filters, "audit__round__"), company=company)
    if filters.department:
        scores = scores.filter(audit__department=filters.department)
    rows = scores.order_by("audit__round__period_start", "audit__department__name", "factor__position").values(
        "audit__round__period", "audit__department__name", "factor__key", "factor__name_en", "factor__name_ru",
        "score", "scored_answers", "audit__status", "audit__deadline", "audit__first_submitted_at")
    return [
        {"period": r["audit__round__period"], "department": r["audit__department__name"], "factor": r["factor__key"],
         "factor_name": localized_name(r, "factor__"), "score": as_float(r["score"]),
         "scored_answers": r["scored_answers"], "status": r["audit__status"],
         "deadline": r["audit__deadline"], "first_submitted_at": r["audit__first_submitted_at"]}
        for r in rows
    ]
