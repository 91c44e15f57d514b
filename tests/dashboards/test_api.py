"""Dashboard API: figures, summary and rows; 404 for outsiders, 403 for roles, 400 for bad filters."""

import pytest
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from accounts.models import Role
from dashboards.catalogue import COMPANY_CHARTS, DEPARTMENT_CHARTS
from dashboards.services import dashboard_settings_update


def url(tenant, name, query="", **kwargs):
    return reverse(name, kwargs={"company_slug": tenant.company.slug, **kwargs}) + query


@pytest.mark.parametrize("chart", sorted(COMPANY_CHARTS))
def test_executive_gets_every_chart_as_a_figure(alpha, history, api_client_for, chart):
    response = api_client_for(alpha.member(Role.EXECUTIVE)).get(url(alpha, "api-dashboard-chart", chart=chart))
    assert response.status_code == 200
    body = response.json()
    assert body["chart"] == chart and body["summary"] and body["title"]
    assert body["figure"]["data"] and body["figure"]["layout"]["title"]["text"]
    assert body["table"]["columns"]


def test_heatmap_cells_carry_the_audit_urls(alpha, history, api_client_for):
    body = api_client_for(alpha.member(Role.ADMIN)).get(url(alpha, "api-dashboard-chart", "?round=2025-Q3",
                                                            chart="heatmap")).json()
    links = {link for row in body["figure"]["data"][0]["customdata"] for link in row if link}
    assert links and all(link.startswith("/c/alpha/dashboard/audits/") for link in links)
    table = body["table"]  # the "show as table" alternative: each department row links to its audit
    assert len(table["row_links"]) == len(table["rows"])
    assert {link for link in table["row_links"] if link} <= links


def test_factor_drill_down_chart_needs_a_factor(alpha, history, api_client_for):
    api = api_client_for(alpha.member(Role.EXECUTIVE))
    assert api.get(url(alpha, "api-dashboard-chart", "?factor=sales_tech", chart="factor-departments")).status_code == 200
    response = api.get(url(alpha, "api-dashboard-chart", chart="factor-departments"))
    assert response.status_code == 400 and "factor" in response.json()


def test_summary_leads_with_the_sentences(alpha, history, api_client_for):
    body = api_client_for(alpha.member(Role.EXECUTIVE)).get(url(alpha, "api-dashboard-summary")).json()
    assert body["period"] == "2025-Q4"
    texts = " ".join(s["text"] for s in body["sentences"])
    assert "Sales technology fell 28 points over 2 rounds, from 69 in 2025-Q2 to 41" in texts
    fall = next(s for s in body["sentences"] if s["kind"] == "factor_change" and s["factor"] == "sales_tech")
    assert (fall["values"]["start"], fall["values"]["end"], fall["values"]["delta"], fall["values"]["steps"]) == \
        (69, 41, -28, 2)
    assert fall["provisional"] is False and fall["coverage"]["departments_answered"] == 4
    assert [w["key"] for w in body["weak"]] == ["sales_tech"]
    assert body["status"] == "final" and body["coverage"]["departments_expected"] == 5


def test_data_returns_every_row_set(alpha, history, api_client_for):
    body = api_client_for(alpha.member(Role.EXECUTIVE)).get(url(alpha, "api-dashboard-data", "?from=2025-Q3")).json()
    assert [r["period"] for r in body["rounds"]] == ["2025-Q3", "2025-Q4"]
    assert {"factors", "heatmap", "movers", "completion_by_department", "open_actions"} <= set(body)
    assert body["filters"] == {"from": "2025-Q3"}


def test_empty_company_gets_empty_rows_not_errors(alpha, api_client_for):
    api = api_client_for(alpha.member(Role.EXECUTIVE))
    assert api.get(url(alpha, "api-dashboard-summary")).json()["sentences"] == []
    assert api.get(url(alpha, "api-dashboard-chart", chart="heatmap")).json()["figure"]["data"] == []


@pytest.mark.parametrize("name,kwargs", [
    ("api-dashboard-summary", {}), ("api-dashboard-data", {}), ("api-dashboard-chart", {"chart": "factors"}),
])
def test_outsider_gets_404(alpha, beta, history, api_client_for, name, kwargs):
    assert api_client_for(beta.member(Role.EXECUTIVE)).get(url(alpha, name, **kwargs)).status_code == 404


def test_anonymous_is_refused(alpha, anon_api):
    assert anon_api.get(url(alpha, "api-dashboard-summary")).status_code in (401, 403)


@pytest.mark.parametrize("role", [Role.DEPARTMENT_HEAD, Role.SALES_MANAGER])
@pytest.mark.parametrize("name,kwargs", [
    ("api-dashboard-summary", {}), ("api-dashboard-data", {}), ("api-dashboard-chart", {"chart": "heatmap"}),
])
def test_company_dashboard_is_for_admins_and_executives(alpha, history, api_client_for, role, name, kwargs):
    assert api_client_for(alpha.member(role)).get(url(alpha, name, **kwargs)).status_code == 403


def test_unknown_chart_is_404(alpha, api_client_for):
    assert api_client_for(alpha.member(Role.ADMIN)).get(url(alpha, "api-dashboard-chart", chart="pie")).status_code == 404


@pytest.mark.parametrize("query,field", [
    ("?from=2025-Q5", "from"), ("?to=garbage", "to"), ("?from=2025-Q4&to=2025-Q1", "to"),
    ("?department=abc", "department"), ("?department=999999", "department"), ("?round=20x5", "round"),
    ("?factor=luck", "factor"), ("?from=%00", "from"),
])
def test_bad_filters_are_field_errors(alpha, history, api_client_for, query, field):
    response = api_client_for(alpha.member(Role.EXECUTIVE)).get(url(alpha, "api-dashboard-data", query))
    assert response.status_code == 400
    assert field in response.json()


def test_another_companys_department_is_a_field_error(alpha, beta, history, api_client_for):
    query = f"?department={beta.departments['sales'].pk}"
    response = api_client_for(alpha.member(Role.EXECUTIVE)).get(url(alpha, "api-dashboard-summary", query))
    assert response.status_code == 400 and "department" in response.json()


# ---------------------------------------------------------------- department dashboard API

@pytest.mark.parametrize("chart", sorted(DEPARTMENT_CHARTS))
def test_head_gets_their_own_department_charts(alpha, history, api_client_for, chart):
    sales = alpha.departments["sales"]
    response = api_client_for(alpha.member(Role.DEPARTMENT_HEAD)).get(
        url(alpha, "api-department-dashboard-chart", department_id=sales.pk, chart=chart))
    assert response.status_code == 200
    assert response.json()["figure"]["data"]


def test_head_gets_their_department_summary(alpha, history, api_client_for):
    sales = alpha.departments["sales"]
    body = api_client_for(alpha.member(Role.DEPARTMENT_HEAD)).get(
        url(alpha, "api-department-dashboard-summary", department_id=sales.pk)).json()
    assert body["filters"]["department"] == sales.pk


@pytest.mark.parametrize("name,kwargs", [
    ("api-department-dashboard-summary", {}), ("api-department-dashboard-chart", {"chart": "department-factors"}),
])
def test_head_cannot_see_another_department(alpha, history, api_client_for, name, kwargs):
    marketing = alpha.departments["marketing"]
    response = api_client_for(alpha.member(Role.DEPARTMENT_HEAD)).get(
        url(alpha, name, department_id=marketing.pk, **kwargs))
    assert response.status_code == 403


def test_executive_sees_any_department(alpha, history, api_client_for):
    marketing = alpha.departments["marketing"]
    assert api_client_for(alpha.member(Role.EXECUTIVE)).get(
        url(alpha, "api-department-dashboard-summary", department_id=marketing.pk)).status_code == 200


def test_sales_manager_has_no_department_dashboard(alpha, api_client_for):
    sales = alpha.departments["sales"]
    assert api_client_for(alpha.member(Role.SALES_MANAGER)).get(
        url(alpha, "api-department-dashboard-summary", department_id=sales.pk)).status_code == 403


@pytest.mark.parametrize("name,kwargs", [
    ("api-department-dashboard-summary", {}), ("api-department-dashboard-chart", {"chart": "department-factors"}),
])
def test_another_companys_department_id_is_404(alpha, beta, api_client_for, name, kwargs):
    response = api_client_for(alpha.member(Role.EXECUTIVE)).get(
        url(alpha, name, department_id=beta.departments["sales"].pk, **kwargs))
    assert response.status_code == 404


def test_department_outsider_gets_404(alpha, beta, api_client_for):
    response = api_client_for(beta.member(Role.DEPARTMENT_HEAD)).get(
        url(alpha, "api-department-dashboard-summary", department_id=alpha.departments["sales"].pk))
    assert response.status_code == 404


def test_company_lines_can_be_turned_off_for_heads(alpha, history, api_client_for, in_scope):
    with in_scope(alpha.company):
        dashboard_settings_update(company=alpha.company, show_company_lines_to_heads=False)
    sales = alpha.departments["sales"]
    chart_url = url(alpha, "api-department-dashboard-chart", department_id=sales.pk, chart="company-factors")
    assert api_client_for(alpha.member(Role.DEPARTMENT_HEAD)).get(chart_url).status_code == 403
    assert api_client_for(alpha.member(Role.EXECUTIVE)).get(chart_url).status_code == 200


def test_department_bad_period_is_400(alpha, api_client_for):
    response = api_client_for(alpha.member(Role.DEPARTMENT_HEAD)).get(url(
        alpha, "api-department-dashboard-summary", "?from=2025-Q9", department_id=alpha.departments["sales"].pk))
    assert response.status_code == 400 and "from" in response.json()


def test_endpoints_are_in_the_openapi_schema(db):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = [p for p in schema["paths"] if "/dashboard/" in p]
    assert len(paths) == 6
    chart = schema["paths"]["/api/v1/companies/{company_slug}/dashboard/charts/{chart}/"]["get"]
    assert {"from", "to", "department"} <= {p["name"] for p in chart["parameters"]}
    assert "400" in chart["responses"] and "403" in chart["responses"]
