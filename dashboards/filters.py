"""Dashboard filters from the query string: period range, department, round, factor.

One Django form serves pages (errors shown beside the fields) and the API (errors become a 400).
"""

import datetime
import re
from dataclasses import dataclass

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from audits.models import FactorKey

PERIOD_RE = re.compile(r"^(?P<year>\d{4})(?:-(?:Q(?P<quarter>[1-4])|H(?P<half>[12])|(?P<month>0[1-9]|1[0-2])))?$")


def period_bounds(period):
    """(first day, first day after) of a period string such as 2025-Q1, 2025-11, 2025-H2 or 2025; None if unknown."""
    match = PERIOD_RE.match(period or "")
    if not match:
        return None
    year = int(match["year"])
    if year < 1900 or year > 2999:
        return None
    if match["quarter"]:
        first_month, months = 3 * (int(match["quarter"]) - 1) + 1, 3
    elif match["half"]:
        first_month, months = 6 * (int(match["half"]) - 1) + 1, 6
    elif match["month"]:
        first_month, months = int(match["month"]), 1
    else:
        first_month, months = 1, 12
    start = datetime.date(year, first_month, 1)
    end_month = first_month + months
    end = datetime.date(year + (end_month - 1) // 12, (end_month - 1) % 12 + 1, 1)
    return start, end


class PeriodField(forms.CharField):
    default_error_messages = {
        "unknown": _("Unknown period “%(value)s”: use a form such as 2025-Q1, 2025-11, 2025-H2 or 2025."),
    }

    def __init__(self, **kwargs):
        super().__init__(required=False, max_length=10, strip=True, widget=PlainTextInput, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value and period_bounds(value) is None:
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown", params={"value": value})
        return value


@dataclass(frozen=True)
class Filters:
    """Validated filters; selectors read them, templates echo them."""

    period_from: str = ""
    period_to: str = ""
    department: object = None
    round_period: str = ""
    factor_key: str = ""

    @property
    def start(self):
        return period_bounds(self.period_from)[0] if self.period_from else None

    @property
    def end(self):
        return period_bounds(self.period_to)[1] if self.period_to else None

    def with_department(self, department):
        return Filters(self.period_from, self.period_to, department, self.round_period, self.factor_key)

    def query(self):
        """The filters as query-string pairs, for shareable links and exports."""
        pairs = {"from": self.period_from, "to": self.period_to, "round": self.round_period, "factor": self.factor_key}
        if self.department is not None:
            pairs["department"] = self.department.pk
        return {key: value for key, value in pairs.items() if value}


class PlainTextInput(forms.TextInput):
    """forms.TextInput's markup rendered in Python (see PlainSelect)."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, {**(attrs or {}), "type": self.input_type, "name": name})
        value = self.format_value(value)
        if value is not None:
            attrs["value"] = value
        return format_html("<input{}>", flatatt(attrs))


class PlainSelect(forms.Select):
    """forms.Select's markup rendered in Python, without a template include per option and per widget: the filter
    form (50 departments and three periods) cost 4 ms of template rendering on every dashboard page (`make bench`)."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        options = [option for _group, choices, _index in self.optgroups(name, self.format_value(value))
                   for option in choices]
        return format_html("<select{}>{}</select>", flatatt(attrs), format_html_join(
            "", "<option value=\"{}\"{}>{}</option>",
            ((o["value"], " selected" if o["selected"] else "", o["label"]) for o in options)))


class NameChoiceIterator(ModelChoiceIterator):
    """(id, name) rows rather than model instances: the select shows names only (validation still reads the
    queryset)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.queryset.values_list("pk", "name")


class DepartmentChoiceField(forms.ModelChoiceField):
    iterator = NameChoiceIterator


class FilterForm(forms.Form):
    """The dashboard filters; `from`/`to` are Python keywords, so those fields are added in __init__."""

    department = DepartmentChoiceField(label=_("Department"), queryset=None, required=False,
                                       empty_label=_("All departments"), widget=PlainSelect)
    round = PeriodField(label=_("Round for the heatmap"))
    factor = forms.ChoiceField(label=_("Factor"), required=False, choices=[("", "—"), *FactorKey.choices])

    def __init__(self, data=None, *, company):
        super().__init__(data)
        self.fields = {
            "from": PeriodField(label=_("From period"), help_text=_("e.g. 2025-Q1")),
            "to": PeriodField(label=_("To period"), help_text=_("e.g. 2026-Q4")),
            **self.fields,
        }
        self.fields["department"].queryset = company.departments.order_by("name")

    def clean(self):
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if start and end and period_bounds(start)[0] > period_bounds(end)[0]:
            self.add_error("to", forms.ValidationError(_("The range ends before it starts: swap the periods."),
                                                       code="reversed"))
        return data

    def filters(self):
        data = self.cleaned_data
        return Filters(data.get("from") or "", data.get("to") or "", data.get("department"),
                       data.get("round") or "", data.get("factor") or "")


FILTER_KEYS = ("from", "to", "department", "round", "factor")


def parse_filters(query, *, company):
    """A bound form over the query string (invalid forms keep their errors for the caller)."""
    return FilterForm({key: query.get(key, "") for key in FILTER_KEYS}, company=company)


def unfiltered(query):
    """True when the query string sets no filter: no form to build and validate."""
    return not any(query.get(key) for key in FILTER_KEYS)
