"""Private pages, API answers and downloads carry `Cache-Control: private, no-store`."""

from django.urls import reverse

from accounts.models import Role
from tests.accounts.page_helpers import issue_token

PRIVATE = "private, no-store"


def test_signed_in_page_is_private_and_not_stored(alpha, client_for):
    response = client_for(alpha.member(Role.EXECUTIVE)).get(reverse("dashboards:executive", args=[alpha.company.slug]))
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


def test_api_answer_with_a_token_is_private_and_not_stored(alpha, client):
    _token, raw = issue_token(alpha.member(Role.ADMIN))
    response = client.get(reverse("api-members", args=[alpha.company.slug]), HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


def test_api_refusal_to_an_outsider_is_not_stored_either(alpha, beta, api_client_for):
    response = api_client_for(beta.member(Role.ADMIN)).get(reverse("api-members", args=[alpha.company.slug]))
    assert response.status_code == 404
    assert response["Cache-Control"] == PRIVATE


def test_dashboard_export_download_is_private_and_not_stored(alpha, client_for):
    response = client_for(alpha.member(Role.EXECUTIVE)).get(
        reverse("dashboards:export", kwargs={"company_slug": alpha.company.slug, "dataset": "scores", "fmt": "csv"}))
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


def test_company_export_download_is_private_and_not_stored(alpha, client_for):
    response = client_for(alpha.member(Role.ADMIN)).post(reverse("company_export", args=[alpha.company.slug]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == PRIVATE

