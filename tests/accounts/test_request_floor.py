"""What every signed-in API request costs before its own data, and that nothing it skips goes stale.

The floor: the session comes from the cache, the user is one query, the membership and its company one more,
and a GET opens no transaction. Revocations are read per request, so they count from the next request on.
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.services import company_set_suspended
from tests.accounts.api_helpers import company_url, issue_token

FLOOR = 2  # queries an authenticated API GET may spend before its own data


def warm(api, url):
    """One request first, so the session sits in the cache the way it does after the sign-in request."""
    assert api.get(url).status_code == 200


def test_me_costs_at_most_the_floor(alpha, api_client_for, django_assert_max_num_queries):
    api = api_client_for(alpha.member(Role.EXECUTIVE))
    warm(api, "/api/v1/me/")
    with django_assert_max_num_queries(FLOOR):
        response = api.get("/api/v1/me/")
    assert response.json()["email"] == "exec@alpha.test"


def test_company_detail_costs_at_most_the_floor(alpha, api_client_for, django_assert_max_num_queries):
    # The company detail reads nothing beyond the company the floor already loaded.
    api = api_client_for(alpha.member(Role.DEPARTMENT_HEAD))
    warm(api, company_url(alpha))
    with django_assert_max_num_queries(FLOOR):
        response = api.get(company_url(alpha))
    assert response.json()["slug"] == "alpha"


def test_department_list_costs_the_floor_plus_its_own_queries(alpha, api_client_for, django_assert_max_num_queries):
    api = api_client_for(alpha.member(Role.ADMIN))
    url = company_url(alpha, "departments/")
    warm(api, url)
    with django_assert_max_num_queries(FLOOR + 2):  # its own: the count and the page of departments
        response = api.get(url)
    assert response.json()["count"] == 5


def test_a_get_opens_no_transaction(alpha, api_client_for):
    api = api_client_for(alpha.member(Role.ADMIN))
    warm(api, company_url(alpha))
    with CaptureQueriesContext(connection) as captured:
        api.get(company_url(alpha))
    statements = " ".join(q["sql"].upper() for q in captured.captured_queries)
    assert "SAVEPOINT" not in statements and "BEGIN" not in statements


def test_token_request_costs_at_most_the_floor(alpha, django_assert_max_num_queries):
    _token, raw = issue_token(alpha.member(Role.EXECUTIVE))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    warm(api, company_url(alpha))  # the first call records "last used"; later ones within a minute write nothing
    with django_assert_max_num_queries(FLOOR):
        response = api.get(company_url(alpha))
    assert response.status_code == 200


# ---------------------------------------------------------------- nothing goes stale

def test_a_deactivated_membership_stops_working_at_once(alpha, api_client_for):
    api = api_client_for(alpha.member(Role.EXECUTIVE))
    warm(api, company_url(alpha))
    admin = api_client_for(alpha.member(Role.ADMIN))
    member_url = company_url(alpha, f"members/{alpha.member(Role.EXECUTIVE).pk}/")
    assert admin.patch(member_url, {"is_active": False}, format="json").status_code == 200
    assert api.get(company_url(alpha)).status_code == 404


def test_a_role_change_counts_from_the_next_request(alpha, api_client_for):
    api = api_client_for(alpha.member(Role.EXECUTIVE))
    members = company_url(alpha, "members/")
    assert api.get(members).status_code == 200  # executives may list members
    admin = api_client_for(alpha.member(Role.ADMIN))
    member_url = company_url(alpha, f"members/{alpha.member(Role.EXECUTIVE).pk}/")
    assert admin.patch(member_url, {"role": Role.SALES_MANAGER}, format="json").status_code == 200
    assert api.get(members).status_code == 403


def test_a_suspended_company_stops_answering_at_once(alpha, api_client_for):
    api = api_client_for(alpha.member(Role.EXECUTIVE))
    warm(api, company_url(alpha))
    with scopes_disabled():
        company_set_suspended(company=alpha.company, suspended=True)
    assert api.get(company_url(alpha)).status_code == 403


def test_a_deactivated_user_is_signed_out_at_once(alpha, api_client_for):
    api = api_client_for(alpha.member(Role.EXECUTIVE))
    warm(api, "/api/v1/me/")
    user = alpha.user(Role.EXECUTIVE)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert api.get("/api/v1/me/").status_code == 401
    assert api.get(company_url(alpha)).status_code == 401


def test_a_password_change_ends_the_other_sessions_at_once(alpha, client):
    user = alpha.user(Role.EXECUTIVE)
    user.set_password("old-secret-2026!")
    user.save()
    other_device = APIClient()
    assert other_device.login(email=user.email, password="old-secret-2026!")
    warm(other_device, company_url(alpha))
    client.force_login(user)
    response = client.post("/accounts/password-change/", {
        "old_password": "old-secret-2026!", "new_password1": "new-secret-2026!", "new_password2": "new-secret-2026!",
    })
    assert response.status_code == 302
    assert client.get(company_url(alpha)).status_code == 200  # the session that changed it stays signed in
    assert other_device.get(company_url(alpha)).status_code == 401
