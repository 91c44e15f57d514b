"""What an autosave (the page's and the API's) and a submit cost (issue 15: autosave at most ten statements, submit with its scores in one
pass), the same for a small audit and for the demo's biggest one with eight quarters of history.

Counted as the page's requests, signed in as the department's head: the session and membership, the transaction
(a savepoint inside the test's, BEGIN/COMMIT in production), the member's own audit locked, the answer, the
write and its audit-log entry, the progress with the answer re-read.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.security.models import AuditLogEntry
from audits import bench, scoring, services
from audits.models import Answer, AnswerRevision, FactorScore, QuestionKind, Round
from tests.audits.conftest import at_oct_2, factors, matrix, q4_round, questionnaire, sales_audit  # noqa: F401

pytestmark = pytest.mark.django_db

AUTOSAVE = 10  # issue 15
SUBMIT = 20


def small(request, alpha):
    audit = request.getfixturevalue("sales_audit")
    return audit, alpha.user(Role.DEPARTMENT_HEAD)


def demo_sized(request, alpha):
    """The bench's company: the demo's eight quarters, the default questionnaire, its biggest audit reopened."""
    with scopes_disabled():  # test data for a company of its own, built outside any request
        company = bench.build_company("counts")
        audit, head, _questions = bench.open_biggest_audit(company)
    with scope(company=company):
        Answer.objects.filter(audit=audit).delete()  # start unanswered, like the small one
    return audit, head


SIZES = {"small": small, "demo": demo_sized}


def post(client, audit, name, data=None):
    target = reverse(f"audits:{name}", kwargs={"company_slug": audit.company.slug, "audit_pk": audit.pk})
    with CaptureQueriesContext(connection) as captured:
        response = client.post(target, data or {})
    return response, len(captured.captured_queries)


def scale_questions(audit):
    with scope(company=audit.company):
        return [q for q in services.audit_questions(audit) if q.kind == QuestionKind.SCALE]


def answer_the_rest(audit, head):
    with scope(company=audit.company):
        for question in services.audit_questions(audit):
            values = {QuestionKind.SCALE: {"scale_value": 3}, QuestionKind.YES_NO: {"bool_value": True},
                      QuestionKind.NUMBER: {"number_value": 5}}.get(question.kind, {"text_value": "done"})
            if not Answer.objects.filter(audit=audit, question=question).exists():
                services.answer_save(audit=audit, question=question, by=head, **values)


def costs(audit, head, client):
    """The statements of a first autosave, a second, an API upsert of one answer, a submit, and an autosave
    after a reopen (a revision)."""
    client.force_login(head)
    question = scale_questions(audit)[0]
    field = f"q{question.pk}-scale_value"
    seen = {}
    response, seen["first autosave"] = post(client, audit, "answer_save", {"question": question.pk, field: "2"})
    assert response.status_code == 200 and response.json()["answer"]["value"] == "2"
    response, seen["autosave"] = post(client, audit, "answer_save", {"question": question.pk, field: "4",
                                                                     f"q{question.pk}-comment": "Scripts exist"})
    body = response.json()
    assert response.status_code == 200 and body["answer"]["value"] == "4", body
    assert body["answer"]["comment"] == "Scripts exist" and body["answered"] == 1 and body["total"] > 1
    api = APIClient()
    api.force_login(head)
    other = scale_questions(audit)[1]
    url = f"/api/v1/companies/{audit.company.slug}/department-audits/{audit.pk}/answers/"
    with CaptureQueriesContext(connection) as captured:
        response = api.put(url, {"answers": [{"question": other.pk, "scale_value": 3, "comment": "API"}]},
                           format="json")
    seen["API answer upsert"] = len(captured.captured_queries)
    body = response.json()
    assert response.status_code == 200 and body["answers"][0]["scale_value"] == 3, body
    assert body["progress"]["answered"] == 2 and body["answers"][0]["comment"] == "API"
    answer_the_rest(audit, head)
    response, seen["submit"] = post(client, audit, "audit_submit")
    assert response.status_code == 302, response.content[:500]
    with scope(company=audit.company):
        services.audit_reopen(audit=audit, by=None, reason="A wrong answer")
    response, seen["autosave, reopened"] = post(client, audit, "answer_save", {"question": question.pk, field: "5"})
    assert response.status_code == 200 and response.json()["answer"]["value"] == "5"
    return seen, question


@pytest.mark.parametrize("size", list(SIZES))
def test_autosave_and_submit_cost_a_few_statements_and_keep_their_behaviour(size, request, alpha, client):
    audit, head = SIZES[size](request, alpha)
    seen, question = costs(audit, head, client)
    assert max(seen[name] for name in seen if name != "submit") <= AUTOSAVE, seen
    assert seen["submit"] <= SUBMIT, seen
    with scope(company=audit.company):
        answer = Answer.objects.get(audit=audit, question=question)
        # the reopened audit's change kept the submitted value in the history
        assert [r.values["scale_value"] for r in AnswerRevision.objects.filter(answer=answer)] == [4]
        # the audit log compared with the row read under the lock: old and new value of each save
        logged = [e.changes["scale_value"] for e in AuditLogEntry.objects.filter(
            object_type="audits.Answer", object_id=str(answer.pk), changes__has_key="scale_value").order_by("pk")]
        assert [2, 4] in logged and [4, 5] in logged


@pytest.mark.parametrize("size", list(SIZES))
def test_a_submit_stores_the_scores_a_recomputation_gives(size, request, alpha, client):
    audit, head = SIZES[size](request, alpha)
    client.force_login(head)
    answer_the_rest(audit, head)
    response, _count = post(client, audit, "audit_submit")
    assert response.status_code == 302
    with scope(company=audit.company):
        stored = dict(FactorScore.objects.filter(audit=audit).values_list("factor_id", "score"))
        round = Round.objects.get(pk=audit.round_id)
        index, submitted = round.system_index, round.submitted_count
        scoring.store_audit_scores(audit)  # the slow path: reads everything afresh
        scoring.store_round_scores(round)
        again = dict(FactorScore.objects.filter(audit=audit).values_list("factor_id", "score"))
    assert stored == again and set(stored) == set(audit.factors.values_list("pk", flat=True))
    assert (round.system_index, round.submitted_count) == (index, submitted)


def test_the_statements_do_not_grow_with_the_audit_or_the_history(request, alpha, client):
    small_costs, _question = costs(*small(request, alpha), client)
    demo_costs, _question = costs(*demo_sized(request, alpha), client)
    assert small_costs == demo_costs
