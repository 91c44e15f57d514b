"""Forms: the company's reminder policy (admin) and a member's email choices."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import TIMEZONE_CHOICES

from .models import OPTIONAL_KINDS, ReminderPolicy


class OffsetsField(forms.CharField):
    """'7, 1' ⇄ [7, 1]: whole days before the deadline, no negatives, no duplicates."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value):
        text = (super().to_python(value) or "").replace(";", ",")
        parts = [p.strip() for p in text.split(",") if p.strip()]
        try:
            days = [int(p) for p in parts]
        except ValueError:
            raise forms.ValidationError(_("Enter whole numbers of days separated by commas, e.g. 7, 1."),
                                        code="invalid_offsets")
        if any(d < 0 for d in days):
            raise forms.ValidationError(_("Days before the deadline cannot be negative."), code="negative_offsets")
        return sorted(set(days), reverse=True)


class ReminderPolicyForm(forms.ModelForm):
    reminder_offsets = OffsetsField(
        label=_("Reminders, days before the deadline"), required=False,
        help_text=_("Comma-separated, e.g. 7, 1. Leave empty for no advance reminders."),
    )
    timezone = forms.ChoiceField(
        label=_("Company timezone"), choices=TIMEZONE_CHOICES,
        help_text=_("Send windows, deadlines and the digest hour use this timezone."),
    )

    class Meta:
        model = ReminderPolicy
        fields = [
            "reminder_offsets", "remind_on_deadline_day", "overdue_every_days", "escalate_after_days",
            "second_escalation_after_days", "send_window_start", "send_window_end", "skip_weekends",
            "remind_department_members", "digest_weekday", "digest_hour",
        ]
        widgets = {
            "send_window_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "send_window_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].initial = company.timezone


class EmailChoicesForm(forms.Form):
    """One checkbox per optional kind of email."""

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in OPTIONAL_KINDS:
            self.fields[kind.value] = forms.BooleanField(label=kind.label, required=False,
                                                         initial=choices.get(kind.value, True))
