import pytest
from accounts.models import Role
from dashboards import views
from tests.dashboards.conftest import build_history
from tests.dashboards.test_dashboard_browser import sign_in
from playwright.sync_api import expect

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

def test_debug(chromium_page, live_server, alpha, monkeypatch):
    build_history(alpha, ["2025-Q3", "2025-Q4"])
    sign_in(chromium_page, live_server, alpha.user(Role.EXECUTIVE))
    out = {}
    for name in list(views.EXECUTIVE_ORDER):
        monkeypatch.setattr(views, "EXECUTIVE_ORDER", [name])
        chromium_page.errors.clear()
        chromium_page.goto(f"{live_server.url}/c/alpha/dashboard/")
        expect(chromium_page.locator('.chart[data-drawn="1"]')).to_have_count(1, timeout=20000)
        chromium_page.wait_for_timeout(300)
        out[name] = len(chromium_page.errors)
    print("CSPDEBUG", out, chromium_page.errors)
