"""The executive dashboard's charts are drawn once: static/js/chart_fit.js seeds each figure's margins with what
plotly's automargin will need, so plotly does not draw a chart, find its tick labels or legend too big for the
margins and draw it all again. And the seeding costs no room and cuts nothing: every chart's final margins are
at least what automargin settles on from the server's margins (measured by drawing the same figure unseeded next
to it) and at most MAX_EXTRA px more, at desktop and phone width.

The company is the dashboard bench's (dashboards/bench.py) at a smaller size: long department names, many rounds,
action items, so every chart has data, a legend where it has one, and slanted or upright labels.
"""

import pytest

from dashboards import bench
from dashboards.bench_browser import session_cookie

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
MAX_EXTRA = 12  # px a seeded margin may exceed automargin's own
# At phone width the 30° factor names of these two sit where plotly's choice of angle depends on the margins it
# has just grown (a 30° label's right margin narrows the plot until the labels stand upright): plotly settles
# them by drawing again, as it did before the seeding.
REDRAWN_AT_PHONE_WIDTH = {"chart-latest-vs-previous", "chart-open-actions"}

# Before the page's scripts: note each chart's figure as the API sent it and whether plotly drew it twice
# (plotly.js keeps _redrawFromAutoMarginCount on the layout once automargin has asked for another drawing).
RECORD_JS = """
window.__charts = {};
(() => {
  let fit, plotly;
  Object.defineProperty(window, 'chartFit', {configurable: true, get: () => fit, set(f) {
    fit = function (element, figure, options) {
      window.__charts[element.id] = {figure: JSON.parse(JSON.stringify(figure))};
      return f(element, figure, options);
    };
  }});
  Object.defineProperty(window, 'Plotly', {configurable: true, get: () => plotly, set(p) {
    plotly = p;
    const react = p.react;
    p.react = (element, data, layout, config) => react.call(p, element, data, layout, config).then(result => {
      const full = element._fullLayout;
      Object.assign(window.__charts[element.id], {
        redrawn: '_redrawFromAutoMarginCount' in full, width: element.clientWidth,
        size: {l: full._size.l, r: full._size.r, t: full._size.t, b: full._size.b}});
      return result;
    });
  }});
})();
"""
# Each figure drawn again beside its chart (same card, same width) with the server's margins, as before the
# seeding: the margins automargin settles on by itself.
UNSEEDED_JS = """async () => {
  const result = {};
  for (const [id, chart] of Object.entries(window.__charts)) {
    const element = document.getElementById(id);
    const twin = document.createElement('div');
    twin.className = 'chart';
    element.after(twin);
    const figure = window.chartFit(twin, chart.figure, {dropTitle: true, seedMargins: false});
    await Plotly.newPlot(twin, figure.data, figure.layout, {displaylogo: false});
    const size = twin._fullLayout._size;
    result[id] = {...chart, unseeded: {l: size.l, r: size.r, t: size.t, b: size.b}};
    Plotly.purge(twin);
    twin.remove();
  }
  return result;
}"""
ALL_DRAWN = """() => {
  const charts = [...document.querySelectorAll('.chart[data-figure-url]')];
  return charts.length > 0 && charts.every(c => c.dataset.drawn === '1' || c.querySelector('.chart-error'));
}"""


@pytest.fixture
def history(monkeypatch):
    """The bench company with 24 departments × 16 rounds: (slug, session cookies of its executive)."""
    monkeypatch.setattr(bench, "DEPARTMENTS", 24)
    monkeypatch.setattr(bench, "ROUNDS", 16)
    _company, user, _scores = bench.build_company()
    return bench.SLUG, session_cookie(user)


def drawn_charts(browser, live_server, history, viewport):
    slug, cookies = history
    context = browser.new_context(base_url=live_server.url, locale="en-US", viewport=viewport)
    context.set_default_timeout(30_000)
    context.add_cookies([{"name": name, "value": value, "url": live_server.url} for name, value in cookies.items()])
    context.add_init_script(RECORD_JS)
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"/c/{slug}/dashboard/")
    page.wait_for_function(ALL_DRAWN, timeout=30_000)
    assert not page.locator(".chart-error").count(), "a chart failed to load"
    charts = page.evaluate(UNSEEDED_JS)
    context.close()
    assert not errors, errors
    assert len(charts) == 8, sorted(charts)
    return charts


def margin_problems(charts):
    problems = []
    for chart_id, chart in charts.items():
        for side in "lrtb":
            seeded, unseeded = chart["size"][side], chart["unseeded"][side]
            if not unseeded <= seeded <= unseeded + MAX_EXTRA:
                problems.append(f"{chart_id} ({chart['width']} px) margin {side}: {seeded} px, automargin's own "
                                f"{unseeded} px")
    return problems


def test_dashboard_charts_are_drawn_once_at_desktop_width_with_automargins_room(browser, live_server, history):
    charts = drawn_charts(browser, live_server, history, DESKTOP)
    redrawn = sorted(chart_id for chart_id, chart in charts.items() if chart["redrawn"])
    assert not redrawn, f"drawn twice (automargin grew a margin): {redrawn}"
    problems = margin_problems(charts)
    assert not problems, "\n".join(problems)


def test_dashboard_charts_keep_automargins_room_at_phone_width(browser, live_server, history):
    charts = drawn_charts(browser, live_server, history, PHONE)
    redrawn = sorted(chart_id for chart_id, chart in charts.items()
                     if chart["redrawn"] and chart_id not in REDRAWN_AT_PHONE_WIDTH)
    assert not redrawn, f"drawn twice (automargin grew a margin): {redrawn}"
    problems = margin_problems(charts)
    assert not problems, "\n".join(problems)
