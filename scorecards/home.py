"""The scorecards' part of the company home (see accounts.home): a sales manager's day and latest verdict, and for
the head of sales their team's verdicts."""

from accounts.home import Section, company_url
from accounts.models import Role

from . import access, selectors
from . import diagnosis as dx

VERDICT_CLASSES = {dx.ON_TRACK: "ok", dx.MANAGER: "danger", dx.SYSTEM: "warn", dx.CHECK_NORMS: "warn"}


def sales_context(request):
    company, manager = request.company, request.membership
    today = selectors.local_today(company)
    entry = selectors.entries_by_date(manager=manager, start=today, end=today).get(today)
    working = today.weekday() in selectors.settings_of(company=company).working_weekdays
    period = selectors.default_period(company=company, today=today)
    diag = selectors.diagnosis_of(company=company, manager=manager, period=period, today=today)
    return {
        "today": today, "today_entry": entry, "today_working": working,
        "entry_url": company_url("scorecards:entry", company),
        "diag": diag, "verdict_class": VERDICT_CLASSES.get(diag.verdict, ""),
        "scorecard_url": company_url("scorecards:manager", company, member_pk=manager.pk),
    }


def team_context(request):
    """The head of sales' team: how many managers fall under each verdict in the latest period, and why."""
    company = request.company
    managers = list(access.managers_visible_to(request.membership))
    view = selectors.team_view(company=company, managers=managers, period=selectors.default_period(company=company))
    return {
        "team": view, "team_size": len(managers), "team_url": company_url("scorecards:team", company),
        "team_counts": [(dx.VERDICT_LABELS[v], VERDICT_CLASSES.get(v, ""), n) for v, n in view.counts.items() if n],
    }


def sections(*, request, roles):
    found = []
    if Role.SALES_MANAGER in roles:
        found.append(Section(Role.SALES_MANAGER, 10, "scorecards/_home_sales_manager.html", sales_context(request)))
    if Role.DEPARTMENT_HEAD in roles and access.is_head_of_sales(request.membership):
        found.append(Section(Role.DEPARTMENT_HEAD, 30, "scorecards/_home_sales_team.html", team_context(request)))
    return found
