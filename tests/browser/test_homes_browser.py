"""Every role of the demo company signs in through the form, lands on its home and reaches its main job in one
click: the job's button is on screen without scrolling at 1440 × 900, present at 390 × 844 with nothing scrolling
sideways, and leads to the right page. Screenshots of each home at both widths go to artifacts/screenshots/homes/.
"""

import re
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django_scopes import scope

from accounts import home
from accounts.models import Company, Membership
from audits.home import open_audits
from tests.browser_support import SCREENSHOTS

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = SCREENSHOTS / "homes"
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
ACCOUNTS = {
    "executive": "exec@demo.example",
    "department_head": "head.sales@demo.example",
    "sales_manager": "sales1@demo.example",
    "admin": "admin@demo.example",
}


def destination(role, email):
    """Where the role's main job must lead in the demo company, worked out from the data, not from the page."""
    company = Company.objects.get(slug="demo")
    slug = {"company_slug": "demo"}
    with scope(company=company):
        membership = Membership.objects.select_related("company").get(company=company, user__email=email)
        if role == "executive":
            return reverse("dashboards:executive", kwargs=slug)
        if role == "sales_manager":
            return reverse("scorecards:entry", kwargs=slug)
        if role == "department_head":
            rows = open_audits(membership=membership)
            return rows[0].url if rows else reverse("dashboards:my_department", kwargs=slug)
        request = SimpleNamespace(company=company, membership=membership)
        return home.sections_for_admin(request)[0].context["admin_main"]["url"]


def sign_in(browser, live_server, email, viewport):
    context = browser.new_context(base_url=live_server.url, locale="en-US", viewport=viewport)
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label(re.compile("email", re.IGNORECASE)).fill(email)
    page.get_by_label(re.compile("password", re.IGNORECASE)).fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name=re.compile("sign in", re.IGNORECASE)).click()
    page.wait_for_url(re.compile(r"/c/demo/$"))
    return context, page


def test_each_role_reaches_its_main_job_in_one_click_from_its_home(browser, live_server):
    call_command("demo", "--quiet-summary")
    SHOTS.mkdir(parents=True, exist_ok=True)
    for role, email in ACCOUNTS.items():
        expected = destination(role, email)

        context, page = sign_in(browser, live_server, email, PHONE)
        job = page.locator(f'[data-main-job="{role}"]')
        assert job.count() == 1 and job.is_visible(), f"{role}: no main job on the phone home"
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, \
            f"{role}: the home scrolls sideways at 390 px"
        page.screenshot(path=str(SHOTS / f"home-{role}-390.png"), full_page=True)
        context.close()

        context, page = sign_in(browser, live_server, email, DESKTOP)
        job = page.locator(f'[data-main-job="{role}"]')
        box = job.bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= DESKTOP["height"], \
            f"{role}: the main job is below the fold at 1440 × 900 ({box})"
        assert page.evaluate("window.scrollY") == 0
        page.screenshot(path=str(SHOTS / f"home-{role}-1440.png"), full_page=True)
        if role == "executive":  # what an executive reads first is above the fold too
            for selector in ("#home-index-title", "#home-factors-title", "#home-actions-title", ".home-sentences"):
                top = page.locator(selector).first.bounding_box()
                assert top is not None and top["y"] < DESKTOP["height"], f"executive: {selector} below the fold"
        job.click()
        page.wait_for_load_state("load")
        assert urlsplit(page.url).path == expected, f"{role}: the main job led to {page.url}, not {expected}"
        context.close()
