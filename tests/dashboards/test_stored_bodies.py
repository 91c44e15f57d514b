"""Stored response bodies: the data, summary and chart endpoints and the executive page's figures are sent as stored
bytes on a read-model hit, and a committed change is read at once through each of them (never stale)."""

import gzip
import json
import re

import pytest
from django.urls import reverse
from django_scopes import scope

from accounts.models import Role
from audits import services
from dashboards import readmodel
from tests.audits.conftest import answer_everything, at_oct_2, factors, matrix, q4_round, questionnaire, sales_audit  # noqa: F401

# Real commits: the generation is bumped after commit, as in production.
pytestmark = pytest.mark.django_db(transaction=True)


def url(tenant, name, **kwargs):
    return reverse(name, kwargs={"company_slug": tenant.company.slug, **kwargs})


def page_index(response):
    """The provisional index the executive page shows ("<period> so far")."""
    return int(re.search(r'class="number provisional">(\d+)<', response.content.decode())[1])


def heatmap_index(response):
    """The heatmap's one scored department: every cell of the resubmitted audit has the same score."""
    scores = {score for row in response.json()["figure"]["data"][0]["z"] for score in row if score is not None}
    assert len(scores) == 1, scores
    return round(scores.pop())


# (what is read, the page or endpoint, how its figure is read from the response)
SURFACES = {
    "data endpoint": ("api-dashboard-data", {}, lambda r: r.json()["story"]["provisional"]["index"]),
    "summary endpoint": ("api-dashboard-summary", {}, lambda r: r.json()["provisional"]["index"]),
    "heatmap endpoint": ("api-dashboard-chart", {"chart": "heatmap"}, heatmap_index),
    "executive page": ("dashboards:executive", {}, page_index),
}


def submit(audit, head, scale, yes=True):
    answer_everything(audit, head, scale=scale, yes=yes)
    with scope(company=audit.company):
        services.audit_submit(audit=audit, by=head)


@pytest.mark.parametrize("surface", list(SURFACES))
def test_a_resubmitted_answer_is_read_at_once_through_the_stored_body(alpha, request, client_for, surface):
    name, kwargs, figure = SURFACES[surface]
    audit = request.getfixturevalue("sales_audit")
    head, executive = alpha.user("department_head"), alpha.user(Role.EXECUTIVE)
    submit(audit, head, scale=5)
    client = client_for(executive)
    first = client.get(url(alpha, name, **kwargs))
    again = client.get(url(alpha, name, **kwargs))  # from the stored body
    assert figure(first) == figure(again) == 100

    with scope(company=alpha.company):
        services.audit_reopen(audit=audit, by=alpha.user("admin"), reason="A wrong answer")
    submit(audit, head, scale=1, yes=False)
    assert figure(client.get(url(alpha, name, **kwargs))) == 0


def test_a_hit_sends_the_stored_bytes_without_loading_the_figures(alpha, history, api_client_for, monkeypatch,
                                                                django_assert_num_queries):
    api = api_client_for(alpha.member(Role.EXECUTIVE))
    first = api.get(url(alpha, "api-dashboard-data"))

    def no_figures(*args, **kwargs):
        raise AssertionError("a hit must not load the figures")

    monkeypatch.setattr(readmodel, "stored_figures", no_figures)
    monkeypatch.setattr(readmodel, "compute", no_figures)
    hit = api.get(url(alpha, "api-dashboard-data"))
    assert hit.content == first.content and hit.json()["filters"] == {}
    assert hit["Content-Type"] == first["Content-Type"] == "application/json"
    assert hit["Cache-Control"] == "private, no-store"
    assert "Accept" in hit["Vary"]


def test_the_browsable_api_and_indented_json_are_still_rendered_from_the_same_figures(alpha, history, api_client_for):
    api = api_client_for(alpha.member(Role.EXECUTIVE))
    plain = api.get(url(alpha, "api-dashboard-summary")).json()
    indented = api.get(url(alpha, "api-dashboard-summary"), HTTP_ACCEPT="application/json; indent=2")
    assert indented.content.startswith(b'{\n  "') and indented.json() == plain
    browsable = api.get(url(alpha, "api-dashboard-summary"), HTTP_ACCEPT="text/html")
    assert browsable.status_code == 200 and browsable["Content-Type"].startswith("text/html")


def test_stored_bodies_are_kept_apart_by_language_and_filters(alpha, history, api_client_for):
    admin = alpha.user(Role.ADMIN)
    admin.language = "ru"
    admin.save(update_fields=["language"])
    api = api_client_for(alpha.member(Role.EXECUTIVE))
    english = api.get(url(alpha, "api-dashboard-summary")).json()
    russian = api_client_for(admin).get(url(alpha, "api-dashboard-summary")).json()
    assert english["sentences"][0]["text"].startswith("System index 2025-Q4")
    assert russian["sentences"][0]["text"] != english["sentences"][0]["text"]
    filtered = api.get(url(alpha, "api-dashboard-summary") + "?to=2025-Q3").json()
    assert (filtered["period"], filtered["filters"]) == ("2025-Q3", {"to": "2025-Q3"})
    assert api.get(url(alpha, "api-dashboard-summary")).json()["period"] == "2025-Q4"


def test_the_page_stores_only_its_figures_never_the_user_or_the_request(alpha, history, client_for):
    from dashboards.models import DashboardSnapshot

    executive, admin = alpha.member(Role.EXECUTIVE), alpha.member(Role.ADMIN)
    first = client_for(executive).get(url(alpha, "dashboards:executive")).content.decode()
    second = client_for(admin).get(url(alpha, "dashboards:executive")).content.decode()  # from the stored fragment
    with scope(company=alpha.company):
        [stored] = [bytes(row.payload).decode() for row in DashboardSnapshot.objects.filter(company=alpha.company)
                    if row.view.startswith("page:")]
    assert 'class="chart-grid"' in stored and stored in first and stored in second
    assert executive.get_role_display() in first and admin.get_role_display() in second  # each their own nav
    for private in ("csrfmiddlewaretoken", "nonce", executive.user.email, admin.user.email, "Sign out"):
        assert private not in stored


def test_the_stored_page_shows_the_filters_as_applied_for_every_reader(alpha, history, client_for):
    sales = alpha.departments["sales"]
    query = f"?from=2025-Q3&department={sales.pk}"
    page = url(alpha, "dashboards:executive")
    first = client_for(alpha.member(Role.EXECUTIVE)).get(page + query).content.decode()
    second = client_for(alpha.member(Role.ADMIN)).get(page + f"?department={sales.pk}&from=2025-Q3 ").content.decode()
    for html in (first, second):
        assert re.search(r'<input[^>]* name="from" [^>]*value="2025-Q3">', html)
        assert f'<option value="{sales.pk}" selected>Sales</option>' in html
        assert f'<a href="{page}">Clear</a>' in html
    unfiltered = client_for(alpha.member(Role.EXECUTIVE)).get(page).content.decode()
    assert re.search(r'<input[^>]* name="from" type="text">', unfiltered)
    assert f'<option value="{sales.pk}">Sales</option>' in unfiltered


GZIP_SURFACES = [("api-dashboard-data", {}), ("api-dashboard-summary", {}),
                 ("api-dashboard-chart", {"chart": "heatmap"})]


@pytest.mark.parametrize(("name", "kwargs"), GZIP_SURFACES)
def test_a_client_accepting_gzip_gets_the_stored_body_compressed_and_the_same_json(alpha, history, api_client_for,
                                                                                   name, kwargs):
    api = api_client_for(alpha.member(Role.EXECUTIVE))
    plain = api.get(url(alpha, name, **kwargs))
    for _ in range(2):  # the first may store the body, the second reads it
        packed = api.get(url(alpha, name, **kwargs), HTTP_ACCEPT_ENCODING="gzip, deflate, br, zstd")
        assert packed.status_code == 200 and packed["Content-Encoding"] == "gzip"
        assert gzip.decompress(packed.content) == plain.content
        assert len(packed.content) < len(plain.content)
    assert "Content-Encoding" not in plain
    assert "Accept-Encoding" in plain["Vary"] and "Accept-Encoding" in packed["Vary"]  # shared caches keep both apart
    assert packed["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(("header", "compressed"), [
    ("gzip", True), ("x-gzip", True), ("br, gzip;q=0.5", True), ("*", True), ("*;q=0, gzip", True),
    ("gzip;q=0", False), ("gzip;q=0, *", False), ("identity", False), ("br, zstd", False), ("gzip;q=oops", False),
])
def test_gzip_is_sent_only_when_the_accept_encoding_header_admits_it(alpha, history, api_client_for, header,
                                                                     compressed):
    api = api_client_for(alpha.member(Role.EXECUTIVE))
    response = api.get(url(alpha, "api-dashboard-data"), HTTP_ACCEPT_ENCODING=header)
    assert response.status_code == 200
    assert (response.get("Content-Encoding") == "gzip") is compressed
    body = gzip.decompress(response.content) if compressed else response.content
    assert json.loads(body)["filters"] == {}
