"""Writes of the dashboards app: the company's dashboard settings."""

from django.db import transaction

from .models import DashboardSettings


@transaction.atomic
def dashboard_settings_update(*, company, show_company_lines_to_heads: bool) -> DashboardSettings:
    """Create or change the company's dashboard settings."""
    settings_row, _created = DashboardSettings.objects.get_or_create(company=company)
    settings_row.show_company_lines_to_heads = show_company_lines_to_heads
    settings_row.full_clean()
    settings_row.save()
    return settings_row
