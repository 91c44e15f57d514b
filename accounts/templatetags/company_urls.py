"""{% company_url "route name" %}: a page of the current company, with reverse() run once per route and process."""

from functools import lru_cache

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf

from accounts.url_templates import url_template

register = template.Library()


@lru_cache(maxsize=512)
def company_route(name, script_prefix, urlconf):
    """The route's URL template (the script prefix and URLconf are in the key: reverse() depends on them)."""
    return url_template(name, "company_slug")


@register.simple_tag(takes_context=True)
def company_url(context, name):
    """The URL of a route whose only argument is the company slug, for the company being shown."""
    route = company_route(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    return route(context["company"].slug)
