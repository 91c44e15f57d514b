"""The dashboards' part of the company home (see accounts.home): what an executive reads first.

Everything comes from the read model's figures of the unfiltered dashboard (the same snapshot the executive
dashboard reads, other apps' headlines included, so a hit costs one query) and the same narrative: nothing is
recomputed here.
"""

from django.utils import timezone

from accounts.home import Section, company_url
from accounts.models import Role
from audits.models import OPEN_ACTION_STATUSES
from audits.selectors import action_items_of
from audits.services import local_date

from . import narrative, readmodel, tables
from .filters import Filters

HEADLINES_SHOWN = 3  # the first sentences are the most important (narrative.headline_sentences' order)
ACTIONS_SHOWN = 3


def factor_lines(overview):
    """The latest final round's factors with the change since the previous one (as the dashboard's table)."""
    comparison = overview.comparison
    return {"latest": comparison["latest"], "previous": comparison["previous"], "rows": [
        {"key": row["factor"], "name": row["factor_name"], "score": row["latest"],
         "change": tables.change(row["latest"], row["previous"])}
        for row in comparison["rows"] if row["latest"] is not None]}


def open_actions(company, *, today):
    """(the first few open action items, due first; how many are open; how many of them are overdue)."""
    items = action_items_of(company=company, status=list(OPEN_ACTION_STATUSES))
    shown = list(items.order_by("due_date", "-created_at")[:ACTIONS_SHOWN])
    return shown, items.count(), items.filter(due_date__lt=today).count()


def executive_context(company):
    overview, extra = readmodel.figures(company=company, filters=Filters())
    story = overview.story
    sentences = narrative.headline_sentences(overview, extra=extra)
    today = local_date(company, timezone.now())
    actions, open_count, overdue_count = open_actions(company, today=today)
    return {
        "has_rounds": bool(overview.rounds), "sentences": sentences[:HEADLINES_SHOWN], "story": story,
        "latest": story.latest, "factor_lines": factor_lines(overview), "actions": actions,
        "actions_open": open_count, "actions_overdue": overdue_count, "today": today,
        "actions_url": company_url("audits:action_list", company) + "?status=active",
    }


def sections(*, request, roles):
    if Role.EXECUTIVE not in roles:
        return []
    return [Section(Role.EXECUTIVE, 10, "dashboards/_home_executive.html", executive_context(request.company))]
