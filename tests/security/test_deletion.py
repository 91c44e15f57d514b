"""Tenant deletion: by platform staff at once, or by the company admin after a grace period. Afterwards no row
references the company, its files are gone and other companies are untouched."""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import AuditAction, AuditLogEntry, Company, Role
from accounts.security.tenant_data import row_counts, rows_referencing
from accounts.services import company_delete
from tests.security.conftest import fill_company

pytestmark = pytest.mark.django_db


def assert_gone(company_pk, file_name):
    assert company_pk is not None
    leftovers = rows_referencing(company_pk)
    print(f"\ndeletion leftovers: {sum(leftovers.values())} rows {leftovers}")
    assert leftovers == {}
    assert not Company.objects.filter(pk=company_pk).exists()
    assert not default_storage.exists(file_name)


def test_service_deletes_every_row_and_file_and_leaves_others_alone(alpha, beta, django_capture_on_commit_callbacks):
    answer = fill_company(alpha)
    alpha_pk = alpha.company.pk
    beta_answer = fill_company(beta)
    assert default_storage.exists(answer.evidence_file.name)
    beta_before = row_counts(beta.company)
    assert sum(row_counts(alpha.company).values()) > 20
    with django_capture_on_commit_callbacks(execute=True):
        company_delete(company=alpha.company)
    assert_gone(alpha_pk, answer.evidence_file.name)
    assert row_counts(beta.company) == beta_before
    assert default_storage.exists(beta_answer.evidence_file.name)
    with scopes_disabled():
        entry = AuditLogEntry.objects.get(company=None, action=AuditAction.DELETE)
    assert entry.changes["company"]["slug"] == "alpha" and entry.changes["company"]["files"] == 1


def test_files_stay_when_the_deletion_is_rolled_back(alpha, django_capture_on_commit_callbacks):
    answer = fill_company(alpha)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        company_delete(company=alpha.company)
    assert callbacks and default_storage.exists(answer.evidence_file.name)  # removal waits for the commit


def test_staff_delete_in_the_django_admin(alpha, beta, staff_client, django_capture_on_commit_callbacks):
    answer = fill_company(alpha)
    alpha_pk = alpha.company.pk
    beta_before = row_counts(beta.company)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("admin:accounts_company_delete", args=[alpha.company.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert_gone(alpha_pk, answer.evidence_file.name)
    assert row_counts(beta.company) == beta_before


# ---------------------------------------------------------------- the admin's request with a grace period

def deletion_url(slug="alpha"):
    return reverse("company_deletion", args=[slug])


def test_admin_requests_deletion_after_typing_the_slug(alpha, client_for):
    client = client_for(alpha.member(Role.ADMIN))
    assert client.get(deletion_url()).status_code == 200
    assert client.post(deletion_url(), {"confirm_slug": "beta"}).status_code == 400
    assert client.post(deletion_url(), {"confirm_slug": ""}).status_code == 400
    alpha.company.refresh_from_db()
    assert alpha.company.deletion_requested_at is None
    assert client.post(deletion_url(), {"confirm_slug": "alpha"}).status_code == 302
    alpha.company.refresh_from_db()
    assert alpha.company.deletion_requested_at is not None
    page = client.get(deletion_url())
    assert "Cancel the deletion" in page.content.decode()
    assert client.post(deletion_url(), {"confirm_slug": "alpha"}).status_code == 400  # already requested


def test_admin_cancels_the_request(alpha, client_for):
    client = client_for(alpha.member(Role.ADMIN))
    client.post(deletion_url(), {"confirm_slug": "alpha"})
    assert client.post(reverse("company_deletion_cancel", args=["alpha"])).status_code == 302
    alpha.company.refresh_from_db()
    assert alpha.company.deletion_requested_at is None
    response = client.post(reverse("company_deletion_cancel", args=["alpha"]), follow=True)
    assert "No deletion is pending" in response.content.decode()
    assert client.get(reverse("company_deletion_cancel", args=["alpha"])).status_code == 405


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.SALES_MANAGER])
def test_only_admins_request_or_cancel_deletion(alpha, client_for, role):
    client = client_for(alpha.member(role))
    assert client.get(deletion_url()).status_code == 403
    assert client.post(deletion_url(), {"confirm_slug": "alpha"}).status_code == 403
    assert client.post(reverse("company_deletion_cancel", args=["alpha"])).status_code == 403


def test_outsider_gets_404(alpha, beta, client_for):
    client = client_for(beta.member(Role.ADMIN))
    assert client.post(deletion_url(), {"confirm_slug": "alpha"}).status_code == 404
    assert client.post(reverse("company_deletion_cancel", args=["alpha"])).status_code == 404


def test_purge_deletes_only_requests_past_the_grace_period(alpha, beta, client_for, django_capture_on_commit_callbacks):
    answer = fill_company(alpha)
    alpha_pk = alpha.company.pk
    client_for(alpha.member(Role.ADMIN)).post(deletion_url(), {"confirm_slug": "alpha"})
    beta_before = row_counts(beta.company)
    with time_machine.travel(timezone.now() + timedelta(days=29)):
        call_command("purge_companies")
    assert Company.objects.filter(pk=alpha_pk).exists()
    with time_machine.travel(timezone.now() + timedelta(days=30, minutes=1)), \
            django_capture_on_commit_callbacks(execute=True):
        call_command("purge_companies")
    assert_gone(alpha_pk, answer.evidence_file.name)
    assert row_counts(beta.company) == beta_before
