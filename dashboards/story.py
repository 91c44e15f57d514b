"""The one computation behind every figure and sentence: what is final, what rests on what, what is news.

Pure functions over rows the selectors loaded (no database here). Every surface — executive and department
dashboards, the quarterly report, chart figures and PNGs, CSV/XLSX, the API and the digest email — reads a
`Story`, so a number or a claim cannot differ between them. The rules, in the words of the "How we compute"
page (templates/dashboards/how.html):

1. Final and provisional. A round is provisional while its deadline is ahead and not every department has
   answered; its figures carry "provisional — k of n departments" and are never compared with final rounds.
2. Coverage. Every round figure says how many departments answered of those expected (and scored answers of
   the questions asked). A final round under the company's minimum coverage is marked incomplete. A change
   between two rounds whose answering departments differ is computed on the departments that answered both.
3. News. A change counts only above a threshold: the company's fixed number of points, or by default the
   larger of MIN_CHANGE points and WOBBLE_MULTIPLE × the factor's usual round-to-round wobble (a robust
   standard deviation of its steps around their typical step, so a steady slide does not raise its own bar),
   capped at MAX_CHANGE points so that a very unsettled factor cannot hide a move of most of an answer step.
   A move is told over its whole latest run — the rounds since its direction last turned; steps smaller than
   half the threshold do not turn it — "fell 35 points over 3 rounds, from 70 to 35". Anything else is steady.
4. Weak is a threshold, not a rank: only items under the company's weak threshold are called weak; with none,
   the lowest is named; ties name every tied item (ties as displayed, in whole points).
5. No average hides a weak part: a department's factor score or a question under the weak threshold is named
   even when the factor's company score is above it.
6. One rounding rule: accounts.numbers.whole (half-up on Decimal) for every displayed number.
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from accounts.numbers import whole
from audits.scoring import round_factor_score, system_index

MIN_CHANGE = 5  # points: below one fifth of a single answer step (25 points), never news
MAX_CHANGE = 20  # points: a derived threshold never hides a move of most of an answer step (25 points)
WOBBLE_MULTIPLE = 2.5  # a step this many robust standard deviations away is unlikely to be noise
MIN_STEPS_FOR_OWN_WOBBLE = 4  # fewer steps than this: use the wobble pooled over all factors
DEFAULT_WEAK = 50
DEFAULT_MIN_COVERAGE = 75
ROBUST_SD = 1.4826  # median absolute deviation → standard deviation for normally distributed noise


@dataclass(frozen=True)
class Rules:
    """The company's thresholds (DashboardSettings), with the defaults the "How we compute" page explains."""

    weak_threshold: int = DEFAULT_WEAK
    change_threshold: int | None = None  # None: derived from the data
    min_coverage: int = DEFAULT_MIN_COVERAGE  # percent of expected departments


@dataclass
class Coverage:
    answered: int  # departments that submitted
    expected: int
    factors_scored: int = 0
    factors_total: int = 7
    answers_scored: int | None = None  # scored answers (N/A and text do not count)
    questions_asked: int | None = None

    @property
    def share(self):
        return self.answered / self.expected if self.expected else None

    def as_dict(self):
        return {"departments_answered": self.answered, "departments_expected": self.expected,
                "factors_scored": self.factors_scored, "factors_total": self.factors_total,
                "answers_scored": self.answers_scored, "questions_asked": self.questions_asked}


@dataclass
class RoundFigure:
    round_id: int
    period: str
    provisional: bool
    index: float | None
    coverage: Coverage
    incomplete: bool  # final, but under the minimum coverage
    imported: bool = False  # brought in by the history import: same scoring, the file's dates

    @property
    def status(self):
        if self.provisional:
            return "provisional"
        return "incomplete" if self.incomplete else "final"

    @property
    def index_display(self):
        return whole(self.index)

    def as_dict(self):
        return {"round_id": self.round_id, "period": self.period, "status": self.status,
                "provisional": self.provisional, "incomplete": self.incomplete, "index": self.index,
                "index_display": self.index_display, "coverage": self.coverage.as_dict(),
                "imported": self.imported}


@dataclass
class Change:
    """A series' latest run: from `start` to `end` over `steps` rounds, and whether it is news."""

    kind: str  # "index", "factor" or "department"
    key: str
    name: str
    start_period: str
    end_period: str
    start: float
    end: float
    steps: int
    threshold: float
    direction: str  # "rose", "fell" or "steady"
    common_departments: int | None = None  # set when the endpoints were recomputed on a common part
    common_factors: int | None = None  # a department's change recomputed on the factors scored in both rounds
    accountable_department: str | None = None
    open_actions: int = 0

    @property
    def delta(self):
        return self.end - self.start

    @property
    def is_news(self):
        return self.direction != "steady"

    @property
    def delta_display(self):
        """The change as displayed: the difference of the displayed endpoints, so "70 → 35" reads −35."""
        return whole(self.end) - whole(self.start)

    def as_dict(self):
        return {"kind": self.kind, "key": self.key, "name": self.name, "direction": self.direction,
                "start_period": self.start_period, "end_period": self.end_period, "steps": self.steps,
                "start": self.start, "end": self.end, "delta": self.delta,
                "start_display": whole(self.start), "end_display": whole(self.end),
                "delta_display": self.delta_display, "threshold": round(self.threshold, 1),
                "common_departments": self.common_departments, "common_factors": self.common_factors,
                "accountable_department": self.accountable_department, "open_actions": self.open_actions}


@dataclass
class Item:
    """A scored thing of the latest final round: a factor, a department's factor, a question."""

    kind: str
    key: str
    name: str
    score: float
    period: str
    department: str | None = None
    factor: str | None = None
    factor_name: str | None = None
    accountable_department: str | None = None
    open_actions: int = 0

    @property
    def display(self):
        return whole(self.score)

    def as_dict(self):
        return {"kind": self.kind, "key": self.key, "name": self.name, "score": self.score,
                "score_display": self.display, "period": self.period, "department": self.department,
                "factor": self.factor, "factor_name": self.factor_name,
                "accountable_department": self.accountable_department, "open_actions": self.open_actions}


@dataclass
class Story:
    rules: Rules
    rounds: list = field(default_factory=list)  # [RoundFigure], oldest first
    latest: RoundFigure | None = None  # the latest final round
    provisional: RoundFigure | None = None  # the open round, if the newest is open
    index_change: Change | None = None
    factor_changes: list = field(default_factory=list)  # [Change], catalogue order
    department_changes: list = field(default_factory=list)
    weak: list = field(default_factory=list)  # [Item] factors under the threshold (all tied at the lowest first)
    lowest: list = field(default_factory=list)  # [Item] the lowest factors when none is weak (ties: all)
    weak_parts: list = field(default_factory=list)  # [Item] department cells / questions under the threshold
    thresholds: dict = field(default_factory=dict)  # factor key → the change threshold used

    @property
    def news(self):
        """Factor changes that are news, largest first."""
        return sorted((c for c in self.factor_changes if c.is_news), key=lambda c: -abs(c.delta))

    @property
    def steady(self):
        return [c for c in self.factor_changes if not c.is_news]

    def figure(self, period):
        return next((r for r in self.rounds if r.period == period), None)

    def as_dict(self):
        return {
            "rules": {"weak_threshold": self.rules.weak_threshold, "change_threshold": self.rules.change_threshold,
                      "min_coverage": self.rules.min_coverage, "min_change": MIN_CHANGE,
                      "wobble_multiple": WOBBLE_MULTIPLE},
            "rounds": [r.as_dict() for r in self.rounds],
            "latest": self.latest.as_dict() if self.latest else None,
            "provisional": self.provisional.as_dict() if self.provisional else None,
            "index_change": self.index_change.as_dict() if self.index_change else None,
            "factor_changes": [c.as_dict() for c in self.factor_changes],
            "department_changes": [c.as_dict() for c in self.department_changes],
            "weak": [i.as_dict() for i in self.weak], "lowest": [i.as_dict() for i in self.lowest],
            "weak_parts": [i.as_dict() for i in self.weak_parts],
        }


# ---------------------------------------------------------------- noise and runs

def robust_sd(steps):
    """Robust standard deviation of round-to-round steps around their median step (a slide's own steps cancel)."""
    if not steps:
        return 0.0
    centre = statistics.median(steps)
    return ROBUST_SD * statistics.median(abs(s - centre) for s in steps)


def centred(steps):
    """A series' steps around its typical step (only with enough steps to know it), for the pooled wobble."""
    if len(steps) < 3:
        return list(steps)
    centre = statistics.median(steps)
    return [s - centre for s in steps]


def change_thresholds(series_by_key, fixed=None):
    """key → change threshold: the company's fixed one, else max(MIN_CHANGE, WOBBLE_MULTIPLE × wobble)."""
    if fixed is not None:
        return {key: float(fixed) for key in series_by_key}, float(fixed)
    steps = {key: [b - a for a, b in zip(values, values[1:], strict=False)]
             for key, values in ((k, [v for _p, v in s]) for k, s in series_by_key.items())}
    pooled_steps = [s for key_steps in steps.values() for s in centred(key_steps)]
    pooled = ROBUST_SD * statistics.median(abs(s) for s in pooled_steps) if len(pooled_steps) >= 4 else 0.0
    pooled_threshold = bounded(WOBBLE_MULTIPLE * pooled)
    result = {}
    for key, key_steps in steps.items():
        wobble = robust_sd(key_steps) if len(key_steps) >= MIN_STEPS_FOR_OWN_WOBBLE else pooled
        result[key] = bounded(WOBBLE_MULTIPLE * wobble)
    return result, pooled_threshold


def bounded(threshold):
    """A derived threshold kept between MIN_CHANGE and MAX_CHANGE points."""
    return min(MAX_CHANGE, max(MIN_CHANGE, threshold))


def latest_run(series, threshold):
    """(start index, direction) of a series' latest run; steps under half the threshold do not turn it."""
    values = [v for _p, v in series]
    small = threshold / 2
    steps = [b - a for a, b in zip(values, values[1:], strict=False)]
    # The direction of the latest step that is not small; with none, of the latest step that moved at all
    # (a slow slide of small steps is still a slide once it adds up past the threshold).
    direction = next((1 if s > 0 else -1 for s in reversed(steps) if abs(s) >= small),
                     next((1 if s > 0 else -1 for s in reversed(steps) if s), 0))
    start = len(values) - 1
    while start > 0:
        step = values[start] - values[start - 1]
        if abs(step) >= small and (1 if step > 0 else -1) != direction:
            break
        start -= 1
    return start, direction


def run_change(series, threshold, *, kind, key, name):
    """The Change of a [(period, value)] series (oldest first, at least two values), or None."""
    if len(series) < 2:
        return None
    start, direction = latest_run(series, threshold)
    (start_period, start_value), (end_period, end_value) = series[start], series[-1]
    delta = end_value - start_value
    news = abs(delta) > threshold and direction != 0 and (delta > 0) == (direction > 0)
    return Change(kind=kind, key=key, name=name, start_period=start_period, end_period=end_period,
                  start=start_value, end=end_value, steps=len(series) - 1 - start, threshold=threshold,
                  direction=("rose" if delta > 0 else "fell") if news else "steady")


# ---------------------------------------------------------------- common coverage

def common_part_scores(cells, accountable, round_a, round_b):
    """Factor scores and index of two rounds recomputed on the departments that answered both.

    `cells`: {round id: {(department id, factor key): score}}; `accountable`: {(round id, factor key): dept id}.
    Returns ({key: (a, b)}, (index a, index b), number of common departments).
    """
    departments_a = {d for d, _k in cells.get(round_a, {})}
    departments_b = {d for d, _k in cells.get(round_b, {})}
    common = departments_a & departments_b
    factors, values_a, values_b = {}, [], []
    keys = {k for _d, k in cells.get(round_a, {})} | {k for _d, k in cells.get(round_b, {})}
    for key in sorted(keys):
        pair = []
        for round_id in (round_a, round_b):
            rows = [(d, cells[round_id].get((d, key))) for d in common if (d, key) in cells.get(round_id, {})]
            score, _answered = round_factor_score(rows, accountable.get((round_id, key)))
            pair.append(None if score is None else float(score))
        factors[key] = tuple(pair)
        values_a.append(pair[0])
        values_b.append(pair[1])
    index_a, index_b = system_index(values_a), system_index(values_b)
    return factors, (None if index_a is None else float(index_a), None if index_b is None else float(index_b)), \
        len(common)


def answered_departments(cells, round_id):
    return {d for d, _k in cells.get(round_id, {})}


def on_common_part(change, cells, accountable, round_ids, *, factor_key=None):
    """Recompute a change's endpoints on the departments that answered both rounds, when their sets differ."""
    a, b = round_ids.get(change.start_period), round_ids.get(change.end_period)
    if a is None or b is None or answered_departments(cells, a) == answered_departments(cells, b):
        return change
    factors, index, common = common_part_scores(cells, accountable, a, b)
    start, end = index if factor_key is None else factors.get(factor_key, (None, None))
    change.common_departments = common
    if start is None or end is None:
        change.direction = "steady"
        change.common_departments = 0
        return change
    change.start, change.end = start, end
    return still_news(change)


def still_news(change):
    """After its endpoints were recomputed on a common part, a change stays news only if it still passes."""
    if change.direction != "steady" and not (abs(change.delta) > change.threshold
                                             and (change.delta > 0) == (change.direction == "rose")):
        change.direction = "steady"
    return change


# ---------------------------------------------------------------- the story

def round_figures(rounds, rules, question_counts=None):
    """RoundFigure per RoundRow: provisional flag, coverage, incomplete under the minimum coverage."""
    question_counts = question_counts or {}
    figures = []
    for row in rounds:
        answered, asked, factors_scored = question_counts.get(row.round_id, (None, None, 0))
        coverage = Coverage(answered=row.submitted, expected=row.expected, factors_scored=factors_scored,
                            answers_scored=answered, questions_asked=asked)
        share = coverage.share
        incomplete = not row.in_progress and (share is None or share * 100 < rules.min_coverage)
        figures.append(RoundFigure(round_id=row.round_id, period=row.period, provisional=row.in_progress,
                                   index=row.system_index, coverage=coverage, incomplete=incomplete,
                                   imported=row.imported))
    return figures


def final_series(points, key_attr, name_attr):
    """key → [(period, score)] over final rounds with a score, and key → name."""
    series, names = defaultdict(list), {}
    for point in points:
        if point.score is None or getattr(point, "provisional", False):
            continue
        key = str(getattr(point, key_attr))
        series[key].append((point.period, float(point.score)))
        names[key] = getattr(point, name_attr)
    return series, names


def tied_lowest(items):
    """Every item sharing the lowest displayed score."""
    if not items:
        return []
    lowest = min(whole(i.score) for i in items)
    return [i for i in items if whole(i.score) == lowest]


def latest_factor_items(points, latest_period, actions):
    counts = {a.factor: a.open_actions for a in actions}
    return [Item(kind="factor", key=p.factor, name=p.factor_name, score=float(p.score), period=p.period,
                 factor=p.factor, factor_name=p.factor_name, accountable_department=p.accountable_department,
                 open_actions=counts.get(p.factor, 0))
            for p in points if p.period == latest_period and p.score is not None
            and not getattr(p, "provisional", False)]


def weak_and_lowest(items, threshold):
    """(weak items, lowest items): weak = displayed score under the threshold, lowest ones first."""
    weak = sorted((i for i in items if whole(i.score) < threshold), key=lambda i: (whole(i.score), i.name))
    return weak, ([] if weak else sorted(tied_lowest(items), key=lambda i: i.name))


def build(*, rounds, points, actions, rules, cells=None, accountable=None, department_names=None,
          question_counts=None, weak_questions=None):
    """The Story of one dashboard view from the overview's rows (see the module docstring for the rules)."""
    cells, accountable = cells or {}, accountable or {}
    figures = round_figures(rounds, rules, question_counts)
    finals = [f for f in figures if not f.provisional]
    story = Story(rules=rules, rounds=figures, latest=finals[-1] if finals else None,
                  provisional=figures[-1] if figures and figures[-1].provisional else None)
    round_ids = {f.period: f.round_id for f in figures}

    factor_series, factor_names = final_series(points, "factor", "factor_name")
    thresholds, pooled = change_thresholds(factor_series, rules.change_threshold)
    story.thresholds = thresholds
    owners = {p.factor: p.accountable_department for p in points if p.accountable_department}
    open_counts = {a.factor: a.open_actions for a in actions}
    for key, series in factor_series.items():
        change = run_change(series, thresholds[key], kind="factor", key=key, name=factor_names[key])
        if change is None or story.latest is None or change.end_period != story.latest.period:
            continue
        change = on_common_part(change, cells, accountable, round_ids, factor_key=key)
        change.accountable_department, change.open_actions = owners.get(key), open_counts.get(key, 0)
        story.factor_changes.append(change)

    index_series = [(f.period, float(f.index)) for f in finals if f.index is not None]
    index_threshold = (change_thresholds({"index": index_series}, rules.change_threshold)[0]["index"]
                       if len(index_series) > 1 else pooled)
    index_change = run_change(index_series, index_threshold, kind="index", key="index", name="")
    if index_change is not None and story.latest is not None and index_change.end_period == story.latest.period:
        story.index_change = on_common_part(index_change, cells, accountable, round_ids)

    story.department_changes = department_changes(cells, figures, department_names or {}, pooled)
    if story.latest is not None:
        items = latest_factor_items(points, story.latest.period, actions)
        story.weak, story.lowest = weak_and_lowest(items, rules.weak_threshold)
        story.weak_parts = weak_parts(cells, story.latest, items, rules.weak_threshold, department_names or {},
                                      weak_questions or [])
    return story


def department_means(cells, figures):
    """department id → [(period, mean of its factor scores)] over final rounds (rule 5 reads the cells)."""
    series = defaultdict(list)
    for figure in figures:
        if figure.provisional:
            continue
        by_department = defaultdict(list)
        for (department_id, _key), score in cells.get(figure.round_id, {}).items():
            if score is not None:
                by_department[department_id].append(float(score))
        for department_id, scores in by_department.items():
            series[department_id].append((figure.period, sum(scores) / len(scores)))
    return series


def department_changes(cells, figures, names, threshold):
    """Changes of each department's mean factor score over its latest run (the pooled factor threshold)."""
    changes = []
    finals = [f for f in figures if not f.provisional]
    if not finals:
        return changes
    round_ids = {f.period: f.round_id for f in finals}
    for department_id, series in department_means(cells, figures).items():
        change = run_change(series, threshold, kind="department", key=str(department_id),
                            name=names.get(department_id, str(department_id)))
        if change is not None and change.end_period == finals[-1].period:
            changes.append(on_common_factors(change, cells, department_id, round_ids))
    return sorted(changes, key=lambda c: -abs(c.delta))


def on_common_factors(change, cells, department_id, round_ids):
    """A department's change recomputed on the factors it scored in both rounds, when its factors differ."""
    scored = [{k: v for (d, k), v in cells.get(round_ids[p], {}).items() if d == department_id and v is not None}
              for p in (change.start_period, change.end_period)]
    common = scored[0].keys() & scored[1].keys()
    if scored[0].keys() == scored[1].keys():
        return change
    if not common:
        change.direction = "steady"
        return change
    change.start, change.end = (sum(s[k] for k in common) / len(common) for s in scored)
    change.common_factors = len(common)
    return still_news(change)


def weak_parts(cells, latest, factor_items, threshold, department_names, weak_questions):
    """Department factor scores and questions under the threshold inside factors whose company score is not."""
    fine = {i.key: i for i in factor_items if whole(i.score) >= threshold}
    parts = []
    for (department_id, key), score in sorted(cells.get(latest.round_id, {}).items(), key=lambda kv: kv[1] or 0):
        if key in fine and score is not None and whole(score) < threshold:
            parts.append(Item(kind="department_factor", key=f"{department_id}:{key}", name=fine[key].name,
                              score=float(score), period=latest.period,
                              department=department_names.get(department_id), factor=key,
                              factor_name=fine[key].name))
    for question in weak_questions:
        if question["factor"] in fine and whole(question["score"]) < threshold:
            parts.append(Item(kind="question", key=question["key"], name=question["text"],
                              score=float(question["score"]), period=latest.period, factor=question["factor"],
                              factor_name=fine[question["factor"]].name))
    return parts

