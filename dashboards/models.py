"""Per-company dashboard preferences."""

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

    objects = ScopedManager(company="company")

    class Meta:
        verbose_name = _("dashboard settings")
        verbose_name_plural = _("dashboard settings")
