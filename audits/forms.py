"""Forms of the department-audit pages: one answer per question, reopen reason, action items and their filters.

Forms only parse and check shapes (choices, lengths, NUL bytes); the rules live in audits.services, whose
ValidationErrors the views put back on the forms with accounts.forms.add_service_errors.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.concurrency import VersionedFormMixin
from accounts.forms import NoNulMixin

from .models import ActionItem, ActionStatus, Factor, QuestionKind

BOOL_CHOICES = [("yes", _("Yes")), ("no", _("No"))]
BOOL_VALUES = {"yes": True, "no": False, "": None}
MAX_NUMBER_CHARS = 40
MAX_COMMENT = 5000


def answer_prefix(question):
    """Field-name prefix of one question's inputs: q<id>-scale_value, q<id>-comment, …"""
    return f"q{question.pk}"


class AnswerForm(NoNulMixin, forms.Form):
    """The inputs of one question; only the value field of the question's kind is kept."""

    scale_value = forms.TypedChoiceField(
        label=_("Score"), required=False, coerce=int, empty_value=None,
        choices=[(str(value), str(value)) for value in range(1, 6)],
        error_messages={"invalid_choice": _("Choose a score from 1 to 5.")},
    )
    bool_value = forms.ChoiceField(label=_("Answer"), required=False, choices=BOOL_CHOICES)
    number_value = forms.CharField(label=_("Number"), required=False, max_length=MAX_NUMBER_CHARS)
    text_value = forms.CharField(label=_("Answer"), required=False, max_length=5000, strip=True)
    not_applicable = forms.BooleanField(label=_("Not applicable"), required=False)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=MAX_COMMENT)
    evidence_url = forms.URLField(label=_("Evidence link"), required=False, max_length=500, assume_scheme="https")
    evidence_file = forms.FileField(label=_("Evidence file"), required=False, max_length=200)
    clear_evidence_file = forms.BooleanField(label=_("Remove the uploaded file"), required=False)

    VALUE_FIELDS = {
        QuestionKind.SCALE: "scale_value",
        QuestionKind.YES_NO: "bool_value",
        QuestionKind.NUMBER: "number_value",
        QuestionKind.TEXT: "text_value",
    }

    def __init__(self, *args, question, answer=None, **kwargs):
        kwargs.setdefault("prefix", answer_prefix(question))
        kwargs.setdefault("initial", initial_of(answer))
        super().__init__(*args, **kwargs)
        self.question, self.answer = question, answer
        value_field = self.VALUE_FIELDS[question.kind]
        for name in self.VALUE_FIELDS.values():
            if name != value_field:
                del self.fields[name]
        self.value_field = value_field

    def service_values(self):
        """Keyword arguments for services.answer_save from the cleaned data."""
        data = dict(self.cleaned_data)
        if "bool_value" in data:
            data["bool_value"] = BOOL_VALUES[data["bool_value"]]
        if "number_value" in data:
            data["number_value"] = data["number_value"].strip() or None
        data["evidence_file"] = data.get("evidence_file") or None
        return data

    def has_input(self):
        """True when the question got something worth saving: an existing answer or any entered value."""
        return self.answer is not None or self.has_changed()


def number_text(value):
    """A stored number as typed: 12.50 → "12.5", 100.00 → "100" (normalize() alone would say "1E+2")."""
    if value is None:
        return ""
    return format(value.normalize(), "f")


def initial_of(answer):
    """The form's initial values from a stored answer (so has_changed() spots what the user changed)."""
    if answer is None:
        return {}
    return {
        "scale_value": answer.scale_value,
        "bool_value": {True: "yes", False: "no"}.get(answer.bool_value, ""),
        "number_value": number_text(answer.number_value),
        "text_value": answer.text_value,
        "not_applicable": answer.not_applicable,
        "comment": answer.comment,
        "evidence_url": answer.evidence_url,
    }


class ReopenForm(NoNulMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The department head sees this reason in the audit's history."),
    )


class ActionItemForm(VersionedFormMixin, NoNulMixin, forms.ModelForm):
    """Everything an admin or executive sets on an action item."""

    # Declared here (queryset set per request) so building the form class never queries the scoped Membership table.
    owner = forms.ModelChoiceField(label=_("owner"), required=False, queryset=None)

    class Meta:
        model = ActionItem
        fields = ["title", "description", "factor", "owner", "due_date", "status"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "due_date": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["factor"].queryset = Factor.objects.all()
        self.fields["owner"].queryset = (
            company.memberships.filter(is_active=True).select_related("user").order_by("user__email")
        )
        self.fields["owner"].label_from_instance = lambda member: f"{member.user.display_name} ({member.get_role_display()})"
        self.fields["factor"].label_from_instance = lambda factor: factor.name


class ActionStatusForm(VersionedFormMixin, forms.Form):
    """What an owner may change on their own action item."""

    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)


class ActionFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status")), ("active", _("Open or in progress")), *ActionStatus.choices])
    factor = forms.ModelChoiceField(label=_("Factor"), required=False, queryset=Factor.objects.none(),
                                    empty_label=_("Any factor"), to_field_name="key")
    owner = forms.ModelChoiceField(label=_("Owner"), required=False, queryset=None, empty_label=_("Anyone"))
    overdue = forms.ChoiceField(label=_("Due"), required=False,
                                choices=[("", _("Any")), ("yes", _("Overdue only")), ("no", _("Not overdue"))])

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["factor"].queryset = Factor.objects.all()
        self.fields["factor"].label_from_instance = lambda factor: factor.name
        self.fields["owner"].queryset = company.memberships.select_related("user").order_by("user__email")
        self.fields["owner"].label_from_instance = lambda member: member.user.display_name
