"""Writes of the dashboards app: the company's dashboard settings."""

from django.db import transaction

from .models import DashboardSettings

FIELDS = ("show_company_lines_to_heads", "weak_threshold", "change_threshold", "min_coverage")


@transaction.atomic
def dashboard_settings_update(*, company, **values) -> DashboardSettings:
    """Create or change the company's dashboard settings (only the fields given change)."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise TypeError(f"Unknown dashboard settings: {', '.join(sorted(unknown))}")
    settings_row, _created = DashboardSettings.objects.select_for_update().get_or_create(company=company)
    for name, value in values.items():
        setattr(settings_row, name, value)
    settings_row.full_clean()
    settings_row.save()
    return settings_row
