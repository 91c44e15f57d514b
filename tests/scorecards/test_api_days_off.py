"""Days off through the API: the admin and the head of sales list, add and remove a manager's days off, as on the
norm page. A day off lowers the activity expected of the manager."""

import datetime

import pytest
from django_scopes import scopes_disabled

from accounts.models import Role
from scorecards.models import DayOff
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory
from tests.scorecards.conftest import add_manager

BASE = "/api/v1/companies/{}/scorecards/days-off/"


def url(tail="", slug="alpha"):
    return BASE.format(slug) + tail


def day_off(manager, day=datetime.date(2026, 3, 2), reason=""):
    with scopes_disabled():  # test data, built outside any request
        return DayOff.objects.create(company=manager.company, manager=manager, date=day, reason=reason)


def stored_days(manager):
    with scopes_disabled():
        return list(DayOff.objects.filter(manager=manager).values_list("date", "reason"))


def test_head_adds_lists_and_removes_a_day_off(alpha, api_client_for):
    seller = alpha.member(Role.SALES_MANAGER)
    api = api_client_for(alpha.member(Role.DEPARTMENT_HEAD))
    added = api.post(url(), {"manager": seller.pk, "date": "2026-03-02", "reason": "Vacation"}, format="json")
    assert added.status_code == 201, added.json()
    assert {k: added.json()[k] for k in ("manager", "email", "date", "reason")} == {
        "manager": seller.pk, "email": "seller@alpha.test", "date": "2026-03-02", "reason": "Vacation"}
    assert stored_days(seller) == [(datetime.date(2026, 3, 2), "Vacation")]
    listed = api.get(url()).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == added.json()["id"]
    assert api.delete(url(f"{added.json()['id']}/")).status_code == 204
    assert stored_days(seller) == []
    assert api.delete(url(f"{added.json()['id']}/")).status_code == 404


def test_the_list_is_newest_first_and_narrowed_by_manager(alpha, api_client_for):
    seller, other = alpha.member(Role.SALES_MANAGER), add_manager(alpha, "other@alpha.test")
    day_off(seller, datetime.date(2026, 1, 5))
    day_off(seller, datetime.date(2026, 2, 5))
    day_off(other, datetime.date(2026, 3, 5))
    api = api_client_for(alpha.member(Role.ADMIN))
    assert [r["date"] for r in api.get(url()).json()["results"]] == ["2026-03-05", "2026-02-05", "2026-01-05"]
    mine = api.get(url() + f"?manager={seller.pk}").json()
    assert [r["date"] for r in mine["results"]] == ["2026-02-05", "2026-01-05"]
    assert api.get(url() + "?manager=someone").status_code == 400


@pytest.mark.parametrize("body_for, field", [
    (lambda seller: {"date": "2026-03-02"}, "manager"),
    (lambda seller: {"manager": "x", "date": "2026-03-02"}, "manager"),
    (lambda seller: {"manager": 0, "date": "2026-03-02"}, "manager"),
    (lambda seller: {"manager": 2**63, "date": "2026-03-02"}, "manager"),
    (lambda seller: {"manager": None, "date": "2026-03-02"}, "manager"),
    (lambda seller: {"manager": seller.pk, "date": "2026-13-01"}, "date"),
    (lambda seller: {"manager": seller.pk}, "date"),
    (lambda seller: {"manager": seller.pk, "date": 20260302}, "date"),
    (lambda seller: {"manager": seller.pk, "date": "2026-03-02", "reason": "x" * 201}, "reason"),
    (lambda seller: {"manager": seller.pk, "date": "2026-03-02", "reason": "a\x00b"}, "reason"),
    (lambda seller: [{"manager": seller.pk, "date": "2026-03-02"}], "non_field_errors"),
])
def test_bad_days_off_are_field_errors_and_add_nothing(alpha, api_client_for, body_for, field):
    seller = alpha.member(Role.SALES_MANAGER)
    response = api_client_for(alpha.member(Role.ADMIN)).post(url(), body_for(seller), format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert stored_days(seller) == []


def test_the_same_day_twice_is_a_field_error(alpha, api_client_for):
    seller = alpha.member(Role.SALES_MANAGER)
    day_off(seller)
    response = api_client_for(alpha.member(Role.ADMIN)).post(url(), {"manager": seller.pk, "date": "2026-03-02"},
                                                             format="json")
    assert response.status_code == 400
    assert response.json() == {"date": ["This day is already marked as a day off."]}


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.ADMIN])
def test_only_sales_managers_have_days_off(alpha, api_client_for, role):
    api = api_client_for(alpha.member(Role.ADMIN))
    response = api.post(url(), {"manager": alpha.member(role).pk, "date": "2026-03-02"}, format="json")
    assert response.status_code == 400 and "manager" in response.json()


def test_head_of_sales_cannot_touch_another_teams_manager(alpha, api_client_for):
    """A manager placed in another department is not the head of Sales' team."""
    elsewhere = DepartmentFactory(company=alpha.company, name="Key accounts")
    outsider = MembershipFactory(company=alpha.company, role=Role.SALES_MANAGER, department=elsewhere,
                                 user=UserFactory(email="key@alpha.test"))
    theirs = day_off(outsider)
    api = api_client_for(alpha.member(Role.DEPARTMENT_HEAD))
    assert api.post(url(), {"manager": outsider.pk, "date": "2026-03-03"}, format="json").status_code == 400
    assert api.get(url()).json()["count"] == 0
    assert api.delete(url(f"{theirs.pk}/")).status_code == 403
    assert stored_days(outsider) == [(datetime.date(2026, 3, 2), "")]


def test_other_roles_cannot_see_or_change_days_off(alpha, api_client_for, other_head):
    seller = alpha.member(Role.SALES_MANAGER)
    existing = day_off(seller)
    for who in [alpha.member(Role.EXECUTIVE), seller, other_head]:
        api = api_client_for(who)
        assert api.get(url()).status_code == 403
        assert api.post(url(), {"manager": seller.pk, "date": "2026-03-03"}, format="json").status_code == 403
        assert api.delete(url(f"{existing.pk}/")).status_code == 403
    assert stored_days(seller) == [(datetime.date(2026, 3, 2), "")]


def test_another_companys_days_off_are_not_found(alpha, beta, api_client_for):
    theirs = day_off(beta.member(Role.SALES_MANAGER))
    admin = api_client_for(alpha.member(Role.ADMIN))
    assert admin.get(url(slug="beta")).status_code == 404
    assert admin.delete(url(f"{theirs.pk}/")).status_code == 404
    response = admin.post(url(), {"manager": beta.member(Role.SALES_MANAGER).pk, "date": "2026-03-03"}, format="json")
    assert response.status_code == 400 and "manager" in response.json()
    assert stored_days(beta.member(Role.SALES_MANAGER)) == [(datetime.date(2026, 3, 2), "")]


def test_a_day_off_lowers_the_expected_activity(alpha, api_client_for, team):
    """The diagnosis counts one working day fewer once the day off is added through the API."""
    weak = team["weak"]
    api = api_client_for(alpha.member(Role.ADMIN))
    diagnosis = f"/api/v1/companies/alpha/scorecards/managers/{weak.pk}/diagnosis/?period=2026-Q1"
    assert api.get(diagnosis).json()["explanation"]["days_off"] == 0
    assert api.post(url(), {"manager": weak.pk, "date": "2026-03-02"}, format="json").status_code == 201
    assert api.get(diagnosis).json()["explanation"]["days_off"] == 1
