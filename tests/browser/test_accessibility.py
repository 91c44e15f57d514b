"""axe-core finds no serious or critical accessibility problem on any page a role of the demo company reaches
from its home (the same pages as the phone-width check, tests/browser/crawl.py), as every role.

axe-core comes inside the axe-playwright-python package (axe.min.js); the test also proves nothing is fetched
from anywhere but the live server while the pages are checked. One browser context per role, one page
reused for all of that role's pages; charts are drawn before axe runs, so their SVG is checked too.
"""

import time
from collections import Counter
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from tests.browser.crawl import HOME, ROLES, open_page, reachable_pages, signed_in_context

pytestmark = pytest.mark.django_db(transaction=True)

BLOCKING = {"serious", "critical"}
VIEWPORT = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# Every rule axe runs by default; only the violations come back (passes would multiply the payload).
AXE_OPTIONS = {"resultTypes": ["violations"]}


def wait_for_charts(page):
    """Charts draw after load; axe must see them drawn (their SVG and focus handling are checked too)."""
    page.wait_for_function("""() => [...document.querySelectorAll('[data-figure-url]')]
        .every(c => c.querySelector('.main-svg') || c.querySelector('.chart-error'))""", timeout=30_000)


def axe_findings(axe, page, role, path):
    """[(impact, rule id, "role path: target — help")] of every violation axe reports on the open page."""
    results = axe.run(page, options=AXE_OPTIONS)
    return [(v["impact"], v["id"], f"{role} {path}: {node['target']} — {v['help']}")
            for v in results.response["violations"] for node in v["nodes"]]


def test_no_serious_or_critical_axe_violation_on_any_page_of_any_role(browser, live_server):
    started = time.monotonic()
    call_command("demo", "--quiet-summary")
    built = time.monotonic()
    axe = Axe()
    server = urlsplit(live_server.url).netloc
    elsewhere, findings, pages = [], [], 0
    for role, email in ROLES.items():
        context = signed_in_context(browser, live_server, email, VIEWPORT)
        context.on("request", lambda request: elsewhere.append(request.url)
                   if urlsplit(request.url).netloc not in (server, "") else None)
        page = context.new_page()
        seen = set()
        for path in reachable_pages(page, role):
            response = open_page(page, path)
            if response is None or response.status >= 400 or "text/html" not in response.headers.get("content-type", ""):
                continue
            if urlsplit(page.url).path in seen:  # a redirect to a page already checked
                continue
            seen.add(urlsplit(page.url).path)
            wait_for_charts(page)
            pages += 1
            findings += axe_findings(axe, page, role, path)
        # The home once more at phone width, where the navigation collapses into a menu.
        page.set_viewport_size(PHONE)
        open_page(page, HOME)
        pages += 1
        findings += axe_findings(axe, page, role, f"{HOME} at {PHONE['width']} px")
        context.close()
    blocking = [f for f in findings if f[0] in BLOCKING]
    by_rule = Counter(f"{impact} {rule}" for impact, rule, _where in findings)
    print(f"\naxe on {pages} pages: demo {built - started:.0f} s, pages {time.monotonic() - built:.0f} s; "
          f"violations by rule: {dict(sorted(by_rule.items()))}")
    print("\n".join(where for _impact, _rule, where in blocking))
    assert pages > 30, "too few pages checked: is the navigation there?"
    assert not elsewhere, f"requests to other hosts: {elsewhere}"
    assert not blocking, f"{len(blocking)} serious or critical axe violations:\n" + "\n".join(
        f"{impact} {rule} {where}" for impact, rule, where in blocking)
