"""Phones: every company page each role reaches from its home and navigation fits 390 px without sideways
scrolling, and no form control or question ends up under a sticky or fixed bar when it gets the focus.

One browser and one signed-in context per role (the session cookie comes from Django's test client, so no
sign-in form per page). The demo data gives every page something to show (rounds, audits, scorecards).
Screenshots of each home, the executive dashboard, the questionnaire and the quarterly report at 390 px and
1440 px are saved under SCREENS (printed by the test) for a person to look at.
"""

import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from tests.browser.crawl import HOME, ROLES, open_page, reachable_pages, signed_in_context
from tests.browser_support import SCREENSHOTS

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}
SCREENS = SCREENSHOTS / "screens"
OTHER_WIDTHS = (360, 768)  # the smallest phones and a tablet, checked by resizing the same page
# (role, path) → screenshot name, saved at 390 px during the check and at 1440 px afterwards.
SHOTS = {
    **{(role, HOME): f"home-{role}" for role in ("admin", "executive", "department_head", "sales_manager")},
    ("executive", "/c/demo/dashboard/"): "dashboard",
    ("executive", "/c/demo/dashboard/report/"): "report",
    ("department_head", "/c/demo/audits/my/"): "questionnaire",
}
# Focuses every visible control and question the way a keyboard or a tap would (the browser scrolls it into
# view), then names the ones that a sticky or fixed element still covers.
COVERED_JS = """() => {
  const stickies = [...document.querySelectorAll('body *')].filter(el => {
    const p = getComputedStyle(el).position;
    return (p === 'sticky' || p === 'fixed') && el.checkVisibility();
  });
  if (!stickies.length) return [];
  const targets = [...document.querySelectorAll(
    'input:not([type=hidden]), select, textarea, button, fieldset.question > legend')]
    .filter(el => el.checkVisibility({visibilityProperty: true}) && !stickies.some(s => s.contains(el)));
  const covered = [];
  for (const el of targets) {
    if (el.matches('legend')) el.scrollIntoView({block: 'nearest'}); else el.focus();
    const r = el.getBoundingClientRect();
    for (const s of stickies) {
      const b = s.getBoundingClientRect();
      const overlap = Math.min(r.bottom, b.bottom) - Math.max(r.top, b.top);
      if (overlap > 1 && Math.min(r.right, b.right) > Math.max(r.left, b.left)) {
        covered.push(`${el.tagName.toLowerCase()}${el.name ? '[name=' + el.name + ']' : ''} under ` +
                     `${s.tagName.toLowerCase()}.${s.className} by ${Math.round(overlap)} px`);
        break;
      }
    }
  }
  document.activeElement && document.activeElement.blur();
  window.scrollTo(0, 0);
  return covered;
}"""
OVERFLOW_JS = "() => document.documentElement.scrollWidth - window.innerWidth"


def overflow_at(page, widths):
    """{width: px too wide} for each width where the page scrolls sideways (the page is resized, not reloaded)."""
    too_wide = {}
    has_charts = page.locator("[data-figure-url]").count() > 0
    for width in widths:
        page.set_viewport_size({"width": width, "height": PHONE["height"]})
        if has_charts:
            page.wait_for_timeout(500)  # plotly redraws a responsive chart for the new width after a short delay
        extra = page.evaluate(OVERFLOW_JS)
        if extra > 0:
            too_wide[width] = extra
    page.set_viewport_size(PHONE)
    return too_wide


def check_page(page, role, path, report):
    """Measure one page at phone width (and 360/768 px) and note its problems in `report`."""
    response = open_page(page, path)
    if response is None or response.status >= 500:
        report.errors.append(f"{role} {path}: answered {response.status if response else 'nothing'}")
        return
    if response.status >= 400 or "text/html" not in response.headers.get("content-type", ""):
        return
    final = urlsplit(page.url).path
    if final in report.seen[role]:  # a redirect to a page already measured (e.g. "My audit" → the audit)
        return
    report.seen[role].add(final)
    report.visited += 1
    for width, extra in overflow_at(page, (PHONE["width"], *OTHER_WIDTHS)).items():
        report.overflows.append(f"{role} {path} at {width} px: {extra} px too wide")
    report.covered += [f"{role} {path}: {what}" for what in page.evaluate(COVERED_JS)]
    name = SHOTS.get((role, path))
    if name:
        page.screenshot(path=str(SCREENS / f"{name}-{PHONE['width']}.png"), full_page=True)


def desktop_screens(browser, live_server):
    """The same screenshots at desktop width, one context per role."""
    for role, email in ROLES.items():
        shots = [(path, name) for (shot_role, path), name in SHOTS.items() if shot_role == role]
        context = signed_in_context(browser, live_server, email, DESKTOP)
        page = context.new_page()
        for path, name in shots:
            open_page(page, path)
            page.screenshot(path=str(SCREENS / f"{name}-{DESKTOP['width']}.png"), full_page=True)
        context.close()


@dataclass
class Report:
    visited: int = 0
    seen: dict = field(default_factory=lambda: {role: set() for role in ROLES})
    errors: list = field(default_factory=list)
    overflows: list = field(default_factory=list)
    covered: list = field(default_factory=list)


def test_every_page_of_every_role_fits_a_phone_and_nothing_hides_under_a_sticky_bar(browser, live_server):
    started = time.monotonic()
    call_command("demo", "--quiet-summary")
    built = time.monotonic()
    SCREENS.mkdir(parents=True, exist_ok=True)
    report = Report()
    for role, email in ROLES.items():
        context = signed_in_context(browser, live_server, email, PHONE)
        page = context.new_page()
        for path in reachable_pages(page, role):
            check_page(page, role, path, report)
        context.close()
    checked = time.monotonic()
    desktop_screens(browser, live_server)
    timing = f"demo {built - started:.0f} s, pages {checked - built:.0f} s, desktop shots {time.monotonic() - checked:.0f} s"
    problems = report.errors + report.overflows + report.covered
    print(f"\n{report.visited} pages checked at {PHONE['width']} px (and {OTHER_WIDTHS}); screenshots in {SCREENS}; {timing}")
    print("\n".join(problems))
    assert len(report.seen["admin"]) > 10, "the admin reached too few pages: is the navigation there?"
    assert not problems, f"{len(problems)} problems on {report.visited} pages:\n" + "\n".join(problems)
