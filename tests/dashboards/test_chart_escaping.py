"""Department names are text in every chart, never Plotly markup: `<b>`/`<a href>` in a name shows as typed."""

import json

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import Role
from dashboards.catalogue import COMPANY_CHARTS, DEPARTMENT_CHARTS

MARKUP = "<b>X</b><a href=x>y</a>"
ESCAPED = "&lt;b&gt;X&lt;/b&gt;&lt;a href=x&gt;y&lt;/a&gt;"
# Charts that name departments (the rest must simply carry no raw markup).
NAMING_DEPARTMENTS = {"factors", "heatmap", "completion-departments", "factor-departments",
                      "department-factors", "company-factors"}


@pytest.fixture
def marked_up(alpha, history):
    """Alpha's history with the Sales department (accountable for sales technology) renamed to markup."""
    sales = alpha.departments["sales"]
    with scopes_disabled():
        sales.name = MARKUP
        sales.save(update_fields=["name"])
    return sales


def chart_urls(tenant, department):
    slug = tenant.company.slug
    for chart in sorted(COMPANY_CHARTS):
        yield chart, reverse("api-dashboard-chart", kwargs={"company_slug": slug, "chart": chart})
    yield "factor-departments", reverse("api-dashboard-chart", kwargs={
        "company_slug": slug, "chart": "factor-departments"}) + "?factor=sales_tech"
    for chart in sorted(DEPARTMENT_CHARTS):
        yield chart, reverse("api-department-dashboard-chart", kwargs={
            "company_slug": slug, "department_id": department.pk, "chart": chart})


def test_department_name_is_escaped_in_every_chart_figure(alpha, marked_up, api_client_for):
    api = api_client_for(alpha.member(Role.EXECUTIVE))
    for chart, url in chart_urls(alpha, marked_up):
        response = api.get(url)
        assert response.status_code == 200, (chart, response.content)
        figure = json.dumps(response.json()["figure"], ensure_ascii=False)
        assert MARKUP not in figure and "<a href" not in figure, chart
        assert "&amp;lt;" not in figure, chart  # escaped once, or the hover shows "&lt;b&gt;"
        if chart in NAMING_DEPARTMENTS:
            assert ESCAPED in figure, chart
