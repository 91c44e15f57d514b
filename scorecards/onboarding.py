"""The scorecards app's onboarding step (see accounts.onboarding): the company's activity norms."""

from django.utils.translation import gettext_lazy as _

from accounts.onboarding import Step

from .models import ActivityNorm


def items(company):
    norm = ActivityNorm.objects.filter(company=company, manager__isnull=True).first()
    measured = norm is not None and any(
        value is not None for value in (norm.calls_per_day, norm.meetings_per_week, norm.proposals_per_month))
    return [
        Step("norms", 60, _("Set the sales managers' norms"),
             _("Calls, meetings and proposals a manager is expected to make, and the verdict thresholds."),
             measured, "scorecards:settings", "scorecards/settings/"),
    ]
