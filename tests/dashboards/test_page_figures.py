"""The executive page carries each chart's figure JSON (the chart API's own, in a JSON data block the chart names),
so the browser draws without a request per chart; the same numbers as the API, the strict CSP, the same queries."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import Role
from dashboards.views import EXECUTIVE_ORDER

COLD, WARM = 41, 4  # the page's queries before it carried the figures (alpha's history, a fresh process)

# A block is "<script id=… type=application/json>…</script>"; the regex stops at the first "</script>", so a name
# that broke out of its block would show up as a block that does not parse or as a script of its own.
BLOCK = re.compile(r'<script id="figure-json-([a-z-]+)" type="application/json">(.*?)</script>', re.S)


def page_url(tenant, query=""):
    return reverse("dashboards:executive", kwargs={"company_slug": tenant.company.slug}) + query


def chart_url(tenant, chart, query=""):
    return reverse("api-dashboard-chart", kwargs={"company_slug": tenant.company.slug, "chart": chart}) + query


def blocks(html):
    """{chart name: parsed JSON} of the page's figure blocks (each chart once)."""
    found = BLOCK.findall(html)
    assert [name for name, _text in found] == EXECUTIVE_ORDER
    return {name: json.loads(text) for name, text in found}


@pytest.mark.parametrize("query", ["", "?from=2025-Q3", "?round=2025-Q3"])
def test_each_chart_of_the_page_carries_the_chart_apis_json(alpha, history, client_for, api_client_for, query):
    if query == "?round=2025-Q3":
        query = f"?round=2025-Q3&department={alpha.departments['sales'].pk}"
    executive = alpha.member(Role.EXECUTIVE)
    html = client_for(executive).get(page_url(alpha, query)).content.decode()
    again = client_for(executive).get(page_url(alpha, query)).content.decode()  # from the stored fragment
    api = api_client_for(executive)
    for page in (html, again):
        for name, payload in blocks(page).items():
            assert payload == api.get(chart_url(alpha, name, query)).json(), name
            # The chart names its block and keeps its URL (the fallback, and what other pages still use).
            figure_url = chart_url(alpha, name, query).replace("&", "&amp;")
            assert f'data-figure-url="{figure_url}" data-figure-json="figure-json-{name}"' in page


def test_a_department_name_cannot_end_its_json_block(alpha, history, client_for, api_client_for):
    sales = alpha.departments["sales"]
    with scopes_disabled():
        sales.name = "</script><script src=/x.js>&<!--"
        sales.save(update_fields=["name"])
    executive = alpha.member(Role.EXECUTIVE)
    html = client_for(executive).get(page_url(alpha)).content.decode()
    assert "</script><script src=/x.js>" not in html
    payloads = blocks(html)
    assert sales.name in json.dumps(payloads["heatmap"]["table"], ensure_ascii=False)  # as typed, once parsed
    api = api_client_for(executive)
    assert all(payload == api.get(chart_url(alpha, name)).json() for name, payload in payloads.items())


def test_the_page_keeps_the_strict_csp_and_runs_no_inline_script(alpha, history, client_for):
    response = client_for(alpha.member(Role.EXECUTIVE)).get(page_url(alpha))
    script_src = next(part for part in response["Content-Security-Policy"].split(";")
                      if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    scripts = re.findall(r"<script\b([^>]*)>", response.content.decode())
    assert all(' src="' in attrs or 'type="application/json"' in attrs for attrs in scripts), scripts
    assert sum('type="application/json"' in attrs for attrs in scripts) == len(EXECUTIVE_ORDER)


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.django_db(transaction=True)  # real commits: the read model is stored and then read, as in production
def test_the_page_costs_no_more_queries_with_its_figures(alpha, history, client_for):
    client = client_for(alpha.member(Role.EXECUTIVE))
    cold, warm = queries(client, page_url(alpha)), queries(client, page_url(alpha))
    # As before the figures were carried: session, user, company, membership, then the stored fragment on a hit;
    # a miss adds the figures' own queries and the stores.
    assert cold <= COLD and warm <= WARM, (cold, warm)


def test_a_company_without_rounds_still_shows_its_next_steps(alpha, client_for):
    html = client_for(alpha.member(Role.ADMIN)).get(page_url(alpha)).content.decode()
    assert "No audit rounds yet" in html
    assert "data-figure-json" not in html and 'type="application/json"' not in html
