"""The executive dashboard in Debian's chromium on the demo data (audits.demo: sales technology declines,
IT is late): charts draw without console errors, the story is in the headline, filters redraw, a heatmap
click opens the audit, and a new company sees its empty state. Screenshots: artifacts/screenshots/."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from accounts.models import Role
from audits import demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
CHART_COUNT = 8


def sign_in(page, live_server, user):
    """Put a signed-in session cookie into the browser (no need to drive the login form)."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                               "url": live_server.url}])


def wait_for_charts(page, count=CHART_COUNT):
    # Locator assertions run in Playwright's own world: no eval in the page, so the strict CSP holds.
    expect(page.locator('.chart[data-drawn="1"]')).to_have_count(count, timeout=20000)


def test_executive_dashboard_draws_filters_and_drills_down(chromium_page, live_server, alpha):
    demo.build(company=alpha.company, progress=lambda *args: None)  # the demo company's eight quarters
    page = chromium_page
    sign_in(page, live_server, alpha.user(Role.EXECUTIVE))
    SHOTS.mkdir(parents=True, exist_ok=True)

    page.goto(f"{live_server.url}/c/alpha/dashboard/")
    wait_for_charts(page)
    assert page.locator(".js-plotly-plot").count() == CHART_COUNT
    expect(page.locator(".chart-table table")).to_have_count(CHART_COUNT)  # "show as table", from the same JSON
    page.locator("#chart-heatmap-title ~ details summary").click()
    expect(page.locator('[data-table-for="chart-heatmap"] th[scope="row"] a').first).to_have_attribute(
        "href", re.compile(r"/c/alpha/dashboard/audits/\d+/"))
    page.screenshot(path=str(SHOTS / "dashboard_executive.png"), full_page=True)
    assert page.errors == []
    headline = page.locator(".dash-sentences").inner_text()
    assert re.search(r"Weak \(under 50\) in \d{4}-Q\d: Sales technology", headline)  # the declining factor (open Q4 aside)…
    assert "Most often late or missing: IT" in headline  # …and the late department, read first

    page.select_option("#id_department", label="Sales")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**department=*")
    wait_for_charts(page)
    assert page.locator("#chart-heatmap .js-plotly-plot, #chart-heatmap.js-plotly-plot").count() == 1
    assert "Sales" in page.locator("#chart-heatmap-summary").inner_text()
    page.screenshot(path=str(SHOTS / "dashboard_filtered_sales.png"), full_page=True)
    assert page.errors == []

    heatmap = page.locator("#chart-heatmap .nsewdrag").first
    heatmap.scroll_into_view_if_needed()
    box = heatmap.bounding_box()
    # In the demo Sales answers sales technology only: the sixth of seven columns.
    page.mouse.click(box["x"] + box["width"] * 5.5 / 7, box["y"] + box["height"] * 0.5)
    page.wait_for_url("**/dashboard/audits/*/", timeout=10000)
    assert "Sales" in page.locator("h1").inner_text()
    page.screenshot(path=str(SHOTS / "dashboard_audit_drilldown.png"), full_page=True)
    assert page.errors == []


def test_new_company_sees_the_empty_state(chromium_page, live_server, alpha):
    page = chromium_page
    sign_in(page, live_server, alpha.user(Role.ADMIN))
    page.goto(f"{live_server.url}/c/alpha/dashboard/")
    assert page.get_by_role("heading", name="No audit rounds yet").is_visible()
    assert page.locator(".js-plotly-plot").count() == 0
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "dashboard_empty_state.png"), full_page=True)
    assert page.errors == []


def test_executive_page_draws_its_charts_from_its_own_json_without_requesting_them(chromium_page, live_server, alpha):
    demo.build(company=alpha.company, progress=lambda *args: None)
    page = chromium_page
    sign_in(page, live_server, alpha.user(Role.EXECUTIVE))
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{live_server.url}/c/alpha/dashboard/")
    wait_for_charts(page)
    expect(page.locator(".chart-table table")).to_have_count(CHART_COUNT)
    assert [url for url in requested if "/dashboard/charts/" in url] == []
    assert page.errors == []
