"""Reminder policy, notification rows (the claim for exactly-once sending), preferences and calendar feeds."""

import datetime
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.timezone import now as current_time
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from accounts.models import Company, Membership
from audits.models import ActionItem, DepartmentAudit, Round


class Kind(models.TextChoices):
    ROUND_OPENED = "round_opened", _("Audit round opened")
    DEADLINE_REMINDER = "deadline_reminder", _("Deadline reminder")
    DEADLINE_TODAY = "deadline_today", _("Deadline today")
    OVERDUE = "overdue", _("Audit overdue")
    ESCALATION = "escalation", _("Escalation: audit overdue")
    ESCALATION_2 = "escalation_2", _("Second escalation: audit overdue")
    DIGEST = "digest", _("Weekly digest")
    ACTION_ASSIGNED = "action_assigned", _("Action item assigned")
    ACTION_DUE = "action_due", _("Action item due tomorrow")
    ACTION_OVERDUE = "action_overdue", _("Action item overdue")


# A department head cannot opt out of being asked for their own audit; everything else is a choice.
MANDATORY_KINDS = frozenset({Kind.ROUND_OPENED, Kind.DEADLINE_REMINDER, Kind.DEADLINE_TODAY, Kind.OVERDUE})
OPTIONAL_KINDS = tuple(k for k in Kind if k not in MANDATORY_KINDS)


def validate_offsets(value):
    """A list of distinct whole days before the deadline, each 1–90."""
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise ValidationError(_("Enter whole numbers of days."), code="invalid_offsets")
    if any(v < 1 or v > 90 for v in value):
        raise ValidationError(_("Each reminder must be between 1 and 90 days before the deadline."), code="offset_range")


def default_offsets():
    return [7, 1]


class ReminderPolicy(models.Model):
    """How and when one company's people are reminded; edited by the company admin on one page."""

    company = models.OneToOneField(Company, on_delete=models.CASCADE, related_name="reminder_policy")
    reminder_offsets = models.JSONField(
        _("reminders, days before the deadline"), default=default_offsets, blank=True, validators=[validate_offsets]
    )
    remind_on_deadline_day = models.BooleanField(_("remind on the deadline day"), default=True)
    overdue_every_days = models.PositiveSmallIntegerField(
        _("while overdue, remind every N days"), default=3, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    escalate_after_days = models.PositiveSmallIntegerField(
        _("escalate to executives after N days overdue"), default=3,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    second_escalation_after_days = models.PositiveSmallIntegerField(
        _("second escalation after N days overdue"), default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    send_window_start = models.TimeField(_("send window opens"), default=datetime.time(9, 0))
    send_window_end = models.TimeField(_("send window closes"), default=datetime.time(18, 0))
    skip_weekends = models.BooleanField(_("skip weekends"), default=True)
    remind_department_members = models.BooleanField(_("also remind the department's other members"), default=False)
    digest_weekday = models.PositiveSmallIntegerField(
        _("weekly digest day"), default=0, validators=[MaxValueValidator(6)],
        choices=[(0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")),
                 (4, _("Friday")), (5, _("Saturday")), (6, _("Sunday"))],
    )
    digest_hour = models.PositiveSmallIntegerField(_("weekly digest hour"), default=9, validators=[MaxValueValidator(23)])
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(company="company")

    class Meta:
        verbose_name = _("reminder policy")
        verbose_name_plural = _("reminder policies")

    def __str__(self):
        return f"{self.company} reminder policy"

    def clean(self):
        errors = {}
        if self.send_window_start and self.send_window_end and self.send_window_end <= self.send_window_start:
            errors["send_window_end"] = _("The send window must close after it opens.")
        if self.second_escalation_after_days and self.escalate_after_days \
                and self.second_escalation_after_days <= self.escalate_after_days:
            errors["second_escalation_after_days"] = _("The second escalation must come after the first.")
        if errors:
            raise ValidationError(errors)


class Status(models.TextChoices):
    PLANNED = "planned", _("Planned")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")


class SkipReason(models.TextChoices):
    PREFERENCE = "preference", _("Email turned off by the recipient")
    RESOLVED = "resolved", _("No longer needed")
    INACTIVE = "inactive", _("Recipient deactivated")
    SUSPENDED = "suspended", _("Company suspended")


class NotificationQuerySet(models.QuerySet):
    def in_app(self):
        """What the recipient sees in the app: every event that happened, whether or not the email went out."""
        return self.filter(
            models.Q(status__in=[Status.SENT, Status.FAILED])
            | models.Q(status=Status.SKIPPED, skip_reason=SkipReason.PREFERENCE)
        )

    def unread(self):
        return self.in_app().filter(read_at__isnull=True)


class Notification(models.Model):
    """One event for one recipient. The row is the claim: a unique `dedupe_key` and a conditional
    status update make planning and sending idempotent (healthchecks-style)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # "<kind>:<subject>:<occurrence>:m<recipient>" – one row per recipient and event, ever.
    dedupe_key = models.CharField(max_length=200, unique=True)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    audit = models.ForeignKey(DepartmentAudit, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    action_item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    skip_reason = models.CharField(max_length=12, choices=SkipReason.choices, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=current_time)
    due_at = models.DateTimeField(_("send at"), default=current_time)  # moved into the send window
    enqueued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # The send protocol (notifications.services, "sending exactly once"): each claim gets a new attempt id, and
    # the attempt records, committed, the moment it starts handing the message over (SMTP DATA). A claim without
    # a hand-over provably sent nothing and may be claimed again soon; one with a hand-over is sent again (same
    # Message-ID) only once it is far older than any SMTP timeout, i.e. its worker is dead.
    attempt_id = models.UUIDField(null=True, blank=True)
    handed_over_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(company="company", _manager_class=models.Manager.from_queryset(NotificationQuerySet))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["company", "status", "due_at"], name="notification_due"),
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            # The drains' and the sweep's scan over every company (services.sendable), earliest due first: only
            # the few rows still planned or being sent are indexed.
            models.Index(fields=["due_at", "id"], condition=models.Q(status__in=["planned", "sending"]),
                         name="notification_sendable"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient_id}"

    @property
    def is_mandatory(self):
        return self.kind in MANDATORY_KINDS


class NotificationPreference(models.Model):
    """A member's choice for one optional kind; no row means the email is on."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="notification_preferences")
    kind = models.CharField(max_length=20, choices=[(k.value, k.label) for k in OPTIONAL_KINDS])
    email_enabled = models.BooleanField(default=True)

    objects = ScopedManager(company="company")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["membership", "kind"], name="one_preference_per_kind")]


def hash_feed_token(raw):
    return hashlib.sha256(raw.encode()).hexdigest()


def new_feed_token():
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A member's secret iCal URL; only the token's hash is stored, so a leaked database leaks no feeds."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="calendar_feeds")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=current_time)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(company="company")

    class Meta:
        ordering = ["-created_at"]
