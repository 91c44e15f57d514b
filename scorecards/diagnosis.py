"""The diagnosis arithmetic: expected activity, compliance, plan attainment and the verdict. Pure, no database.

Numbers in, numbers out, so every rule is testable with plain values and the page can show the same
numbers and thresholds that produced the verdict.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.numbers import whole

WEEKS_PER_MONTH = Decimal(52) / Decimal(12)
METRICS = ("calls", "meetings", "proposals")
NORM_FIELDS = {"calls": "calls_per_day", "meetings": "meetings_per_week", "proposals": "proposals_per_month"}

ON_TRACK, SYSTEM, MANAGER, CHECK_NORMS, NO_DATA = "on_track", "system", "manager", "check_norms", "no_data"
VERDICTS = (ON_TRACK, SYSTEM, MANAGER, CHECK_NORMS, NO_DATA)
VERDICT_LABELS = {
    ON_TRACK: gettext_lazy("On track"),
    SYSTEM: gettext_lazy("The system's shortfall"),
    MANAGER: gettext_lazy("The manager's shortfall"),
    CHECK_NORMS: gettext_lazy("Check the norms"),
    NO_DATA: gettext_lazy("Not enough data"),
}
METRIC_LABELS = {
    "calls": gettext_lazy("calls"),
    "meetings": gettext_lazy("meetings"),
    "proposals": gettext_lazy("proposals"),
}


@dataclass(frozen=True)
class Thresholds:
    """Activity and plan in percent, knowledge as a score 0–100."""

    activity: float = 90
    knowledge: float = 70
    plan: float = 90


@dataclass(frozen=True)
class Norm:
    calls_per_day: int | None = None
    meetings_per_week: int | None = None
    proposals_per_month: int | None = None

    @property
    def is_empty(self):
        return all(getattr(self, f) is None for f in NORM_FIELDS.values())


def working_days(start, end, weekdays, days_off=(), holidays=()):
    """Working days from start to end inclusive (working weekdays that are not company holidays), minus the
    manager's days off that fall on one of them."""
    if end < start:
        return 0
    weekdays, holidays = set(weekdays), set(holidays)
    days = {start + datetime.timedelta(n) for n in range((end - start).days + 1)}
    working = {d for d in days if d.weekday() in weekdays and d not in holidays}
    return len(working - set(days_off))


def expected_counts(norm, available_days, days_per_week):
    """metric → expected count for the available working days; weekly and monthly norms are prorated."""
    days = Decimal(available_days)
    per_week = Decimal(days_per_week or 5)
    expected = {}
    if norm.calls_per_day is not None:
        expected["calls"] = Decimal(norm.calls_per_day) * days
    if norm.meetings_per_week is not None:
        expected["meetings"] = Decimal(norm.meetings_per_week) * days / per_week
    if norm.proposals_per_month is not None:
        expected["proposals"] = Decimal(norm.proposals_per_month) * days / (per_week * WEEKS_PER_MONTH)
    return expected


def percent(actual, expected):
    """actual / expected in percent, or None when nothing was expected (never a division by zero)."""
    if expected is None or Decimal(expected) <= 0:
        return None
    return float(Decimal(actual) * 100 / Decimal(expected))


def compliance(actual, expected):
    """metric → percent of norm for every metric the norm uses."""
    return {m: percent(actual.get(m, 0), expected[m]) for m in METRICS if m in expected}


def mean(values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def capped_mean(metric_compliance):
    """The activity figure shown: the mean of the measured metrics with each capped at 100 %.

    Capping keeps 200 % of calls from lifting a 40 % meetings figure to "120 % activity": a mean that
    reads as met while one part is not would hide the weak part (issue 12, rule 6).
    """
    return mean(None if v is None else min(v, 100.0) for v in metric_compliance.values())


def norms_met(metric_compliance, threshold):
    """True when every measured metric reaches the threshold on its own, False when one does not, None if none
    is measured. Each metric is judged alone: over-achievement on one never covers a shortfall on another."""
    measured = [v for v in metric_compliance.values() if v is not None]
    if not measured:
        return None
    return all(v >= threshold for v in measured)


def plan_attainment(*, plan_deals, actual_deals, plan_revenue, actual_revenue):
    """(deals %, revenue %, combined %) — a plan of zero is "no plan" (None), not a division by zero."""
    deals = percent(actual_deals, plan_deals) if plan_deals else None
    revenue = percent(actual_revenue, plan_revenue) if plan_revenue else None
    return deals, revenue, mean([deals, revenue])


def decide(*, metric_compliance, knowledge, plan, thresholds):
    """The verdict from metric → % of norm, knowledge 0–100 and plan % (any may be None = not measured).

    Every norm metric is judged on its own (see norms_met): "system" needs each measured metric and the
    knowledge score at or above their thresholds, never only their mean.
    """
    if plan is None:
        return NO_DATA
    activity_met = norms_met(metric_compliance, thresholds.activity)
    if plan >= thresholds.plan:
        return CHECK_NORMS if activity_met is False else ON_TRACK
    if activity_met is False or (knowledge is not None and knowledge < thresholds.knowledge):
        return MANAGER
    if activity_met is None or knowledge is None:
        return NO_DATA
    return SYSTEM


@dataclass(frozen=True)
class Gap:
    """One measure below its threshold: what, how much, against what."""

    measure: str
    value: float
    threshold: float

    def __str__(self):
        if self.measure == "knowledge":
            return _("knowledge %(value)s") % {"value": whole(self.value)}
        return _("%(metric)s at %(value)s %% of norm") % {"metric": METRIC_LABELS[self.measure],
                                                          "value": whole(self.value)}


def gaps(*, metric_compliance, knowledge, thresholds):
    """Every activity metric and the knowledge score below its threshold, worst activity metric first."""
    found = sorted(
        (Gap(m, v, thresholds.activity) for m, v in metric_compliance.items()
         if v is not None and v < thresholds.activity),
        key=lambda gap: gap.value,
    )
    if knowledge is not None and knowledge < thresholds.knowledge:
        found.append(Gap("knowledge", float(knowledge), thresholds.knowledge))
    return found


@dataclass
class Inputs:
    """Everything the diagnosis of one manager and period rests on, as plain values."""

    start: datetime.date
    end: datetime.date
    weekdays: list
    days_off: list
    norm: Norm
    actual: dict
    knowledge: float | None
    plan_deals: int | None = None
    actual_deals: int | None = None
    plan_revenue: Decimal | None = None
    actual_revenue: Decimal | None = None
    thresholds: Thresholds = field(default_factory=Thresholds)
    holidays: list = field(default_factory=list)


@dataclass
class Result:
    verdict: str
    activity: float | None
    metric_compliance: dict
    expected: dict
    available_days: int
    working_days: int
    knowledge: float | None
    deals: float | None
    revenue: float | None
    plan: float | None
    gaps: list
    activity_met: bool | None = None

    @property
    def verdict_label(self):
        return VERDICT_LABELS[self.verdict]

    @property
    def weakest(self):
        """The lowest measured metric, % of norm (None when none is measured): the one the norms stand or fall by."""
        return min((v for v in self.metric_compliance.values() if v is not None), default=None)


def diagnose(inputs):
    """Compute every number of the diagnosis and the verdict from plain inputs."""
    all_days = working_days(inputs.start, inputs.end, inputs.weekdays, holidays=inputs.holidays)
    available = working_days(inputs.start, inputs.end, inputs.weekdays, inputs.days_off, inputs.holidays)
    expected = expected_counts(inputs.norm, available, len(inputs.weekdays))
    per_metric = compliance(inputs.actual, expected)
    activity = capped_mean(per_metric)
    has_plan = inputs.plan_deals is not None
    deals, revenue, plan = plan_attainment(
        plan_deals=inputs.plan_deals or 0, actual_deals=inputs.actual_deals or 0,
        plan_revenue=inputs.plan_revenue or 0, actual_revenue=inputs.actual_revenue or 0,
    ) if has_plan else (None, None, None)
    verdict = decide(metric_compliance=per_metric, knowledge=inputs.knowledge, plan=plan,
                     thresholds=inputs.thresholds)
    return Result(
        verdict=verdict, activity=activity, metric_compliance=per_metric, expected=expected,
        available_days=available, working_days=all_days, knowledge=inputs.knowledge,
        deals=deals, revenue=revenue, plan=plan,
        gaps=gaps(metric_compliance=per_metric, knowledge=inputs.knowledge, thresholds=inputs.thresholds),
        activity_met=norms_met(per_metric, inputs.thresholds.activity),
    )
