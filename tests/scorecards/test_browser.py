"""In Debian's chromium: a manager types today's activity with the keyboard; the head of sales opens the team
view and both charts draw without console errors. Screenshots: artifacts/screenshots/scorecards_*.png."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from accounts.models import Role
from scorecards.models import ActivityEntry
from tests.scorecards.test_selectors import audit_round

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"


def sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": live_server.url}])


def test_manager_daily_entry_and_head_of_sales_team_view(chromium_page, live_server, alpha, team):
    page = chromium_page
    SHOTS.mkdir(parents=True, exist_ok=True)
    seller = team["seller"]

    sign_in(page, live_server, seller.user)
    page.goto(f"{live_server.url}/c/alpha/scorecards/activity/")
    today_calls = page.locator("tr.today input.count").first
    expect(today_calls).to_be_focused()  # the cursor waits in today's first box
    page.keyboard.type("37")
    page.keyboard.press("Tab")
    page.keyboard.type("3")
    page.keyboard.press("Tab")
    page.keyboard.type("2")
    page.screenshot(path=str(SHOTS / "scorecards_entry_typed.png"), full_page=True)
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your activity is saved.")).to_be_visible()
    page.screenshot(path=str(SHOTS / "scorecards_entry_saved.png"), full_page=True)
    with scopes_disabled():
        entry = ActivityEntry.objects.get(manager=seller, date="2026-04-15")
    assert (entry.calls, entry.meetings, entry.proposals) == (37, 3, 2)
    assert page.errors == []

    audit_round(alpha)  # product and sales technology are the weakest factors of 2026-Q1
    sign_in(page, live_server, alpha.user(Role.DEPARTMENT_HEAD))
    page.goto(f"{live_server.url}/c/alpha/scorecards/team/?period=2026-Q1")
    expect(page.locator("body[data-charts-ready=true]")).to_have_count(1, timeout=20000)
    expect(page.locator("#quadrant-chart .js-plotly-plot, #quadrant-chart.js-plotly-plot")).to_have_count(1)
    expect(page.locator("#verdict-chart .js-plotly-plot, #verdict-chart.js-plotly-plot")).to_have_count(1)
    expect(page.locator("#quadrant-chart .point")).to_have_count(2)
    expect(page.get_by_role("cell", name="Below the norm: calls at 58 % of norm; knowledge 52.")).to_be_visible()
    expect(page.get_by_role("cell", name="The manager did their part; look at Product and Sales technology (under 50 in the audit).")
           ).to_be_visible()
    page.screenshot(path=str(SHOTS / "scorecards_team.png"), full_page=True)
    assert page.errors == []

    page.get_by_role("link", name="Weak Seller").click()
    expect(page.get_by_role("heading", name="The manager's shortfall")).to_be_visible()
    page.screenshot(path=str(SHOTS / "scorecards_manager.png"), full_page=True)
    assert page.errors == []
