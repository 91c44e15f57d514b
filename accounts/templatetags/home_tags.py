"""{% home_section section %}: one section of the company home (accounts.home), rendered with its own context."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def home_section(context, section):
    """The section's template rendered in the page's context plus the section's own values."""
    with context.push(**section.context):
        return context.template.engine.get_template(section.template).render(context)
