"""One test per class of bug the API fuzzing (tests/fuzz) found; each fails with its fix removed."""

import pytest
import yaml
from django.test import Client
from django_scopes import scopes_disabled

from accounts.models import Role
from tests.factories import ActionItemFactory

pytestmark = pytest.mark.django_db


def api(tenant, path):
    return f"/api/v1/companies/{tenant.company.slug}/{path}"


@pytest.fixture
def schema(db):
    return yaml.safe_load(Client().get("/api/schema/").content)


# ---------------------------------------------------------------- server errors (500)

def test_options_on_an_api_view_answers_instead_of_crashing(alpha, api_client_for):
    # DRF's default metadata called view.get_object() to describe PUT forms: 500 on views with named lookups.
    client = api_client_for(alpha.member(Role.ADMIN))
    for path in ["", "action-items/1/", "matrix/", "schedule/"]:
        response = client.options(api(alpha, path))
        assert response.status_code == 200, path
        assert response.json()["name"]


# ---------------------------------------------------------------- responses the schema did not describe

def test_an_unmatched_api_url_answers_json_404(alpha, api_client_for):
    # `<int:pk>` does not match "abc": Django's HTML 404 page came back where the schema promises JSON.
    response = api_client_for(alpha.member(Role.ADMIN)).get(api(alpha, "departments/abc/"))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_an_unmatched_page_url_still_answers_html_404(alpha, client_for):
    response = client_for(alpha.member(Role.ADMIN)).get(f"/c/{alpha.company.slug}/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_schema_documents_the_errors_every_company_operation_can_answer(schema):
    operations = schema["paths"]["/api/v1/companies/{company_slug}/departments/"]
    assert {"400", "401", "403", "404"} <= set(operations["post"]["responses"])  # 403: an executive may not create
    assert "404" in operations["get"]["responses"]  # a page out of range
    assert schema["paths"]["/api/v1/me/"]["get"]["responses"]["401"]["content"]["application/json"]


def test_an_action_item_without_a_factor_matches_the_schema(alpha, api_client_for, schema):
    item = ActionItemFactory(company=alpha.company, owner=alpha.member(Role.DEPARTMENT_HEAD), factor=None)
    response = api_client_for(alpha.member(Role.ADMIN)).get(api(alpha, f"action-items/{item.pk}/"))
    assert response.json()["factor"] is None
    assert schema["components"]["schemas"]["ActionItemOutput"]["properties"]["factor"]["nullable"] is True


def test_dashboard_table_cells_are_described_as_labels_and_numbers(schema):
    cell = schema["components"]["schemas"]["Table"]["properties"]["rows"]["items"]["items"]
    assert {"type": "string"} in cell["oneOf"] and {"type": "number"} in cell["oneOf"]


# ---------------------------------------------------------------- invalid input accepted (negative data)

@pytest.mark.parametrize("path", ["departments/?include_archived=null", "members/?is_active=maybe",
                                  "action-items/?overdue=null", "notifications/?unread=perhaps"])
def test_a_boolean_filter_refuses_what_is_not_true_or_false(alpha, api_client_for, path):
    response = api_client_for(alpha.member(Role.ADMIN)).get(api(alpha, path))
    assert response.status_code == 400
    assert path.split("?")[1].split("=")[0] in response.json()


def test_a_boolean_filter_still_reads_true_and_false(alpha, api_client_for):
    client = api_client_for(alpha.member(Role.ADMIN))
    assert client.get(api(alpha, "departments/?include_archived=true")).status_code == 200
    assert client.get(api(alpha, "notifications/?unread=false")).status_code == 200


@pytest.mark.parametrize(("path", "body", "field"), [
    ("departments/", {"name": 0}, "name"),  # a number for a string
    ("questionnaires/", {"title": 12}, "title"),
    ("schedule/", {"cadence": "monthly", "opening_day": 1, "answer_window_days": 1, "is_active": 0}, "is_active"),
    ("schedule/", {"cadence": "monthly", "opening_day": "5", "answer_window_days": 1, "is_active": True},
     "opening_day"),  # a string for an integer
])
def test_json_of_the_wrong_type_is_refused_not_coerced(alpha, api_client_for, path, body, field):
    client = api_client_for(alpha.member(Role.ADMIN))
    method = client.put if path == "schedule/" else client.post
    with scopes_disabled():  # test inspection
        before = alpha.company.departments.count()
    response = method(api(alpha, path), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    with scopes_disabled():
        assert alpha.company.departments.count() == before


@pytest.mark.parametrize("path", ["audit-log/?until=", "action-items/?round=", "department-audits/?status="])
def test_a_typed_filter_given_empty_is_refused(alpha, api_client_for, path):
    # django-filter read `?until=` as "no filter", so the API answered 200 to a value its schema calls invalid.
    response = api_client_for(alpha.member(Role.ADMIN)).get(api(alpha, path))
    assert response.status_code == 400
    assert path.split("?")[1].rstrip("=") in response.json()


def test_a_typed_filter_with_a_value_still_filters(alpha, api_client_for):
    response = api_client_for(alpha.member(Role.ADMIN)).get(api(alpha, "department-audits/?status=draft"))
    assert response.status_code == 200


def test_a_date_time_filter_with_an_impossible_utc_offset_is_a_400_not_a_500(alpha, api_client_for):
    # `-21:13` is a valid datetime for Python but PostgreSQL refused it: a 500 on the audit log list.
    response = api_client_for(alpha.member(Role.ADMIN)).get(
        api(alpha, "audit-log/"), {"since": "2026-04-11T13:12:26-21:13"})
    assert response.status_code == 400
    assert "since" in response.json()


def test_a_date_time_filter_with_a_real_offset_still_filters(alpha, api_client_for):
    response = api_client_for(alpha.member(Role.ADMIN)).get(
        api(alpha, "audit-log/"), {"since": "2026-04-11T13:12:26+05:30"})
    assert response.status_code == 200


def test_an_empty_unread_flag_is_refused(alpha, api_client_for):
    response = api_client_for(alpha.member(Role.SALES_MANAGER)).get(api(alpha, "notifications/?unread="))
    assert response.status_code == 400
    assert "unread" in response.json()


def test_an_empty_string_for_a_related_field_is_a_field_error_not_null(alpha, api_client_for):
    api = api_client_for(alpha.members["admin"])
    response = api.post(f"/api/v1/companies/{alpha.company.slug}/invitations/",
                        {"email": "new.person@alpha.test", "role": "executive", "department": ""}, format="json")
    assert response.status_code == 400
    assert "department" in response.json()
