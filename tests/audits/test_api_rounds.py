"""Audits API, rounds and department audits: opening, answering in bulk, submitting, reopening, stored scores."""

import pytest
from django_scopes import scope, scopes_disabled

from accounts.models import Role
from audits import services
from audits.models import Answer, AuditStatus, QuestionKind
from tests.accounts.api_helpers import company_url
from tests.audits.page_helpers import head_of
from tests.factories import QuestionFactory, factor


@pytest.fixture
def admin_api(alpha, api_client_for):
    return api_client_for(alpha.member(Role.ADMIN))


@pytest.fixture
def head_api(alpha, api_client_for):
    """The head of Sales."""
    return api_client_for(alpha.member(Role.DEPARTMENT_HEAD))


def questions_of(audit):
    with scope(company=audit.company):
        return list(services.audit_questions(audit))


def full_answers(audit, scale=4, yes=True):
    rows = []
    for question in questions_of(audit):
        if question.kind == QuestionKind.SCALE:
            rows.append({"question": question.pk, "scale_value": scale})
        elif question.kind == QuestionKind.YES_NO:
            rows.append({"question": question.pk, "bool_value": yes})
    return rows


def answers_url(audit):
    return company_url_of(audit, f"department-audits/{audit.pk}/answers/")


def company_url_of(obj, tail):
    return f"/api/v1/companies/{obj.company.slug}/{tail}"


def stored_answers(audit):
    with scopes_disabled():
        return Answer.objects.filter(audit=audit).count()


# ---------------------------------------------------------------- the whole flow through the API

def test_full_audit_flow_through_the_api(alpha, questionnaire, matrix, at_oct_2, admin_api, head_api):
    opened = admin_api.post(company_url(alpha, "rounds/"), {}, format="json")
    assert opened.status_code == 201, opened.json()
    round_id = opened.json()["id"]
    assert opened.json()["period"] == "2026-Q4" and opened.json()["expected_count"] == 5

    audits = head_api.get(company_url(alpha, "department-audits/"), {"round": round_id}).json()["results"]
    assert [a["department_name"] for a in audits] == ["Sales"]
    audit_id = audits[0]["id"]
    detail = head_api.get(company_url(alpha, f"department-audits/{audit_id}/")).json()
    assert detail["progress"] == {"answered": 0, "total": len(detail["questions"])}

    rows = [{"question": q["id"], **({"scale_value": 5} if q["kind"] == "scale" else {"bool_value": True})}
            for q in detail["questions"] if q["kind"] in ("scale", "yes_no")]
    saved = head_api.put(company_url(alpha, f"department-audits/{audit_id}/answers/"), {"answers": rows}, format="json")
    assert saved.status_code == 200, saved.json()
    assert saved.json()["saved"] == len(rows)

    submitted = head_api.post(company_url(alpha, f"department-audits/{audit_id}/submit/"))
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["status"] == "submitted"
    scores = head_api.get(company_url(alpha, f"department-audits/{audit_id}/scores/")).json()
    assert {s["factor"]: s["score"] for s in scores["factor_scores"]}["sales_tech"] == "100.00"
    round_scores = admin_api.get(company_url(alpha, f"rounds/{round_id}/scores/")).json()
    assert {s["factor"]: s["score"] for s in round_scores["factor_scores"]}["sales_tech"] == "100.00"
    assert round_scores["system_index"] is not None

    reopened = admin_api.post(company_url(alpha, f"department-audits/{audit_id}/reopen/"),
                              {"reason": "Numbers were from last quarter"}, format="json")
    assert reopened.status_code == 200 and reopened.json()["status"] == "reopened"
    assert reopened.json()["transitions"][-1]["reason"] == "Numbers were from last quarter"
    lower = [{**row, "scale_value": 1} if "scale_value" in row else {**row, "bool_value": False} for row in rows]
    assert head_api.post(company_url(alpha, f"department-audits/{audit_id}/answers/"), {"answers": lower},
                         format="json").status_code == 200
    assert head_api.post(company_url(alpha, f"department-audits/{audit_id}/submit/")).status_code == 200
    scores = head_api.get(company_url(alpha, f"department-audits/{audit_id}/scores/")).json()
    assert {s["factor"]: s["score"] for s in scores["factor_scores"]}["sales_tech"] == "0.00"


def test_opening_the_same_period_twice_returns_the_existing_round(alpha, q4_round, admin_api):
    response = admin_api.post(company_url(alpha, "rounds/"), {"period": "2026-Q4"}, format="json")
    assert response.status_code == 200
    assert response.json()["id"] == q4_round.pk


@pytest.mark.parametrize("period", ["2026-13", "2026-11", "2030-Q1", "Q4", "x" * 11, "20\x0026"])
def test_bad_period_is_a_field_error(alpha, questionnaire, matrix, at_oct_2, admin_api, period):
    response = admin_api.post(company_url(alpha, "rounds/"), {"period": period}, format="json")
    assert response.status_code == 400
    assert "period" in response.json()


def test_only_the_admin_opens_rounds(alpha, questionnaire, matrix, at_oct_2, api_client_for):
    for role in (Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.SALES_MANAGER):
        assert api_client_for(alpha.member(role)).post(company_url(alpha, "rounds/"), {}, format="json").status_code == 403


# ---------------------------------------------------------------- rounds read

def test_round_list_and_detail_with_stored_scores(alpha, q4_round, api_client_for):
    api = api_client_for(alpha.member(Role.EXECUTIVE))
    listed = api.get(company_url(alpha, "rounds/")).json()
    assert [row["period"] for row in listed["results"]] == ["2026-Q4"]
    detail = api.get(company_url(alpha, f"rounds/{q4_round.pk}/")).json()
    assert len(detail["factor_scores"]) == 7 and len(detail["audits"]) == 5
    assert detail["questionnaire_version"] == q4_round.questionnaire.version


def test_department_head_sees_only_their_departments_audit_in_a_round(alpha, q4_round, head_api):
    detail = head_api.get(company_url(alpha, f"rounds/{q4_round.pk}/")).json()
    assert [a["department_name"] for a in detail["audits"]] == ["Sales"]


def test_sales_manager_cannot_see_rounds(alpha, q4_round, api_client_for):
    api = api_client_for(alpha.member(Role.SALES_MANAGER))
    assert api.get(company_url(alpha, "rounds/")).status_code == 403
    assert api.get(company_url(alpha, f"rounds/{q4_round.pk}/scores/")).status_code == 403


def test_head_of_a_department_without_an_audit_gets_403_on_the_round(alpha, q4_round, api_client_for):
    legal_head = head_of(alpha, "management")
    with scopes_disabled():
        q4_round.audits.filter(department=alpha.departments["management"]).delete()
    assert api_client_for(legal_head).get(company_url(alpha, f"rounds/{q4_round.pk}/")).status_code == 403


def test_outsider_gets_404_on_rounds(alpha, beta, q4_round, api_client_for):
    api = api_client_for(beta.member(Role.ADMIN))
    assert api.get(company_url(alpha, "rounds/")).status_code == 404
    assert api.get(company_url(beta, f"rounds/{q4_round.pk}/")).status_code == 404
    assert api.get(company_url(beta, f"rounds/{q4_round.pk}/scores/")).status_code == 404


# ---------------------------------------------------------------- department audits read

def test_audit_list_filters(alpha, q4_round, admin_api):
    url = company_url(alpha, "department-audits/")
    assert admin_api.get(url).json()["count"] == 5
    sales = alpha.departments["sales"].pk
    assert admin_api.get(url, {"department": sales}).json()["count"] == 1
    assert admin_api.get(url, {"status": "submitted"}).json()["count"] == 0
    assert admin_api.get(url, {"round": q4_round.pk, "status": "draft"}).json()["count"] == 5


@pytest.mark.parametrize("query", [{"status": "lost"}, {"round": "abc"}, {"department": 10**30}])
def test_bad_audit_filters_are_400(alpha, q4_round, admin_api, query):
    assert admin_api.get(company_url(alpha, "department-audits/"), query).status_code == 400


def test_department_head_gets_403_on_another_departments_audit(alpha, q4_round, head_api):
    with scopes_disabled():
        marketing = q4_round.audits.get(department=alpha.departments["marketing"])
    assert head_api.get(company_url(alpha, f"department-audits/{marketing.pk}/")).status_code == 403
    assert head_api.get(company_url(alpha, f"department-audits/{marketing.pk}/scores/")).status_code == 403
    rows = [{"question": questions_of(marketing)[0].pk, "scale_value": 3}]
    assert head_api.post(answers_url(marketing), {"answers": rows}, format="json").status_code == 403


def test_executive_reads_but_does_not_answer(alpha, sales_audit, api_client_for):
    api = api_client_for(alpha.member(Role.EXECUTIVE))
    assert api.get(company_url(alpha, f"department-audits/{sales_audit.pk}/")).status_code == 200
    response = api.post(answers_url(sales_audit), {"answers": full_answers(sales_audit)}, format="json")
    assert response.status_code == 403
    assert api.post(company_url(alpha, f"department-audits/{sales_audit.pk}/submit/")).status_code == 403


def test_outsider_gets_404_on_department_audits(alpha, beta, sales_audit, api_client_for):
    api = api_client_for(beta.member(Role.DEPARTMENT_HEAD))
    for tail in ("", "scores/"):
        assert api.get(company_url(beta, f"department-audits/{sales_audit.pk}/{tail}")).status_code == 404
    assert api.post(company_url(beta, f"department-audits/{sales_audit.pk}/answers/"),
                    {"answers": full_answers(sales_audit)}, format="json").status_code == 404
    assert stored_answers(sales_audit) == 0


# ---------------------------------------------------------------- answers

def test_bulk_answers_are_all_or_nothing_with_per_question_errors(alpha, sales_audit, head_api):
    rows = full_answers(sales_audit)
    with scopes_disabled():
        foreign = QuestionFactory(questionnaire=sales_audit.round.questionnaire, factor=factor("automation"))
    response = head_api.post(answers_url(sales_audit), {"answers": [*rows, {"question": foreign.pk, "scale_value": 3}]},
                             format="json")
    assert response.status_code == 400
    assert str(foreign.pk) in response.json()["answers"]
    assert stored_answers(sales_audit) == 0


@pytest.mark.parametrize("item", [
    {"scale_value": 6}, {"scale_value": 0}, {"scale_value": 10**30}, {"scale_value": "four"},
    {"comment": "a\x00b", "scale_value": 3}, {"text_value": "x" * 6000}, {"number_value": "1e40"},
    {"evidence_url": "not a url", "scale_value": 3},
])
def test_bad_answer_values_are_400(alpha, sales_audit, head_api, item):
    question = next(q for q in questions_of(sales_audit) if q.kind == QuestionKind.SCALE)
    response = head_api.post(answers_url(sales_audit), {"answers": [{"question": question.pk, **item}]}, format="json")
    assert response.status_code == 400
    assert "answers" in response.json()
    assert stored_answers(sales_audit) == 0


@pytest.mark.parametrize("body", [
    {"answers": [{"question": 10**30, "scale_value": 3}]},
    {"answers": [{"question": 987654321, "scale_value": 3}]},
    {"answers": [{"scale_value": 3}]},
    {"answers": []},
    {"answers": "all of them"},
    {},
])
def test_unknown_or_missing_questions_are_400(alpha, sales_audit, head_api, body):
    response = head_api.post(answers_url(sales_audit), body, format="json")
    assert response.status_code == 400
    assert "answers" in response.json()


def test_malformed_json_is_400(alpha, sales_audit, head_api):
    response = head_api.post(answers_url(sales_audit), '{"answers": [', content_type="application/json")
    assert response.status_code == 400


def test_kind_mismatch_and_na_without_comment_are_per_question_errors(alpha, sales_audit, head_api):
    scale = next(q for q in questions_of(sales_audit) if q.kind == QuestionKind.SCALE)
    yes_no = next(q for q in questions_of(sales_audit) if q.kind == QuestionKind.YES_NO)
    response = head_api.post(answers_url(sales_audit), {"answers": [
        {"question": scale.pk, "bool_value": True}, {"question": yes_no.pk, "not_applicable": True},
    ]}, format="json")
    assert response.status_code == 400
    assert set(response.json()["answers"]) == {str(scale.pk), str(yes_no.pk)}


def test_answering_a_submitted_audit_is_409(alpha, sales_audit, head_api, answer_all):
    answer_all(sales_audit, by=alpha.user(Role.DEPARTMENT_HEAD))
    with scope(company=alpha.company):
        services.audit_submit(audit=sales_audit, by=alpha.user(Role.DEPARTMENT_HEAD))
    response = head_api.post(answers_url(sales_audit), {"answers": full_answers(sales_audit, scale=1)}, format="json")
    assert response.status_code == 409
    assert "submitted" in response.json()["detail"]
    assert head_api.post(company_url(alpha, f"department-audits/{sales_audit.pk}/submit/")).status_code == 409


def test_submit_lists_missing_required_questions(alpha, sales_audit, head_api):
    first, *rest = full_answers(sales_audit)
    head_api.post(answers_url(sales_audit), {"answers": rest}, format="json")
    response = head_api.post(company_url(alpha, f"department-audits/{sales_audit.pk}/submit/"))
    assert response.status_code == 400
    assert list(response.json()["missing"]) == [str(first["question"])]
    with scopes_disabled():
        sales_audit.refresh_from_db()
    assert sales_audit.status == AuditStatus.DRAFT


def test_reopen_needs_a_reason_the_admin_and_a_submitted_audit(alpha, sales_audit, admin_api, head_api):
    url = company_url(alpha, f"department-audits/{sales_audit.pk}/reopen/")
    assert head_api.post(url, {"reason": "please"}, format="json").status_code == 403
    assert admin_api.post(url, {"reason": ""}, format="json").status_code == 400
    assert admin_api.post(url, {"reason": "x\x00"}, format="json").status_code == 400
    response = admin_api.post(url, {"reason": "not submitted yet"}, format="json")
    assert response.status_code == 400


def test_audit_keeps_its_questionnaire_version_after_a_new_one_is_published(alpha, sales_audit, admin_api, head_api):
    old_version = sales_audit.round.questionnaire
    copy = admin_api.post(company_url(alpha, f"questionnaires/{old_version.pk}/copy/")).json()
    question = copy["questions"][0]
    admin_api.patch(company_url(alpha, f"questionnaires/{copy['id']}/questions/{question['id']}/"),
                    {"text_en": "Reworded in the new version"}, format="json")
    assert admin_api.post(company_url(alpha, f"questionnaires/{copy['id']}/publish/")).status_code == 200
    detail = head_api.get(company_url(alpha, f"department-audits/{sales_audit.pk}/")).json()
    assert detail["questionnaire"] == old_version.pk
    assert "Reworded in the new version" not in {q["text_en"] for q in detail["questions"]}
    assert head_api.post(answers_url(sales_audit), {"answers": full_answers(sales_audit)}, format="json").status_code == 200
    new_question = {"question": question["id"], "scale_value": 3}  # the new version's question is not in this audit
    assert head_api.post(answers_url(sales_audit), {"answers": [new_question]}, format="json").status_code == 400


# ---------------------------------------------------------------- a deleted department with audits

def test_deleting_a_department_with_audits_archives_it_and_keeps_its_history(
        alpha, sales_audit, answer_all, admin_api, client_for):
    from django.db.models import RestrictedError

    head = alpha.user(Role.DEPARTMENT_HEAD)
    answer_all(sales_audit, head)
    with scope(company=alpha.company):
        services.audit_submit(audit=sales_audit, by=head)
    sales = alpha.departments["sales"]
    assert admin_api.delete(company_url(alpha, f"departments/{sales.pk}/")).status_code == 204
    sales.refresh_from_db()
    assert sales.is_archived
    # the audit, its answers and its scores stay readable
    detail = admin_api.get(company_url(alpha, f"department-audits/{sales_audit.pk}/"))
    assert detail.status_code == 200 and detail.json()["status"] == "submitted"
    scores = admin_api.get(company_url(alpha, f"department-audits/{sales_audit.pk}/scores/")).json()
    assert {s["factor"] for s in scores["factor_scores"]} == {"product", "customers", "strategy", "sales_tech"}
    assert stored_answers(sales_audit) > 0
    page = client_for(alpha.member(Role.EXECUTIVE)).get(
        f"/c/{alpha.company.slug}/audits/rounds/{sales_audit.round_id}/")
    assert page.status_code == 200 and "Sales" in page.content.decode()
    # and nothing removes the row by accident: a hard delete is refused while audits refer to it
    with scopes_disabled(), pytest.raises(RestrictedError):
        sales.delete()
