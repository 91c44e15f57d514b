"""Login-free links: signed one-click unsubscribe (RFC 8058) and the secret iCal feed."""

import datetime

import icalendar
import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import Role
from notifications.emails import unsubscribe_token
from notifications.models import CalendarFeed, NotificationPreference
from tests.factories import ActionItemFactory, DepartmentAuditFactory, RoundFactory


def unsubscribe_url(membership, kind="digest"):
    return reverse("notifications_public:unsubscribe", args=[unsubscribe_token(membership=membership, kind=kind)])


def preference(membership, kind="digest"):
    with scopes_disabled():
        return NotificationPreference.objects.filter(membership=membership, kind=kind).first()


def test_the_unsubscribe_link_shows_a_confirmation_without_login(alpha, client):
    executive = alpha.member(Role.EXECUTIVE)
    response = client.get(unsubscribe_url(executive))
    assert response.status_code == 200
    assert b"exec@alpha.test" in response.content and b"Weekly digest" in response.content
    assert preference(executive) is None  # a GET (a link scanner) changes nothing


def test_one_click_post_unsubscribes_without_login_or_csrf(alpha):
    from django.test import Client

    executive = alpha.member(Role.EXECUTIVE)
    response = Client(enforce_csrf_checks=True).post(unsubscribe_url(executive), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert preference(executive).email_enabled is False


def test_a_tampered_unsubscribe_link_is_a_clear_400(alpha, client):
    link = unsubscribe_url(alpha.member(Role.EXECUTIVE))
    response = client.post(link[:-3] + "abc/")
    assert response.status_code == 400
    assert b"damaged" in response.content


def test_an_unsubscribe_link_of_a_deleted_member_is_a_clear_404(alpha, client):
    executive = alpha.member(Role.EXECUTIVE)
    link = unsubscribe_url(executive)
    with scopes_disabled():
        executive.delete()
    response = client.get(link)
    assert response.status_code == 404
    assert b"no longer valid" in response.content


def test_a_mandatory_kind_cannot_be_unsubscribed(alpha, client):
    assert client.post(unsubscribe_url(alpha.member(Role.DEPARTMENT_HEAD), kind="overdue")).status_code == 404


# ---------------------------------------------------------------- calendar feed

def feed_url_from(response):
    return response.context["feed_url"].removeprefix("http://testserver")


@pytest.fixture
def head_deadlines(alpha):
    round_ = RoundFactory(company=alpha.company, period="2026-Q4",
                          deadline=datetime.datetime(2026, 11, 20, 15, tzinfo=datetime.UTC))
    DepartmentAuditFactory(round=round_, department=alpha.departments["sales"])
    DepartmentAuditFactory(round=round_, department=alpha.departments["it"])  # not headed by this member
    ActionItemFactory(company=alpha.company, title="Fix pricing", owner=alpha.member(Role.DEPARTMENT_HEAD),
                      due_date=datetime.date(2026, 12, 1))


def test_a_member_gets_a_calendar_with_their_deadlines(alpha, client_for, head_deadlines, anon_api):
    client = client_for(alpha.member(Role.DEPARTMENT_HEAD))
    issued = client.post(reverse("notifications:calendar_issue", kwargs={"company_slug": "alpha"}))
    assert issued.status_code == 200
    client.logout()
    response = client.get(feed_url_from(issued))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = sorted(str(e["summary"]) for e in calendar.walk("VEVENT"))
    assert events == ["Action item due: Fix pricing", "Audit due: Sales (2026-Q4)"]
    audit_event = next(e for e in calendar.walk("VEVENT") if "Sales" in str(e["summary"]))
    assert audit_event.decoded("dtstart") == datetime.datetime(2026, 11, 20, 15, tzinfo=datetime.UTC)


def test_regenerating_the_feed_retires_the_old_address(alpha, client_for):
    client = client_for(alpha.member(Role.SALES_MANAGER))
    first = feed_url_from(client.post(reverse("notifications:calendar_issue", kwargs={"company_slug": "alpha"})))
    second = feed_url_from(client.post(reverse("notifications:calendar_issue", kwargs={"company_slug": "alpha"})))
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    with scopes_disabled():
        assert CalendarFeed.objects.filter(revoked_at__isnull=True).count() == 1


def test_a_revoked_feed_is_404(alpha, client_for):
    client = client_for(alpha.member(Role.EXECUTIVE))
    feed = feed_url_from(client.post(reverse("notifications:calendar_issue", kwargs={"company_slug": "alpha"})))
    revoke = reverse("notifications:calendar_revoke", kwargs={"company_slug": "alpha"})
    assert client.get(revoke).status_code == 200  # the confirmation page
    assert client.post(revoke).status_code == 302
    assert client.get(feed).status_code == 404
    assert client.get(revoke).status_code == 302  # nothing left to revoke


def test_an_unknown_feed_token_is_404(db, client):
    assert client.get(reverse("notifications_public:calendar", args=["not-a-token"])).status_code == 404


def test_a_deactivated_members_feed_stops(alpha, client_for):
    member = alpha.member(Role.EXECUTIVE)
    client = client_for(member)
    feed = feed_url_from(client.post(reverse("notifications:calendar_issue", kwargs={"company_slug": "alpha"})))
    with scopes_disabled():
        member.is_active = False
        member.save()
    assert client.get(feed).status_code == 404


def test_an_outsider_cannot_issue_a_feed_in_another_company(alpha, beta, client_for):
    response = client_for(beta.member(Role.ADMIN)).post(reverse("notifications:calendar_issue",
                                                                kwargs={"company_slug": "alpha"}))
    assert response.status_code == 404
