"""A new user's first minutes, in a real browser: sign in with the printed demo account."""

import re

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_admin_signs_in_through_the_form_and_lands_on_the_demo_company(page, screenshot):
    call_command("demo", "--quiet-summary", "--people-only")
    page.goto("/accounts/login/")
    page.get_by_label(re.compile("email", re.IGNORECASE)).fill("admin@demo.example")
    page.get_by_label(re.compile("password", re.IGNORECASE)).fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name=re.compile("sign in", re.IGNORECASE)).click()
    page.wait_for_url(re.compile(r"/c/demo/$"))
    expect(page).to_have_title(re.compile("Demo Manufacturing"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Demo Manufacturing")
    path = screenshot(page, "login-demo-admin")
    assert path.stat().st_size > 0


def test_wrong_password_stays_on_the_form_with_an_error(page, screenshot):
    UserFactory(email="someone@example.com")
    page.goto("/accounts/login/")
    page.get_by_label(re.compile("email", re.IGNORECASE)).fill("someone@example.com")
    page.get_by_label(re.compile("password", re.IGNORECASE)).fill("not-the-password")
    page.get_by_role("button", name=re.compile("sign in", re.IGNORECASE)).click()
    expect(page.locator(".errorlist").first).to_be_visible()
    assert page.url.endswith("/accounts/login/")
    screenshot(page, "login-wrong-password")
