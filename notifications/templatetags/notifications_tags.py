"""The unread badge in the company navigation."""

from django import template
from django.utils.translation import ngettext

from notifications.selectors import unread_count

register = template.Library()


@register.inclusion_tag("notifications/_unread_badge.html", takes_context=True)
def unread_badge(context):
    """Unread count of the current member (rendered inside the company scope by the middleware)."""
    membership = context.get("membership")
    count = unread_count(membership=membership) if membership is not None else 0
    label = ngettext("%(count)d unread notification", "%(count)d unread notifications", count) % {"count": count}
    return {"count": count, "label": label}
