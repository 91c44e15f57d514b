"""History import pages: upload → preview with errors → confirm → imported rounds marked on the round pages."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope
from openpyxl import load_workbook

from accounts.models import Role
from audits.models import HistoryImport, HistoryImportStatus, Round
from tests.audits.page_helpers import url
from tests.audits.test_history_import import csv_bytes, sales_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(alpha, questionnaire, matrix, at_oct_2):
    return alpha


@pytest.fixture
def admin(ready, client_for):
    return client_for(ready.member(Role.ADMIN))


def upload(client, tenant, content, name="history.csv"):
    return client.post(url("history_import", tenant.company), {"file": SimpleUploadedFile(name, content)}, follow=True)


def test_rounds_page_links_the_import_for_admins(ready, admin):
    body = admin.get(url("round_list", ready.company)).content.decode()
    assert url("history_import", ready.company) in body


def test_upload_shows_the_preview_and_confirm_imports(ready, admin, django_capture_on_commit_callbacks):
    response = upload(admin, ready, csv_bytes(*sales_answers("2026-Q2", "2026-04-20")))
    body = response.content.decode()
    assert "Rows read" in body and "Import 1 round" in body
    with scope(company=ready.company):
        found = HistoryImport.objects.get()
        assert not Round.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(url("history_import_confirm", ready.company, history_import_pk=found.pk))
    assert response.status_code == 302
    done = admin.get(url("history_import_detail", ready.company, history_import_pk=found.pk)).content.decode()
    assert "1 round imported." in done and "<progress" not in done
    with scope(company=ready.company):
        round = Round.objects.get()
    rounds_page = admin.get(url("round_list", ready.company)).content.decode()
    assert "imported" in rounds_page
    detail = admin.get(url("round_detail", ready.company, round_pk=round.pk)).content.decode()
    assert "Imported from history" in detail and "late" in detail


def test_preview_lists_row_errors_and_offers_no_confirm(ready, admin):
    body = upload(admin, ready, csv_bytes("2026-Q2;Sales;product-scale;9;;2026-04-10")).content.decode()
    assert "outside the scale 1–5" in body and "Import 1 round" not in body
    with scope(company=ready.company):
        found = HistoryImport.objects.get()
    response = admin.post(url("history_import_confirm", ready.company, history_import_pk=found.pk), follow=True)
    assert "Fix the errors in the file" in response.content.decode()
    with scope(company=ready.company):
        assert not Round.objects.exists()


def test_a_queued_import_shows_the_progress_bar(ready, admin):
    upload(admin, ready, csv_bytes(*sales_answers("2026-Q2")))
    with scope(company=ready.company):
        found = HistoryImport.objects.get()
        HistoryImport.objects.filter(pk=found.pk).update(status=HistoryImportStatus.RUNNING, rows_done=3)
    body = admin.get(url("history_import_detail", ready.company, history_import_pk=found.pk)).content.decode()
    assert "<progress" in body and "js/audits/history_import" in body and 'value="3"' in body


def test_a_50_mb_file_is_a_form_error_naming_the_limit(ready, admin):
    big = b"period;department;question code;value;submitted\n" + b"x" * (50 * 2**20)
    response = upload(admin, ready, big)
    assert response.status_code == 200 and "larger than 10 MB" in response.content.decode()


def test_the_page_renders_in_russian(ready, admin):
    # The Russian texts come from locale/ru/fragments/import.po once merged into the catalogue.
    admin.cookies["django_language"] = "ru"
    response = admin.get(url("history_import", ready.company))
    body = response.content.decode()
    assert response.status_code == 200 and '<html lang="ru">' in body and 'type="file"' in body


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_template_has_both_languages_headers_and_reads_back_clean(ready, admin, fmt):
    response = admin.get(url("history_template", ready.company, fmt=fmt))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "csv":
        header = content.decode("utf-8-sig").splitlines()[0]
    else:
        header = ";".join(str(c) for c in next(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)))
    assert "Period / Период" in header and "Question code / Код вопроса" in header
    upload(admin, ready, content, name=f"template.{fmt}")
    with scope(company=ready.company):
        preview = HistoryImport.objects.get().preview
    assert preview["rows_read"] == 3 and preview["error_count"] == 0 and not preview["file_errors"], preview


def test_unknown_template_format_is_a_404(ready, admin):
    assert admin.get(url("history_template", ready.company, fmt="pdf")).status_code == 404


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.SALES_MANAGER])
def test_only_admins_reach_the_import_pages(ready, client_for, role):
    client = client_for(ready.member(role))
    assert client.get(url("history_import", ready.company)).status_code == 403
    assert client.get(url("history_template", ready.company, fmt="csv")).status_code == 403


def test_another_companys_import_is_a_404(ready, beta, admin):
    with scope(company=beta.company):
        theirs = HistoryImport.objects.create(company=beta.company, content_hash="x")
    assert admin.get(url("history_import_detail", ready.company, history_import_pk=theirs.pk)).status_code == 404
    assert admin.post(url("history_import_confirm", ready.company, history_import_pk=theirs.pk)).status_code == 404
