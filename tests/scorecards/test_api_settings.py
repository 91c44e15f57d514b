"""Scorecard settings through the API: thresholds and the default norm, one manager's norm, knowledge ratings.
The same services and access rules as the settings, norm and ratings pages."""

import pytest
from django_scopes import scopes_disabled

from accounts.models import Role
from scorecards.models import ActivityNorm, KnowledgeRating, ScorecardSettings
from tests.scorecards.conftest import QUARTER, add_manager, set_norm

BASE = "/api/v1/companies/{}/scorecards/"


def url(tail, slug="alpha"):
    return BASE.format(slug) + tail


def test_admin_reads_the_defaults_and_changes_thresholds_and_norm(alpha, api_client_for):
    api = api_client_for(alpha.member(Role.ADMIN))
    current = api.get(url("settings/")).json()
    assert (current["activity_threshold"], current["calls_per_day"]) == (90, None)
    response = api.patch(url("settings/"), {"plan_threshold": 80, "calls_per_day": 35, "currency": "eur"},
                         format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["plan_threshold"], response.json()["currency"]) == (80, "EUR")
    with scopes_disabled():
        assert ScorecardSettings.objects.get(company=alpha.company).plan_threshold == 80
        assert ActivityNorm.objects.get(company=alpha.company, manager=None).calls_per_day == 35


@pytest.mark.parametrize("body, field", [
    ({"activity_threshold": 300}, "activity_threshold"),
    ({"working_weekdays": []}, "working_weekdays"),
    ({"working_weekdays": [9]}, "working_weekdays"),
    ({"currency": "EURO"}, "currency"),
    ({"calls_per_day": -1}, "calls_per_day"),
    ({"knowledge_threshold": "high"}, "knowledge_threshold"),
])
def test_bad_settings_are_field_errors_and_change_nothing(alpha, api_client_for, body, field):
    response = api_client_for(alpha.member(Role.ADMIN)).patch(url("settings/"), body, format="json")
    assert response.status_code == 400 and field in response.json()
    with scopes_disabled():
        assert not ScorecardSettings.objects.filter(company=alpha.company).exists()


def test_put_needs_every_field(alpha, api_client_for):
    response = api_client_for(alpha.member(Role.ADMIN)).put(url("settings/"), {"currency": "RUB"}, format="json")
    assert response.status_code == 400 and "activity_threshold" in response.json()


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.SALES_MANAGER])
def test_only_the_admin_sees_and_changes_settings(alpha, api_client_for, role):
    api = api_client_for(alpha.member(role))
    assert api.get(url("settings/")).status_code == 403
    assert api.patch(url("settings/"), {"plan_threshold": 10}, format="json").status_code == 403


def test_another_company_settings_are_404(alpha, beta, api_client_for):
    assert api_client_for(alpha.member(Role.ADMIN)).get(url("settings/", "beta")).status_code == 404


def test_a_managers_own_norm_is_set_read_and_cleared(alpha, api_client_for):
    set_norm(alpha.company, calls=40)
    seller = alpha.member(Role.SALES_MANAGER)
    api = api_client_for(alpha.member(Role.ADMIN))
    norm_url = url(f"managers/{seller.pk}/norm/")
    assert api.get(norm_url).json() == {"manager": seller.pk, "own": False, "calls_per_day": 40,
                                        "meetings_per_week": 5, "proposals_per_month": None}
    saved = api.put(norm_url, {"calls_per_day": 25}, format="json")
    assert saved.status_code == 200 and saved.json()["own"] is True and saved.json()["calls_per_day"] == 25
    assert api.delete(norm_url).status_code == 204
    assert api.get(norm_url).json()["own"] is False


def test_a_norm_for_someone_not_a_sales_manager_is_404(alpha, api_client_for):
    api = api_client_for(alpha.member(Role.ADMIN))
    assert api.get(url(f"managers/{alpha.member(Role.EXECUTIVE).pk}/norm/")).status_code == 404


def test_a_sales_manager_cannot_set_their_own_norm(alpha, api_client_for):
    seller = alpha.member(Role.SALES_MANAGER)
    response = api_client_for(seller).put(url(f"managers/{seller.pk}/norm/"), {"calls_per_day": 1}, format="json")
    assert response.status_code == 403


def test_the_head_of_sales_rates_the_team_all_or_nothing(alpha, api_client_for):
    seller, other = alpha.member(Role.SALES_MANAGER), add_manager(alpha, "second@alpha.test")
    api = api_client_for(alpha.member(Role.DEPARTMENT_HEAD))  # heads Sales in the fixture
    response = api.post(url("ratings/"), {"period": QUARTER, "rows": [
        {"manager": seller.pk, "score": 75, "note": "solid"}, {"manager": other.pk, "score": 60}]}, format="json")
    assert response.status_code == 200, response.json()
    listed = api.get(url(f"ratings/?period={QUARTER}")).json()
    assert sorted(r["score"] for r in listed["results"]) == [60, 75]
    bad = api.post(url("ratings/"), {"period": QUARTER, "rows": [
        {"manager": seller.pk, "score": 10}, {"manager": alpha.member(Role.EXECUTIVE).pk, "score": 10}]},
        format="json")
    assert bad.status_code == 400 and "1" in bad.json()["rows"]
    with scopes_disabled():
        assert KnowledgeRating.objects.get(manager=seller, period=QUARTER).score == 75


@pytest.mark.parametrize("body", [
    {"period": "2026-Q9", "rows": [{"manager": 1, "score": 5}]},
    {"period": QUARTER, "rows": []},
    {"period": QUARTER, "rows": [{"manager": 1, "score": 101}]},
    {"rows": [{"manager": 1, "score": 5}]},
])
def test_bad_ratings_are_400(alpha, api_client_for, body):
    assert api_client_for(alpha.member(Role.ADMIN)).post(url("ratings/"), body, format="json").status_code == 400


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.SALES_MANAGER])
def test_executives_and_managers_cannot_rate(alpha, api_client_for, role):
    seller = alpha.member(Role.SALES_MANAGER)
    response = api_client_for(alpha.member(role)).post(
        url("ratings/"), {"period": QUARTER, "rows": [{"manager": seller.pk, "score": 99}]}, format="json")
    assert response.status_code == 403
