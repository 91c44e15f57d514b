"""{% company_url "route name" %}: a page of the current company, with reverse() run once per route and process.

The company navigation has twenty links on every page; reverse() per link cost 0.5 ms of each page view
(`make bench`). The route is reversed once with a placeholder slug, then each request puts its company's in.
"""

from functools import lru_cache

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()
SLUG_SLOT = "company-slug-slot"  # a valid slug, so the route's converter accepts it


@lru_cache(maxsize=512)
def route_with_slot(name, script_prefix, urlconf):
    return reverse(name, urlconf=urlconf, kwargs={"company_slug": SLUG_SLOT})


@register.simple_tag(takes_context=True)
def company_url(context, name):
    """The URL of a route whose only argument is the company slug, for the company being shown."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return route_with_slot(name, get_script_prefix(), urlconf).replace(SLUG_SLOT, context["company"].slug, 1)
