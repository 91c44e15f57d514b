import pytest
from accounts.models import Role
from dashboards import views
from tests.dashboards.conftest import build_history
from tests.dashboards.test_dashboard_browser import sign_in
from playwright.sync_api import expect

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

def test_debug(chromium_page, live_server, alpha, monkeypatch):
    build_history(alpha, ["2025-Q3", "2025-Q4"])
    logs = []
    chromium_page.on("console", lambda m: logs.append(m.text) if m.text.startswith("DBG") else None)
    chromium_page.add_init_script("""
document.addEventListener('securitypolicyviolation', e => console.log('DBG VIOL', JSON.stringify(e.sample), e.violatedDirective));
const orig = Element.prototype.setAttribute;
Element.prototype.setAttribute = function(n, v) { if (String(n).toLowerCase() === 'style') console.log('DBG SETATTR', this.tagName, JSON.stringify(v), new Error().stack.split('\\n').slice(1,5).join(' | ')); return orig.call(this, n, v); };
""")
    sign_in(chromium_page, live_server, alpha.user(Role.EXECUTIVE))
    out = {}
    for name in ["system-index"]:
        monkeypatch.setattr(views, "EXECUTIVE_ORDER", [name])
        chromium_page.errors.clear()
        chromium_page.goto(f"{live_server.url}/c/alpha/dashboard/")
        print("URLDBG", chromium_page.url, chromium_page.errors, logs)
        chromium_page.screenshot(path="/tmp/h5_dbg.png")
        expect(chromium_page.locator('.chart[data-drawn="1"]')).to_have_count(1, timeout=20000)
        chromium_page.wait_for_timeout(300)
        out[name] = len(chromium_page.errors)
    print("CSPDEBUG", out); print("\n".join(logs))
