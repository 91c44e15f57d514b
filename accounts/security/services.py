"""Writes of the security features: tenant export, deletion requests and deletion."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from . import tenant_data
from .audit import record, update_logged
from .context import recording_paused
from .models import AuditAction


def company_export(*, company, by=None):
    """The company's export (zip bytes); the download itself is an audit-log event."""
    data = tenant_data.company_export(company=company)
    record(action=AuditAction.EXPORT, company_id=company.pk, obj=company, actor=by,
           changes={"bytes": len(data)}, object_repr=company.name)
    return data


def delete_files_later(names):
    """Remove files once the deletion is committed: a rolled-back deletion keeps its files."""
    def remove():
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(remove)


@transaction.atomic
def company_delete_with_data(*, company):
    """Delete the company, every row that references it, and its stored files."""
    names = tenant_data.file_names(company)
    description = {"slug": company.slug, "name": company.name, "files": len(names),
                   "rows": tenant_data.row_counts(company)}
    # The cascade deletes the company's own log too; its rows are not logged one by one.
    with recording_paused(), scopes_disabled():  # deleting every tenant model's rows of this company
        tenant_data.delete_company_rows(company)
        company.delete()
    record(action=AuditAction.DELETE, obj=None, object_repr=f"{description['name']} ({description['slug']})",
           changes={"company": description})
    delete_files_later(names)


def grace_period():
    return timedelta(days=settings.COMPANY_DELETION_GRACE_DAYS)


def company_request_deletion(*, company, by):
    """A company admin asks for deletion; it happens after the grace period unless cancelled."""
    if company.deletion_requested_at is not None:
        raise ValidationError(_("Deletion has already been requested."))
    company.deletion_requested_at = timezone.now()
    company.save(update_fields=["deletion_requested_at"])
    return company.deletion_requested_at + grace_period()


def company_cancel_deletion(*, company, by):
    if company.deletion_requested_at is None:
        raise ValidationError(_("No deletion is pending."))
    company.deletion_requested_at = None
    company.save(update_fields=["deletion_requested_at"])
    return company


def companies_purge_due(*, now=None):
    """Delete every company whose deletion request is older than the grace period; returns their slugs."""
    from accounts.models import Company
    from accounts.services import company_delete

    cutoff = (now or timezone.now()) - grace_period()
    purged = []
    for company in Company.objects.filter(deletion_requested_at__lte=cutoff).order_by("pk"):
        company_delete(company=company)
        purged.append(company.slug)
    return purged


def api_tokens_revoke_for_user(*, user):
    """Revoke every active API token of the user, in every company; returns how many.

    Called when the credentials behind them change (a new password, two-factor switched on): a token taken
    with the old credentials must not outlive them.
    """
    from accounts.models import ApiToken

    # Cross-tenant on purpose: a person's password and second factor are not per company.
    with scopes_disabled():
        return update_logged(ApiToken.objects.filter(membership__user=user, revoked_at__isnull=True),
                             revoked_at=timezone.now())
