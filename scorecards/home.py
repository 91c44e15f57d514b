"""The scorecards' part of the company home (see accounts.home): a sales manager's day and latest verdict."""

from accounts.home import Section, company_url
from accounts.models import Role

from . import diagnosis as dx
from . import selectors


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
        "diag": diag, "verdict_class": {dx.ON_TRACK: "ok", dx.MANAGER: "danger", dx.SYSTEM: "warn",
                                        dx.CHECK_NORMS: "warn"}.get(diag.verdict, ""),
        "scorecard_url": company_url("scorecards:manager", company, member_pk=manager.pk),
    }


def sections(*, request, roles):
    if Role.SALES_MANAGER not in roles:
        return []
    return [Section(Role.SALES_MANAGER, 10, "scorecards/_home_sales_manager.html", sales_context(request))]
