"""Per-company dashboard preferences."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from accounts.models import Company


class DashboardSettings(models.Model):
    """What department heads see on their dashboard; one row per company, created on first save."""

    company = models.OneToOneField(Company, on_delete=models.CASCADE, related_name="dashboard_settings")
    show_company_lines_to_heads = models.BooleanField(
        _("show company factor lines to department heads"), default=True,
        help_text=_("Department heads see the company's factor scores beside their own, for context."),
    )

    # The rules of "How we compute" (dashboards/story.py); defaults explained on that page and in the README.
    weak_threshold = models.PositiveSmallIntegerField(
        _("weak below"), default=50, validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("A factor, department or question scoring under this (0–100) is called weak. "
                    "50 is the middle of the answer scale: “partly”."),
    )
    change_threshold = models.PositiveSmallIntegerField(
        _("news only above (points)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("A change smaller than this is called steady. Leave empty to derive it from each factor's usual "
                    "round-to-round wobble (between 5 and 20 points)."),
    )
    min_coverage = models.PositiveSmallIntegerField(
        _("minimum coverage (%)"), default=75, validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("A round figure resting on fewer departments than this share of those expected is marked "
                    "incomplete."),
    )

    objects = ScopedManager(company="company")

    class Meta:
        verbose_name = _("dashboard settings")
        verbose_name_plural = _("dashboard settings")


class FiguresGeneration(models.Model):
    """The company's figures generation: bumped after every committed change the dashboards read, so a stored
    snapshot of another generation is never served (dashboards/readmodel.py)."""

    company = models.OneToOneField(Company, on_delete=models.CASCADE, related_name="+")
    generation = models.BigIntegerField(default=0)

    derived_data = True  # recomputed from other rows: not exported, not audit-logged (accounts/security)
    objects = ScopedManager(company="company")


class DashboardSnapshot(models.Model):
    """One dashboard view's computed figures (the Overview with its story), keyed by filters and language."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    view = models.CharField(max_length=200)  # filters and language (readmodel.snapshot_key)
    generation = models.BigIntegerField()
    valid_until = models.DateTimeField(null=True, blank=True)  # the next deadline: statuses change with time
    computed_at = models.DateTimeField(auto_now=True)
    payload = models.BinaryField()

    derived_data = True  # recomputed from other rows: not exported, not audit-logged (accounts/security)
    objects = ScopedManager(company="company")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company", "view"], name="dashboard_snapshot_unique_view")]
