"""Knowledge checks through the API: the head of sales writes a check and its questions, a sales manager takes it.
The same services and access rules as the knowledge pages; the correct option never reaches the manager."""

import pytest
from django_scopes import scopes_disabled

from accounts.models import Role
from scorecards.models import KnowledgeAttempt, KnowledgeCheck, KnowledgeQuestion

BASE = "/api/v1/companies/{}/scorecards/knowledge-checks/"


def url(tail="", slug="alpha"):
    return BASE.format(slug) + tail


def make_check(tenant, *, published=True, questions=(("Warranty?", ["1 year", "3 years"], 1),)):
    with scopes_disabled():  # test data, built outside any request
        check = KnowledgeCheck.objects.create(company=tenant.company, title="Product line", is_published=published)
        for position, (text, options, correct) in enumerate(questions, start=1):
            KnowledgeQuestion.objects.create(company=tenant.company, knowledge_check=check, text=text,
                                             options=options, correct_option=correct, position=position)
    return check


def question_ids(check):
    with scopes_disabled():
        return list(check.questions.order_by("position").values_list("pk", flat=True))


def test_head_writes_a_check_adds_questions_and_opens_it(alpha, api_client_for):
    api = api_client_for(alpha.member(Role.DEPARTMENT_HEAD))
    created = api.post(url(), {"title": "Product line", "description": "Our range"}, format="json")
    assert created.status_code == 201, created.json()
    check = created.json()
    assert (check["is_published"], check["question_count"], check["questions"]) == (False, 0, [])
    for text, options, correct in [("Warranty?", ["1 year", "3 years"], 1),
                                   ("Lead time?", ["2 days", "2 weeks", "2 months"], 0)]:
        added = api.post(url(f"{check['id']}/questions/"), {"text": text, "options": options,
                                                            "correct_option": correct}, format="json")
        assert added.status_code == 201, added.json()
        assert added.json()["correct_option"] == correct and added.json()["options"] == options
    opened = api.patch(url(f"{check['id']}/"), {"is_published": True}, format="json")
    assert opened.status_code == 200, opened.json()
    body = opened.json()
    assert (body["title"], body["description"], body["is_published"], body["question_count"]) == (
        "Product line", "Our range", True, 2)
    assert [q["text"] for q in body["questions"]] == ["Warranty?", "Lead time?"]
    with scopes_disabled():
        stored = KnowledgeCheck.objects.get(pk=check["id"])
        assert stored.is_published and stored.created_by == alpha.user(Role.DEPARTMENT_HEAD)


def test_put_replaces_title_description_and_status(alpha, api_client_for):
    check = make_check(alpha)
    response = api_client_for(alpha.member(Role.ADMIN)).put(url(f"{check.pk}/"), {"title": "Renamed"}, format="json")
    assert response.status_code == 200
    assert (response.json()["title"], response.json()["description"], response.json()["is_published"]) == (
        "Renamed", "", False)


def test_a_check_without_questions_cannot_be_opened(alpha, api_client_for):
    check = make_check(alpha, published=False, questions=())
    response = api_client_for(alpha.member(Role.ADMIN)).patch(url(f"{check.pk}/"), {"is_published": True},
                                                              format="json")
    assert response.status_code == 400 and "is_published" in response.json()
    with scopes_disabled():
        assert not KnowledgeCheck.objects.get(pk=check.pk).is_published


@pytest.mark.parametrize("body, field", [
    ({}, "title"),
    ({"title": ""}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"title": "a\x00b"}, "title"),
    ({"title": "T", "description": 5}, "description"),
    ({"title": ["T"]}, "title"),
])
def test_bad_new_checks_are_field_errors(alpha, api_client_for, body, field):
    response = api_client_for(alpha.member(Role.ADMIN)).post(url(), body, format="json")
    assert response.status_code == 400 and field in response.json()
    with scopes_disabled():
        assert not KnowledgeCheck.objects.exists()


@pytest.mark.parametrize("body, field", [
    ({"text": "Q?", "options": ["only one"], "correct_option": 0}, "options"),
    ({"text": "Q?", "options": ["a", "a"], "correct_option": 0}, "options"),
    ({"text": "Q?", "options": ["a", " "], "correct_option": 0}, "options"),
    ({"text": "Q?", "options": ["a", "b"], "correct_option": 2}, "correct_option"),
    ({"text": "Q?", "options": ["a", "b"], "correct_option": -1}, "correct_option"),
    ({"text": "Q?", "options": "a\nb", "correct_option": 0}, "options"),
    ({"text": "", "options": ["a", "b"], "correct_option": 0}, "text"),
    ({"options": ["a", "b"], "correct_option": 0}, "text"),
])
def test_bad_questions_are_field_errors_and_add_nothing(alpha, api_client_for, body, field):
    check = make_check(alpha, published=False, questions=())
    response = api_client_for(alpha.member(Role.ADMIN)).post(url(f"{check.pk}/questions/"), body, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    with scopes_disabled():
        assert not KnowledgeQuestion.objects.exists()


def test_head_deletes_a_question_of_the_check(alpha, api_client_for):
    check = make_check(alpha, questions=(("A?", ["x", "y"], 0), ("B?", ["x", "y"], 1)))
    first, second = question_ids(check)
    api = api_client_for(alpha.member(Role.DEPARTMENT_HEAD))
    assert api.delete(url(f"{check.pk}/questions/{first}/")).status_code == 204
    assert api.delete(url(f"{check.pk}/questions/{first}/")).status_code == 404
    assert [q["id"] for q in api.get(url(f"{check.pk}/")).json()["questions"]] == [second]


def test_a_question_of_another_check_is_not_found_under_this_one(alpha, api_client_for):
    check, other = make_check(alpha), make_check(alpha)
    response = api_client_for(alpha.member(Role.ADMIN)).delete(url(f"{check.pk}/questions/{question_ids(other)[0]}/"))
    assert response.status_code == 404
    with scopes_disabled():
        assert KnowledgeQuestion.objects.count() == 2


def test_manager_reads_open_checks_without_the_correct_options(alpha, api_client_for):
    opened, draft = make_check(alpha), make_check(alpha, published=False)
    api = api_client_for(alpha.member(Role.SALES_MANAGER))
    listed = api.get(url()).json()
    assert listed["count"] == 1 and [c["id"] for c in listed["results"]] == [opened.pk]
    detail = api.get(url(f"{opened.pk}/"))
    assert detail.status_code == 200
    assert [q["correct_option"] for q in detail.json()["questions"]] == [None]
    assert detail.json()["questions"][0]["options"] == ["1 year", "3 years"]
    assert api.get(url(f"{draft.pk}/")).status_code == 404


def test_head_sees_drafts_and_the_correct_options(alpha, api_client_for):
    make_check(alpha)
    draft = make_check(alpha, published=False)
    api = api_client_for(alpha.member(Role.DEPARTMENT_HEAD))
    assert api.get(url()).json()["count"] == 2
    assert [q["correct_option"] for q in api.get(url(f"{draft.pk}/")).json()["questions"]] == [1]


def test_manager_takes_a_check_and_gets_the_score(alpha, api_client_for, frozen_after_quarter):
    check = make_check(alpha, questions=(("Warranty?", ["1 year", "3 years"], 1),
                                         ("Lead time?", ["2 days", "2 weeks", "2 months"], 0)))
    first, second = question_ids(check)
    response = api_client_for(alpha.member(Role.SALES_MANAGER)).post(
        url(f"{check.pk}/attempts/"), {"answers": [{"question": first, "option": 1},
                                                   {"question": second, "option": 2}]}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["correct"], body["total"], body["score"], body["period"]) == (1, 2, "50.00", "2026-Q2")
    assert "answers" not in body
    with scopes_disabled():
        attempt = KnowledgeAttempt.objects.get()
        assert (attempt.manager, attempt.answers) == (alpha.member(Role.SALES_MANAGER), {str(first): 1, str(second): 2})


def test_unanswered_questions_count_as_wrong(alpha, api_client_for, frozen_after_quarter):
    check = make_check(alpha)
    response = api_client_for(alpha.member(Role.SALES_MANAGER)).post(url(f"{check.pk}/attempts/"), {"answers": []},
                                                                     format="json")
    assert response.status_code == 201 and (response.json()["correct"], response.json()["score"]) == (0, "0.00")


def attempt(api, check, answers):
    return api.post(url(f"{check.pk}/attempts/"), {"answers": answers}, format="json")


def test_bad_attempts_are_field_errors_and_store_nothing(alpha, beta, api_client_for, frozen_after_quarter):
    check = make_check(alpha)
    (question,) = question_ids(check)
    foreign = question_ids(make_check(beta))[0]
    api = api_client_for(alpha.member(Role.SALES_MANAGER))
    for answers, expected in [
        ([{"question": question, "option": 2}], {"answers": {str(question): ["Choose one of the question's options."]}}),
        ([{"question": foreign, "option": 0}],
         {"answers": {str(foreign): ["This question is not part of the knowledge check."]}}),
        ([{"question": question, "option": 0}, {"question": question, "option": 1}], {"answers": ["Answer each question once."]}),
        ([{"question": question, "option": "first"}], None),
        ([{"question": question}], None),
        ({"question": question, "option": 0}, None),
    ]:
        response = attempt(api, check, answers)
        assert response.status_code == 400, (answers, response.json())
        assert "answers" in response.json()
        if expected is not None:
            assert response.json() == expected
    assert api.post(url(f"{check.pk}/attempts/"), {}, format="json").status_code == 400
    with scopes_disabled():
        assert not KnowledgeAttempt.objects.exists()


def test_a_check_emptied_after_opening_cannot_be_taken(alpha, api_client_for, frozen_after_quarter):
    check = make_check(alpha, questions=())
    response = attempt(api_client_for(alpha.member(Role.SALES_MANAGER)), check, [])
    assert response.status_code == 400 and "non_field_errors" in response.json()


def test_a_draft_cannot_be_taken(alpha, api_client_for):
    check = make_check(alpha, published=False)
    assert attempt(api_client_for(alpha.member(Role.SALES_MANAGER)), check, []).status_code == 404


@pytest.mark.parametrize("role", [Role.ADMIN, Role.EXECUTIVE, Role.DEPARTMENT_HEAD])
def test_only_a_sales_manager_takes_a_check(alpha, api_client_for, role):
    check = make_check(alpha)
    assert attempt(api_client_for(alpha.member(role)), check, []).status_code == 403


def test_other_roles_cannot_write_checks(alpha, api_client_for, other_head):
    check = make_check(alpha)
    (question,) = question_ids(check)
    for who in [alpha.member(Role.EXECUTIVE), alpha.member(Role.SALES_MANAGER), other_head]:
        api = api_client_for(who)
        assert api.post(url(), {"title": "Mine"}, format="json").status_code == 403
        assert api.patch(url(f"{check.pk}/"), {"title": "Mine"}, format="json").status_code == 403
        assert api.post(url(f"{check.pk}/questions/"), {"text": "Q", "options": ["a", "b"], "correct_option": 0},
                        format="json").status_code == 403
        assert api.delete(url(f"{check.pk}/questions/{question}/")).status_code == 403
    with scopes_disabled():
        assert KnowledgeCheck.objects.get().title == "Product line" and KnowledgeQuestion.objects.count() == 1


def test_executives_and_other_heads_do_not_read_checks(alpha, api_client_for, other_head):
    check = make_check(alpha)
    for who in [alpha.member(Role.EXECUTIVE), other_head]:
        assert api_client_for(who).get(url()).status_code == 403
        assert api_client_for(who).get(url(f"{check.pk}/")).status_code == 403


def test_another_companys_checks_are_not_found(alpha, beta, api_client_for):
    check = make_check(beta)
    (question,) = question_ids(check)
    admin = api_client_for(alpha.member(Role.ADMIN))
    assert admin.get(url(slug="beta")).status_code == 404
    assert admin.get(url(f"{check.pk}/")).status_code == 404
    assert admin.patch(url(f"{check.pk}/"), {"title": "Mine"}, format="json").status_code == 404
    assert admin.post(url(f"{check.pk}/questions/"), {"text": "Q", "options": ["a", "b"], "correct_option": 0},
                      format="json").status_code == 404
    assert admin.delete(url(f"{check.pk}/questions/{question}/")).status_code == 404
    assert attempt(api_client_for(alpha.member(Role.SALES_MANAGER)), check, []).status_code == 404
    with scopes_disabled():
        assert KnowledgeCheck.objects.get(pk=check.pk).title == "Product line"
        assert KnowledgeQuestion.objects.filter(knowledge_check=check).count() == 1
        assert not KnowledgeAttempt.objects.exists()


def test_the_list_is_paginated(alpha, api_client_for):
    for _ in range(3):
        make_check(alpha)
    page = api_client_for(alpha.member(Role.ADMIN)).get(url() + "?page=1").json()
    assert (page["count"], len(page["results"]), page["next"]) == (3, 3, None)
    assert api_client_for(alpha.member(Role.ADMIN)).get(url() + "?page=9").status_code == 404
