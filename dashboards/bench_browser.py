"""The executive dashboard in a browser: first byte of the page and the time until every chart is drawn.

Runs Django behind a live server thread (the one LiveServerTestCase uses, static files included) on the bench's
large company, signs in with a session cookie, then measures
- first byte: the median time from sending the GET to receiving the response headers (httpx, keep-alive);
- charts drawn: in Debian's Chromium through Playwright, from the navigation's start (performance.now()) until
  every `.chart[data-figure-url]` holds a drawn Plotly chart (`.js-plotly-plot .main-svg`, marked drawn by
  static/js/dashboards/charts.js after Plotly.react resolved) — the median of a few page loads.
Without Chromium or Playwright the browser rows are SKIP with the reason.
"""

import os
import shutil
import statistics
import time

import httpx
from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.test import Client
from django.test.testcases import LiveServerThread
from django.test.utils import override_settings

from accounts import benchtable

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TTFB_TARGET_MS, DRAWN_TARGET_MS = 100, 1000
ALL_DRAWN = """() => {
    const charts = [...document.querySelectorAll('.chart[data-figure-url]')];
    const done = charts.filter(c => c.dataset.drawn === '1' && c.querySelector('.main-svg')
                                    || c.querySelector('.chart-error'));
    return charts.length > 0 && done.length === charts.length;
}"""


class Server:
    """Django's live server thread on a free port, serving static files as in development."""

    def __enter__(self):
        # The live server is a development server: it serves the bench's own throw-away company, never the world.
        self.overrides = override_settings(ALLOWED_HOSTS=["*"], DEBUG=False)
        self.overrides.enable()
        self.thread = LiveServerThread("127.0.0.1", StaticFilesHandler)
        self.thread.daemon = True
        self.thread.start()
        self.thread.is_ready.wait()
        if self.thread.error:
            raise self.thread.error
        self.url = f"http://127.0.0.1:{self.thread.port}"
        return self

    def __exit__(self, *exc):
        self.thread.terminate()
        self.overrides.disable()


def session_cookie(user):
    """A signed-in session for the user (the store every worker thread of the live server reads)."""
    client = Client()
    client.force_login(user)
    return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}


def first_byte_ms(url, cookies, runs):
    """(median, fastest) ms from sending the request to the response headers, after two warm-ups."""
    times = []
    with httpx.Client(cookies=cookies, timeout=30) as client:
        for run in range(runs + 2):
            started = time.perf_counter()
            with client.stream("GET", url) as response:
                elapsed = (time.perf_counter() - started) * 1000
                assert response.status_code == 200, (url, response.status_code)
                response.read()
            if run >= 2:
                times.append(elapsed)
    return statistics.median(times), min(times)


def charts_drawn_ms(base_url, path, cookies, loads):
    """(median ms from navigation start until every chart is drawn, number of charts), or (None, reason)."""
    chromium = shutil.which("chromium")
    if chromium is None:
        return None, "Debian's chromium is not installed"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None, "the playwright package is not installed"
    # Playwright's sync API runs an event loop in this thread; the ORM is not used from it meanwhile.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    times, charts = [], 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(base_url=base_url, locale="en-US", viewport={"width": 1280, "height": 900})
            context.add_cookies([{"name": name, "value": value, "url": base_url} for name, value in cookies.items()])
            page = context.new_page()
            for load in range(loads + 1):
                page.goto(path, wait_until="commit")
                page.wait_for_function(ALL_DRAWN, timeout=60_000, polling=10)
                elapsed = page.evaluate("performance.now()")
                charts = page.locator(".chart[data-figure-url] .main-svg").count() and \
                    page.locator(".chart[data-figure-url]").count()
                errors = page.locator(".chart .chart-error").count()
                if errors:
                    return None, f"{errors} chart(s) failed to load"
                if load:  # the first load warms the browser's cache of plotly.js, as for a returning reader
                    times.append(elapsed)
        finally:
            browser.close()
    return statistics.median(times), charts


def run(stdout, *, user, slug, quick):
    """Measure, print, and add the two rows to the bench table."""
    path = f"/c/{slug}/dashboard/"
    with Server() as server:
        cookies = session_cookie(user)
        ttfb, fastest = first_byte_ms(server.url + path, cookies, runs=5 if quick else 15)
        stdout.write(f"executive page first byte: median {ttfb:.1f} ms, fastest {fastest:.1f} ms (httpx, live server "
                     f"thread)\n")
        drawn, detail = charts_drawn_ms(server.url, path, cookies, loads=2 if quick else 5)
    if drawn is None:
        stdout.write(f"charts drawn: not measured ({detail})\n")
    else:
        stdout.write(f"executive page in Chromium: all {detail} charts drawn {drawn:.0f} ms after navigation start "
                     f"(median)\n")
    benchtable.add("browser: executive page first byte (large company)", value=ttfb, target=TTFB_TARGET_MS, unit="ms",
                   timing=True, note="target on PostgreSQL")
    benchtable.add("browser: all charts drawn in Chromium", value=drawn, target=DRAWN_TARGET_MS, unit="ms",
                   timing=True, note=f"{detail} charts" if drawn is not None else detail)
