"""Responsibility audits: factor catalogue, matrix, questionnaires, schedule, rounds, answers, scores, actions.

Every tenant-owned model carries a direct `company` key (denormalised on children) so the
scoped manager, exports and deletion need no joins.
"""

import base64

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.timezone import now as current_time
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from accounts.concurrency import version_field
from accounts.models import Company, Department, Membership, validate_no_nul


def localized(obj, field):
    """`obj.<field>_ru` when the active language is Russian, else `<field>_en` (falls back to English)."""
    language = (get_language() or "en")[:2]
    value = getattr(obj, f"{field}_{language}", "") if language in ("en", "ru") else ""
    return value or getattr(obj, f"{field}_en")


class FactorKey(models.TextChoices):
    PRODUCT = "product", _("Product")
    CUSTOMERS = "customers", _("Customers")
    MARKET = "market", _("Market capacity")
    ADVANTAGE = "advantage", _("Competitive advantage")
    STRATEGY = "strategy", _("Sales strategy")
    SALES_TECH = "sales_tech", _("Sales technology")
    AUTOMATION = "automation", _("Technology & automation")


class Factor(models.Model):
    """One of the seven system factors: a fixed, global catalogue loaded by a data migration."""

    key = models.CharField(max_length=20, choices=FactorKey.choices, unique=True)
    position = models.PositiveSmallIntegerField(unique=True)
    name_en = models.CharField(max_length=80)
    name_ru = models.CharField(max_length=80)
    description_en = models.TextField()
    description_ru = models.TextField()

    class Meta:
        ordering = ["position"]
        verbose_name = _("system factor")
        verbose_name_plural = _("system factors")

    def __str__(self):
        return self.name

    @property
    def name(self):
        return localized(self, "name")

    @property
    def description(self):
        return localized(self, "description")


class Responsibility(models.TextChoices):
    ACCOUNTABLE = "accountable", _("Accountable")
    CONTRIBUTING = "contributing", _("Contributing")


class FactorResponsibility(models.Model):
    """A cell of the responsibility matrix: one department's part in one factor."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="factor_responsibilities")
    factor = models.ForeignKey(Factor, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="factor_responsibilities")
    responsibility = models.CharField(max_length=20, choices=Responsibility.choices)
    # True while the cell is only the automatic proposal: a new department may still take it over.
    proposed = models.BooleanField(default=False)

    objects = ScopedManager(company="company")

    class Meta:
        verbose_name = _("factor responsibility")
        verbose_name_plural = _("responsibility matrix")
        constraints = [
            models.UniqueConstraint(fields=["company", "factor", "department"], name="one_cell_per_factor_department"),
            models.UniqueConstraint(
                fields=["company", "factor"], condition=Q(responsibility="accountable"),
                name="one_accountable_department_per_factor",
            ),
        ]


class QuestionnaireStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class Questionnaire(models.Model):
    """A version of the company's questionnaire. Published versions are frozen."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="questionnaires")
    version = models.PositiveIntegerField()
    title = models.CharField(_("title"), max_length=200, validators=[validate_no_nul])
    status = models.CharField(max_length=12, choices=QuestionnaireStatus.choices, default=QuestionnaireStatus.DRAFT)
    based_on = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=current_time)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    lock_version = version_field()  # optimistic concurrency (accounts/concurrency.py), not `version` above

    objects = ScopedManager(company="company")

    class Meta:
        ordering = ["-version"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        constraints = [models.UniqueConstraint(fields=["company", "version"], name="questionnaire_version_unique")]

    def __str__(self):
        return f"{self.title} v{self.version}"

    @property
    def is_frozen(self):
        return self.status != QuestionnaireStatus.DRAFT


class QuestionKind(models.TextChoices):
    SCALE = "scale", _("Maturity scale 1–5")
    YES_NO = "yes_no", _("Yes / no")
    NUMBER = "number", _("Number")
    TEXT = "text", _("Free text")


SCORED_KINDS = (QuestionKind.SCALE, QuestionKind.YES_NO)


class Question(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    factor = models.ForeignKey(Factor, on_delete=models.PROTECT, related_name="+")
    # Stable identity across versions (copied with the questionnaire) so "start from last round" can match answers.
    key = models.SlugField(_("key"), max_length=60, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("type"), max_length=10, choices=QuestionKind.choices)
    text_en = models.CharField(_("question (English)"), max_length=500, validators=[validate_no_nul])
    text_ru = models.CharField(_("question (Russian)"), max_length=500, validators=[validate_no_nul])
    help_en = models.TextField(_("help (English)"), blank=True, validators=[validate_no_nul])
    help_ru = models.TextField(_("help (Russian)"), blank=True, validators=[validate_no_nul])
    # {"en": [label for 1, …, label for 5], "ru": [...]} for scale questions; empty otherwise.
    scale_labels = models.JSONField(default=dict, blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1, validators=[MinValueValidator(1), MaxValueValidator(10)])
    required = models.BooleanField(_("required"), default=True)
    lock_version = version_field()

    objects = ScopedManager(company="company")

    class Meta:
        ordering = ["factor__position", "position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "key"], condition=~Q(key=""), name="question_key_unique_per_questionnaire"
            ),
        ]

    def __str__(self):
        return self.text

    @property
    def text(self):
        return localized(self, "text")

    @property
    def help(self):
        return localized(self, "help")

    def labels(self):
        """Scale labels in the active language (English as fallback)."""
        language = (get_language() or "en")[:2]
        return self.scale_labels.get(language) or self.scale_labels.get("en") or []


class Cadence(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Half-yearly")
    YEARLY = "yearly", _("Yearly")


class Schedule(models.Model):
    """When the company's rounds open: the cadence, the day of the period's first month, the window."""

    company = models.OneToOneField(Company, on_delete=models.CASCADE, related_name="audit_schedule")
    cadence = models.CharField(_("cadence"), max_length=12, choices=Cadence.choices, default=Cadence.QUARTERLY)
    opening_day = models.PositiveSmallIntegerField(
        _("opening day"), default=1, validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("Day of the period's first month on which the round opens (1–28)."),
    )
    answer_window_days = models.PositiveSmallIntegerField(
        _("answer window, days"), default=14, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    is_active = models.BooleanField(_("open rounds automatically"), default=True)
    lock_version = version_field()

    objects = ScopedManager(company="company")

    class Meta:
        verbose_name = _("audit schedule")
        verbose_name_plural = _("audit schedules")


class Round(models.Model):
    """One period's audit across the company; stores the company-level scores when audits are submitted."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="audit_rounds")
    period = models.CharField(_("period"), max_length=10)  # 2026-Q4, 2026-11, 2026-H2, 2026
    period_start = models.DateField()
    period_end = models.DateField()
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.RESTRICT, related_name="rounds")
    opened_at = models.DateTimeField(default=current_time)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    deadline = models.DateTimeField(_("deadline"))
    # Stored scores (recomputed by audits.scoring on submit/reopen, never on page views).
    system_index = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    expected_count = models.PositiveIntegerField(default=0)
    submitted_count = models.PositiveIntegerField(default=0)
    # Created from a history file (audits/imports.py) with the file's dates, closed from the start.
    is_imported = models.BooleanField(_("imported"), default=False)

    objects = ScopedManager(company="company")

    class Meta:
        ordering = ["-period_start"]
        verbose_name = _("audit round")
        verbose_name_plural = _("audit rounds")
        constraints = [models.UniqueConstraint(fields=["company", "period"], name="one_round_per_period")]

    def __str__(self):
        return self.period

    @property
    def completion(self):
        return (self.submitted_count / self.expected_count) if self.expected_count else None

    @property
    def is_provisional(self):
        """Deadline ahead and not every department answered: its scores may still change (dashboards/story.py)."""
        return self.deadline > current_time() and self.submitted_count < self.expected_count


class AuditStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    OVERDUE = "overdue", _("Overdue")
    REOPENED = "reopened", _("Reopened")


OPEN_STATUSES = (AuditStatus.DRAFT, AuditStatus.OVERDUE, AuditStatus.REOPENED)


class DepartmentAudit(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="audits")
    department = models.ForeignKey(Department, on_delete=models.RESTRICT, related_name="audits")
    factors = models.ManyToManyField(Factor, related_name="+")
    status = models.CharField(max_length=10, choices=AuditStatus.choices, default=AuditStatus.DRAFT)
    deadline = models.DateTimeField(_("deadline"))
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    first_submitted_at = models.DateTimeField(null=True, blank=True)  # punctuality: on time vs late
    updated_at = models.DateTimeField(auto_now=True)
    # Imported from history that kept only factor scores (no answers): the FactorScores are the record,
    # so scoring.store_audit_scores leaves them alone instead of recomputing them from no answers.
    factor_level = models.BooleanField(_("factor-level import"), default=False)

    objects = ScopedManager(company="company")

    class Meta:
        ordering = ["round", "department__name"]
        verbose_name = _("department audit")
        verbose_name_plural = _("department audits")
        constraints = [models.UniqueConstraint(fields=["round", "department"], name="one_audit_per_department_round")]

    def __str__(self):
        return f"{self.department} · {self.round}"

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES


class AuditTransition(models.Model):
    """Every state change of a department audit: who, when, from, to, why."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    audit = models.ForeignKey(DepartmentAudit, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=10, choices=AuditStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=AuditStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(default=current_time)
    reason = models.TextField(blank=True, validators=[validate_no_nul])

    objects = ScopedManager(company="company")

    class Meta:
        ordering = ["at", "pk"]


def evidence_upload_to(instance, filename):
    return f"evidence/{instance.company_id}/{instance.audit_id}/{filename}"


class Answer(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    audit = models.ForeignKey(DepartmentAudit, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.RESTRICT, related_name="answers")
    scale_value = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)])
    bool_value = models.BooleanField(null=True, blank=True)
    number_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    text_value = models.TextField(blank=True, validators=[validate_no_nul])
    not_applicable = models.BooleanField(default=False)
    comment = models.TextField(blank=True, validators=[validate_no_nul])
    evidence_url = models.URLField(blank=True, max_length=500)
    evidence_file = models.FileField(upload_to=evidence_upload_to, blank=True, max_length=300)
    updated_at = models.DateTimeField(default=current_time)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = ScopedManager(company="company")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["audit", "question"], name="one_answer_per_question")]

    @property
    def is_answered(self):
        return (
            self.not_applicable
            or self.scale_value is not None
            or self.bool_value is not None
            or self.number_value is not None
            or bool(self.text_value.strip())
        )


class AnswerRevision(models.Model):
    """A kept copy of an answer's previous values when a submitted audit's answer changes."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="revisions")
    values = models.JSONField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    changed_at = models.DateTimeField(default=current_time)

    objects = ScopedManager(company="company")

    class Meta:
        ordering = ["-changed_at", "-pk"]


class FactorScore(models.Model):
    """Stored factor score 0–100 of one department audit (None when every scored answer is N/A)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    audit = models.ForeignKey(DepartmentAudit, on_delete=models.CASCADE, related_name="factor_scores")
    factor = models.ForeignKey(Factor, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    scored_answers = models.PositiveSmallIntegerField(default=0)

    objects = ScopedManager(company="company")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["audit", "factor"], name="one_score_per_audit_factor")]


class RoundFactorScore(models.Model):
    """Stored company factor score of a round: mean over answering departments, accountable weighted double."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="factor_scores")
    factor = models.ForeignKey(Factor, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    departments_answered = models.PositiveSmallIntegerField(default=0)
    accountable_department = models.ForeignKey(Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = ScopedManager(company="company")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "factor"], name="one_score_per_round_factor")]


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class ActionItem(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="action_items")
    title = models.CharField(_("title"), max_length=200, validators=[validate_no_nul])
    description = models.TextField(_("description"), blank=True, validators=[validate_no_nul])
    factor = models.ForeignKey(Factor, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("factor"))
    owner = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="action_items", verbose_name=_("owner"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    round = models.ForeignKey(Round, on_delete=models.SET_NULL, null=True, blank=True, related_name="action_items")
    audit = models.ForeignKey(DepartmentAudit, on_delete=models.SET_NULL, null=True, blank=True, related_name="action_items")
    answer = models.ForeignKey(Answer, on_delete=models.SET_NULL, null=True, blank=True, related_name="action_items")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=current_time)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    lock_version = version_field()

    objects = ScopedManager(company="company")

    class Meta:
        ordering = ["status", "due_date", "-created_at"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")

    def __str__(self):
        return self.title

    @property
    def is_open(self):
        return self.status in OPEN_ACTION_STATUSES


class HistoryImportStatus(models.TextChoices):
    PREVIEW = "preview", _("Waiting for confirmation")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


class HistoryImportKind(models.TextChoices):
    FILE = "file", _("File upload")
    API = "api", _("API request")


class HistoryImport(models.Model):
    """One import of past rounds: the uploaded file kept until confirmed, its preview, progress and outcome.

    `content_hash` is the SHA-256 of the file (or of the API body): a file already imported is recognised
    and creates nothing new. API requests are remembered by their Idempotency-Key in `key`.
    """

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=HistoryImportKind.choices, default=HistoryImportKind.FILE)
    key = models.CharField(max_length=255, blank=True)
    content_hash = models.CharField(max_length=64)
    file_name = models.CharField(max_length=255, blank=True)
    # The uploaded file, base64, kept only until the import is applied (text so that tenant exports stay JSON).
    content_b64 = models.TextField(blank=True, default="")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+")
    status = models.CharField(max_length=10, choices=HistoryImportStatus.choices, default=HistoryImportStatus.PREVIEW)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    preview = models.JSONField(default=dict, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=current_time)
    applied_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(company="company")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("history import")
        verbose_name_plural = _("history imports")
        constraints = [
            models.UniqueConstraint(fields=["company", "key"], condition=~Q(key=""), name="one_history_import_per_key"),
        ]

    @property
    def content(self):
        return base64.b64decode(self.content_b64) if self.content_b64 else b""

    @property
    def is_finished(self):
        return self.status in (HistoryImportStatus.DONE, HistoryImportStatus.FAILED)
