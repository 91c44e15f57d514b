"""Forms of the scorecard pages: they shape input only; services hold the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .imports import ACTIVITY, KIND_LABELS

WEEKDAY_CHOICES = [
    (0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")), (4, _("Friday")),
    (5, _("Saturday")), (6, _("Sunday")),
]


def count_field(label, **kwargs):
    return forms.IntegerField(
        label=label, required=False, min_value=0, max_value=10_000,
        widget=forms.NumberInput(attrs={"min": 0, "max": 10_000, "inputmode": "numeric", "class": "count"}), **kwargs,
    )


class NormForm(forms.Form):
    calls_per_day = count_field(_("Calls per day"), help_text=_("Leave empty when calls are not measured."))
    meetings_per_week = count_field(_("Meetings per week"), help_text=_("Leave empty when meetings are not measured."))
    proposals_per_month = count_field(_("Commercial proposals per month"),
                                      help_text=_("Leave empty when proposals are not measured."))


class SettingsForm(NormForm):
    # xgettext:no-python-format
    activity_threshold = forms.IntegerField(label=_("Activity threshold, % of norm"), min_value=0, max_value=200)
    knowledge_threshold = forms.IntegerField(label=_("Knowledge threshold, score 0–100"), min_value=0, max_value=100)
    # xgettext:no-python-format
    plan_threshold = forms.IntegerField(label=_("Plan threshold, % of plan"), min_value=0, max_value=200)
    currency = forms.CharField(label=_("Currency"), max_length=3, min_length=3,
                               help_text=_("Three-letter code, for example RUB, EUR, USD."))
    working_weekdays = forms.TypedMultipleChoiceField(
        label=_("Working days"), choices=WEEKDAY_CHOICES, coerce=int, widget=forms.CheckboxSelectMultiple,
        help_text=_("The days the norms count against."),
    )

    field_order = ["activity_threshold", "knowledge_threshold", "plan_threshold", "currency", "working_weekdays",
                   "calls_per_day", "meetings_per_week", "proposals_per_month"]


class DayForm(forms.Form):
    """One day's activity on the entry page (the prefix is the date)."""

    calls = count_field(_("Calls"))
    meetings = count_field(_("Meetings"))
    proposals = count_field(_("Proposals"))


class DayOffForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False,
                             help_text=_("Vacation, sick leave, training…"))


class HolidayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    name = forms.CharField(label=_("Name"), max_length=200, required=False,
                           help_text=_("New Year holidays, a public holiday, a company day off…"))


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("The file holds"), choices=list(KIND_LABELS.items()), initial=ACTIVITY,
                             widget=forms.RadioSelect, required=False)
    file = forms.FileField(label=_("CSV or XLSX file"), help_text=_(
        "Columns as in the template of the chosen kind (headers in English or Russian). CSV in UTF-8 (with or "
        "without BOM) or Windows-1251; comma or semicolon separated. Dates as 2026-10-05 or 05.10.2026, periods "
        "as 2026-Q3, 2026-09, 2026-H2 or 2026."))
    period = forms.CharField(label=_("Only dates in period (optional)"), max_length=10, required=False,
                             help_text=_("Activity only; for example 2026-Q4: rows outside it are refused."))

    def clean_kind(self):
        return self.cleaned_data["kind"] or ACTIVITY  # activity, as before the kinds existed


class PlanRowForm(forms.Form):
    plan_deals = forms.IntegerField(label=_("Planned deals"), min_value=0, required=False)
    actual_deals = forms.IntegerField(label=_("Deals won"), min_value=0, required=False)
    plan_revenue = forms.DecimalField(label=_("Planned revenue"), min_value=0, max_digits=14, decimal_places=2,
                                      required=False)
    actual_revenue = forms.DecimalField(label=_("Revenue"), min_value=0, max_digits=14, decimal_places=2,
                                        required=False)

    def is_blank(self):
        return all(self.cleaned_data.get(f) is None for f in self.fields)


class RatingRowForm(forms.Form):
    score = forms.IntegerField(label=_("Rating 0–100"), min_value=0, max_value=100, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class KnowledgeCheckForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    is_published = forms.BooleanField(label=_("Open for managers"), required=False)


class KnowledgeQuestionForm(forms.Form):
    text = forms.CharField(label=_("Question"), max_length=500)
    options = forms.CharField(label=_("Options, one per line"), widget=forms.Textarea(attrs={"rows": 4}))
    correct_option = forms.IntegerField(label=_("Number of the correct option"), min_value=1, max_value=10,
                                        help_text=_("1 for the first line, 2 for the second…"))

    def option_list(self):
        return [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]


class TakeCheckForm(forms.Form):
    """One radio group per question; the correct option is never sent to the browser."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        for question in questions:
            self.fields[f"q{question.pk}"] = forms.TypedChoiceField(
                label=question.text, coerce=int, widget=forms.RadioSelect, required=False,
                choices=[(i, option) for i, option in enumerate(question.options)],
            )

    def answers(self):
        return {int(name[1:]): value for name, value in self.cleaned_data.items() if value not in (None, "")}
