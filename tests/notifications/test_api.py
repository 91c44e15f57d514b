"""Notifications API: list, unread count, mark read, failed deliveries; tenancy and roles; schema."""

import pytest
from django_scopes import scopes_disabled

from accounts.models import Role
from notifications.models import Kind, Notification, Status

BASE = "/api/v1/companies/{}/notifications/"


def notify(tenant, role=Role.DEPARTMENT_HEAD, *, status=Status.SENT, n=1):
    member = tenant.member(role)
    with scopes_disabled():
        start = Notification.objects.count()
        return [Notification.objects.create(company=tenant.company, recipient=member, kind=Kind.OVERDUE, status=status,
                                            dedupe_key=f"api:{start + i}:m{member.pk}") for i in range(n)]


def test_a_member_lists_their_notifications(alpha, api_client_for):
    notify(alpha, n=2)
    notify(alpha, Role.EXECUTIVE)
    response = api_client_for(alpha.member(Role.DEPARTMENT_HEAD)).get(BASE.format("alpha"))
    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert response.json()["results"][0]["kind_label"] == "Audit overdue"


def test_unread_filter_and_count(alpha, api_client_for):
    first, _second = notify(alpha, n=2)
    api = api_client_for(alpha.member(Role.DEPARTMENT_HEAD))
    assert api.post(BASE.format("alpha") + f"{first.pk}/read/").status_code == 200
    assert api.get(BASE.format("alpha") + "?unread=true").json()["count"] == 1
    assert api.get(BASE.format("alpha") + "unread-count/").json() == {"unread": 1}
    assert api.post(BASE.format("alpha") + "read-all/").json() == {"marked": 1}
    assert api.get(BASE.format("alpha") + "unread-count/").json() == {"unread": 0}


def test_marking_another_members_notification_is_404(alpha, beta, api_client_for):
    [theirs] = notify(alpha, Role.EXECUTIVE)
    [other_company] = notify(beta)
    api = api_client_for(alpha.member(Role.DEPARTMENT_HEAD))
    assert api.post(BASE.format("alpha") + f"{theirs.pk}/read/").status_code == 404
    assert api.post(BASE.format("alpha") + f"{other_company.pk}/read/").status_code == 404


def test_an_outsider_gets_404(alpha, beta, api_client_for):
    assert api_client_for(beta.member(Role.ADMIN)).get(BASE.format("alpha")).status_code == 404


def test_anonymous_gets_401_or_403(alpha, anon_api):
    assert anon_api.get(BASE.format("alpha")).status_code in (401, 403)


def test_the_admin_lists_failed_deliveries(alpha, api_client_for):
    notify(alpha, status=Status.FAILED)
    response = api_client_for(alpha.member(Role.ADMIN)).get(BASE.format("alpha") + "failed/")
    assert response.status_code == 200
    assert response.json()["results"][0]["recipient_email"] == "head@alpha.test"


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.SALES_MANAGER])
def test_only_the_admin_lists_failed_deliveries(alpha, api_client_for, role):
    assert api_client_for(alpha.member(role)).get(BASE.format("alpha") + "failed/").status_code == 403


def test_marking_read_with_get_is_405(alpha, api_client_for):
    [mine] = notify(alpha)
    assert api_client_for(alpha.member(Role.DEPARTMENT_HEAD)).get(
        BASE.format("alpha") + f"{mine.pk}/read/").status_code == 405


def test_the_schema_describes_the_notification_endpoints(db, client):
    schema = client.get("/api/schema/").content.decode()
    for path in ["notifications/", "notifications/{id}/read/", "notifications/read-all/",
                 "notifications/unread-count/", "notifications/failed/"]:
        assert f"/api/v1/companies/{{company_slug}}/{path}:" in schema
