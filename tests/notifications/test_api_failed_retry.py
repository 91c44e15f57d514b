"""Sending a failed email again through the API (the failed-deliveries page's Try again)."""

import pytest
from django_scopes import scopes_disabled

from accounts.models import Role
from notifications.models import Kind, Notification, Status

URL = "/api/v1/companies/{}/notifications/failed/{}/retry/"


def failed(tenant, status=Status.FAILED):
    with scopes_disabled():
        return Notification.objects.create(company=tenant.company, recipient=tenant.member(Role.EXECUTIVE),
                                           kind=Kind.DIGEST, status=status, dedupe_key=f"retry:{status}")


def test_admin_sends_a_failed_email_again(alpha, api_client_for, django_capture_on_commit_callbacks):
    row = failed(alpha)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api_client_for(alpha.member(Role.ADMIN)).post(URL.format("alpha", row.pk))
    assert response.status_code == 200 and response.json() == {"retried": True}
    assert len(callbacks) == 1  # the send is published after the commit
    with scopes_disabled():
        row.refresh_from_db()
    assert row.status == Status.PLANNED


def test_a_row_that_did_not_fail_is_404(alpha, api_client_for):
    row = failed(alpha, status=Status.SENT)
    assert api_client_for(alpha.member(Role.ADMIN)).post(URL.format("alpha", row.pk)).status_code == 404


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.SALES_MANAGER])
def test_only_the_admin_retries(alpha, api_client_for, role):
    assert api_client_for(alpha.member(role)).post(URL.format("alpha", failed(alpha).pk)).status_code == 403


def test_another_companys_row_is_404(alpha, beta, api_client_for):
    assert api_client_for(alpha.member(Role.ADMIN)).post(URL.format("alpha", failed(beta).pk)).status_code == 404
