"""Reads of the scorecard domain: settings, norms, periods, the diagnosis per manager and for the team.

Team reads load each table once for all managers of a period (a constant number of queries).
"""

from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.numbers import tenth, whole
from audits.models import OPEN_ACTION_STATUSES, Round, RoundFactorScore
from audits.periods import QUARTERLY, Period, parse_period, period_containing, periods_ending
from dashboards.selectors import dashboard_rules

from . import diagnosis as dx
from .models import (
    ActivityEntry,
    ActivityNorm,
    DayOff,
    Holiday,
    ImportBatch,
    KnowledgeAttempt,
    KnowledgeCheck,
    KnowledgeQuestion,
    KnowledgeRating,
    PlanResult,
    ScorecardSettings,
)

HISTORY_PERIODS = 6


# ---------------------------------------------------------------- settings, calendar, periods

def settings_of(*, company):
    """The company's scorecard settings, or the defaults (unsaved) when never edited."""
    return ScorecardSettings.objects.filter(company=company).first() or ScorecardSettings(company=company)


def thresholds_of(settings):
    return dx.Thresholds(activity=settings.activity_threshold, knowledge=settings.knowledge_threshold,
                         plan=settings.plan_threshold)


def local_today(company, now=None):
    return timezone.localdate(now or timezone.now(), company.tzinfo)


def default_period(*, company, today=None):
    """The latest audit round's period: a complete one when there is one, since a running period cannot be
    judged against its whole plan yet; else the latest started round; else the current quarter."""
    today = today or local_today(company)
    rounds = Round.objects.filter(company=company, period_start__lte=today).order_by("-period_start")
    latest = rounds.filter(period_end__lt=today).first() or rounds.first()
    if latest is not None:
        try:
            return parse_period(latest.period)
        except ValueError:
            pass
    return period_containing(today, QUARTERLY)


def period_from(text, *, company, today=None):
    """The period named in a query (`2026-Q4`, `2026-11`, …) or the default; bad text → ValidationError."""
    if not (text or "").strip():
        return default_period(company=company, today=today)
    try:
        return parse_period(text)
    except ValueError as exc:
        raise ValidationError({"period": str(exc)}) from None


def recent_periods(*, last, count=HISTORY_PERIODS):
    return periods_ending(last, count)


def period_choices(*, company, today=None, count=8):
    """Recent quarters (newest first) plus the audit rounds' periods, for a period picker."""
    today = today or local_today(company)
    names = [p.name for p in reversed(periods_ending(period_containing(today, QUARTERLY), count))]
    for name in Round.objects.filter(company=company).order_by("-period_start").values_list("period", flat=True)[:count]:
        if name not in names:
            names.append(name)
    return names


# ---------------------------------------------------------------- norms and rows

def norm_rows(*, company):
    """manager id (None for the company default) → ActivityNorm."""
    return {n.manager_id: n for n in ActivityNorm.objects.filter(company=company)}


def as_norm(row):
    if row is None:
        return dx.Norm()
    return dx.Norm(row.calls_per_day, row.meetings_per_week, row.proposals_per_month)


def norm_for(*, company, manager, rows=None):
    """The manager's override when there is one, else the company default (empty when neither)."""
    rows = norm_rows(company=company) if rows is None else rows
    return as_norm(rows.get(manager.pk, rows.get(None)))


def activity_of(*, company, managers=None, start=None, end=None):
    rows = ActivityEntry.objects.filter(company=company).select_related("manager__user")
    if managers is not None:
        rows = rows.filter(manager__in=managers)
    if start:
        rows = rows.filter(date__gte=start)
    if end:
        rows = rows.filter(date__lte=end)
    return rows.order_by("-date", "manager__user__email")


def entries_by_date(*, manager, start, end):
    return {e.date: e for e in ActivityEntry.objects.filter(manager=manager, date__range=(start, end))}


def holidays_of(*, company, start=None, end=None):
    rows = Holiday.objects.filter(company=company)
    if start and end:
        rows = rows.filter(date__range=(start, end))
    return rows.order_by("date")


def days_off_of(*, manager):
    return DayOff.objects.filter(manager=manager).order_by("-date")


def days_off_of_team(*, company, managers):
    """The days off of these managers, newest first (the days-off API list)."""
    return DayOff.objects.filter(company=company, manager__in=managers).select_related("manager__user").order_by(
        "-date", "manager__user__email")


def day_off_of(*, company, pk):
    """The company's day off `pk`, or None (another company's id is None too)."""
    return DayOff.objects.filter(company=company, pk=pk).select_related("manager__user").first()


def plans_of(*, company, managers, period):
    return {p.manager_id: p for p in PlanResult.objects.filter(company=company, manager__in=managers,
                                                                period=period.name)}


def ratings_of(*, company, managers, period):
    return {r.manager_id: r for r in KnowledgeRating.objects.filter(company=company, manager__in=managers,
                                                                     period=period.name)}


def plan_results_of(*, company, managers=None, period=None):
    rows = PlanResult.objects.filter(company=company).select_related("manager__user")
    if managers is not None:
        rows = rows.filter(manager__in=managers)
    if period is not None:
        rows = rows.filter(period=period.name)
    return rows.order_by("-period", "manager__user__email")


def knowledge_checks_of(*, company, published_only=False):
    checks = KnowledgeCheck.objects.filter(company=company).annotate(question_count=Count("questions"))
    if published_only:
        checks = checks.filter(is_published=True)
    return checks.order_by("-created_at")


def knowledge_check_of(*, company, pk, published_only=False):
    """The company's knowledge check `pk` with its question count, or None (a draft too, with `published_only`)."""
    return knowledge_checks_of(company=company, published_only=published_only).filter(pk=pk).first()


def knowledge_question_of(*, company, pk, check=None):
    """The company's knowledge question `pk` (of `check` when given), or None."""
    questions = KnowledgeQuestion.objects.filter(company=company)
    if check is not None:
        questions = questions.filter(knowledge_check=check)
    return questions.filter(pk=pk).first()


def attempt_period(*, company, today=None):
    """The period an attempt taken today counts in: today's, in the cadence the scorecards are read in."""
    today = today or local_today(company)
    return period_containing(today, default_period(company=company, today=today).cadence)


def upload_batch(*, company, pk):
    return ImportBatch.objects.filter(company=company, kind="file", pk=pk).first()


# ---------------------------------------------------------------- knowledge score

def knowledge_parts(*, company, managers, period):
    """manager id → {"rating": int|None, "checks": float|None, "score": float|None}.

    The check part is the mean of the manager's latest attempt at each check in the period; the score
    is the mean of the head's rating and the check part (whichever exist).
    """
    ratings = ratings_of(company=company, managers=managers, period=period)
    latest = {}
    attempts = KnowledgeAttempt.objects.filter(company=company, manager__in=managers, period=period.name)
    for attempt in attempts.order_by("taken_at", "pk"):
        latest[(attempt.manager_id, attempt.knowledge_check_id)] = float(attempt.score)
    by_manager = {}
    for (manager_id, _check), score in latest.items():
        by_manager.setdefault(manager_id, []).append(score)
    parts = {}
    for manager in managers:
        rating = ratings[manager.pk].score if manager.pk in ratings else None
        checks = dx.mean(by_manager.get(manager.pk, []))
        parts[manager.pk] = {"rating": rating, "checks": checks, "score": dx.mean([rating, checks])}
    return parts


# ---------------------------------------------------------------- diagnosis

@dataclass
class ManagerDiagnosis:
    manager: object
    period: Period
    inputs: dx.Inputs
    result: dx.Result
    knowledge: dict
    settings: object
    factors: list = field(default_factory=list)

    @property
    def name(self):
        return self.manager.user.display_name

    @property
    def verdict(self):
        return self.result.verdict

    @property
    def headline(self):
        return verdict_sentence(self)

    def explanation(self):
        return explanation_of(self)


def _activity_sums(*, company, managers, start, end):
    rows = (ActivityEntry.objects.filter(company=company, manager__in=managers, date__range=(start, end))
            .values("manager").annotate(calls=Sum("calls"), meetings=Sum("meetings"), proposals=Sum("proposals")))
    return {r["manager"]: {m: r[m] or 0 for m in dx.METRICS} for r in rows}


def _days_off(*, company, managers, start, end):
    found = {}
    for manager_id, day in DayOff.objects.filter(company=company, manager__in=managers,
                                                 date__range=(start, end)).values_list("manager", "date"):
        found.setdefault(manager_id, []).append(day)
    return found


def measured_until(period, today):
    """The last day counted: the period's end, or today while the period is still running."""
    return min(period.end, today)


def diagnoses(*, company, managers, period, today=None, with_factors=True, factors=None):
    """One ManagerDiagnosis per manager for the period, in a constant number of queries."""
    managers = list(managers)
    today = today or local_today(company)
    settings = settings_of(company=company)
    thresholds = thresholds_of(settings)
    end = measured_until(period, today)
    norms = norm_rows(company=company)
    sums = _activity_sums(company=company, managers=managers, start=period.start, end=end)
    days_off = _days_off(company=company, managers=managers, start=period.start, end=end)
    holidays = list(holidays_of(company=company, start=period.start, end=end).values_list("date", flat=True))
    plans = plans_of(company=company, managers=managers, period=period)
    knowledge = knowledge_parts(company=company, managers=managers, period=period)
    if factors is None:
        factors = system_factors(company=company, period=period) if with_factors else []
    found = []
    for manager in managers:
        plan = plans.get(manager.pk)
        inputs = dx.Inputs(
            start=period.start, end=end, weekdays=list(settings.working_weekdays), days_off=days_off.get(manager.pk, []),
            norm=norm_for(company=company, manager=manager, rows=norms),
            actual=sums.get(manager.pk, dict.fromkeys(dx.METRICS, 0)),
            knowledge=knowledge[manager.pk]["score"],
            plan_deals=plan.plan_deals if plan else None, actual_deals=plan.actual_deals if plan else None,
            plan_revenue=plan.plan_revenue if plan else None, actual_revenue=plan.actual_revenue if plan else None,
            thresholds=thresholds, holidays=holidays,
        )
        result = dx.diagnose(inputs)
        found.append(ManagerDiagnosis(manager=manager, period=period, inputs=inputs, result=result,
                                      knowledge=knowledge[manager.pk], settings=settings,
                                      factors=factors if result.verdict == dx.SYSTEM else []))
    return found


def diagnosis_of(*, company, manager, period, today=None):
    return diagnoses(company=company, managers=[manager], period=period, today=today)[0]


class SystemFactors(list):
    """The period's weak system factors (a list of dicts), knowing whether the period was audited at all."""

    def __init__(self, items=(), *, audited=False, threshold=None):
        super().__init__(items)
        self.audited, self.threshold = audited, threshold


def system_factors(*, company, period, limit=3):
    """The period's weak system factors: company scores under the weak threshold of "How we compute" (the same
    rule as the dashboards), lowest first, every tie kept; none when no factor is weak."""
    threshold = dashboard_rules(company=company).weak_threshold
    scores = list(RoundFactorScore.objects.filter(company=company, round__period=period.name, score__isnull=False)
                  .select_related("factor", "accountable_department").order_by("score", "factor__position"))
    weak = [s for s in scores if whole(s.score) < threshold]
    if len(weak) > limit:  # keep every factor tied with the last one shown
        weak = [s for s in weak if whole(s.score) <= whole(weak[limit - 1].score)]
    if not weak:
        return SystemFactors(audited=bool(scores), threshold=threshold)
    open_items = dict(
        company.action_items.filter(status__in=OPEN_ACTION_STATUSES, factor__in=[s.factor_id for s in weak])
        .values("factor").annotate(n=Count("pk")).values_list("factor", "n")
    )
    return SystemFactors([{
        "key": s.factor.key, "name": s.factor.name, "score": float(s.score), "score_whole": whole(s.score),
        "department": s.accountable_department.name if s.accountable_department else None,
        "open_action_items": open_items.get(s.factor_id, 0),
    } for s in weak], audited=True, threshold=threshold)


def _names(items):
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return _("%(first)s and %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def verdict_sentence(diag):
    """One sentence that says why, with the numbers."""
    r = diag.result
    if r.verdict == dx.SYSTEM:
        if diag.factors:
            return _("The manager did their part; look at %(factors)s (under %(threshold)s in the audit).") % {
                "factors": _names(f["name"] for f in diag.factors), "threshold": diag.factors.threshold}
        if getattr(diag.factors, "audited", False):
            return _("The manager did their part; no system factor is under %(threshold)s in this period's audit, "
                     "so look at the plan and the market beyond the audited factors.") % {
                "threshold": diag.factors.threshold}
        return _("The manager did their part; the cause is in the system (no audit scores for this period yet).")
    if r.verdict == dx.MANAGER:
        return _("Below the norm: %(gaps)s.") % {"gaps": "; ".join(str(g) for g in r.gaps)}
    if r.verdict == dx.CHECK_NORMS:
        return _("The plan is met with activity below the norm (%(gaps)s): check whether the norms fit the work.") % {
            "gaps": "; ".join(str(g) for g in r.gaps if g.measure != "knowledge")}
    if r.verdict == dx.ON_TRACK:
        return _("Norms met and plan met.")
    if r.plan is None:
        return _("No plan for this period (or a plan of zero): nothing to compare results with.")
    return _("Activity or knowledge is not measured for this period, so the shortfall cannot be placed.")


def _figure(key, value):
    """{key: value to one decimal, key_whole: the whole number every surface shows}, both half-up (rule 7).

    The whole number is rounded from the full value, not from the tenth: 62.46 reads 62, never 63.
    """
    return {key: tenth(value), f"{key}_whole": whole(value)}


def _metric_rows(inputs, r):
    rows = []
    for metric in dx.METRICS:
        compliance = r.metric_compliance.get(metric)
        rows.append({
            "metric": metric, "label": str(dx.METRIC_LABELS[metric]), "norm": getattr(inputs.norm, dx.NORM_FIELDS[metric]),
            "norm_unit": dx.NORM_FIELDS[metric], "actual": inputs.actual.get(metric, 0),
            "expected": tenth(r.expected.get(metric)), **_figure("compliance", compliance),
            "met": None if compliance is None else compliance >= inputs.thresholds.activity,
            "used": metric in r.expected,
        })
    return rows


def _plan_part(diag):
    inputs, r = diag.inputs, diag.result
    return {
        "plan_deals": inputs.plan_deals, "actual_deals": inputs.actual_deals,
        "plan_revenue": None if inputs.plan_revenue is None else str(inputs.plan_revenue),
        "actual_revenue": None if inputs.actual_revenue is None else str(inputs.actual_revenue),
        **_figure("deals", r.deals), **_figure("revenue", r.revenue), **_figure("attainment", r.plan),
        "currency": diag.settings.currency,
    }


def explanation_of(diag):
    """Every number and threshold behind the verdict, for the page and the API.

    "activity" is the mean with each metric capped at 100 %, and "met.activity" is true only when every
    measured metric meets the threshold on its own (rule 6: no average hides a weak part).
    """
    inputs, r, t = diag.inputs, diag.result, diag.inputs.thresholds
    return {
        "period": diag.period.name, "from": inputs.start.isoformat(), "until": inputs.end.isoformat(),
        "working_days": r.working_days, "days_off": r.working_days - r.available_days,
        "holidays": sum(1 for d in inputs.holidays if d.weekday() in inputs.weekdays),
        "available_days": r.available_days, "working_weekdays": list(inputs.weekdays),
        "metrics": _metric_rows(inputs, r), **_figure("activity", r.activity),
        "knowledge": {**_figure("score", r.knowledge), "rating": diag.knowledge["rating"],
                      **_figure("checks", diag.knowledge["checks"])},
        "plan": _plan_part(diag),
        "thresholds": {"activity": t.activity, "knowledge": t.knowledge, "plan": t.plan},
        "met": {
            "activity": r.activity_met,
            "knowledge": None if r.knowledge is None else r.knowledge >= t.knowledge,
            "plan": None if r.plan is None else r.plan >= t.plan,
        },
        "gaps": [{"measure": g.measure, **_figure("value", g.value), "threshold": g.threshold, "text": str(g)}
                 for g in r.gaps],
        "system_factors": diag.factors,
        "verdict": r.verdict, "verdict_label": str(r.verdict_label), "sentence": verdict_sentence(diag),
    }


# ---------------------------------------------------------------- team

@dataclass
class TeamView:
    period: Period
    rows: list
    counts: dict
    factors: list
    sentence: str | None


def team_sentence(counts, factors):
    """The team-level sentence: where most of the team's shortfall sits."""
    judged = sum(n for verdict, n in counts.items() if verdict != dx.NO_DATA)
    if not judged:
        return None
    majority = judged / 2
    if counts.get(dx.SYSTEM, 0) > majority:
        if factors:
            return _("Most of the team met its norms and still missed the plan: the cause is in the system — "
                     "look at %(factors)s.") % {"factors": _names(f["name"] for f in factors)}
        return _("Most of the team met its norms and still missed the plan: the cause is in the system.")
    if counts.get(dx.MANAGER, 0) > majority:
        return _("Most of the team is below its activity or knowledge norms: start with the managers' own work.")
    if counts.get(dx.ON_TRACK, 0) > majority:
        return _("Most of the team meets its norms and its plan.")
    if counts.get(dx.CHECK_NORMS, 0) > majority:
        return _("Most of the team meets the plan below the activity norm: the norms may need a review.")
    return _("The team is mixed: %(parts)s.") % {"parts": ", ".join(
        f"{str(dx.VERDICT_LABELS[v]).lower()}: {counts[v]}" for v in dx.VERDICTS if counts.get(v))}


def team_view(*, company, managers, period, today=None):
    factors = system_factors(company=company, period=period)
    rows = diagnoses(company=company, managers=managers, period=period, today=today, factors=factors)
    counts = Counter(d.verdict for d in rows)
    return TeamView(period=period, rows=rows, counts={v: counts.get(v, 0) for v in dx.VERDICTS}, factors=factors,
                    sentence=team_sentence(counts, factors))


def verdict_history(*, company, managers, periods, today=None):
    """[{"period": "2026-Q1", "counts": {verdict: n}}] oldest first."""
    managers = list(managers)
    history = []
    for period in periods:
        counts = Counter(d.verdict for d in diagnoses(company=company, managers=managers, period=period,
                                                      today=today, with_factors=False))
        history.append({"period": period.name, "counts": {v: counts.get(v, 0) for v in dx.VERDICTS}})
    return history


def sales_managers(*, company):
    return company.memberships.filter(role=Role.SALES_MANAGER, is_active=True).select_related("user")


def team_headline(*, company, period=None):
    """The executive dashboard's headline when most of the sales team is in "system", else None."""
    managers = list(sales_managers(company=company))
    if not managers:  # first: a company without sales managers costs one query on every dashboard view
        return None
    period = period or default_period(company=company)
    if isinstance(period, str):
        try:
            period = parse_period(period)
        except ValueError:
            return None
    view = team_view(company=company, managers=managers, period=period)
    judged = sum(n for v, n in view.counts.items() if v != dx.NO_DATA)
    if judged and view.counts[dx.SYSTEM] > judged / 2:
        return view.sentence
    return None

