"""Charts stay readable: on every chart page, at desktop and phone width, in English and Russian, no two texts
inside a chart (title, legend, tick labels, annotations, data labels) sit on each other and none is cut off
by the chart's edge or, for a data label clipped to the plot area, by the plot area.

Texts are compared as the rotated rectangles they are drawn in (getBBox mapped by getScreenCTM), so slanted
tick labels are not mistaken for overlapping by their upright bounding boxes. A tolerance of TOLERANCE px
absorbs font ascent and descent. Screenshots of each chart page go to artifacts/screenshots/charts/.
"""

import re
import time

import pytest
from django.core.management import call_command

from tests.browser.crawl import ROLES, open_page, signed_in_context
from tests.browser_support import SCREENSHOTS

pytestmark = pytest.mark.django_db(transaction=True)

CHART_SHOTS = SCREENSHOTS / "charts"
WIDTHS = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}
LANGUAGES = ("en", "ru")
TOLERANCE = 2  # px two boxes may share (font ascent/descent) or a box may stick out
DASHBOARD = "/c/demo/dashboard/"
TEAM = "/c/demo/scorecards/team/"

# Every visible <text> of each drawn chart as its four corners on screen, where it belongs (tick, legend,
# data label…), the box that clips it if any (plot area, legend), and the chart's rectangle.
TEXTS_JS = """() => [...document.querySelectorAll('.chart')].filter(c => c.querySelector('.main-svg')).map(chart => {
  const box = r => ({left: r.left, top: r.top, right: r.right, bottom: r.bottom});
  const svg = chart.querySelector('.main-svg').getBoundingClientRect();
  const plots = [...chart.querySelectorAll('.draglayer .nsewdrag')].map(d => box(d.getBoundingClientRect()));
  const texts = [];
  for (const el of chart.querySelectorAll('.main-svg text')) {
    if (!el.textContent.trim() || el.closest('.hoverlayer, defs') || !el.checkVisibility({opacityProperty: true,
        visibilityProperty: true})) continue;
    const b = el.getBBox();
    if (b.width < 1 || b.height < 1) continue;
    const m = el.getScreenCTM();
    const corners = [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height], [b.x, b.y + b.height]]
      .map(([x, y]) => [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f]);
    // A data label drawn with cliponaxis is cut at the plot area; a legend entry at the legend's box.
    let clip = null;
    const legend = el.closest('.legend');
    if (legend && legend.querySelector('rect.bg')) clip = box(legend.querySelector('rect.bg').getBoundingClientRect());
    else if (el.closest('.plot') && el.closest('[clip-path]') && plots.length) clip = plots[0];
    texts.push({text: el.textContent.trim().slice(0, 40), kind: el.getAttribute('class') ||
                el.parentElement.getAttribute('class') || 'text', corners, clip});
  }
  return {id: chart.id, svg: box(svg), plots, texts};
})"""


def shrunk(corners, by):
    """The rectangle's corners moved `by` px towards its centre along both of its sides."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = corners
    cx, cy = (x0 + x2) / 2, (y0 + y2) / 2
    result = []
    for x, y in corners:
        dx, dy = cx - x, cy - y
        length = max((dx * dx + dy * dy) ** 0.5, 1e-9)
        result.append((x + dx / length * by * 1.42, y + dy / length * by * 1.42))
    return result


def overlaps(a, b):
    """Separating-axis test of two convex quadrilaterals (lists of four corners)."""
    for shape in (a, b):
        for i in range(4):
            (x0, y0), (x1, y1) = shape[i], shape[(i + 1) % 4]
            nx, ny = y1 - y0, x0 - x1
            pa = [nx * x + ny * y for x, y in a]
            pb = [nx * x + ny * y for x, y in b]
            if max(pa) <= min(pb) or max(pb) <= min(pa):
                return False
    return True


def outside(corners, rect):
    """How many px the corners reach beyond `rect` (0 when inside, TOLERANCE allowed)."""
    xs, ys = [x for x, _y in corners], [y for _x, y in corners]
    return max(rect["left"] - min(xs), max(xs) - rect["right"], rect["top"] - min(ys), max(ys) - rect["bottom"], 0)


def chart_problems(chart):
    """Overlapping and clipped texts of one chart, as sentences."""
    problems = []
    texts = chart["texts"]
    boxes = [shrunk(t["corners"], TOLERANCE / 2) for t in texts]
    for i, first in enumerate(texts):
        for j in range(i + 1, len(texts)):
            if overlaps(boxes[i], boxes[j]):
                problems.append(f"{chart['id']}: '{first['text']}' ({first['kind']}) overlaps "
                                f"'{texts[j]['text']}' ({texts[j]['kind']})")
        beyond = outside(first["corners"], chart["svg"])
        if beyond > TOLERANCE:
            problems.append(f"{chart['id']}: '{first['text']}' ({first['kind']}) cut off by {beyond:.0f} px")
        elif first["clip"] and (beyond := outside(first["corners"], first["clip"])) > TOLERANCE:
            problems.append(f"{chart['id']}: '{first['text']}' ({first['kind']}) clipped by {beyond:.0f} px")
    return problems


def chart_pages(browser, live_server):
    """{name: path} of the pages with charts: executive dashboard, a department, a factor, the team, a manager.

    The department is reached as a person would: a heatmap row's audit, then its "over time" link.
    """
    context = signed_in_context(browser, live_server, ROLES["executive"], WIDTHS["desktop"])
    page = context.new_page()
    pages = {"executive": DASHBOARD, "team": TEAM}
    for start, name, pattern in ((DASHBOARD, "audit", r"/dashboard/audits/\d+/(\?|$)"),
                                 ("audit", "department", r"/dashboard/departments/\d+/(\?|$)"),
                                 (DASHBOARD, "factor", r"/dashboard/factors/[\w-]+/(\?|$)"),
                                 (TEAM, "manager", r"/scorecards/managers/\d+/(\?|$)")):
        open_page(page, pages.get(start, start))
        wait_for_charts(page)  # the audit links are in the tables the charts fill
        links = page.eval_on_selector_all("a[href]", "links => links.map(a => a.pathname + a.search)")
        pages[name] = next(link for link in links if re.search(pattern, link))
    context.close()
    del pages["audit"]  # a step on the way, without charts
    return pages


def wait_for_charts(page):
    """Until every chart of the page has drawn (or given up with a message)."""
    page.wait_for_function("""() => [...document.querySelectorAll('.chart[data-figure-url]')]
        .every(c => c.querySelector('.main-svg') || c.querySelector('.chart-error'))""", timeout=30_000)
    page.wait_for_timeout(300)  # plotly's automargin redraw settles after the first draw


def test_chart_texts_do_not_overlap_or_get_cut_off_at_desktop_and_phone_width_in_both_languages(
        browser, live_server):
    started = time.monotonic()
    call_command("demo", "--quiet-summary")
    built = time.monotonic()
    (CHART_SHOTS / "each").mkdir(parents=True, exist_ok=True)
    pages = chart_pages(browser, live_server)
    problems, charts = [], 0
    for language in LANGUAGES:
        for viewport in WIDTHS.values():
            context = signed_in_context(browser, live_server, ROLES["executive"], viewport, language=language)
            page = context.new_page()
            # A chart part plotly.js styles with a style attribute would be refused by the CSP: say so.
            page.on("console", lambda message, found=problems: found.append(f"console: {message.text}")
                    if message.type == "error" else None)
            for name, path in pages.items():
                open_page(page, path)
                wait_for_charts(page)
                drawn = page.evaluate(TEXTS_JS)
                charts += len(drawn)
                where = f"{name} {language} {viewport['width']} px"
                problems += [f"{where} {problem}" for chart in drawn for problem in chart_problems(chart)]
                shot = f"{name}-{language}-{viewport['width']}"
                page.screenshot(path=str(CHART_SHOTS / f"{shot}.png"), full_page=True)
                for chart in drawn:  # each chart on its own too, to look at closely
                    page.locator(f"#{chart['id']}").screenshot(path=str(CHART_SHOTS / "each" / f"{shot}-{chart['id']}.png"))
            context.close()
    print(f"\n{charts} charts checked on {len(pages)} pages × {len(WIDTHS)} widths × {len(LANGUAGES)} languages; "
          f"demo {built - started:.0f} s, charts {time.monotonic() - built:.0f} s; screenshots in {CHART_SHOTS}")
    print("\n".join(problems))
    assert charts >= 4 * len(LANGUAGES) * len(WIDTHS), "too few charts drawn: are the chart pages there?"
    assert not problems, f"{len(problems)} chart text problems:\n" + "\n".join(problems)
