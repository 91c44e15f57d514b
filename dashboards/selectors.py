"""Aggregated dashboard rows from the stored scores, each in a constant number of queries.

Nothing here recomputes scores: rounds, round factor scores and department factor scores are
stored by audits.scoring. Rows are plain dataclasses so charts, tables, exports and the API
share them without touching the database again.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import get_language

from audits import scoring
from audits.models import (
    OPEN_ACTION_STATUSES,
    ActionItem,
    DepartmentAudit,
    FactorResponsibility,
    FactorScore,
    Responsibility,
)

from . import sql
from . import story as story_rules
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
    imported: bool = False  # brought in by the history import (its real dates, scored by the same code)


@dataclass
class FactorPoint:
    period: str
    factor: str
    factor_name: str
    score: float | None
    departments_answered: int
    completion: float | None
    accountable_department: str | None
    provisional: bool = False  # from a round still open: drawn apart, never compared as final
    imported: bool = False  # from a round brought in by the history import: marked on the charts


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
    provisional: bool = False  # the chosen round is still open


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
    start_period: str = ""  # where the run began: a slide is told whole
    steps: int = 1
    common_departments: int | None = None
    direction: str = ""
    threshold: float | None = None

    # The names narrative.run_phrase reads (a Mover is a Change that is news, flattened for charts and tables).
    @property
    def start(self):
        return self.previous

    @property
    def end(self):
        return self.latest

    @property
    def end_period(self):
        return self.period


@dataclass
class ActionCount:
    factor: str
    factor_name: str
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
         pending, missing, imported) in sql.round_rows(company, filters):
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
            imported=bool(imported),
        ))
        if not running:  # changes are measured between settled rounds
            previous_index = index if index is not None else previous_index
    return result


def factor_series(*, company, filters, accountable=None):
    """Company factor scores per round (or one department's, with the department filter). 1–2 queries.

    `accountable`, a dict, is filled with {(round id, factor key): accountable department id} on the way.
    """
    if filters.department:
        return department_factor_series(company=company, filters=filters, department=filters.department)
    rows = sql.company_factor_scores(company, filters)
    ru = russian()
    if accountable is not None:
        accountable.update({(row[10], row[1]): row[11] for row in rows})
    return [
        FactorPoint(
            period=period, factor=key, factor_name=name_ru if ru and name_ru else name_en, score=score,
            departments_answered=answered,
            completion=round(submitted / expected, 4) if expected else None,
            accountable_department=accountable_name, provisional=bool(running), imported=bool(imported),
        )
        for (period, key, name_en, name_ru, answered, accountable_name, expected, submitted, score, running,
             _round_id, _accountable_id, imported) in rows
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
            accountable_department=accountable.get(key), provisional=bool(running), imported=bool(imported),
        )
        for period, key, name_en, name_ru, score, submitted, running, imported
        in sql.department_factor_scores(company, filters, department)
    ]


def latest_vs_previous(points):
    """{"latest": period, "previous": period, "rows": [{factor, factor_name, latest, previous}]} from a series."""
    points = [p for p in points if not p.provisional]
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
        chosen = {"id": found[0], "period": found[1], "running": bool(found[2])} if found else None
    if chosen is None and rounds:  # the latest settled round, else the running one
        chosen = next((r for r in rounds if not r["running"]), rounds[0])
    result = Heatmap(period=chosen["period"] if chosen else None, factors=factors,
                     periods=[r["period"] for r in rounds], provisional=bool(chosen and chosen.get("running")))
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


def department_series(*, company, filters, factor_key=""):
    """Mean stored factor score per department and round (one factor's score with `factor_key`). 1 query."""
    return [DepartmentPoint(department_id=department_id, department=name, period=period, score=as_float(mean))
            for department_id, name, period, mean in sql.department_means(company, filters, factor_key=factor_key)]


def open_actions_by_factor(*, company, filters):
    """Open and in-progress action items per factor (None factor = not tied to a factor). 1 query."""
    ru = russian()
    return [
        ActionCount(factor=key or "", open_actions=count,
                    factor_name=(name_ru if ru and name_ru else name_en) if key else "")
        for key, name_en, name_ru, count in sql.open_actions(company, filters, [str(s) for s in OPEN_ACTION_STATUSES])
    ]


def mover(change):
    """A chart and table row of a Change that is news."""
    return Mover(kind=change.kind, key=change.key, name=change.name, previous=change.start, latest=change.end,
                 delta=change.delta, period=change.end_period, accountable_department=change.accountable_department,
                 open_actions=change.open_actions, start_period=change.start_period, steps=change.steps,
                 common_departments=change.common_departments, direction=change.direction,
                 threshold=change.threshold)


def split_news(changes, limit=3):
    """(falls, rises) among the changes that are news, largest first."""
    news = [c for c in changes if c.is_news]
    falls = sorted((c for c in news if c.direction == "fell"), key=lambda c: c.delta)[:limit]
    rises = sorted((c for c in news if c.direction == "rose"), key=lambda c: -c.delta)[:limit]
    return [mover(c) for c in falls], [mover(c) for c in rises]


def dashboard_rules(*, company):
    """The company's thresholds for the story (defaults until an admin saves the dashboard settings). 1 query."""
    row = (DashboardSettings.objects.filter(company=company)
           .values("weak_threshold", "change_threshold", "min_coverage").first())
    return story_rules.Rules(**row) if row else story_rules.Rules()


def story_cells(*, company, filters):
    """({round id: {(department id, factor key): score}}, {round id: (answers scored, factors scored)}). 1 query."""
    cells, answered = defaultdict(dict), defaultdict(lambda: [0, set()])
    for round_id, department_id, key, score, scored_answers in sql.submitted_cells(company, filters):
        cells[round_id][(department_id, key)] = score
        answered[round_id][0] += scored_answers or 0
        if score is not None:
            answered[round_id][1].add(key)
    return cells, answered


def question_coverage(*, company, filters, answered):
    """{round id: (answers scored, questions asked, factors scored)}. 1 query."""
    asked = dict(sql.questions_asked(company, filters))
    return {round_id: (count, asked.get(round_id, 0), len(keys)) for round_id, (count, keys) in answered.items()}


def question_means(*, company, filters, round_id):
    """[{key, text, factor, score}]: each scored question's mean points over the round's submitted audits."""
    if round_id is None:
        return []
    ru, sums = russian(), defaultdict(list)
    texts = {}
    for question_id, key, text_en, text_ru, factor_key, kind, scale, yes, na in sql.round_answers(
            company, filters, round_id):
        points = scoring.answer_points(kind=kind, scale_value=scale, bool_value=yes, not_applicable=na)
        if points is not None:
            sums[question_id].append(points)
            texts[question_id] = (key or str(question_id), text_ru if ru and text_ru else text_en, factor_key)
    return [{"key": texts[q][0], "text": texts[q][1], "factor": texts[q][2], "score": sum(v) / len(v)}
            for q, v in sums.items()]


@dataclass
class Overview:
    """Everything a dashboard shows, in a constant number of queries whatever the company's size."""

    rounds: list
    factors: list
    comparison: dict
    heatmap: Heatmap
    completion_by_department: list
    department_points: list
    actions: list
    story: object  # dashboards.story.Story: the one computation every figure and sentence reads
    factor_falls: list = field(default_factory=list)
    factor_rises: list = field(default_factory=list)
    department_falls: list = field(default_factory=list)
    department_rises: list = field(default_factory=list)

    @property
    def weakest(self):
        """The weak factors (under the threshold), else an empty list: see story.weak and story.lowest."""
        return self.story.weak

    def as_dict(self):
        return {
            "rounds": to_dicts(self.rounds), "factors": to_dicts(self.factors), "latest_vs_previous": self.comparison,
            "heatmap": {**to_dict(self.heatmap), "cells": to_dicts(self.heatmap.cells)},
            "completion_by_department": to_dicts(self.completion_by_department),
            "department_series": to_dicts(self.department_points), "open_actions": to_dicts(self.actions),
            "movers": {"factor_falls": to_dicts(self.factor_falls), "factor_rises": to_dicts(self.factor_rises),
                       "department_falls": to_dicts(self.department_falls),
                       "department_rises": to_dicts(self.department_rises)},
            "story": self.story.as_dict(),
        }


def department_points_from(cells, rounds, names):
    """Mean factor score per department and final round, from the cells (the movers' department lines)."""
    points = []
    for row in rounds:
        if row.in_progress:
            continue
        by_department = defaultdict(list)
        for (department_id, _key), score in cells.get(row.round_id, {}).items():
            if score is not None:
                by_department[department_id].append(score)
        for department_id, scores in sorted(by_department.items(), key=lambda kv: names.get(kv[0], "")):
            points.append(DepartmentPoint(department_id=department_id, department=names.get(department_id, ""),
                                          period=row.period, score=as_float(sum(scores) / len(scores))))
    return points


def overview(*, company, filters, rules=None):
    """All dashboard rows for a company (and optional department filter), and the story told from them."""
    rounds = round_rows(company=company, filters=filters)
    accountable = {}
    points = factor_series(company=company, filters=filters, accountable=accountable)
    actions = open_actions_by_factor(company=company, filters=filters)
    cells, answered = story_cells(company=company, filters=filters)
    completion = completion_by_department(company=company, filters=filters)
    names = {row.department_id: row.department for row in completion}
    latest_final = next((r for r in reversed(rounds) if not r.in_progress), None)
    story = story_rules.build(
        rounds=rounds, points=points, actions=actions, rules=rules or dashboard_rules(company=company),
        cells=cells, accountable=accountable, department_names=names,
        question_counts=question_coverage(company=company, filters=filters, answered=answered),
        weak_questions=question_means(company=company, filters=filters,
                                      round_id=latest_final.round_id if latest_final else None),
    )
    factor_falls, factor_rises = split_news(story.factor_changes)
    department_falls, department_rises = split_news(story.department_changes)
    return Overview(
        rounds=rounds, factors=points, comparison=latest_vs_previous(points),
        heatmap=heatmap(company=company, filters=filters, rounds=rounds),
        completion_by_department=completion,
        department_points=department_points_from(cells, rounds, names), actions=actions, story=story,
        factor_falls=factor_falls, factor_rises=factor_rises,
        department_falls=department_falls, department_rises=department_rises,
    )


# ---------------------------------------------------------------- department dashboard and drill-downs

def dashboard_settings(*, company):
    """The company's dashboard settings row, or an unsaved one with the defaults."""
    return DashboardSettings.objects.filter(company=company).first() or DashboardSettings(company=company)


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
