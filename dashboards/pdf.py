"""The quarterly report as a PDF file, printed by the same Debian Chromium that draws the PNG exports.

Why Chromium and not WeasyPrint: the charts are Plotly figures, and only a browser draws them; Chromium prints
Plotly's SVG as vector graphics and embeds the (Cyrillic-capable) system fonts it used, so one renderer serves
the charts and the text. The page is given to Chromium as a string and plotly.js is added from the installed
plotly package: nothing is fetched.
"""

from django.template.loader import render_to_string

from .png import PLOTLY_JS, chromium_path

LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DRAW_TIMEOUT_MS = 20_000


def available():
    """True when Playwright and a Chromium binary are installed (the page says so otherwise)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return chromium_path() is not None


def report_pdf(context, request=None):
    """PDF bytes of templates/dashboards/report_pdf.html rendered with `context` (figures drawn first)."""
    from playwright.sync_api import sync_playwright

    html = render_to_string("dashboards/report_pdf.html", context, request=request)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=LAUNCH_ARGS)
        try:
            page = browser.new_page()
            page.set_content(html, wait_until="load")
            page.add_script_tag(path=str(PLOTLY_JS))
            page.evaluate("window.drawReport()")
            page.wait_for_function("window.reportDrawn === true", timeout=DRAW_TIMEOUT_MS)
            return page.pdf(format="A4", print_background=True,
                            margin={"top": "14mm", "bottom": "14mm", "left": "12mm", "right": "12mm"})
        finally:
            browser.close()
