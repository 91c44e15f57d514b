"""The thresholds of "How we compute": API and page by role, tenant and input; the page shows the company's own."""

import pytest
from django.urls import reverse

from accounts.models import Role


def settings_url(tenant):
    return reverse("api-dashboard-settings", kwargs={"company_slug": tenant.company.slug})


def how_url(tenant):
    return reverse("dashboards:how", kwargs={"company_slug": tenant.company.slug})


def test_admin_changes_thresholds_and_the_how_page_shows_them(alpha, api_client_for, client_for):
    api = api_client_for(alpha.member(Role.ADMIN))
    response = api.patch(settings_url(alpha), {"weak_threshold": 60, "change_threshold": 8}, format="json")
    assert response.status_code == 200
    assert (response.json()["weak_threshold"], response.json()["change_threshold"]) == (60, 8)
    html = client_for(alpha.member(Role.EXECUTIVE)).get(how_url(alpha)).content.decode()
    assert "under 60" in html and "larger than 8 points" in html


@pytest.mark.parametrize("body", [{"weak_threshold": 0}, {"min_coverage": 101}, {"change_threshold": "x"}])
def test_bad_thresholds_get_field_errors(alpha, api_client_for, body):
    response = api_client_for(alpha.member(Role.ADMIN)).patch(settings_url(alpha), body, format="json")
    assert response.status_code == 400 and set(body) <= set(response.json())


def test_only_admins_change_thresholds_and_outsiders_see_nothing(alpha, beta, api_client_for, client_for):
    assert api_client_for(alpha.member(Role.EXECUTIVE)).patch(
        settings_url(alpha), {"weak_threshold": 60}, format="json").status_code == 403
    assert api_client_for(alpha.member(Role.EXECUTIVE)).get(settings_url(alpha)).status_code == 200
    assert api_client_for(beta.member(Role.ADMIN)).get(settings_url(alpha)).status_code == 404
    assert client_for(beta.member(Role.ADMIN)).get(how_url(alpha)).status_code == 404
