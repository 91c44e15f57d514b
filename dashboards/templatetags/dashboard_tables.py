"""`{% data_table table %}`: a tables.Table as an accessible HTML table.

Built in Python rather than with template loops: the full-range tables hold hundreds of rows and a
template loop per cell would cost more than every query behind the page.
"""

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from accounts.numbers import localized_whole, signed_whole

register = template.Library()


def cell(value):
    return "—" if value is None or value == "" else conditional_escape(localize(value))


def first_cell(value, link):
    text = cell(value)
    return f'<a href="{conditional_escape(link)}">{text}</a>' if link else text


@register.filter
def signed(value):
    """A change with its sign as a whole number (half-up, the rule of every surface): '+3', '−14', '0'."""
    if value is None or value == "":
        return ""
    return signed_whole(value)


@register.filter
def points(value):
    """A score as a whole number (half-up), '—' for none."""
    return localized_whole(value)


@register.simple_tag
def data_table(table):
    links = table.row_links or []
    head = "".join(f'<th scope="col">{conditional_escape(c)}</th>' for c in table.columns)
    rows = []
    for index, row in enumerate(table.rows):
        link = links[index] if index < len(links) else ""
        cells = "".join(f"<td>{cell(v)}</td>" for v in row[1:])
        rows.append(f'<tr><th scope="row">{first_cell(row[0], link)}</th>{cells}</tr>')
    if not rows:
        rows.append(f'<tr><td colspan="{len(table.columns)}">{conditional_escape(_("No data in this range."))}</td></tr>')
    # In a scrolling box: a wide table scrolls by itself instead of widening the page on a phone.
    return mark_safe(  # every value above is escaped
        f'<div class="table-scroll"><table><caption>{conditional_escape(table.caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")
