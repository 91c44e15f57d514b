"""Onboarding: the checklist reflects the company's real state on the overview, its own page and the API;
one click (or call) starts from the default departments and the proposed matrix."""

import pytest
from django_scopes import scope, scopes_disabled

from accounts.models import Department, Role
from audits.models import FactorResponsibility, Schedule
from tests.factories import CompanyFactory, MembershipFactory, RoundFactory

CHECKLIST_KEYS = ["departments", "matrix", "people", "schedule", "first_round", "norms"]


@pytest.fixture
def fresh(db):
    """A company just signed up: its admin alone, no departments."""
    company = CompanyFactory(slug="fresh", name="Fresh Co", language="en")
    return MembershipFactory(company=company, role=Role.ADMIN)


def api_steps(api, slug="fresh"):
    response = api.get(f"/api/v1/companies/{slug}/onboarding/")
    assert response.status_code == 200
    return {step["key"]: step["done"] for step in response.json()["steps"]}, response.json()["complete"]


def test_a_new_company_has_every_step_open_in_order(fresh, api_client_for):
    response = api_client_for(fresh).get("/api/v1/companies/fresh/onboarding/")
    steps = response.json()["steps"]
    assert [s["key"] for s in steps] == CHECKLIST_KEYS
    assert not any(s["done"] for s in steps) and response.json()["complete"] is False
    assert steps[0]["page"].endswith("/c/fresh/departments/")


def test_the_overview_shows_the_checklist_with_links_to_each_page(fresh, client_for):
    page = client_for(fresh).get("/c/fresh/").content.decode()
    assert 'id="onboarding-title"' in page
    for path in ("/c/fresh/departments/", "/c/fresh/audits/matrix/", "/c/fresh/invitations/",
                 "/c/fresh/audits/schedule/", "/c/fresh/audits/", "/c/fresh/scorecards/settings/"):
        assert f'href="{path}"' in page


def test_defaults_create_departments_and_the_matrix_in_one_click(fresh, client_for, api_client_for):
    response = client_for(fresh).post("/c/fresh/onboarding/defaults/")
    assert response.status_code == 302 and response["Location"] == "/c/fresh/departments/"
    with scopes_disabled():
        names = sorted(Department.objects.filter(company=fresh.company).values_list("name", flat=True))
        accountable = FactorResponsibility.objects.filter(company=fresh.company, responsibility="accountable")
        assert accountable.values("factor").distinct().count() == 7
    assert names == ["IT", "Management", "Marketing", "Product", "Sales"]
    done, _complete = api_steps(api_client_for(fresh))
    assert done["departments"] and done["matrix"] and not done["people"]


def test_defaults_are_named_in_the_company_language_and_created_once(db, api_client_for):
    company = CompanyFactory(slug="svezhaya", language="ru")
    admin = MembershipFactory(company=company, role=Role.ADMIN)
    api = api_client_for(admin)
    first = api.post("/api/v1/companies/svezhaya/onboarding/defaults/")
    again = api.post("/api/v1/companies/svezhaya/onboarding/defaults/")
    assert first.status_code == 200 and again.status_code == 200
    assert sorted(d["name"] for d in first.json()["created"]) == ["ИТ", "Маркетинг", "Продажи", "Продукт",
                                                                   "Руководство"]
    assert again.json()["created"] == []
    assert first.json()["checklist"]["steps"][1]["done"] is True  # every factor has an accountable department


def test_every_step_ticks_off_from_real_data_and_the_checklist_disappears(fresh, api_client_for, client_for):
    api = api_client_for(fresh)
    company = fresh.company
    api.post("/api/v1/companies/fresh/onboarding/defaults/")
    api.post("/api/v1/companies/fresh/invitations/", {"email": "head@fresh.test", "role": "department_head"},
             format="json")
    assert api.patch("/api/v1/companies/fresh/schedule/", {"answer_window_days": 10},
                     format="json").status_code == 200
    api.patch("/api/v1/companies/fresh/scorecards/settings/", {"calls_per_day": 30}, format="json")
    done, complete = api_steps(api)
    assert not done["first_round"] and not complete
    with scopes_disabled():
        RoundFactory(company=company)
    done, complete = api_steps(api)
    assert all(done.values()) and complete
    page = client_for(fresh).get("/c/fresh/").content.decode()
    assert 'id="onboarding-title"' not in page
    settings_page = client_for(fresh).get("/c/fresh/settings/").content.decode()
    assert 'href="/c/fresh/onboarding/"' in settings_page
    checklist_page = client_for(fresh).get("/c/fresh/onboarding/")
    assert checklist_page.status_code == 200 and "Every step is done" in checklist_page.content.decode()


def test_a_saved_schedule_counts_even_with_the_default_values(fresh, api_client_for):
    with scope(company=fresh.company):
        schedule = Schedule.objects.get(company=fresh.company)
    assert api_client_for(fresh).put("/api/v1/companies/fresh/schedule/", {
        "cadence": schedule.cadence, "opening_day": schedule.opening_day,
        "answer_window_days": schedule.answer_window_days, "is_active": schedule.is_active,
    }, format="json").status_code == 200
    done, _complete = api_steps(api_client_for(fresh))
    assert done["schedule"]


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.SALES_MANAGER])
def test_only_the_admin_sees_and_runs_onboarding(alpha, role, api_client_for, client_for):
    member = alpha.member(role)
    assert api_client_for(member).get("/api/v1/companies/alpha/onboarding/").status_code == 403
    assert api_client_for(member).post("/api/v1/companies/alpha/onboarding/defaults/").status_code == 403
    client = client_for(member)
    assert client.get("/c/alpha/onboarding/").status_code == 403
    assert client.post("/c/alpha/onboarding/defaults/").status_code == 403
    assert 'id="onboarding-title"' not in client.get("/c/alpha/").content.decode()


def test_another_company_is_404(alpha, beta, api_client_for, client_for):
    admin = alpha.member(Role.ADMIN)
    assert api_client_for(admin).get("/api/v1/companies/beta/onboarding/").status_code == 404
    assert client_for(admin).post("/c/beta/onboarding/defaults/").status_code == 404


def test_defaults_page_answers_get_with_405(fresh, client_for):
    assert client_for(fresh).get("/c/fresh/onboarding/defaults/").status_code == 405
