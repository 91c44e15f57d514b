"""The history upload form: a CSV or XLSX file and, optionally, the questionnaire version to bind answers to."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import QuestionnaireStatus


class HistoryUploadForm(forms.Form):
    file = forms.FileField(label=_("History file (CSV or XLSX)"),
                           help_text=_("Up to 10 MB. Use the template: one row per answer of one department in one "
                                       "period."))
    questionnaire = forms.ModelChoiceField(
        label=_("Questionnaire version"), required=False, queryset=None,
        empty_label=_("The version in force for each period"),
        help_text=_("Answers bind to the version published when the period's round opened (the current version for "
                    "periods before the first one). Choose a version to bind every answer to it instead."))

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per request inside the company's scope: only this company's published or retired versions.
        self.fields["questionnaire"].queryset = company.questionnaires.filter(
            status__in=[QuestionnaireStatus.PUBLISHED, QuestionnaireStatus.RETIRED]).order_by("-version")
        self.fields["file"].widget.attrs["accept"] = ".csv,.xlsx,text/csv"
