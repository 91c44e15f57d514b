"""Scorecard API: idempotent bulk upsert, lists, plans, diagnosis, team data, permissions, bad input."""

import pytest
from django_scopes import scopes_disabled

from accounts.models import Membership, Role
from scorecards.models import ActivityEntry, ImportBatch, PlanResult
from tests.scorecards.conftest import add_manager

pytestmark = pytest.mark.django_db
BASE = "/api/v1/companies/alpha/scorecards"


def bulk_body(email="seller@alpha.test", calls=40):
    return {"rows": [{"email": email, "date": "2026-04-01", "calls": calls, "meetings": 2, "proposals": 1},
                     {"email": email, "date": "2026-04-02", "calls": 35}]}


def post_bulk(api, body, key="crm-sync-1"):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return api.post(f"{BASE}/activity/bulk/", body, format="json", **headers)


def activity_total(tenant):
    with scopes_disabled():
        return sum(ActivityEntry.objects.filter(company=tenant.company).values_list("calls", flat=True))


def test_bulk_upsert_applies_rows(alpha, api_client_for, frozen_after_quarter):
    response = post_bulk(api_client_for(alpha.member(Role.ADMIN)), bulk_body())
    assert response.status_code == 200, response.json()
    assert response.json() == {"created": 2, "updated": 0, "rows": 2, "idempotency_key": "crm-sync-1"}
    assert activity_total(alpha) == 75


def test_retry_with_the_same_key_returns_the_stored_response_and_never_double_counts(alpha, api_client_for,
                                                                                    frozen_after_quarter):
    api = api_client_for(alpha.member(Role.ADMIN))
    first = post_bulk(api, bulk_body())
    with scopes_disabled():
        ActivityEntry.objects.filter(company=alpha.company).update(calls=1)  # a later manual correction
    retry = post_bulk(api, bulk_body())
    assert retry.status_code == 200 and retry.json() == first.json()
    assert activity_total(alpha) == 2  # the retry changed nothing
    with scopes_disabled():
        assert ImportBatch.objects.filter(company=alpha.company, key="crm-sync-1").count() == 1


def test_retry_after_the_manager_was_deactivated_still_gets_the_first_response(alpha, api_client_for,
                                                                              frozen_after_quarter):
    api = api_client_for(alpha.member(Role.ADMIN))
    first = post_bulk(api, bulk_body())
    with scopes_disabled():
        Membership.objects.filter(pk=alpha.member(Role.SALES_MANAGER).pk).update(is_active=False)
    retry = post_bulk(api, bulk_body())
    assert retry.status_code == 200 and retry.json() == first.json()
    assert activity_total(alpha) == 75


def test_same_key_with_a_different_body_is_a_conflict(alpha, api_client_for, frozen_after_quarter):
    api = api_client_for(alpha.member(Role.ADMIN))
    post_bulk(api, bulk_body())
    response = post_bulk(api, bulk_body(calls=99))
    assert response.status_code == 409
    assert activity_total(alpha) == 75


def test_same_key_in_another_company_is_independent(alpha, beta, api_client_for, frozen_after_quarter):
    post_bulk(api_client_for(alpha.member(Role.ADMIN)), bulk_body())
    response = api_client_for(beta.member(Role.ADMIN)).post(
        "/api/v1/companies/beta/scorecards/activity/bulk/", bulk_body("seller@beta.test"), format="json",
        HTTP_IDEMPOTENCY_KEY="crm-sync-1")
    assert response.status_code == 200 and response.json()["created"] == 2


def test_missing_idempotency_key_is_a_400(alpha, api_client_for, frozen_after_quarter):
    response = post_bulk(api_client_for(alpha.member(Role.ADMIN)), bulk_body(), key=None)
    assert response.status_code == 400 and "idempotency_key" in response.json()


def test_bad_rows_get_per_row_errors_and_nothing_is_saved(alpha, beta, api_client_for, frozen_after_quarter):
    body = {"rows": [
        {"email": "seller@alpha.test", "date": "2026-04-01", "calls": 3},
        {"email": "seller@alpha.test", "date": "2026-04-02", "calls": -1},
        {"email": "seller@beta.test", "date": "2026-04-01", "calls": 1},
        {"email": "seller@alpha.test", "date": "2027-01-01", "calls": 1},
        {"email": "seller@alpha.test", "date": "2026-04-01", "calls": 4},
    ]}
    response = post_bulk(api_client_for(alpha.member(Role.ADMIN)), body)
    assert response.status_code == 400
    errors = response.json()["rows"]
    assert set(errors) == {"1", "2", "3", "4"}
    assert errors["1"] == {"calls": "Counts cannot be negative."}
    assert errors["2"] == {"manager": "No member of this company has this email address."}
    assert "future" in errors["3"]["date"]
    assert "Duplicate" in errors["4"]["row"]
    assert activity_total(alpha) == 0
    # A failed request does not burn its key: the corrected body may use it.
    assert post_bulk(api_client_for(alpha.member(Role.ADMIN)), bulk_body()).status_code == 200


@pytest.mark.parametrize("body", [{}, {"rows": []}, {"rows": "x"}, {"rows": [{"email": "nope", "date": "x"}]},
                                  {"rows": [{"email": "seller@alpha.test", "date": "2026-04-01", "calls": "many"}]},
                                  {"period": "2026-Q9", "rows": [{"email": "seller@alpha.test", "date": "2026-04-01"}]}])
def test_malformed_bodies_are_400(alpha, api_client_for, frozen_after_quarter, body):
    assert post_bulk(api_client_for(alpha.member(Role.ADMIN)), body).status_code == 400


def test_period_in_the_body_refuses_dates_outside_it(alpha, api_client_for, frozen_after_quarter):
    response = post_bulk(api_client_for(alpha.member(Role.ADMIN)), {"period": "2026-Q1", **bulk_body()})
    assert response.status_code == 400 and "outside the period" in response.json()["rows"]["0"]["date"]


def test_sales_manager_may_post_only_their_own_rows(alpha, api_client_for, frozen_after_quarter):
    add_manager(alpha, "other@alpha.test")
    api = api_client_for(alpha.member(Role.SALES_MANAGER))
    assert post_bulk(api, bulk_body(), key="own").status_code == 200
    response = post_bulk(api, bulk_body("other@alpha.test"), key="other")
    assert response.status_code == 400 and "may not enter" in response.json()["rows"]["0"]["manager"]


@pytest.mark.parametrize("role", [Role.EXECUTIVE])
def test_executive_cannot_write_activity(alpha, api_client_for, frozen_after_quarter, role):
    assert post_bulk(api_client_for(alpha.member(role)), bulk_body()).status_code == 403


def test_other_department_head_gets_403_everywhere(alpha, other_head, api_client_for, team):
    api = api_client_for(other_head)
    seller = team["seller"].pk
    for url in ["activity/", "plans/", "team/", f"managers/{seller}/diagnosis/"]:
        assert api.get(f"{BASE}/{url}").status_code == 403, url
    assert post_bulk(api, bulk_body()).status_code == 403


def test_outsider_gets_404(alpha, beta, api_client_for, team):
    api = api_client_for(beta.member(Role.ADMIN))
    for url in ["activity/", "plans/", "team/", f"managers/{team['seller'].pk}/diagnosis/"]:
        assert api.get(f"{BASE}/{url}").status_code == 404, url
    assert post_bulk(api, bulk_body()).status_code == 404


def test_anonymous_is_refused(anon_api, alpha):
    assert anon_api.get(f"{BASE}/team/").status_code in (401, 403)


def test_activity_list_shows_a_manager_only_their_own_rows(alpha, api_client_for, team):
    data = api_client_for(team["seller"]).get(f"{BASE}/activity/?period=2026-Q1").json()
    assert data["count"] == 64 and {r["email"] for r in data["results"]} == {"seller@alpha.test"}
    everyone = api_client_for(alpha.member(Role.DEPARTMENT_HEAD)).get(f"{BASE}/activity/").json()
    assert everyone["count"] == 128


def test_activity_list_rejects_bad_filters(alpha, api_client_for, team):
    api = api_client_for(alpha.member(Role.ADMIN))
    assert api.get(f"{BASE}/activity/?period=soon").status_code == 400
    assert api.get(f"{BASE}/activity/?manager=abc").status_code == 400


def test_manager_cannot_read_another_managers_diagnosis(alpha, api_client_for, team):
    api = api_client_for(team["seller"])
    assert api.get(f"{BASE}/managers/{team['weak'].pk}/diagnosis/?period=2026-Q1").status_code == 404
    assert api.get(f"{BASE}/managers/{team['seller'].pk}/diagnosis/?period=2026-Q1").status_code == 200


def test_manager_cannot_read_the_team(alpha, api_client_for, team):
    assert api_client_for(team["seller"]).get(f"{BASE}/team/").status_code == 403


def test_diagnosis_explains_the_verdict(alpha, api_client_for, team):
    data = api_client_for(alpha.member(Role.DEPARTMENT_HEAD)).get(
        f"{BASE}/managers/{team['weak'].pk}/diagnosis/?period=2026-Q1").json()
    assert data["verdict"] == "manager"
    assert data["sentence"] == "Below the norm: calls at 58 % of norm; knowledge 52."
    assert data["explanation"]["thresholds"]["activity"] == 90
    assert data["explanation"]["plan"]["attainment"] == 50.0


def test_diagnosis_of_an_unknown_or_foreign_manager_is_404(alpha, beta, api_client_for, team):
    api = api_client_for(alpha.member(Role.ADMIN))
    assert api.get(f"{BASE}/managers/{beta.member(Role.SALES_MANAGER).pk}/diagnosis/").status_code == 404
    assert api.get(f"{BASE}/managers/{alpha.member(Role.EXECUTIVE).pk}/diagnosis/").status_code == 404
    assert api.get(f"{BASE}/managers/{team['seller'].pk}/diagnosis/?period=Q5").status_code == 400


def test_team_data_holds_counts_sentence_and_figures(alpha, api_client_for, team):
    data = api_client_for(alpha.member(Role.EXECUTIVE)).get(f"{BASE}/team/?period=2026-Q1").json()
    assert data["counts"]["system"] == 1 and data["counts"]["manager"] == 1
    assert {m["name"] for m in data["managers"]} == {"Seller Seller", "Weak Seller"} or len(data["managers"]) == 2
    assert data["figures"]["quadrant"]["data"][0]["type"] == "scatter"
    assert len(data["figures"]["quadrant"]["data"][0]["x"]) == 2
    assert data["figures"]["verdicts"]["layout"]["barmode"] == "stack"
    assert [h["period"] for h in data["history"]][-1] == "2026-Q1"


def test_plans_can_be_listed_and_saved_by_the_head_of_sales(alpha, api_client_for, team):
    api = api_client_for(alpha.member(Role.DEPARTMENT_HEAD))
    body = {"manager": team["weak"].pk, "period": "2026-Q2", "plan_deals": 0, "actual_deals": 2,
            "plan_revenue": "201", "actual_revenue": "100.50"}
    response = api.post(f"{BASE}/plans/", body, format="json")
    assert response.status_code == 200 and response.json()["period"] == "2026-Q2"
    listed = api.get(f"{BASE}/plans/?period=2026-Q2").json()
    assert listed["count"] == 1
    # No deals planned: the revenue plan alone is the attainment.
    diag = api.get(f"{BASE}/managers/{team['weak'].pk}/diagnosis/?period=2026-Q2").json()
    assert diag["explanation"]["plan"]["deals"] is None and diag["explanation"]["plan"]["attainment"] == 50.0


def test_plan_of_zero_is_refused_with_a_clear_message(alpha, api_client_for, team):
    api = api_client_for(alpha.member(Role.DEPARTMENT_HEAD))
    body = {"manager": team["weak"].pk, "period": "2026-Q2", "plan_deals": 0, "actual_deals": 2,
            "plan_revenue": "0", "actual_revenue": "100.50"}
    response = api.post(f"{BASE}/plans/", body, format="json")
    assert response.status_code == 400
    assert "plan of zero" in str(response.json()["plan_deals"])
    with scopes_disabled():
        assert not PlanResult.objects.filter(period="2026-Q2").exists()


def test_plan_input_is_validated(alpha, beta, api_client_for, team):
    api = api_client_for(alpha.member(Role.ADMIN))
    bad = {"manager": team["weak"].pk, "period": "2026-Q2", "plan_deals": -1, "actual_deals": 0,
           "plan_revenue": "0", "actual_revenue": "0"}
    assert api.post(f"{BASE}/plans/", bad, format="json").status_code == 400
    assert api.post(f"{BASE}/plans/", {**bad, "plan_deals": 1, "period": "someday"}, format="json").status_code == 400
    foreign = {**bad, "plan_deals": 1, "manager": beta.member(Role.SALES_MANAGER).pk}
    assert api.post(f"{BASE}/plans/", foreign, format="json").status_code == 404
    with scopes_disabled():
        assert not PlanResult.objects.filter(period="2026-Q2").exists()


def test_managers_and_executives_cannot_save_plans(alpha, api_client_for, team):
    body = {"manager": team["seller"].pk, "period": "2026-Q2", "plan_deals": 1, "actual_deals": 9,
            "plan_revenue": "1", "actual_revenue": "9"}
    for role in (Role.SALES_MANAGER, Role.EXECUTIVE):
        assert api_client_for(alpha.member(role)).post(f"{BASE}/plans/", body, format="json").status_code == 403


def test_api_token_of_the_company_can_bulk_upsert(alpha, frozen_after_quarter):
    from django_scopes import scope
    from rest_framework.test import APIClient

    from accounts.services import api_token_create

    with scope(company=alpha.company):
        raw = api_token_create(membership=alpha.member(Role.ADMIN), name="crm")[1]
    api = APIClient()
    response = api.post(f"{BASE}/activity/bulk/", bulk_body(), format="json", HTTP_IDEMPOTENCY_KEY="t1",
                        HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200

