"""Import of past rounds in a real browser at phone width: template link, upload, preview, confirm, imported rounds.

The admin's session comes from Django's test client. Celery runs eagerly in tests, so confirming imports within
the request and the page shows the outcome; every page is checked for sideways scrolling at 390 px.
"""

import re

import pytest
from django.conf import settings
from django.test import Client
from django_scopes import scope
from playwright.sync_api import expect

from accounts.models import Role
from audits import services
from audits.models import Factor, Round
from tests.audits.conftest import build_questionnaire, standard_cells

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
OVERFLOW_JS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
HISTORY = "\n".join(["period;department;question code;value;comment;submitted"] + [
    f"{period};Sales;{key}-scale;{value};;{day}"
    for period, day, value in (("2026-Q2", "2026-04-10", 3), ("2026-Q3", "2026-07-25", 4))
    for key in ("product", "customers", "strategy", "sales_tech")])


@pytest.fixture
def admin_page(browser, live_server, alpha):
    with scope(company=alpha.company):
        build_questionnaire(alpha.company, {f.key: f for f in Factor.objects.all()})
        services.matrix_set(company=alpha.company, cells=standard_cells(alpha))
    client = Client()
    client.force_login(alpha.user(Role.ADMIN))
    context = browser.new_context(base_url=live_server.url, locale="en-US", viewport=PHONE)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                          "url": live_server.url}])
    context.set_default_timeout(30_000)
    yield context.new_page()
    context.close()


def fits_phone(page):
    assert page.evaluate(OVERFLOW_JS) <= 0, f"{page.url} scrolls sideways at 390 px"


def test_admin_imports_history_from_the_rounds_page_on_a_phone(admin_page, alpha, tmp_path, screenshot):
    page = admin_page
    page.goto("/c/alpha/audits/")
    page.get_by_role("link", name="Import past rounds from a spreadsheet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import past rounds")
    expect(page.get_by_role("link", name="Template (XLSX)")).to_be_visible()
    fits_phone(page)
    upload = tmp_path / "history.csv"
    upload.write_text(HISTORY, encoding="cp1251")
    page.get_by_label("History file (CSV or XLSX)").set_input_files(str(upload))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("Rows read")).to_be_visible()
    fits_phone(page)
    screenshot(page, "history-import-preview-390")
    page.get_by_role("button", name="Import 2 rounds").click()
    expect(page.get_by_text("2 rounds imported.")).to_be_visible()
    page.get_by_role("link", name="See the rounds").click()
    expect(page.locator("tbody .badge", has_text="imported")).to_have_count(2)
    fits_phone(page)
    page.get_by_role("link", name="2026-Q3").click()
    expect(page.get_by_text(re.compile("Imported from history"))).to_be_visible()
    expect(page.locator(".badge.warn", has_text="late")).to_be_visible()  # submitted 25 July, deadline 15 July
    fits_phone(page)
    with scope(company=alpha.company):
        assert Round.objects.filter(is_imported=True).count() == 2
