"""Scorecard history import of plans and results and of knowledge ratings (activity has tests/scorecards/
test_import.py): per-row errors with row and column, preview before commit, idempotent re-upload, all or
nothing, templates, pages by role and tenant."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django_scopes import scope, scopes_disabled
from openpyxl import load_workbook

from accounts.models import Role
from scorecards import imports, services
from scorecards.models import ActivityEntry, ImportBatch, KnowledgeRating, PlanResult
from tests.audits.test_history_import import xlsx_bytes as xlsx
from tests.factories import MembershipFactory, UserFactory
from tests.scorecards.conftest import add_manager
from tests.scorecards.test_pages import text, url

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 4, 15)
PLANS_HEADER = "email;period;planned deals;deals won;planned revenue;revenue\n"
RATINGS_HEADER = "email;period;rating;note\n"


def preview(tenant, content, *, kind, name="history.csv", allowed=None):
    content = content.encode() if isinstance(content, str) else content
    with scope(company=tenant.company):
        return imports.preview(company=tenant.company, file_name=name, content=content, today=TODAY, kind=kind,
                               allowed=allowed)


def upload_and_apply(tenant, content, *, kind, name="history.csv"):
    content = content.encode() if isinstance(content, str) else content
    with scope(company=tenant.company):
        batch = services.upload_create(company=tenant.company, by=tenant.user(Role.ADMIN), file_name=name,
                                       content=content, kind=kind)
        return services.upload_apply(batch=batch, today=TODAY)


def count(model, tenant):
    with scopes_disabled():
        return model.objects.filter(company=tenant.company).count()


# ---------------------------------------------------------------- plans and results

def test_clean_plans_file_previews_new_rows_and_saves_nothing(alpha):
    result = preview(alpha, PLANS_HEADER + "seller@alpha.test;2026-Q1;10;8;1 000 000;950 000,50\n"
                                           "seller@alpha.test;2025-Q4;10;11;;\n", kind="plans")
    assert result.ok and (result.created, result.updated) == (2, 0)
    assert result.rows[0].values == {"plan_deals": 10, "actual_deals": 8, "plan_revenue": Decimal("1000000"),
                                     "actual_revenue": Decimal("950000.50")}
    assert count(PlanResult, alpha) == 0


def test_plans_file_imports_and_the_same_file_again_creates_nothing(alpha):
    content = PLANS_HEADER + "seller@alpha.test;2026-Q1;10;8;1000000;950000\n"
    _result, summary = upload_and_apply(alpha, content, kind="plans")
    assert summary == {"created": 1, "updated": 0}
    with scopes_disabled():
        row = PlanResult.objects.get(company=alpha.company)
    assert (row.period, row.plan_deals, row.actual_revenue) == ("2026-Q1", 10, Decimal("950000"))
    again, summary = upload_and_apply(alpha, content, kind="plans")
    assert summary is None and again.already is not None and not again.error_rows
    assert count(PlanResult, alpha) == 1


def test_a_corrected_plans_file_replaces_the_period_instead_of_adding_one(alpha):
    upload_and_apply(alpha, PLANS_HEADER + "seller@alpha.test;2026-Q1;10;8;0;0\n", kind="plans")
    result, summary = upload_and_apply(alpha, PLANS_HEADER + "seller@alpha.test;2026-Q1;10;9;0;0\n", kind="plans")
    assert (result.created, result.updated) == (0, 1) and summary == {"created": 0, "updated": 1}
    with scopes_disabled():
        assert PlanResult.objects.get(company=alpha.company).actual_deals == 9


def test_plans_rows_get_an_error_with_row_and_column(alpha, beta):
    MembershipFactory(company=alpha.company, role=Role.SALES_MANAGER, is_active=False,
                      user=UserFactory(email="left@alpha.test"))
    other = beta.user(Role.SALES_MANAGER).email
    text_ = PLANS_HEADER + "\n".join([
        "nobody@alpha.test;2026-Q1;1;1;0;0",        # 2 unknown email
        f"{other};2026-Q1;1;1;0;0",                  # 3 another company's manager
        "head@alpha.test;2026-Q1;1;1;0;0",           # 4 not a sales manager
        "seller@alpha.test;Q1 2026;1;1;0;0",         # 5 bad period
        "seller@alpha.test;2026-Q3;1;1;0;0",         # 6 future period
        "seller@alpha.test;2025-Q1;1;1;-5;0",        # 7 negative amount
        "seller@alpha.test;2025-Q2;0;3;0;100",       # 8 nothing planned
        "seller@alpha.test;2025-Q3;2000000;1;0;0",   # 9 out of range
        "seller@alpha.test;2025-Q4;1;1;0;0",         # 10 fine
        "seller@alpha.test;2025-Q4;2;1;0;0",         # 11 duplicate of 10
        "left@alpha.test;2025-Q4;2;1;0;0",           # 12 deactivated since: history is kept
        "seller.alpha.test;2025-Q4;2;1;0;0",         # 13 not an address (and never sent to the database)
    ]) + "\n"
    result = preview(alpha, text_, kind="plans")
    errors = {(e["row"], e["column"]): e["message"] for e in result.errors()}
    assert errors == {
        (2, "email"): "No member of this company has this email address.",
        (3, "email"): "No member of this company has this email address.",
        (4, "email"): "head@alpha.test is not a sales manager.",
        (5, "period"): "'Q1 2026' is not a period: write 2025-Q2, 2025-05, 2025-H1 or 2025.",
        (6, "period"): "2026-Q3 is in the future; import plans, results and ratings of periods that have started.",
        (7, "planned revenue"): "An amount cannot be negative.",
        (8, "planned deals"): "A plan of zero deals and zero revenue cannot be measured against: enter the planned "
                              "deals or revenue, or leave the row empty.",
        (9, "planned deals"): "2000000 is outside the range 0–1000000.",
        (11, "row"): "Duplicate of row 10: the same manager and period.",
        (13, "email"): "'seller.alpha.test' is not an email address.",
    }
    assert not result.ok


def test_a_file_of_another_kind_names_the_expected_columns(alpha):
    result = preview(alpha, "email;date;calls;meetings;proposals\nseller@alpha.test;2026-04-01;1;1;1\n", kind="plans")
    assert result.file_errors == ["Wrong headers: missing period, planned deals. The first row must name the "
                                  "columns: Email / Почта; Period / Период; Planned deals / План сделок; Deals won / "
                                  "Выиграно сделок; Planned revenue / План выручки; Revenue / Выручка."]


def test_xlsx_formulas_merged_cells_and_empty_rows(alpha):
    header = ["Email / Почта", "Period / Период", "Planned deals / План сделок", "Deals won / Выиграно сделок"]
    content = xlsx([header, ["seller@alpha.test", "2025-Q1", "=5+5", 3], [None, None, None, None],
                    ["seller@alpha.test", "2025-Q2", 4, 3], ["seller@alpha.test", "2025-Q3", 4, 3]], merge="A5:B5")
    result = preview(alpha, content, kind="plans", name="plans.xlsx")
    assert [r.line for r in result.rows] == [2, 4, 5]  # the empty row 3 is skipped
    assert result.rows[0].errors == {"plan_deals": "The cell holds a formula (=5+5): paste the values, not formulas."}
    assert not result.rows[1].errors
    assert result.rows[2].errors["row"] == "Cells A5:B5 are merged: unmerge them and fill every cell."
    merged_header = xlsx([header, ["seller@alpha.test", "2025-Q1", 1, 1]], merge="A1:B1")
    assert "Header cells A1:B1 are merged" in preview(alpha, merged_header, kind="plans", name="p.xlsx").file_errors[0]


def test_a_failure_while_applying_leaves_nothing_half_written(alpha, monkeypatch):
    def broken_save(self, *args, **kwargs):
        raise DatabaseError("disk full")

    with scope(company=alpha.company):
        batch = services.upload_create(company=alpha.company, by=alpha.user(Role.ADMIN), file_name="p.csv",
                                       content=(PLANS_HEADER + "seller@alpha.test;2026-Q1;10;8;0;0\n").encode(),
                                       kind="plans")
        monkeypatch.setattr(ImportBatch, "save", broken_save)  # the batch is marked applied after the rows
        with pytest.raises(DatabaseError):
            services.upload_apply(batch=batch, today=TODAY)
    assert count(PlanResult, alpha) == 0


# ---------------------------------------------------------------- knowledge ratings

def test_ratings_in_russian_headers_and_windows_1251_import(alpha):
    content = "Почта;Период;Оценка;Примечание\nseller@alpha.test;2026-Q1;72;Знает продукт\n".encode("cp1251")
    result, summary = upload_and_apply(alpha, content, kind="ratings")
    assert summary == {"created": 1, "updated": 0}, result.file_errors or result.error_rows
    with scopes_disabled():
        rating = KnowledgeRating.objects.get(company=alpha.company)
    assert (rating.period, rating.score, rating.note, rating.rated_by) == ("2026-Q1", 72, "Знает продукт",
                                                                           alpha.user(Role.ADMIN))


def test_ratings_rows_out_of_range_empty_or_too_long_are_errors(alpha):
    text_ = RATINGS_HEADER + "\n".join([
        "seller@alpha.test;2026-Q1;101;",
        "seller@alpha.test;2025-Q4;;",
        "seller@alpha.test;2025-Q3;7.5;",
        f"seller@alpha.test;2025-Q2;70;{'x' * 301}",
        "seller@alpha.test;1900;70;",
    ]) + "\n"
    rows = preview(alpha, text_, kind="ratings").rows
    assert rows[0].errors == {"rating": "101 is outside the range 0–100."}
    assert rows[1].errors == {"rating": "The rating is empty."}
    assert rows[2].errors == {"rating": "'7.5' is not a whole number."}
    assert rows[3].errors == {"note": "The note is longer than 300 characters."}
    assert rows[4].errors == {"period": "1900 is before 1970; check the year."}


def test_head_of_sales_imports_only_their_team(alpha):
    outside = MembershipFactory(company=alpha.company, role=Role.SALES_MANAGER,
                                department=alpha.departments["marketing"], user=UserFactory(email="far@alpha.test"))
    add_manager(alpha, "near@alpha.test")
    with scope(company=alpha.company):
        from scorecards.access import managers_visible_to

        allowed = set(managers_visible_to(alpha.member(Role.DEPARTMENT_HEAD)).values_list("pk", flat=True))
    assert outside.pk not in allowed
    rows = preview(alpha, RATINGS_HEADER + "far@alpha.test;2026-Q1;50;\nnear@alpha.test;2026-Q1;50;\n",
                   kind="ratings", allowed=allowed).rows
    assert rows[0].errors == {"manager": "far@alpha.test is not in a team you manage."}
    assert not rows[1].errors


# ---------------------------------------------------------------- activity through the shared reader

def test_activity_xlsx_formula_is_an_error_not_a_cached_value(alpha):
    content = xlsx([["email", "date", "calls", "meetings", "proposals"],
                    ["seller@alpha.test", datetime.datetime(2026, 4, 1), "=20*2", 2, 1]])
    rows = preview(alpha, content, kind="activity", name="a.xlsx").rows
    assert rows[0].errors == {"calls": "The cell holds a formula (=20*2): paste the values, not formulas."}


def test_activity_file_uploaded_twice_is_recognised(alpha):
    content = "email;date;calls;meetings;proposals\nseller@alpha.test;2026-04-01;40;2;1\n"
    assert upload_and_apply(alpha, content, kind="activity")[1] == {"created": 1, "updated": 0}
    again, summary = upload_and_apply(alpha, content, kind="activity")
    assert summary is None and again.already is not None
    assert count(ActivityEntry, alpha) == 1


# ---------------------------------------------------------------- pages

def upload(client, content, kind, name="history.csv"):
    return client.post(url("upload"), {"file": SimpleUploadedFile(name, content), "kind": kind})


def test_admin_previews_then_confirms_a_plans_file_through_the_pages(alpha, client_for, frozen_after_quarter):
    client = client_for(alpha.member(Role.ADMIN))
    content = (PLANS_HEADER + "seller@alpha.test;2026-Q1;10;8;1000000;950000\n").encode()
    response = upload(client, content, "plans")
    assert response.status_code == 302
    page = text(client.get(response["Location"]))
    assert "Plans and results per manager and period" in page and "Every row is correct." in page
    assert "Importing creates 1 and replaces 0." in page
    assert count(PlanResult, alpha) == 0
    done = client.post(response["Location"])
    assert done.status_code == 302
    assert "Imported 1 plan and result (1 new, 0 updated)." in text(client.get(done["Location"]))
    assert count(PlanResult, alpha) == 1
    again = upload(client, content, "plans")
    assert "This file was already imported on" in text(client.get(again["Location"]))
    refused = client.post(again["Location"])
    assert refused.status_code == 200 and "This file was already imported on" in text(refused)
    assert "the file has errors" not in text(refused)
    assert count(PlanResult, alpha) == 1


def test_ratings_file_with_errors_shows_row_and_column_and_imports_nothing(alpha, client_for, frozen_after_quarter):
    client = client_for(alpha.member(Role.DEPARTMENT_HEAD))
    response = upload(client, (RATINGS_HEADER + "seller@alpha.test;2026-Q1;140;\n").encode(), "ratings")
    page = text(client.get(response["Location"]))
    assert "rating: 140 is outside the range 0–100." in page
    assert client.post(response["Location"]).status_code == 200
    assert count(KnowledgeRating, alpha) == 0


def test_upload_form_refuses_an_unknown_kind(alpha, client_for):
    response = upload(client_for(alpha.member(Role.ADMIN)), b"email\n", "salaries")
    assert response.status_code == 200 and "Select a valid choice." in text(response)
    assert count(ImportBatch, alpha) == 0


@pytest.mark.parametrize("kind", ["activity", "plans", "ratings"])
def test_templates_have_both_languages_and_read_back_clean(alpha, client_for, kind, frozen_after_quarter):
    client = client_for(alpha.member(Role.ADMIN))
    as_csv = client.get(url("upload_template", fmt="csv") + f"?kind={kind}")
    assert as_csv.status_code == 200 and as_csv["Content-Type"] == "text/csv; charset=utf-8"
    header = next(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig")), delimiter=";"))
    assert header[0] == "Email / Почта"
    as_xlsx = client.get(url("upload_template", fmt="xlsx") + f"?kind={kind}")
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    assert [c.value for c in sheet[1]] == header
    # The template's header reads back with the import's own reader.
    result = preview(alpha, as_csv.content, kind=kind)
    assert not result.file_errors and result.rows


def test_template_and_import_pages_by_role_and_tenant(alpha, beta, client_for, other_head):
    template = url("upload_template", fmt="csv")
    assert client_for(alpha.member(Role.EXECUTIVE)).get(template).status_code == 403
    assert client_for(alpha.member(Role.SALES_MANAGER)).get(template).status_code == 403
    assert client_for(other_head).get(template).status_code == 403
    assert client_for(beta.member(Role.ADMIN)).get(template).status_code == 404
    admin = client_for(alpha.member(Role.ADMIN))
    assert admin.get(url("upload_template", fmt="pdf")).status_code == 404
    assert admin.get(template + "?kind=salaries").status_code == 404
    assert admin.post(template).status_code == 405
