"""Audits API, configuration: factors, questionnaire versions and questions, responsibility matrix, schedule."""

import datetime

import pytest
import time_machine
from django_scopes import scope, scopes_disabled

from accounts.models import Role
from audits.models import FactorResponsibility, Question, Questionnaire, QuestionnaireStatus, Schedule
from tests.accounts.api_helpers import company_url
from tests.audits.conftest import LABELS
from tests.factories import DepartmentFactory, QuestionFactory, QuestionnaireFactory


@pytest.fixture
def admin_api(alpha, api_client_for):
    return api_client_for(alpha.member(Role.ADMIN))


def draft_of(tenant):
    return QuestionnaireFactory(company=tenant.company, status=QuestionnaireStatus.DRAFT, title="Draft")


def published_of(tenant):
    with scopes_disabled():  # the default questionnaire every new company gets
        return Questionnaire.objects.get(company=tenant.company, status=QuestionnaireStatus.PUBLISHED)


SCALE_QUESTION = {
    "factor": "sales_tech", "kind": "scale", "text_en": "Are sales scripts written down?",
    "text_ru": "Записаны ли скрипты продаж?", "weight": 3, "scale_labels": LABELS, "key": "scripts",
}


# ---------------------------------------------------------------- factors

def test_every_member_reads_the_seven_factors(alpha, api_client_for):
    response = api_client_for(alpha.member(Role.SALES_MANAGER)).get(company_url(alpha, "factors/"))
    assert response.status_code == 200
    assert [row["key"] for row in response.json()["results"]] == [
        "product", "customers", "market", "advantage", "strategy", "sales_tech", "automation"]


def test_factor_detail_by_key_and_unknown_key_is_404(alpha, admin_api):
    assert admin_api.get(company_url(alpha, "factors/sales_tech/")).json()["name_ru"]
    assert admin_api.get(company_url(alpha, "factors/nope/")).status_code == 404


def test_outsider_gets_404_on_factors(alpha, beta, api_client_for):
    assert api_client_for(beta.member(Role.ADMIN)).get(company_url(alpha, "factors/")).status_code == 404


# ---------------------------------------------------------------- questionnaires

def test_questionnaire_list_shows_versions_with_status(alpha, api_client_for):
    draft_of(alpha)
    response = api_client_for(alpha.member(Role.DEPARTMENT_HEAD)).get(company_url(alpha, "questionnaires/"))
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(row["version"], row["status"]) for row in rows] == [(2, "draft"), (1, "published")]
    assert rows[1]["question_count"] > 20


def test_sales_manager_cannot_read_questionnaires(alpha, api_client_for):
    assert api_client_for(alpha.member(Role.SALES_MANAGER)).get(company_url(alpha, "questionnaires/")).status_code == 403


def test_questionnaire_detail_lists_questions_in_both_languages(alpha, api_client_for):
    questionnaire = published_of(alpha)
    response = api_client_for(alpha.member(Role.EXECUTIVE)).get(company_url(alpha, f"questionnaires/{questionnaire.pk}/"))
    assert response.status_code == 200
    question = response.json()["questions"][0]
    assert question["text_en"] and question["text_ru"] and question["factor"] == "product"


def test_admin_creates_renames_and_deletes_a_draft(alpha, admin_api):
    created = admin_api.post(company_url(alpha, "questionnaires/"), {"title": "2027 edition"}, format="json")
    assert created.status_code == 201
    body = created.json()
    assert (body["version"], body["status"], body["questions"]) == (2, "draft", [])
    url = company_url(alpha, f"questionnaires/{body['id']}/")
    assert admin_api.patch(url, {"title": "Renamed"}, format="json").json()["title"] == "Renamed"
    assert admin_api.delete(url).status_code == 204
    assert admin_api.get(url).status_code == 404


def test_executive_cannot_create_a_questionnaire(alpha, api_client_for):
    response = api_client_for(alpha.member(Role.EXECUTIVE)).post(company_url(alpha, "questionnaires/"), {"title": "x"},
                                                                 format="json")
    assert response.status_code == 403


def test_copy_makes_a_draft_with_every_question(alpha, admin_api):
    published = published_of(alpha)
    response = admin_api.post(company_url(alpha, f"questionnaires/{published.pk}/copy/"))
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "draft" and body["based_on"] == published.pk
    with scopes_disabled():
        assert len(body["questions"]) == Question.objects.filter(questionnaire=published).count()


def test_publishing_a_draft_retires_the_current_version(alpha, admin_api):
    published = published_of(alpha)
    draft = draft_of(alpha)
    QuestionFactory(questionnaire=draft)
    response = admin_api.post(company_url(alpha, f"questionnaires/{draft.pk}/publish/"))
    assert response.status_code == 200
    assert response.json()["status"] == "published"
    published.refresh_from_db()
    assert published.status == QuestionnaireStatus.RETIRED


def test_an_empty_draft_cannot_be_published(alpha, admin_api):
    draft = draft_of(alpha)
    response = admin_api.post(company_url(alpha, f"questionnaires/{draft.pk}/publish/"))
    assert response.status_code == 400
    assert "no questions" in response.json()["non_field_errors"][0]


@pytest.mark.parametrize(("method", "tail", "body"), [
    ("patch", "", {"title": "x"}),
    ("delete", "", None),
    ("post", "publish/", None),
    ("post", "questions/", SCALE_QUESTION),
])
def test_published_version_is_frozen_with_a_clear_409(alpha, admin_api, method, tail, body):
    published = published_of(alpha)
    response = getattr(admin_api, method)(company_url(alpha, f"questionnaires/{published.pk}/{tail}"), body, format="json")
    assert response.status_code == 409
    assert "cannot be edited" in response.json()["detail"]


def test_questions_of_a_published_version_are_frozen(alpha, admin_api):
    published = published_of(alpha)
    with scopes_disabled():
        question = Question.objects.filter(questionnaire=published).first()
    url = company_url(alpha, f"questionnaires/{published.pk}/questions/{question.pk}/")
    assert admin_api.get(url).status_code == 200
    assert admin_api.patch(url, {"weight": 5}, format="json").status_code == 409
    assert admin_api.delete(url).status_code == 409


def test_question_crud_on_a_draft(alpha, admin_api):
    draft = draft_of(alpha)
    base = company_url(alpha, f"questionnaires/{draft.pk}/questions/")
    created = admin_api.post(base, SCALE_QUESTION, format="json")
    assert created.status_code == 201, created.json()
    question = created.json()
    assert question["scale_labels"]["ru"][2] == "описано" and question["position"] == 1
    assert admin_api.get(base).json()["count"] == 1
    url = f"{base}{question['id']}/"
    changed = admin_api.patch(url, {"weight": 7, "scale_labels": {"en": ["a", "b", "c", "d", "e"]}}, format="json")
    assert changed.status_code == 200
    assert changed.json()["weight"] == 7 and changed.json()["scale_labels"] == {"en": ["a", "b", "c", "d", "e"]}
    replaced = admin_api.put(url, {**SCALE_QUESTION, "kind": "yes_no", "scale_labels": {}}, format="json")
    assert replaced.json()["kind"] == "yes_no"
    assert admin_api.delete(url).status_code == 204
    assert admin_api.get(url).status_code == 404


@pytest.mark.parametrize("body", [
    {**SCALE_QUESTION, "factor": "nope"},
    {**SCALE_QUESTION, "kind": "essay"},
    {**SCALE_QUESTION, "weight": 11},
    {**SCALE_QUESTION, "weight": 10**30},
    {**SCALE_QUESTION, "text_en": "a\x00b"},
    {**SCALE_QUESTION, "scale_labels": {"en": ["only", "three", "labels"]}},
    {**SCALE_QUESTION, "scale_labels": "five"},
    {**SCALE_QUESTION, "key": "not a slug!"},
])
def test_bad_question_input_is_a_field_error(alpha, admin_api, body):
    draft = draft_of(alpha)
    response = admin_api.post(company_url(alpha, f"questionnaires/{draft.pk}/questions/"), body, format="json")
    assert response.status_code == 400
    with scopes_disabled():
        assert not Question.objects.filter(questionnaire=draft).exists()


def test_duplicate_question_key_is_a_field_error(alpha, admin_api):
    draft = draft_of(alpha)
    base = company_url(alpha, f"questionnaires/{draft.pk}/questions/")
    admin_api.post(base, SCALE_QUESTION, format="json")
    response = admin_api.post(base, SCALE_QUESTION, format="json")
    assert response.status_code == 400 and "key" in response.json()


def test_outsider_cannot_reach_questionnaires_or_questions(alpha, beta, admin_api):
    beta_draft = draft_of(beta)
    beta_question = QuestionFactory(questionnaire=beta_draft)
    assert admin_api.get(company_url(alpha, f"questionnaires/{beta_draft.pk}/")).status_code == 404
    assert admin_api.post(company_url(alpha, f"questionnaires/{beta_draft.pk}/publish/")).status_code == 404
    url = company_url(alpha, f"questionnaires/{beta_draft.pk}/questions/{beta_question.pk}/")
    assert admin_api.delete(url).status_code == 404
    assert admin_api.get(company_url(beta, "questionnaires/")).status_code == 404


def test_question_of_another_version_is_404(alpha, admin_api):
    draft, other = draft_of(alpha), draft_of(alpha)
    question = QuestionFactory(questionnaire=other)
    assert admin_api.get(company_url(alpha, f"questionnaires/{draft.pk}/questions/{question.pk}/")).status_code == 404


# ---------------------------------------------------------------- matrix

def matrix_rows(tenant, **overrides):
    d = tenant.departments
    rows = {
        "product": (d["product"], [d["sales"]]), "customers": (d["marketing"], []), "market": (d["marketing"], []),
        "advantage": (d["management"], []), "strategy": (d["management"], [d["sales"]]),
        "sales_tech": (d["sales"], []), "automation": (d["it"], []),
    }
    rows.update(overrides)
    return [{"factor": key, "accountable": acc.pk, "contributing": [c.pk for c in contrib]} for key, (acc, contrib) in rows.items()]


def test_department_head_reads_the_matrix(alpha, api_client_for):
    response = api_client_for(alpha.member(Role.DEPARTMENT_HEAD)).get(company_url(alpha, "matrix/"))
    assert response.status_code == 200
    rows = {row["factor"]: row for row in response.json()["rows"]}
    assert rows["sales_tech"]["accountable"]["name"] == "Sales"  # the proposal made when departments were created


def test_admin_replaces_the_matrix(alpha, admin_api):
    response = admin_api.put(company_url(alpha, "matrix/"), {"rows": matrix_rows(alpha)}, format="json")
    assert response.status_code == 200
    rows = {row["factor"]: row for row in response.json()["rows"]}
    assert [c["name"] for c in rows["product"]["contributing"]] == ["Sales"]
    with scope(company=alpha.company):
        assert FactorResponsibility.objects.filter(company=alpha.company, proposed=False).count() == 9


def test_matrix_put_needs_every_factor_with_one_accountable(alpha, admin_api):
    rows = [row for row in matrix_rows(alpha) if row["factor"] != "market"]
    response = admin_api.put(company_url(alpha, "matrix/"), {"rows": rows}, format="json")
    assert response.status_code == 400
    assert "accountable" in response.json()["market"][0]


@pytest.mark.parametrize("mutate", [
    lambda rows: rows + [rows[0]],  # a factor twice
    lambda rows: [{**rows[0], "accountable": None}, *rows[1:]],
    lambda rows: [{**rows[0], "accountable": 10**30}, *rows[1:]],
    lambda rows: [{**rows[0], "factor": "weather"}, *rows[1:]],
    lambda rows: [{**rows[0], "contributing": ["x"]}, *rows[1:]],
])
def test_bad_matrix_input_is_400_and_keeps_the_matrix(alpha, admin_api, mutate):
    before = admin_api.get(company_url(alpha, "matrix/")).json()
    response = admin_api.put(company_url(alpha, "matrix/"), {"rows": mutate(matrix_rows(alpha))}, format="json")
    assert response.status_code == 400
    assert admin_api.get(company_url(alpha, "matrix/")).json() == before


def test_matrix_refuses_another_companys_department(alpha, beta, admin_api):
    rows = matrix_rows(alpha, product=(beta.departments["product"], []))
    response = admin_api.put(company_url(alpha, "matrix/"), {"rows": rows}, format="json")
    assert response.status_code == 400


def test_matrix_refuses_an_archived_department(alpha, admin_api):
    legal = DepartmentFactory(company=alpha.company, name="Legal", is_archived=True)
    response = admin_api.put(company_url(alpha, "matrix/"), {"rows": matrix_rows(alpha, product=(legal, []))},
                             format="json")
    assert response.status_code == 400


def test_executive_cannot_change_the_matrix(alpha, api_client_for):
    api = api_client_for(alpha.member(Role.EXECUTIVE))
    assert api.put(company_url(alpha, "matrix/"), {"rows": matrix_rows(alpha)}, format="json").status_code == 403
    assert api.post(company_url(alpha, "matrix/propose/")).status_code == 403


def test_sales_manager_cannot_read_the_matrix(alpha, api_client_for):
    assert api_client_for(alpha.member(Role.SALES_MANAGER)).get(company_url(alpha, "matrix/")).status_code == 403


def test_propose_fills_factors_from_department_names(alpha, admin_api):
    with scope(company=alpha.company):
        FactorResponsibility.objects.filter(company=alpha.company).delete()
    response = admin_api.post(company_url(alpha, "matrix/propose/"))
    assert response.status_code == 200
    body = response.json()
    assert body["changed"] == 7
    assert {row["factor"]: row["accountable"]["name"] for row in body["rows"]}["automation"] == "IT"


def test_outsider_gets_404_on_the_matrix(alpha, beta, api_client_for):
    assert api_client_for(beta.member(Role.ADMIN)).put(company_url(alpha, "matrix/"), {"rows": []},
                                                        format="json").status_code == 404


# ---------------------------------------------------------------- schedule

def test_schedule_shows_the_next_period_in_the_company_timezone(alpha, admin_api):
    alpha.company.timezone = "Europe/Moscow"
    alpha.company.save()
    with time_machine.travel(datetime.datetime(2026, 11, 5, 12, 0, tzinfo=datetime.UTC), tick=False):
        response = admin_api.get(company_url(alpha, "schedule/"))
    body = response.json()
    assert response.status_code == 200
    assert (body["cadence"], body["current_period"], body["next_period"]) == ("quarterly", "2026-Q4", "2027-Q1")
    assert body["next_opening"] == "2027-01-01T00:00:00+03:00"


def test_admin_changes_the_schedule_with_put_and_patch(alpha, admin_api):
    url = company_url(alpha, "schedule/")
    body = {"cadence": "monthly", "opening_day": 5, "answer_window_days": 10, "is_active": False}
    with time_machine.travel(datetime.datetime(2026, 11, 2, 12, 0, tzinfo=datetime.UTC), tick=False):
        response = admin_api.put(url, body, format="json")
        patched = admin_api.patch(url, {"answer_window_days": 20}, format="json")
    assert response.status_code == 200
    assert response.json()["next_period"] == "2026-11"
    assert patched.json()["cadence"] == "monthly"
    with scope(company=alpha.company):
        schedule = Schedule.objects.get(company=alpha.company)
    assert (schedule.opening_day, schedule.answer_window_days, schedule.is_active) == (5, 20, False)


@pytest.mark.parametrize("body", [
    {"opening_day": 29}, {"opening_day": 0}, {"answer_window_days": 91}, {"cadence": "weekly"},
    {"opening_day": 10**40}, {"is_active": "maybe"},
])
def test_bad_schedule_input_is_a_field_error(alpha, admin_api, body):
    response = admin_api.patch(company_url(alpha, "schedule/"), body, format="json")
    assert response.status_code == 400
    assert set(body) <= set(response.json())


def test_only_the_admin_reads_and_changes_the_schedule(alpha, beta, api_client_for):
    url = company_url(alpha, "schedule/")
    assert api_client_for(alpha.member(Role.EXECUTIVE)).get(url).status_code == 403
    assert api_client_for(alpha.member(Role.DEPARTMENT_HEAD)).patch(url, {"opening_day": 3}, format="json").status_code == 403
    assert api_client_for(beta.member(Role.ADMIN)).get(url).status_code == 404
