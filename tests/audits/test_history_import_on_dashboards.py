"""Rounds brought in by the history import are told apart wherever figures are shown: chart bands, the
status column of tables and exports, and the round figures of the API; a live round is not marked."""

import csv
import io

import pytest
from django.urls import reverse
from django_scopes import scope

from accounts.models import Role
from audits import services
from audits.models import Round
from tests.audits.test_history_import import confirm_and_run, csv_bytes, sales_answers, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def history_then_live(alpha, questionnaire, matrix, at_oct_2, django_capture_on_commit_callbacks):
    """2026-Q2 and 2026-Q3 imported from a file, then 2026-Q4 opened live (still open, nobody answered)."""
    history = upload(alpha, csv_bytes(*sales_answers("2026-Q2", "2026-04-10"),
                                      *sales_answers("2026-Q3", "2026-07-10", scale=2)))
    confirm_and_run(history, django_capture_on_commit_callbacks)
    with scope(company=alpha.company):
        services.round_open(company=alpha.company, period="2026-Q4")
    return alpha


def chart(client, tenant, name):
    response = client.get(reverse("api-dashboard-chart", kwargs={"company_slug": tenant.company.slug,
                                                                   "chart": name}))
    assert response.status_code == 200
    return response.json()


def test_charts_shade_imported_rounds_and_label_them(history_then_live, api_client_for):
    client = api_client_for(history_then_live.member(Role.EXECUTIVE))
    for name in ("system-index", "factors"):
        layout = chart(client, history_then_live, name)["figure"]["layout"]
        # Q2 and Q3 are adjacent: one band from half a step before Q2 to half a step after Q3.
        assert [(s["x0"], s["x1"]) for s in layout["shapes"]] == [(-0.5, 1.5)], name
        assert [a["text"] for a in layout["annotations"] if a.get("xref") == "x"] == ["imported"], name


def test_tables_exports_and_api_say_which_rounds_were_imported(history_then_live, client_for, api_client_for):
    tenant = history_then_live
    response = client_for(tenant.member(Role.EXECUTIVE)).get(reverse(
        "dashboards:export", kwargs={"company_slug": tenant.company.slug, "dataset": "system-index", "fmt": "csv"}))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    status = {row[0]: row[1] for row in rows[1:]}
    assert status["2026-Q2"] == status["2026-Q3"] == "final, imported"
    data = api_client_for(tenant.member(Role.EXECUTIVE)).get(reverse(
        "api-dashboard-data", kwargs={"company_slug": tenant.company.slug})).json()
    imported = {r["period"]: r["imported"] for r in data["story"]["rounds"]}
    assert imported == {"2026-Q2": True, "2026-Q3": True, "2026-Q4": False}
    with scope(company=tenant.company):
        assert not Round.objects.get(period="2026-Q4").is_imported


def test_hover_of_an_imported_round_says_so_and_a_live_one_does_not(history_then_live, api_client_for):
    figure = chart(api_client_for(history_then_live.member(Role.EXECUTIVE)), history_then_live,
                   "system-index")["figure"]
    hovers = dict(zip(figure["data"][0]["x"], figure["data"][0]["customdata"], strict=True))
    assert "imported from history" in hovers["2026-Q2"] and "imported from history" in hovers["2026-Q3"]
