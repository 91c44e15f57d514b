"""Forms of the audit configuration pages: responsibility matrix, schedule, questionnaire versions and questions.

Forms parse shapes (choices, lengths, NUL bytes); audits.services holds the rules and its ValidationErrors are put
back on the form by the views.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.concurrency import VersionedFormMixin
from accounts.forms import NoNulMixin

from .models import Factor, QuestionKind, Schedule

LANGUAGES = (("en", _("English")), ("ru", _("Russian")))
SCALE_STEPS = range(1, 6)


class MatrixForm(forms.Form):
    """Per factor one radio group (the accountable department) and checkboxes (contributing departments)."""

    def __init__(self, *args, factors, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.factors, self.departments = factors, departments
        choices = [(str(department.pk), department.name) for department in departments]
        for factor in factors:
            self.fields[f"accountable_{factor.key}"] = forms.ChoiceField(
                label=_("Accountable for %(factor)s") % {"factor": factor.name}, choices=choices,
                widget=forms.RadioSelect, error_messages={
                    "required": _("Choose exactly one accountable department for %(factor)s.") % {"factor": factor.name},
                },
            )
            self.fields[f"contributing_{factor.key}"] = forms.MultipleChoiceField(
                label=_("Contributing to %(factor)s") % {"factor": factor.name}, choices=choices, required=False,
                widget=forms.CheckboxSelectMultiple,
            )

    @classmethod
    def initial_from(cls, matrix):
        """Initial values from selectors.matrix_of()."""
        initial = {}
        for key, row in matrix.items():
            if row["accountable"] is not None:
                initial[f"accountable_{key}"] = str(row["accountable"].pk)
            initial[f"contributing_{key}"] = [str(d.pk) for d in row["contributing"]]
        return initial

    def cells(self):
        """The cleaned grid as services.matrix_set() takes it."""
        by_pk = {str(department.pk): department for department in self.departments}
        return {
            factor.key: {
                "accountable": by_pk[self.cleaned_data[f"accountable_{factor.key}"]],
                "contributing": [by_pk[pk] for pk in self.cleaned_data[f"contributing_{factor.key}"]],
            }
            for factor in self.factors
        }

    def rows(self):
        """Per factor: the factor, its errors, and per department (radio, checkbox) for the grid template."""
        rows = []
        for factor in self.factors:
            radios = list(self[f"accountable_{factor.key}"])
            boxes = list(self[f"contributing_{factor.key}"])
            errors = self[f"accountable_{factor.key}"].errors + self[f"contributing_{factor.key}"].errors
            rows.append({"factor": factor, "errors": errors, "cells": list(zip(self.departments, radios, boxes, strict=True))})
        return rows


class ScheduleForm(VersionedFormMixin, NoNulMixin, forms.ModelForm):
    class Meta:
        model = Schedule
        fields = ["cadence", "opening_day", "answer_window_days", "is_active"]


class QuestionnaireTitleForm(NoNulMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)


class QuestionForm(VersionedFormMixin, NoNulMixin, forms.Form):
    """A question of a draft in both languages, with five scale labels per language for scale questions."""

    factor = forms.ModelChoiceField(label=_("Factor"), queryset=Factor.objects.none(), to_field_name="key")
    kind = forms.ChoiceField(label=_("Type"), choices=QuestionKind.choices)
    text_en = forms.CharField(label=_("Question (English)"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    text_ru = forms.CharField(label=_("Question (Russian)"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    help_en = forms.CharField(label=_("Help (English)"), max_length=5000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    help_ru = forms.CharField(label=_("Help (Russian)"), max_length=5000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    weight = forms.IntegerField(label=_("Weight"), min_value=1, max_value=10, initial=1,
                                help_text=_("1–10: how much the answer counts in the factor score."))
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)
    key = forms.SlugField(label=_("Key"), max_length=60, required=False,
                          help_text=_("Optional stable name, kept across versions (matches last round's answers)."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["factor"].queryset = Factor.objects.all()
        self.fields["factor"].label_from_instance = lambda factor: factor.name
        for language, language_name in LANGUAGES:
            for step in SCALE_STEPS:
                self.fields[f"scale_{language}_{step}"] = forms.CharField(
                    label=_("%(language)s label for %(step)s") % {"language": language_name, "step": step},
                    max_length=120, required=False,
                )

    @classmethod
    def initial_from(cls, question):
        initial = {name: getattr(question, name) for name in
                   ("kind", "text_en", "text_ru", "help_en", "help_ru", "weight", "required", "key")}
        initial["factor"] = question.factor.key
        for language, _name in LANGUAGES:
            for step, label in zip(SCALE_STEPS, question.scale_labels.get(language) or [], strict=False):
                initial[f"scale_{language}_{step}"] = label
        return initial

    def label_fields(self, language):
        return [self[f"scale_{language}_{step}"] for step in SCALE_STEPS]

    def label_groups(self):
        return [(name, self.label_fields(language)) for language, name in LANGUAGES]

    def clean(self):
        data = super().clean()
        labels = {}
        for language, language_name in LANGUAGES:
            values = [(data.get(f"scale_{language}_{step}") or "").strip() for step in SCALE_STEPS]
            if any(values) and not all(values):
                self.add_error(f"scale_{language}_1", _("Fill in all five %(language)s labels, or none.")
                               % {"language": language_name})
            elif all(values):
                labels[language] = values
        if data.get("kind") != QuestionKind.SCALE:
            labels = {}
        data["scale_labels"] = labels
        return data

    def service_values(self):
        """Keyword arguments for services.question_add / question_update."""
        data = self.cleaned_data
        return {
            "factor": data["factor"], "kind": data["kind"], "text_en": data["text_en"], "text_ru": data["text_ru"],
            "help_en": data["help_en"], "help_ru": data["help_ru"], "weight": data["weight"],
            "required": data["required"], "key": data["key"], "scale_labels": data["scale_labels"],
        }
