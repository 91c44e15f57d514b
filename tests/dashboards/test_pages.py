"""Dashboard pages and exports: render, permissions, bad filters, empty states, files that parse."""

import csv
import io

import pytest
from django.urls import reverse
from django_scopes import scope
from openpyxl import load_workbook

from accounts.models import Role
from dashboards import png
from dashboards.catalogue import COMPANY_CHARTS, DEPARTMENT_CHARTS
from dashboards.models import DashboardSettings
from tests.factories import DepartmentAuditFactory


def url(tenant, name, query="", **kwargs):
    return reverse(f"dashboards:{name}", kwargs={"company_slug": tenant.company.slug, **kwargs}) + query


def test_executive_dashboard_renders_every_chart_with_summary_and_table(alpha, history, client_for):
    response = client_for(alpha.member(Role.EXECUTIVE)).get(url(alpha, "executive"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-figure-url="/api/v1/companies/alpha/dashboard/charts/') == len(COMPANY_CHARTS)
    assert html.count("<details>") == len(COMPANY_CHARTS)
    assert "Sales technology fell 28 points over 2 rounds, from 69 in 2025-Q2 to 41" in html
    assert "How we compute" in html
    assert "vendor/plotly/plotly.min.js" in html and "<script>" not in html
    # Each "show as table" is filled in the browser from its chart's JSON (which carries the table).
    assert html.count('class="chart-table" data-table-for="chart-') == len(COMPANY_CHARTS)


def test_filters_travel_in_the_query_string(alpha, history, client_for):
    sales = alpha.departments["sales"]
    html = client_for(alpha.member(Role.ADMIN)).get(url(alpha, "executive", f"?from=2025-Q3&department={sales.pk}")
                                                    ).content.decode()
    assert f"from=2025-Q3&amp;department={sales.pk}" in html


@pytest.mark.parametrize("query", ["?from=2025-Q4&to=2025-Q1", "?department=x", "?from=nope"])
def test_bad_filters_show_form_errors(alpha, history, client_for, query):
    response = client_for(alpha.member(Role.EXECUTIVE)).get(url(alpha, "executive", query))
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()


def test_new_company_sees_what_to_do_next(alpha, client_for):
    html = client_for(alpha.member(Role.ADMIN)).get(url(alpha, "executive")).content.decode()
    assert "No audit rounds yet" in html and "responsibility matrix" in html
    assert "data-figure-url" not in html


@pytest.mark.parametrize("name,kwargs", [
    ("executive", {}), ("report", {}), ("factor", {"factor_key": "product"}),
    ("export", {"dataset": "factors", "fmt": "csv"}), ("png", {"chart": "factors"}),
])
@pytest.mark.parametrize("role", [Role.DEPARTMENT_HEAD, Role.SALES_MANAGER])
def test_company_pages_are_for_admins_and_executives(alpha, client_for, name, kwargs, role):
    assert client_for(alpha.member(role)).get(url(alpha, name, **kwargs)).status_code == 403


@pytest.mark.parametrize("name,kwargs", [
    ("executive", {}), ("report", {}), ("factor", {"factor_key": "product"}), ("my_department", {}),
    ("export", {"dataset": "scores", "fmt": "csv"}), ("settings", {}), ("png", {"chart": "factors"}),
])
def test_outsider_gets_404(alpha, beta, client_for, name, kwargs):
    assert client_for(beta.member(Role.ADMIN)).get(url(alpha, name, **kwargs)).status_code == 404


def test_department_head_lands_on_their_department(alpha, history, client_for):
    client = client_for(alpha.member(Role.DEPARTMENT_HEAD))
    response = client.get(url(alpha, "my_department"))
    sales_url = url(alpha, "department", department_id=alpha.departments["sales"].pk)
    assert response.status_code == 302 and response["Location"] == sales_url
    html = client.get(sales_url).content.decode()
    assert html.count("data-figure-url") == len(DEPARTMENT_CHARTS)
    assert "Write the sales script" in html


def test_member_without_department_gets_a_clear_page(alpha, client_for, in_scope):
    head = alpha.member(Role.DEPARTMENT_HEAD)
    with in_scope(alpha.company):
        alpha.departments["sales"].head = None
        alpha.departments["sales"].save()
        head.department = None
        head.save()
    response = client_for(head).get(url(alpha, "my_department"))
    assert response.status_code == 404 and "not assigned to a department" in response.content.decode()


def test_head_cannot_open_another_department_or_its_audits(alpha, history, client_for):
    client = client_for(alpha.member(Role.DEPARTMENT_HEAD))
    marketing = alpha.departments["marketing"]
    assert client.get(url(alpha, "department", department_id=marketing.pk)).status_code == 403
    with scope(company=alpha.company):
        audit = history["2025-Q4"].audits.get(department=marketing)
        own = history["2025-Q4"].audits.get(department=alpha.departments["sales"])
    assert client.get(url(alpha, "audit", audit_id=audit.pk)).status_code == 403
    assert client.get(url(alpha, "audit", audit_id=own.pk)).status_code == 200
    assert client.get(url(alpha, "department_export", department_id=marketing.pk, dataset="scores",
                          fmt="csv")).status_code == 403


def test_company_lines_hidden_from_heads_when_turned_off(alpha, history, client_for):
    admin = client_for(alpha.member(Role.ADMIN))
    assert admin.get(url(alpha, "settings")).status_code == 200
    response = admin.post(url(alpha, "settings"), {"weak_threshold": 50, "min_coverage": 75, "change_threshold": ""})
    assert response.status_code == 302
    with scope(company=alpha.company):
        assert DashboardSettings.objects.get(company=alpha.company).show_company_lines_to_heads is False
    sales_url = url(alpha, "department", department_id=alpha.departments["sales"].pk)
    html = client_for(alpha.member(Role.DEPARTMENT_HEAD)).get(sales_url).content.decode()
    assert "company-factors" not in html


def test_settings_are_for_admins(alpha, client_for):
    assert client_for(alpha.member(Role.EXECUTIVE)).post(url(alpha, "settings"), {}).status_code == 403


def test_another_companys_department_and_audit_are_404(alpha, beta, client_for):
    beta_audit = DepartmentAuditFactory(round__company=beta.company, department=beta.departments["sales"])
    client = client_for(alpha.member(Role.EXECUTIVE))
    assert client.get(url(alpha, "department", department_id=beta.departments["sales"].pk)).status_code == 404
    assert client.get(url(alpha, "audit", audit_id=beta_audit.pk)).status_code == 404
    assert client.get(url(alpha, "department_export", department_id=beta.departments["sales"].pk, dataset="scores",
                          fmt="csv")).status_code == 404


def test_department_page_bad_filter_is_400(alpha, client_for):
    sales_url = url(alpha, "department", "?from=2025-Q0", department_id=alpha.departments["sales"].pk)
    assert client_for(alpha.member(Role.DEPARTMENT_HEAD)).get(sales_url).status_code == 400


def test_factor_drill_down(alpha, history, client_for):
    client = client_for(alpha.member(Role.EXECUTIVE))
    response = client.get(url(alpha, "factor", factor_key="sales_tech"))
    assert response.status_code == 200 and "factor=sales_tech" in response.content.decode()
    assert client.get(url(alpha, "factor", factor_key="luck")).status_code == 404
    assert client.get(url(alpha, "factor", "?to=x", factor_key="product")).status_code == 400


def test_audit_drill_down_shows_stored_scores(alpha, history, client_for):
    with scope(company=alpha.company):
        audit = history["2025-Q4"].audits.get(department=alpha.departments["sales"])
    html = client_for(alpha.member(Role.EXECUTIVE)).get(url(alpha, "audit", audit_id=audit.pk)).content.decode()
    assert "Sales technology" in html and "<td>41</td>" in html  # whole points, as on every surface
    assert client_for(alpha.member(Role.EXECUTIVE)).get(url(alpha, "audit", audit_id=999999)).status_code == 404


def test_printable_report(alpha, history, client_for):
    client = client_for(alpha.member(Role.EXECUTIVE))
    html = client.get(url(alpha, "report", "?round=2025-Q3")).content.decode()
    assert "Quarterly report 2025-Q3" in html and "Late or missing audits" in html
    assert client.get(url(alpha, "report", "?round=2019-Q1")).status_code == 400
    assert client.get(url(alpha, "report", "?round=zzz")).status_code == 400


def test_report_empty_state(alpha, client_for):
    html = client_for(alpha.member(Role.EXECUTIVE)).get(url(alpha, "report")).content.decode()
    assert "No audit rounds yet" in html


@pytest.mark.parametrize("dataset", [*sorted(COMPANY_CHARTS), "scores"])
def test_csv_exports_parse(alpha, history, client_for, dataset):
    response = client_for(alpha.member(Role.EXECUTIVE)).get(url(alpha, "export", dataset=dataset, fmt="csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) >= 2 and rows[0]


def test_all_scores_xlsx_opens_in_a_spreadsheet(alpha, history, client_for):
    response = client_for(alpha.member(Role.EXECUTIVE)).get(url(alpha, "export", "?from=2025-Q4",
                                                                dataset="scores", fmt="xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Round", "Department", "Factor key")
    assert len(rows) == 1 + 4 * 7 and {r[0] for r in rows[1:]} == {"2025-Q4"}


def test_chart_xlsx_and_department_export(alpha, history, client_for):
    client = client_for(alpha.member(Role.DEPARTMENT_HEAD))
    response = client.get(url(alpha, "department_export", department_id=alpha.departments["sales"].pk,
                              dataset="department-factors", fmt="xlsx"))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 1 + 3 * 7


@pytest.mark.parametrize("path_kwargs,query,status", [
    ({"dataset": "pie", "fmt": "csv"}, "", 404), ({"dataset": "factors", "fmt": "pdf"}, "", 404),
    ({"dataset": "factors", "fmt": "csv"}, "?to=bad", 400),
    ({"dataset": "factor-departments", "fmt": "csv"}, "", 400),
])
def test_export_bad_input(alpha, client_for, path_kwargs, query, status):
    assert client_for(alpha.member(Role.ADMIN)).get(url(alpha, "export", query, **path_kwargs)).status_code == status


def test_server_png_or_a_clear_message(alpha, history, client_for):
    response = client_for(alpha.member(Role.EXECUTIVE)).get(url(alpha, "png", chart="system-index"))
    if png.available():
        assert response.status_code == 200 and response.content[:8] == b"\x89PNG\r\n\x1a\n"
    else:
        assert response.status_code == 501 and b"not available here" in response.content
    assert client_for(alpha.member(Role.EXECUTIVE)).get(url(alpha, "png", chart="pie")).status_code == 404


def test_nav_links_by_role(alpha, client_for):
    home = reverse("company_home", kwargs={"company_slug": "alpha"})
    assert url(alpha, "executive") in client_for(alpha.member(Role.EXECUTIVE)).get(home).content.decode()
    head_html = client_for(alpha.member(Role.DEPARTMENT_HEAD)).get(home).content.decode()
    assert url(alpha, "my_department") in head_html and f'href="{url(alpha, "executive")}"' not in head_html
