"""One computation, many views: every surface shows the same numbers and sentences for the same company.

A company with three final quarters and an open fourth one (4 of 5 departments so far) is read through the
executive page, the department page, the report page, the summary and data API, chart figures (what the PNG
export draws), CSV and XLSX exports and the digest email, in English and in Russian.
"""

import csv
import datetime
import io
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from openpyxl import load_workbook

from accounts.models import Role
from accounts.numbers import whole
from audits.models import AuditStatus
from notifications.selectors import digest_content
from tests.dashboards.conftest import build_history

PERIODS = ["2025-Q2", "2025-Q3", "2025-Q4", "2026-Q4"]


@pytest.fixture
def company_with_open_round(alpha):
    """Three final quarters and 2026-Q4 still open: its deadline a week ahead, Marketing not answered yet."""
    rounds = build_history(alpha, PERIODS)
    with scopes_disabled():
        open_round = rounds["2026-Q4"]
        deadline = timezone.now() + datetime.timedelta(days=7)
        open_round.deadline = deadline
        open_round.save(update_fields=["deadline"])
        open_round.audits.update(deadline=deadline)
        open_round.audits.filter(status=AuditStatus.OVERDUE).update(status=AuditStatus.DRAFT)
    return rounds


def url(tenant, name, query="", **kwargs):
    return reverse(name, kwargs={"company_slug": tenant.company.slug, **kwargs}) + query


def page_text(response):
    assert response.status_code == 200
    return unescape(response.content.decode())


def csv_rows(response):
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("language", ["en", "ru"])
def test_every_surface_tells_the_same_numbers(alpha, company_with_open_round, client_for, api_client_for, language):
    executive = alpha.member(Role.EXECUTIVE)
    executive.user.language = language
    executive.user.save(update_fields=["language"])
    with scopes_disabled():
        final_index = whole(company_with_open_round["2025-Q4"].system_index)
        open_index = whole(company_with_open_round["2026-Q4"].system_index)
    api = api_client_for(executive)
    summary = api.get(url(alpha, "api-dashboard-summary")).json()

    # The API: the latest final round, the open one apart as provisional with its coverage.
    assert (summary["period"], summary["system_index_display"]) == ("2025-Q4", final_index)
    assert summary["provisional"]["period"] == "2026-Q4" and summary["provisional"]["index_display"] == open_index
    assert summary["provisional"]["coverage"]["departments_answered"] == 4
    index_sentence = next(s for s in summary["sentences"] if s["kind"] == "index")
    assert index_sentence["values"]["index"] == final_index and not index_sentence["provisional"]
    provisional = next(s for s in summary["sentences"] if s["kind"] == "provisional")
    assert provisional["provisional"] and provisional["values"]["index"] == open_index
    completion = next(s for s in summary["sentences"] if s["kind"] == "completion")
    assert completion["values"] == {"expected": 5, "on_time": 4, "late": 0, "not_yet_due": 1, "missing": 0}

    # The executive page: every sentence of the API, and the same headline numbers.
    html = page_text(client_for(executive).get(url(alpha, "dashboards:executive")))
    for sentence in summary["sentences"]:
        assert sentence["text"] in html, sentence["kind"]
    assert f'<span class="number">{final_index}</span>' in html
    assert f'<span class="number provisional">{open_index}</span>' in html

    # The data API carries the same story.
    data = api.get(url(alpha, "api-dashboard-data")).json()
    assert [s["text"] for s in data["sentences"]] == [s["text"] for s in summary["sentences"]]
    assert data["story"]["latest"]["index_display"] == final_index

    # The chart figure (what the PNG export renders) and the CSV/XLSX of the same chart.
    figure = api.get(url(alpha, "api-dashboard-chart", chart="system-index")).json()["figure"]
    final_trace, provisional_trace = figure["data"]
    assert final_trace["text"][final_trace["x"].index("2025-Q4")] == str(final_index)
    assert provisional_trace["text"][-1] == str(open_index) and provisional_trace["x"][-1] == "2026-Q4"
    rows = {row[0]: row for row in csv_rows(client_for(executive).get(
        url(alpha, "dashboards:export", dataset="system-index", fmt="csv")))[1:]}
    assert rows["2025-Q4"][2] == str(final_index) and rows["2026-Q4"][2] == str(open_index)
    sheet = load_workbook(io.BytesIO(client_for(executive).get(
        url(alpha, "dashboards:export", dataset="system-index", fmt="xlsx")).content)).active
    xlsx = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert xlsx["2025-Q4"][2] == final_index and xlsx["2026-Q4"][2] == open_index

    # The movers chart agrees with the sentences (the same news, the same rounded change).
    movers = api.get(url(alpha, "api-dashboard-chart", chart="movers")).json()
    falls = [s for s in summary["sentences"] if s["kind"] == "factor_change" and s["values"]["delta"] < 0]
    chart_moves = {(row[3], row[5], row[6]) for row in movers["table"]["rows"]}
    assert falls and {(s["values"]["start"], s["values"]["end"], s["values"]["delta"]) for s in falls} <= chart_moves

    # The quarterly report of 2025-Q4 tells what the API tells for a range ending there.
    report = page_text(client_for(executive).get(url(alpha, "dashboards:report", "?round=2025-Q4")))
    report_summary = api.get(url(alpha, "api-dashboard-summary", "?to=2025-Q4")).json()
    for sentence in report_summary["sentences"]:
        assert sentence["text"] in report, sentence["kind"]
    assert f"{final_index} (" in report

    # The digest email's moves are the story's news.
    with scope(company=alpha.company):
        now = timezone.now()
        digest = digest_content(company=alpha.company, now=now, since=now - datetime.timedelta(days=3650))
    news = {s["factor"]: s["values"]["delta"] for s in summary["sentences"] if s["kind"] == "factor_change"}
    assert {m["factor_key"]: m["delta"] for m in digest["moves"] if m["factor_key"] in news} == news


def test_department_page_tells_what_the_department_api_tells(alpha, company_with_open_round, client_for,
                                                              api_client_for):
    head = alpha.member(Role.DEPARTMENT_HEAD)
    sales = alpha.departments["sales"]
    summary = api_client_for(head).get(url(alpha, "api-department-dashboard-summary", department_id=sales.pk)).json()
    html = page_text(client_for(head).get(url(alpha, "dashboards:department", department_id=sales.pk)))
    assert summary["sentences"]
    for sentence in summary["sentences"]:
        assert sentence["text"] in html, sentence["kind"]
