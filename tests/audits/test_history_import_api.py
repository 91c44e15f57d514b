"""History import through the API: dry run, import with an Idempotency-Key, per-row errors, retries, roles."""

import pytest
from django_scopes import scope

from accounts.models import Role
from audits.models import Answer, HistoryImport, Round
from tests.accounts.api_helpers import company_url

pytestmark = pytest.mark.django_db


def rows(period="2026-Q2", submitted="2026-04-10", scale="4"):
    return [{"period": period, "department": "Sales", "question": f"{key}-scale", "value": scale,
             "submitted": submitted} for key in ("product", "customers", "strategy", "sales_tech")]


@pytest.fixture
def ready(alpha, questionnaire, matrix, at_oct_2):
    return alpha


@pytest.fixture
def admin_api(ready, api_client_for):
    return api_client_for(ready.member(Role.ADMIN))


def post(api, tenant, body, key="history-1"):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return api.post(company_url(tenant, "history-imports/"), body, format="json", **headers)


def test_dry_run_answers_the_preview_and_writes_nothing(ready, admin_api):
    response = post(admin_api, ready, {"rows": rows(), "dry_run": True})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["rows_read"] == 4 and body["periods"] == ["2026-Q2"] and body["audits"] == 1 and body["dry_run"]
    with scope(company=ready.company):
        assert not Round.objects.exists() and not HistoryImport.objects.exists()


def test_import_creates_the_rounds_and_a_retry_returns_the_first_answer(ready, admin_api):
    first = post(admin_api, ready, {"rows": rows() + rows("2026-Q3", "2026-07-03")})
    assert first.status_code == 201, first.json()
    assert first.json()["rounds"] == 2 and first.json()["answers"] == 8
    again = post(admin_api, ready, {"rows": rows() + rows("2026-Q3", "2026-07-03")})
    assert again.status_code == 201 and again.json() == first.json()
    with scope(company=ready.company):
        assert Round.objects.filter(is_imported=True).count() == 2 and Answer.objects.count() == 8
    detail = admin_api.get(company_url(ready, f"history-imports/{first.json()['id']}/"))
    assert detail.status_code == 200 and detail.json()["status"] == "done"
    assert detail.json()["rows_done"] == detail.json()["rows_total"] == 8


def test_the_same_rows_under_a_new_key_create_nothing_new(ready, admin_api):
    assert post(admin_api, ready, {"rows": rows()}).status_code == 201
    response = post(admin_api, ready, {"rows": rows()}, key="history-2")
    assert response.status_code == 200 and response.json()["already_imported"] is not None
    with scope(company=ready.company):
        assert Round.objects.count() == 1


def test_same_key_with_another_body_is_a_409(ready, admin_api):
    assert post(admin_api, ready, {"rows": rows()}).status_code == 201
    assert post(admin_api, ready, {"rows": rows("2026-Q1", "2026-01-10")}).status_code == 409


def test_row_errors_are_a_400_with_row_and_column_and_nothing_is_written(ready, admin_api):
    body = {"rows": rows() + [{"period": "2026-Q3", "department": "Nowhere", "question": "product-scale",
                               "value": "9", "submitted": "2026-07-03"}]}
    response = post(admin_api, ready, body)
    assert response.status_code == 400
    errors = {(e["row"], e["column"]) for e in response.json()["errors"]}
    assert errors == {(4, "department"), (4, "value")}
    with scope(company=ready.company):
        assert not Round.objects.exists()


def test_missing_key_and_malformed_rows_are_400s(ready, admin_api):
    assert "idempotency_key" in post(admin_api, ready, {"rows": rows()}, key=None).json()
    response = post(admin_api, ready, {"rows": [{"period": "2026-Q2", "submitted": "yesterday"}]})
    assert response.status_code == 400 and "rows" in response.json()
    response = post(admin_api, ready, {"rows": rows(), "questionnaire_version": 999})
    assert response.status_code == 400 and "questionnaire_version" in response.json()


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.SALES_MANAGER])
def test_only_admins_import_history(ready, api_client_for, role):
    api = api_client_for(ready.member(role))
    assert post(api, ready, {"rows": rows()}).status_code == 403
    assert api.get(company_url(ready, "history-imports/")).status_code == 403


def test_another_companys_import_is_a_404(ready, beta, admin_api, api_client_for):
    with scope(company=beta.company):
        theirs = HistoryImport.objects.create(company=beta.company, content_hash="x")
    assert admin_api.get(company_url(ready, f"history-imports/{theirs.pk}/")).status_code == 404
    assert admin_api.get(company_url(beta, "history-imports/")).status_code == 404
    listed = admin_api.get(company_url(ready, "history-imports/")).json()
    assert listed["count"] == 0


def test_a_body_over_the_upload_limit_is_refused_without_a_500(ready, admin_api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    response = post(admin_api, ready, {"rows": rows() * 40})
    assert 400 <= response.status_code < 500
    with scope(company=ready.company):
        assert not Round.objects.exists()
