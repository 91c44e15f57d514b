"""The pages each role of the demo company reaches from its home, and signed-in browser contexts to visit them.

Shared by the whole-site browser checks (phone widths, axe, chart text): each walks the same list, so a page
added to a home or the navigation is checked by all of them without touching any test.
"""

from django.conf import settings
from django.test import Client
from playwright.sync_api import Error as PlaywrightError

ROLES = {
    "admin": "admin@demo.example",
    "executive": "exec@demo.example",
    "department_head": "head.sales@demo.example",
    "sales_manager": "sales1@demo.example",
}
HOME = "/c/demo/"
# Pages a role reaches in one more click than the navigation: the quarterly report from the dashboard.
EXTRA_PAGES = {"executive": ["/c/demo/dashboard/report/"]}
# Files, not pages: exports, PNG charts, evidence and calendar downloads.
DOWNLOAD_MARKERS = ("/export/", "/png/", "/evidence/", ".csv", ".xlsx", ".ics", "/calendar/", "/download", "/pdf/")

# Collects same-origin company links of the page (the home and the navigation on it), downloads left out.
LINKS_JS = """(home) => [...document.querySelectorAll('a[href]')]
    .filter(a => !a.hasAttribute('download') && a.origin === location.origin && a.pathname.startsWith(home))
    .map(a => a.pathname + a.search)"""


def is_page(path):
    return not any(marker in path for marker in DOWNLOAD_MARKERS)


def signed_in_context(browser, live_server, email, viewport, language=None):
    """A browser context carrying a session of `email` (Django's test client signs in, no form needed).

    `language` ("en"/"ru") sets Django's language cookie; without it the company's language applies.
    """
    client = Client()
    assert client.login(username=email, password=settings.DEMO_PASSWORD), email
    context = browser.new_context(base_url=live_server.url, viewport=viewport)
    context.set_default_timeout(30_000)
    cookies = {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}
    if language:
        cookies[settings.LANGUAGE_COOKIE_NAME] = language
    context.add_cookies([{"name": name, "value": value, "url": live_server.url} for name, value in cookies.items()])
    return context


def open_page(page, path):
    """Load a page; a page with charts also gets to fetch and draw them (they change the layout)."""
    response = page.goto(path, wait_until="load")
    if page.locator("[data-figure-url]").count():
        try:
            page.wait_for_load_state("networkidle", timeout=10_000)
        except PlaywrightError:  # a chart still loading is measured as it is
            pass
    return response


def reachable_pages(page, role):
    """The home, every company page linked from it (its navigation included) and the role's extras, once each."""
    open_page(page, HOME)
    paths = [HOME] + [path for path in page.evaluate(LINKS_JS, HOME) if is_page(path)] + EXTRA_PAGES.get(role, [])
    return list(dict.fromkeys(paths))
