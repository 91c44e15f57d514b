"""Issue 12, rule 8 "Autosave never lies": every save answers with the answer as stored, and a value sent with
"not applicable" is refused with a field error (autosave JSON, the no-JS form and the API) instead of dropped."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope

from accounts.models import Role
from audits import services
from audits.models import Answer, QuestionKind
from tests.audits.page_helpers import audit_url, first_question

pytestmark = pytest.mark.django_db
NA_MESSAGE = "A question marked not applicable takes no answer"


def stored(audit, question):
    with scope(company=audit.company):
        return Answer.objects.filter(audit=audit, question=question).first()


def save_one(client, audit, question, **fields):
    data = {"question": str(question.pk), **{f"q{question.pk}-{name}": value for name, value in fields.items()}}
    return client.post(audit_url("answer_save", audit), data)


@pytest.fixture
def head_client(alpha, client_for):
    return client_for(alpha.member(Role.DEPARTMENT_HEAD))


def mark_not_applicable(audit, question, by):
    with scope(company=audit.company):
        services.answer_save(audit=audit, question=question, by=by, not_applicable=True, comment="No such line")


def test_autosave_answers_with_the_stored_answer(alpha, sales_audit, head_client):
    question = first_question(sales_audit)
    body = save_one(head_client, sales_audit, question, scale_value="4", comment="  Scripts exist  ",
                    evidence_url="wiki.example.com/scripts").json()
    answer = stored(sales_audit, question)
    assert body["saved"] is True
    # What the page will show is what the database holds: the trimmed comment, the completed link, the time.
    assert body["answer"] == {
        "question": question.pk, "kind": "scale", "value": "4", "not_applicable": False,
        "comment": answer.comment, "evidence_url": answer.evidence_url, "evidence_file": "", "evidence_file_url": "",
        "is_answered": True, "updated_at": answer.updated_at.isoformat(),
    }
    assert (answer.comment, answer.evidence_url) == ("Scripts exist", "https://wiki.example.com/scripts")


def test_a_value_on_a_not_applicable_question_is_refused_and_the_stored_answer_returned(alpha, sales_audit,
                                                                                       head_client):
    question = first_question(sales_audit)
    mark_not_applicable(sales_audit, question, alpha.user(Role.DEPARTMENT_HEAD))
    response = save_one(head_client, sales_audit, question, scale_value="3", not_applicable="on",
                        comment="No such line")
    assert response.status_code == 400
    body = response.json()
    assert body["saved"] is False
    assert NA_MESSAGE in body["errors"]["not_applicable"][0]
    assert (body["answer"]["not_applicable"], body["answer"]["value"]) == (True, "")
    answer = stored(sales_audit, question)
    assert (answer.not_applicable, answer.scale_value) == (True, None)


def test_choosing_a_value_without_na_replaces_na_and_keeps_the_comment(alpha, sales_audit, head_client):
    question = first_question(sales_audit, QuestionKind.YES_NO)
    mark_not_applicable(sales_audit, question, alpha.user(Role.DEPARTMENT_HEAD))
    body = save_one(head_client, sales_audit, question, bool_value="no", comment="No such line").json()
    assert (body["answer"]["not_applicable"], body["answer"]["value"], body["answer"]["comment"]) == \
        (False, "no", "No such line")
    answer = stored(sales_audit, question)
    assert (answer.not_applicable, answer.bool_value) == (False, False)


def test_a_refused_save_returns_what_is_still_stored(alpha, sales_audit, head_client):
    question = first_question(sales_audit)
    save_one(head_client, sales_audit, question, scale_value="2")
    body = save_one(head_client, sales_audit, question, scale_value="9").json()
    assert "scale_value" in body["errors"]
    assert body["answer"]["value"] == "2" and body["answer"]["is_answered"] is True


def test_a_round_number_reads_as_typed_in_the_response_and_on_the_page(alpha, sales_audit, head_client):
    question = first_question(sales_audit, QuestionKind.NUMBER)
    body = save_one(head_client, sales_audit, question, number_value="100").json()
    assert body["answer"]["value"] == "100"  # Decimal("100.00").normalize() would have said "1E+2"
    page = head_client.get(audit_url("audit_detail", sales_audit)).content.decode()
    assert f'name="q{question.pk}-number_value" value="100"' in page


def test_an_attached_file_is_named_the_same_in_the_response_and_on_the_page(alpha, sales_audit, head_client):
    question = first_question(sales_audit)
    upload = SimpleUploadedFile("regulation.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")
    body = save_one(head_client, sales_audit, question, scale_value="4", evidence_file=upload).json()
    answer = stored(sales_audit, question)
    assert body["answer"]["evidence_file"] == answer.evidence_file.name.rsplit("/", 1)[1]
    assert body["answer"]["evidence_file_url"] == audit_url("evidence_download", sales_audit, answer_pk=answer.pk)
    page = head_client.get(audit_url("audit_detail", sales_audit)).content.decode()
    assert f'href="{body["answer"]["evidence_file_url"]}">{body["answer"]["evidence_file"]}</a>' in page
    cleared = save_one(head_client, sales_audit, question, scale_value="4", clear_evidence_file="on").json()
    assert (cleared["answer"]["evidence_file"], cleared["answer"]["evidence_file_url"]) == ("", "")
    assert not stored(sales_audit, question).evidence_file


def test_the_form_without_javascript_refuses_a_value_with_na_next_to_the_question(alpha, sales_audit, head_client):
    question = first_question(sales_audit)
    response = head_client.post(audit_url("audit_detail", sales_audit), {
        f"q{question.pk}-scale_value": "3", f"q{question.pk}-not_applicable": "on",
        f"q{question.pk}-comment": "No such line"})
    assert response.status_code == 400
    assert NA_MESSAGE in response.content.decode()
    assert stored(sales_audit, question) is None


def answers_url(audit):
    return f"/api/v1/companies/{audit.company.slug}/department-audits/{audit.pk}/answers/"


def test_api_refuses_a_value_with_na_with_a_field_error(alpha, sales_audit, api_client_for):
    question = first_question(sales_audit)
    response = api_client_for(alpha.member(Role.DEPARTMENT_HEAD)).post(answers_url(sales_audit), {"answers": [
        {"question": question.pk, "scale_value": 3, "not_applicable": True, "comment": "No such line"}]},
        format="json")
    assert response.status_code == 400
    assert NA_MESSAGE in response.json()["answers"]["0"]["not_applicable"][0]  # keyed by the item's position
    assert stored(sales_audit, question) is None


def test_api_save_answers_with_the_stored_answers(alpha, sales_audit, api_client_for):
    scale, number = first_question(sales_audit), first_question(sales_audit, QuestionKind.NUMBER)
    response = api_client_for(alpha.member(Role.DEPARTMENT_HEAD)).post(answers_url(sales_audit), {"answers": [
        {"question": scale.pk, "not_applicable": True, "comment": "  No such line "},
        {"question": number.pk, "number_value": "100"}]}, format="json")
    assert response.status_code == 200, response.content
    rows = {row["question"]: row for row in response.json()["answers"]}
    na, amount = stored(sales_audit, scale), stored(sales_audit, number)
    assert (rows[scale.pk]["not_applicable"], rows[scale.pk]["comment"], rows[scale.pk]["scale_value"]) == \
        (True, na.comment, None)
    assert rows[number.pk]["number_value"] == str(amount.number_value)
    assert rows[number.pk]["evidence_file_name"] == "" and rows[number.pk]["updated_at"]
