"""Template helpers for links into the scorecards (the navigation shows them only to those who may use them)."""

from django import template

from accounts import numbers
from scorecards import access

register = template.Library()


@register.filter
def uses_scorecards(membership):
    """True for sales managers, heads of sales, executives and admins."""
    if membership is None or not membership.is_active:
        return False
    return membership.role == "sales_manager" or access.may_see_team(membership)


@register.filter
def whole(value):
    """A figure as every scorecard surface shows it: half-up to a whole number, localized ('—' for none)."""
    return numbers.localized_whole(value)
