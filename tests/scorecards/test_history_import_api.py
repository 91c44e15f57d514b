"""Scorecard history import through the API: dry run, import with an Idempotency-Key, per-row errors, retries,
the same rows under a new key, roles and tenants, and answers that match the OpenAPI schema."""

import datetime

import pytest
from django_scopes import scopes_disabled

from accounts.models import Role
from scorecards.models import ActivityEntry, ImportBatch, KnowledgeRating, PlanResult
from tests.accounts.api_helpers import company_url, issue_token

pytestmark = pytest.mark.django_db

PLANS = [{"email": "seller@alpha.test", "period": "2026-Q1", "plan_deals": 10, "actual_deals": 8,
          "plan_revenue": "1000000.00", "actual_revenue": "950000.50"},
         {"email": "SELLER@alpha.test", "period": "2025-Q4", "plan_deals": 10, "actual_deals": 11}]
RATINGS = [{"email": "seller@alpha.test", "period": "2026-Q1", "rating": 72, "note": "Knows the product"}]
ACTIVITY = [{"email": "seller@alpha.test", "date": "2026-03-02", "calls": 40, "meetings": 2, "proposals": 1}]


@pytest.fixture
def admin_api(alpha, api_client_for, frozen_after_quarter):
    return api_client_for(alpha.member(Role.ADMIN))


def post(api, tenant, kind, body, key="hist-1"):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return api.post(company_url(tenant, f"scorecards/history-imports/{kind}/"), body, format="json", **headers)


def count(model, tenant):
    with scopes_disabled():
        return model.objects.filter(company=tenant.company).count()


def test_dry_run_answers_the_preview_and_writes_nothing(alpha, admin_api):
    response = post(admin_api, alpha, "plans", {"rows": PLANS, "dry_run": True})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["kind"], body["rows_read"], body["created"], body["updated"], body["error_count"]) == (
        "plans", 2, 2, 0, 0)
    assert body["dry_run"] is True and body["idempotency_key"] == "hist-1"
    assert count(PlanResult, alpha) == 0 and count(ImportBatch, alpha) == 0


def test_import_creates_rows_and_a_retry_returns_the_first_answer(alpha, admin_api):
    first = post(admin_api, alpha, "plans", {"rows": PLANS})
    assert first.status_code == 201, first.json()
    assert first.json() == {"kind": "plans", "rows": 2, "created": 2, "updated": 0, "idempotency_key": "hist-1"}
    again = post(admin_api, alpha, "plans", {"rows": PLANS})
    assert again.status_code == 201 and again.json() == first.json()
    assert count(PlanResult, alpha) == 2
    with scopes_disabled():
        row = PlanResult.objects.get(company=alpha.company, period="2026-Q1")
    assert str(row.actual_revenue) == "950000.50"


def test_the_same_rows_under_a_new_key_create_nothing_new(alpha, admin_api):
    assert post(admin_api, alpha, "ratings", {"rows": RATINGS}).status_code == 201
    response = post(admin_api, alpha, "ratings", {"rows": RATINGS}, key="hist-2")
    assert response.status_code == 201 and (response.json()["created"], response.json()["updated"]) == (0, 1)
    assert count(KnowledgeRating, alpha) == 1


def test_the_same_key_with_another_body_is_a_conflict(alpha, admin_api):
    assert post(admin_api, alpha, "ratings", {"rows": RATINGS}).status_code == 201
    changed = [{**RATINGS[0], "rating": 10}]
    assert post(admin_api, alpha, "ratings", {"rows": changed}).status_code == 409
    # The key of a plans import is not reusable for ratings with the same body either.
    assert post(admin_api, alpha, "plans", {"rows": RATINGS}).status_code in (400, 409)
    with scopes_disabled():
        assert KnowledgeRating.objects.get(company=alpha.company).score == 72


def test_row_errors_answer_400_with_row_and_column_and_write_nothing(alpha, beta, admin_api):
    rows = [*PLANS, {"email": beta.user(Role.SALES_MANAGER).email, "period": "2026-Q1", "plan_deals": 1},
            {"email": "seller@alpha.test", "period": "2027-Q1", "plan_deals": 1},
            {"email": "seller@alpha.test", "period": "2026-Q1", "plan_deals": 3}]
    response = post(admin_api, alpha, "plans", {"rows": rows})
    assert response.status_code == 400
    body = response.json()
    assert body["rows_read"] == 5 and body["rows_with_errors"] == 3
    assert {(e["row"], e["column"]) for e in body["errors"]} == {(2, "email"), (3, "period"), (4, "row")}
    assert count(PlanResult, alpha) == 0 and count(ImportBatch, alpha) == 0


def test_activity_rows_check_dates_and_counts(alpha, admin_api):
    rows = [*ACTIVITY, {"email": "seller@alpha.test", "date": "2026-05-01", "calls": 1},
            {"email": "seller@alpha.test", "date": "2026-03-03", "calls": -1}]
    body = post(admin_api, alpha, "activity", {"rows": rows, "dry_run": True}).json()
    assert {(e["row"], e["column"], e["message"]) for e in body["errors"]} == {
        (1, "date", "2026-05-01 is in the future."), (2, "calls", "Counts cannot be negative.")}
    assert post(admin_api, alpha, "activity", {"rows": ACTIVITY}).status_code == 201
    assert count(ActivityEntry, alpha) == 1
    outside = post(admin_api, alpha, "activity", {"rows": ACTIVITY, "period": "2025-Q4"}, key="hist-3").json()
    assert outside["errors"] == [{"row": 0, "column": "date", "message": "2026-03-02 is outside the period 2025-Q4."}]


@pytest.mark.parametrize(("body", "field"), [
    ({}, "rows"), ({"rows": []}, "rows"), ({"rows": [{"email": "x@alpha.test"}]}, "rows"),
    ({"rows": [{**RATINGS[0], "rating": "high"}]}, "rows"), ({"rows": RATINGS, "dry_run": "maybe"}, "dry_run"),
])
def test_bad_bodies_are_field_errors(alpha, admin_api, body, field):
    response = post(admin_api, alpha, "ratings", body)
    assert response.status_code == 400 and field in response.json()


def test_a_missing_idempotency_key_is_a_400(alpha, admin_api):
    response = post(admin_api, alpha, "ratings", {"rows": RATINGS}, key=None)
    assert response.status_code == 400 and "idempotency_key" in response.json()


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.SALES_MANAGER])
@pytest.mark.parametrize("kind", ["activity", "plans", "ratings"])
def test_only_admins_import(alpha, api_client_for, role, kind):
    response = post(api_client_for(alpha.member(role)), alpha, kind, {"rows": RATINGS, "dry_run": True})
    assert response.status_code == 403


def test_another_company_gets_404(alpha, beta, api_client_for):
    response = post(api_client_for(beta.member(Role.ADMIN)), alpha, "plans", {"rows": PLANS})
    assert response.status_code == 404
    assert count(PlanResult, alpha) == 0


@pytest.mark.parametrize(("kind", "rows", "dry_run", "status"), [
    ("plans", PLANS, True, 200), ("plans", PLANS, False, 201), ("ratings", RATINGS, False, 201),
    ("activity", ACTIVITY, False, 201), ("ratings", [{**RATINGS[0], "rating": 101}], False, 400),
])
def test_answers_match_the_openapi_schema(alpha, time_machine, kind, rows, dry_run, status):
    from tests.fuzz.runner import _SameConnection, call_and_check, load_schema

    time_machine.move_to(datetime.datetime(2026, 4, 15, 12, tzinfo=datetime.UTC), tick=False)
    _token, raw = issue_token(alpha.member(Role.ADMIN))
    operation = load_schema()[f"/api/v1/companies/{{company_slug}}/scorecards/history-imports/{kind}/"]["POST"]
    with _SameConnection():
        case = operation.Case(path_parameters={"company_slug": alpha.company.slug},
                              body={"rows": rows, "dry_run": dry_run}, headers={"Idempotency-Key": "schema-1"})
        response = call_and_check(case, {"Authorization": f"Bearer {raw}"})
    assert response.status_code == status
