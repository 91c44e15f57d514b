"""Sales-manager scorecard: norms, working calendar, activity, knowledge, plan and results.

Every row belongs to a company (scoped manager) and, where it describes a person, to that person's
membership in the company with the sales-manager role.
"""

import base64
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.timezone import now as current_time
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from accounts.models import Company, Membership, validate_no_nul

PERCENT = [MinValueValidator(0), MaxValueValidator(200)]
SCORE = [MinValueValidator(0), MaxValueValidator(100)]
MONDAY_TO_FRIDAY = [0, 1, 2, 3, 4]


def default_working_weekdays():
    return list(MONDAY_TO_FRIDAY)


class ScorecardSettings(models.Model):
    """A company's thresholds for the verdict, its currency and its working week."""

    company = models.OneToOneField(Company, on_delete=models.CASCADE, related_name="scorecard_settings")
    activity_threshold = models.PositiveSmallIntegerField(
        # xgettext:no-python-format
        _("activity threshold, % of norm"), default=90, validators=PERCENT,
        help_text=_("Activity at or above this share of the norm counts as met."),
    )
    knowledge_threshold = models.PositiveSmallIntegerField(
        _("knowledge threshold, score 0–100"), default=70, validators=SCORE,
        help_text=_("A knowledge score at or above this counts as met."),
    )
    plan_threshold = models.PositiveSmallIntegerField(
        # xgettext:no-python-format
        _("plan threshold, % of plan"), default=90, validators=PERCENT,
        help_text=_("Results at or above this share of the plan count as met."),
    )
    currency = models.CharField(_("currency"), max_length=3, default="RUB", validators=[validate_no_nul])
    # ISO weekday numbers (Monday = 0) the norms count against.
    working_weekdays = models.JSONField(_("working days"), default=default_working_weekdays)

    objects = ScopedManager(company="company")

    class Meta:
        verbose_name = _("scorecard settings")
        verbose_name_plural = _("scorecard settings")


class ActivityNorm(models.Model):
    """Activity norm: the company default (manager empty) or one manager's override. Empty = metric unused."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="activity_norms")
    manager = models.ForeignKey(
        Membership, on_delete=models.CASCADE, null=True, blank=True, related_name="activity_norms",
        verbose_name=_("manager"),
    )
    calls_per_day = models.PositiveIntegerField(_("calls per day"), null=True, blank=True,
                                                validators=[MaxValueValidator(1000)])
    meetings_per_week = models.PositiveIntegerField(_("meetings per week"), null=True, blank=True,
                                                    validators=[MaxValueValidator(1000)])
    proposals_per_month = models.PositiveIntegerField(_("proposals per month"), null=True, blank=True,
                                                      validators=[MaxValueValidator(1000)])

    objects = ScopedManager(company="company")

    class Meta:
        verbose_name = _("activity norm")
        verbose_name_plural = _("activity norms")
        constraints = [
            models.UniqueConstraint(fields=["company"], condition=Q(manager__isnull=True), name="one_default_norm"),
            models.UniqueConstraint(fields=["company", "manager"], name="one_norm_per_manager"),
        ]


class Holiday(models.Model):
    """A company-wide non-working day (a public holiday): no activity is expected of anyone on it."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=200, blank=True, validators=[validate_no_nul])

    objects = ScopedManager(company="company")

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        constraints = [models.UniqueConstraint(fields=["company", "date"], name="one_holiday_per_company_date")]


class DayOff(models.Model):
    """A manager's day off or vacation day: it reduces the activity expected in the period."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    manager = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="days_off",
                                verbose_name=_("manager"))
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200, blank=True, validators=[validate_no_nul])

    objects = ScopedManager(company="company")

    class Meta:
        ordering = ["-date"]
        verbose_name = _("day off")
        verbose_name_plural = _("days off")
        constraints = [models.UniqueConstraint(fields=["manager", "date"], name="one_day_off_per_manager_date")]


class Source(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    CSV = "csv", _("File import")
    API = "api", _("API")


class ActivityEntry(models.Model):
    """One manager's calls, meetings and proposals of one day."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    manager = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="activity_entries",
                                verbose_name=_("manager"))
    date = models.DateField(_("date"))
    calls = models.PositiveIntegerField(_("calls"), default=0)
    meetings = models.PositiveIntegerField(_("meetings"), default=0)
    proposals = models.PositiveIntegerField(_("proposals"), default=0)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    updated_at = models.DateTimeField(default=current_time)

    objects = ScopedManager(company="company")

    class Meta:
        ordering = ["-date", "manager_id"]
        verbose_name = _("activity entry")
        verbose_name_plural = _("activity entries")
        constraints = [models.UniqueConstraint(fields=["manager", "date"], name="one_activity_entry_per_manager_day")]
        indexes = [models.Index(fields=["company", "date"])]


class BatchKind(models.TextChoices):
    API = "api", _("API bulk upsert")
    FILE = "file", _("File upload")


class ImportBatch(models.Model):
    """An upload waiting for confirmation, or an API request (activity bulk upsert, history import) remembered by
    its idempotency key."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    kind = models.CharField(max_length=8, choices=BatchKind.choices)
    request_hash = models.CharField(max_length=64, blank=True)
    # What the rows are (activity, plans, ratings: scorecards.imports.KINDS); the bulk upsert API is activity.
    data_kind = models.CharField(max_length=10, default="activity")
    # SHA-256 of an uploaded file: the same file uploaded again is recognised as already imported.
    content_hash = models.CharField(max_length=64, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    # The uploaded file, base64, kept only until the preview is confirmed (text so that exports and logs stay JSON).
    content_b64 = models.TextField(blank=True, default="")
    period = models.CharField(max_length=10, blank=True)
    response = models.JSONField(null=True, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=current_time)
    applied_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(company="company")

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["company", "key"], name="one_batch_per_company_key")]

    @property
    def content(self):
        return base64.b64decode(self.content_b64) if self.content_b64 else b""


class KnowledgeCheck(models.Model):
    """A company-authored multiple-choice test on products, sales techniques, strengths and weaknesses."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=200, validators=[validate_no_nul])
    description = models.TextField(_("description"), blank=True, validators=[validate_no_nul])
    is_published = models.BooleanField(_("open for managers"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=current_time)

    objects = ScopedManager(company="company")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("knowledge check")
        verbose_name_plural = _("knowledge checks")

    def __str__(self):
        return self.title


class KnowledgeQuestion(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    knowledge_check = models.ForeignKey(KnowledgeCheck, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("question"), max_length=500, validators=[validate_no_nul])
    options = models.JSONField(_("options"), default=list)  # list of strings, 2–6
    correct_option = models.PositiveSmallIntegerField(_("correct option"))  # index into options

    objects = ScopedManager(company="company")

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.text


class KnowledgeAttempt(models.Model):
    """A manager's graded attempt at a knowledge check; counts towards the period it was taken in."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    knowledge_check = models.ForeignKey(KnowledgeCheck, on_delete=models.CASCADE, related_name="attempts")
    manager = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="knowledge_attempts")
    period = models.CharField(max_length=10)
    answers = models.JSONField(default=dict)  # question id → chosen option index
    correct = models.PositiveSmallIntegerField(default=0)
    total = models.PositiveSmallIntegerField(default=0)
    score = models.DecimalField(max_digits=5, decimal_places=2, validators=SCORE)
    taken_at = models.DateTimeField(default=current_time)

    objects = ScopedManager(company="company")

    class Meta:
        ordering = ["-taken_at"]


class KnowledgeRating(models.Model):
    """The head of sales' knowledge rating 0–100 of one manager for one period."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    manager = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="knowledge_ratings")
    period = models.CharField(_("period"), max_length=10)
    score = models.PositiveSmallIntegerField(_("knowledge rating"), validators=SCORE)
    note = models.CharField(_("note"), max_length=300, blank=True, validators=[validate_no_nul])
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")
    updated_at = models.DateTimeField(default=current_time)

    objects = ScopedManager(company="company")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["manager", "period"], name="one_rating_per_manager_period")]


class PlanResult(models.Model):
    """One manager's plan and actual results (deals won, revenue) for one period."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    manager = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="plan_results",
                                verbose_name=_("manager"))
    period = models.CharField(_("period"), max_length=10)
    plan_deals = models.PositiveIntegerField(_("planned deals"), default=0)
    actual_deals = models.PositiveIntegerField(_("deals won"), default=0)
    plan_revenue = models.DecimalField(_("planned revenue"), max_digits=14, decimal_places=2, default=Decimal("0"),
                                       validators=[MinValueValidator(0)])
    actual_revenue = models.DecimalField(_("revenue"), max_digits=14, decimal_places=2, default=Decimal("0"),
                                         validators=[MinValueValidator(0)])
    updated_at = models.DateTimeField(default=current_time)

    objects = ScopedManager(company="company")

    class Meta:
        ordering = ["-period", "manager_id"]
        verbose_name = _("plan and results")
        verbose_name_plural = _("plans and results")
        constraints = [models.UniqueConstraint(fields=["manager", "period"], name="one_plan_per_manager_period")]
