"""Import of past rounds through the services: preview, per-row errors, the all-or-nothing write, real dates,
scores from the live scoring code, versions, idempotency."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope
from openpyxl import Workbook

from accounts.models import Role
from audits import imports_apply, scoring, services
from audits.models import (
    Answer,
    AuditStatus,
    DepartmentAudit,
    FactorScore,
    HistoryImportStatus,
    QuestionKind,
    Round,
)
from tests.audits.conftest import LABELS

pytestmark = pytest.mark.django_db

HEADER = "period;department;question code;value;comment;submitted"


def csv_bytes(*lines, header=HEADER, encoding="utf-8"):
    return "\n".join([header, *lines]).encode(encoding)


def sales_answers(period="2026-Q2", submitted="2026-04-10", scale=4, yes="yes"):
    """Every question of Sales (product, customers, strategy, sales_tech) for one period."""
    return [f"{period};Sales;{key}-scale;{scale};;{submitted}" for key in ("product", "customers", "strategy", "sales_tech")] + [
        f"{period};Sales;{key}-yes;{yes};;{submitted}" for key in ("product", "customers", "strategy", "sales_tech")]


def upload(alpha, content, name="history.csv", **kwargs):
    with scope(company=alpha.company):
        return imports_apply.history_upload(company=alpha.company, by=alpha.user(Role.ADMIN), file_name=name,
                                            content=content, **kwargs)


def confirm_and_run(history, django_capture_on_commit_callbacks):
    with scope(company=history.company), django_capture_on_commit_callbacks(execute=True):
        imports_apply.history_confirm(history_import=history)
    history.refresh_from_db()
    return history


def errors_of(history):
    return {(e["row"], e["column"]): e["message"] for e in history.preview["errors"]}


@pytest.fixture
def ready(alpha, questionnaire, matrix, at_oct_2):
    return alpha


def test_preview_counts_rows_rounds_and_audits_and_writes_nothing(ready):
    history = upload(ready, csv_bytes(*sales_answers("2026-Q2"), *sales_answers("2026-Q3", "2026-07-20")))
    assert history.preview["rows_read"] == 16 and history.preview["error_count"] == 0
    assert history.preview["periods"] == ["2026-Q2", "2026-Q3"] and history.preview["audits"] == 2
    assert history.preview["answers"] == 16 and history.status == HistoryImportStatus.PREVIEW
    with scope(company=ready.company):
        assert not Round.objects.exists() and not Answer.objects.exists()


def test_confirmed_import_creates_closed_rounds_with_the_files_dates(ready, django_capture_on_commit_callbacks):
    history = confirm_and_run(upload(ready, csv_bytes(*sales_answers("2026-Q2", "2026-04-20"))),
                              django_capture_on_commit_callbacks)
    assert history.status == HistoryImportStatus.DONE and history.summary["rounds"] == 1
    with scope(company=ready.company):
        round = Round.objects.get(period="2026-Q2")
        audit = round.audits.get()
        tz = ready.company.tzinfo
        assert round.is_imported and audit.status == AuditStatus.SUBMITTED
        assert round.opened_at.astimezone(tz).date() == datetime.date(2026, 4, 1)
        assert round.deadline.astimezone(tz).date() == datetime.date(2026, 4, 15)
        assert audit.first_submitted_at.astimezone(tz).date() == datetime.date(2026, 4, 20)
        assert audit.first_submitted_at > audit.deadline  # late, as the file says
        assert [t.to_status for t in audit.transitions.all()] == [AuditStatus.DRAFT, AuditStatus.SUBMITTED]
        assert "Imported from history" in audit.transitions.last().reason
        assert audit.answers.count() == 8 and history.content_b64 == ""


def test_imported_scores_equal_what_the_live_scoring_stores(ready, django_capture_on_commit_callbacks):
    lines = sales_answers("2026-Q2", scale=3, yes="no")
    lines[0] = "2026-Q2;Sales;product-scale;N/A;not used;2026-04-10"
    confirm_and_run(upload(ready, csv_bytes(*lines)), django_capture_on_commit_callbacks)
    with scope(company=ready.company):
        round = Round.objects.get(period="2026-Q2")
        imported = {s.factor_id: s.score for s in FactorScore.objects.filter(audit__round=round)}
        index = round.system_index
        audit = round.audits.get()
        assert set(audit.factors.values_list("key", flat=True)) == {"product", "customers", "strategy", "sales_tech"}
        scoring.store_audit_scores(audit)
        scoring.store_round_scores(round)
        round.refresh_from_db()
        assert {s.factor_id: s.score for s in FactorScore.objects.filter(audit__round=round)} == imported
        assert round.system_index == index and index is not None
        assert Answer.objects.get(question__key="product-scale").not_applicable


def test_on_time_submission_on_the_deadline_day(ready, django_capture_on_commit_callbacks):
    confirm_and_run(upload(ready, csv_bytes(*sales_answers("2026-Q2", "2026-04-15"))), django_capture_on_commit_callbacks)
    with scope(company=ready.company):
        audit = DepartmentAudit.objects.get()
        assert audit.first_submitted_at <= audit.deadline


@pytest.mark.parametrize(("line", "column", "fragment"), [
    ("2026-Q2;Nowhere;sales_tech-scale;3;;2026-04-10", "department", "No department named 'Nowhere'"),
    ("2026-Q2;Sales;no-such-code;3;;2026-04-10", "question code", "No question with the code"),
    ("2026-Q2;Sales;sales_tech-scale;7;;2026-04-10", "value", "outside the scale 1–5"),
    ("2026-Q2;Sales;sales_tech-yes;maybe;;2026-04-10", "value", "not yes or no"),
    ("2027-Q1;Sales;sales_tech-scale;3;;2026-04-10", "period", "in the future"),
    ("2026-Q4;Sales;sales_tech-scale;3;;2026-10-01", "period", "has not ended yet"),
    ("2026-05;Sales;sales_tech-scale;3;;2026-05-10", "period", "not such a period"),
    ("2026-Q2;Sales;sales_tech-scale;3;;2027-01-01", "submitted", "in the future"),
    ("2026-Q2;Sales;sales_tech-scale;3;;", "submitted", "empty"),
    ("2026-Q2;Sales;sales_tech-scale;=2+1;;2026-04-10", "value", "formula"),
    ("2026-Q2;Sales;sales_tech-scale;;;2026-04-10", "value", "write N/A"),
    ("2026-Q2;Sales;sales_tech-scale;NaN;;2026-04-10", "value", "outside the scale 1–5"),
    ("1900-Q2;Sales;sales_tech-scale;3;;2026-04-10", "period", "before 1970"),
    ("2026-Q2;Sales;sales_tech-scale;3;;9999-12-31", "submitted", "not a date of a past round"),
    ("2026-Q2;Sales;product-scale;4;;10.04.2026", "row", "Duplicate of row 2"),
])
def test_bad_rows_get_an_error_with_row_and_column(ready, line, column, fragment):
    history = upload(ready, csv_bytes("2026-Q2;Sales;product-scale;3;;2026-04-10", line))
    errors = errors_of(history)
    assert fragment in errors[(3, column)], errors
    assert (2, "period") not in errors


def test_duplicate_rows_and_a_period_that_already_has_a_round(ready, q4_round):
    with scope(company=ready.company):
        Round.objects.filter(pk=q4_round.pk).update(period="2026-Q2")
    history = upload(ready, csv_bytes("2026-Q1;Sales;product-scale;3;;2026-01-10",
                                      "2026-Q1;Sales;product-scale;4;;2026-01-10",
                                      "2026-Q2;Sales;product-scale;4;;2026-04-10"))
    errors = errors_of(history)
    assert "Duplicate of row 2" in errors[(3, "row")]
    assert "already exists" in errors[(4, "period")]


def test_a_department_of_another_company_is_unknown(ready, beta):
    with scope(company=beta.company):
        beta.departments["it"].name = "Beta Only Dept"
        beta.departments["it"].save()
    errors = errors_of(upload(ready, csv_bytes("2026-Q2;Beta Only Dept;product-scale;3;;2026-04-10")))
    assert "No department named" in errors[(2, "department")]


def test_a_question_of_another_version_names_both_versions(ready, questionnaire, factors):
    with scope(company=ready.company):
        # The test version was in force from January; the newer one is published on 2 October.
        type(questionnaire).objects.filter(pk=questionnaire.pk).update(
            published_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
        newer = services.questionnaire_copy(questionnaire=questionnaire)
        services.question_add(questionnaire=newer, factor=factors["sales_tech"], kind=QuestionKind.SCALE,
                              key="crm-usage", text_en="CRM?", text_ru="CRM?", scale_labels=LABELS)
        services.questionnaire_publish(questionnaire=newer)
    errors = errors_of(upload(ready, csv_bytes("2026-Q2;Sales;crm-usage;3;;2026-04-10")))
    message = errors[(2, "question code")]
    assert f"version {newer.version}" in message and f"version {questionnaire.version}" in message
    # Named by the admin, the newer version takes the code.
    history = upload(ready, csv_bytes("2026-Q2;Sales;crm-usage;3;;2026-04-10"), questionnaire=newer)
    assert history.preview["error_count"] == 0


def test_nothing_is_written_when_one_row_is_bad(ready, django_capture_on_commit_callbacks):
    history = upload(ready, csv_bytes(*sales_answers("2026-Q2"), "2026-Q3;Sales;product-scale;9;;2026-07-10"))
    with pytest.raises(ValidationError), scope(company=ready.company):
        imports_apply.history_confirm(history_import=history)
    with scope(company=ready.company):
        assert not Round.objects.exists()


def test_the_same_file_again_creates_nothing_new(ready, django_capture_on_commit_callbacks):
    content = csv_bytes(*sales_answers("2026-Q2"))
    confirm_and_run(upload(ready, content), django_capture_on_commit_callbacks)
    again = upload(ready, content)
    assert again.preview["already_imported"] is not None
    with pytest.raises(ValidationError), scope(company=ready.company):
        imports_apply.history_confirm(history_import=again)
    with scope(company=ready.company):
        assert Round.objects.count() == 1 and Answer.objects.count() == 8


def test_confirming_twice_imports_once(ready, django_capture_on_commit_callbacks):
    history = confirm_and_run(upload(ready, csv_bytes(*sales_answers("2026-Q2"))), django_capture_on_commit_callbacks)
    with scope(company=ready.company):
        assert imports_apply.history_confirm(history_import=history) is False
        assert Round.objects.count() == 1


def test_factor_level_rows_store_the_given_scores_and_survive_a_recompute(ready, django_capture_on_commit_callbacks):
    content = csv_bytes("2026-Q2;Sales;product;62.5;;2026-04-10", "2026-Q2;Sales;sales_tech;80;;2026-04-10",
                        "2026-Q2;IT;automation;N/A;;2026-04-12",
                        header="period;department;factor;value;comment;submitted")
    history = confirm_and_run(upload(ready, content), django_capture_on_commit_callbacks)
    assert history.status == HistoryImportStatus.DONE, history.preview
    with scope(company=ready.company):
        audit = DepartmentAudit.objects.get(department=ready.departments["sales"])
        assert audit.factor_level and not audit.answers.exists()
        scoring.store_audit_scores(audit)
        scores = {s.factor.key: s.score for s in audit.factor_scores.select_related("factor")}
        assert scores == {"product": 62.5, "sales_tech": 80}


@pytest.mark.parametrize("value", ["120", "-1", "NaN", "Infinity", "lots"])
def test_factor_score_outside_0_100_is_an_error(ready, value):
    content = csv_bytes(f"2026-Q2;Sales;product;{value};;2026-04-10",
                        header="period;department;factor;value;comment;submitted")
    assert "0–100" in errors_of(upload(ready, content))[(2, "value")]


def test_windows_1251_with_comma_and_russian_headers(ready):
    header = "Период,Отдел,Код вопроса,Значение,Комментарий,Дата сдачи"
    content = csv_bytes("2026-Q2,Sales,product-scale,3,Хорошо,10.04.2026", header=header, encoding="cp1251")
    history = upload(ready, content)
    assert history.preview["encoding"] == "cp1251" and history.preview["error_count"] == 0


def test_wrong_encoding_is_a_file_error(ready):
    history = upload(ready, HEADER.encode("utf-16-le") + b"\x00\x00rest")
    assert history.preview["file_errors"] and not history.preview["rows_read"]


def test_empty_rows_are_skipped(ready):
    history = upload(ready, csv_bytes("", "2026-Q2;Sales;product-scale;3;;2026-04-10", ";;;;;", ""))
    assert history.preview["rows_read"] == 1 and history.preview["error_count"] == 0


def test_too_large_a_file_is_refused_with_the_limit(ready):
    with pytest.raises(ValidationError) as caught:
        upload(ready, b"x" * (imports_apply.MAX_FILE_BYTES + 1))
    assert "larger than 10 MB" in caught.value.message_dict["file"][0]


def xlsx_bytes(rows, merge=None):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_dates_and_a_formula(ready):
    content = xlsx_bytes([["Period / Период", "Department / Отдел", "Question code / Код вопроса", "Value / Значение",
                           "Submitted / Дата сдачи"],
                          ["2026-Q2", "Sales", "product-scale", 3, datetime.datetime(2026, 4, 10)],
                          ["2026-Q2", "Sales", "product-yes", "=1+0", datetime.datetime(2026, 4, 10)]])
    history = upload(ready, content, name="history.xlsx")
    assert history.preview["rows_read"] == 2
    assert list(errors_of(history)) == [(3, "value")]


def test_merged_header_cells_are_a_file_error(ready):
    content = xlsx_bytes([["Period", None, "Question code", "Value", "Submitted"],
                          ["2026-Q2", "Sales", "product-scale", 3, "2026-04-10"]], merge="A1:B1")
    history = upload(ready, content, name="history.xlsx")
    assert "A1:B1 are merged" in " ".join(history.preview["file_errors"])


def test_a_redelivered_task_imports_nothing_twice(ready, django_capture_on_commit_callbacks):
    from audits.tasks import run_history_import

    history = confirm_and_run(upload(ready, csv_bytes(*sales_answers("2026-Q2"))), django_capture_on_commit_callbacks)
    assert run_history_import(ready.company.pk, history.pk) == HistoryImportStatus.DONE
    with scope(company=ready.company):
        assert Round.objects.count() == 1 and Answer.objects.count() == 8


def test_an_unexpected_error_fails_the_import_and_writes_nothing(ready, monkeypatch,
                                                                 django_capture_on_commit_callbacks):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(imports_apply, "apply_rows", broken)
    history = upload(ready, csv_bytes(*sales_answers("2026-Q2")))
    with pytest.raises(RuntimeError):
        confirm_and_run(history, django_capture_on_commit_callbacks)
    history.refresh_from_db()
    assert history.status == HistoryImportStatus.FAILED and "unexpected error" in history.error
    with scope(company=ready.company):
        assert not Round.objects.exists()
