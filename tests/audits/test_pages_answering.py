"""The department head's answer form: the page, the no-JS "Save draft", the JSON autosave endpoint, evidence."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope

from accounts.models import Role
from audits import services
from audits.models import Answer, QuestionKind
from tests.audits.page_helpers import audit_url, first_question, full_answers, head_of, questions_of, url
from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db


def stored(audit, question):
    with scope(company=audit.company):
        return Answer.objects.filter(audit=audit, question=question).first()


# ---------------------------------------------------------------- the page

def test_department_head_sees_the_answer_form_grouped_by_factor(alpha, sales_audit, client_for):
    response = client_for(alpha.member(Role.DEPARTMENT_HEAD)).get(audit_url("audit_detail", sales_audit))
    assert response.status_code == 200
    body = response.content.decode()
    total = len(questions_of(sales_audit))
    assert f"0 of {total} questions answered" in body
    assert 'id="answer-form"' in body and "js/audits/autosave.js" in body
    assert "<legend>" in body and "defined" in body  # a scale step's label
    assert 'aria-live="polite"' in body
    assert "Sales technology" in body and "Customers" in body
    assert "<script>" not in body and "style=" not in body


def test_executive_sees_a_read_only_audit(alpha, sales_audit, client_for):
    response = client_for(alpha.member(Role.EXECUTIVE)).get(audit_url("audit_detail", sales_audit))
    assert response.status_code == 200
    assert 'id="answer-form"' not in response.content.decode()
    assert "Factor scores" in response.content.decode()


def test_head_of_another_department_gets_403(alpha, sales_audit, client_for):
    response = client_for(head_of(alpha, "marketing")).get(audit_url("audit_detail", sales_audit))
    assert response.status_code == 403


def test_sales_manager_gets_403_on_an_audit(alpha, sales_audit, client_for):
    assert client_for(alpha.member(Role.SALES_MANAGER)).get(audit_url("audit_detail", sales_audit)).status_code == 403


def test_outsider_gets_404_on_an_audit(beta, sales_audit, client_for):
    assert client_for(beta.member(Role.ADMIN)).get(audit_url("audit_detail", sales_audit)).status_code == 404


def test_admin_cannot_post_answers(alpha, sales_audit, client_for):
    response = client_for(alpha.member(Role.ADMIN)).post(audit_url("audit_detail", sales_audit), full_answers(sales_audit))
    assert response.status_code == 403


# ---------------------------------------------------------------- "Save draft" without JavaScript

def test_save_draft_saves_every_answer_and_redirects(alpha, sales_audit, client_for):
    client = client_for(alpha.member(Role.DEPARTMENT_HEAD))
    response = client.post(audit_url("audit_detail", sales_audit), full_answers(sales_audit))
    assert response.status_code == 302
    with scope(company=alpha.company):
        answered = [answer for answer in sales_audit.answers.all() if answer.is_answered]
    assert len(answered) == len(full_answers(sales_audit))
    page = client.get(response.url).content.decode()
    assert "Draft saved." in page


def test_score_out_of_range_shows_an_error_and_keeps_the_other_answers(alpha, sales_audit, client_for):
    data = full_answers(sales_audit)
    bad = first_question(sales_audit)
    data[f"q{bad.pk}-scale_value"] = "7"
    text = first_question(sales_audit, QuestionKind.TEXT)
    data[f"q{text.pk}-text_value"] = "Typed and kept"
    response = client_for(alpha.member(Role.DEPARTMENT_HEAD)).post(audit_url("audit_detail", sales_audit), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Choose a score from 1 to 5." in body
    assert f'href="#question-{bad.pk}"' in body
    assert "Typed and kept" in body
    assert stored(sales_audit, bad) is None
    assert stored(sales_audit, text).text_value == "Typed and kept"


def test_nul_bytes_in_a_comment_are_a_form_error(alpha, sales_audit, client_for):
    question = first_question(sales_audit)
    data = {f"q{question.pk}-scale_value": "3", f"q{question.pk}-comment": "bad\x00comment"}
    response = client_for(alpha.member(Role.DEPARTMENT_HEAD)).post(audit_url("audit_detail", sales_audit), data)
    assert response.status_code == 400
    assert "Null characters are not allowed." in response.content.decode()
    assert stored(sales_audit, question) is None


def test_not_applicable_needs_a_comment(alpha, sales_audit, client_for):
    question = first_question(sales_audit)
    data = {f"q{question.pk}-not_applicable": "on"}
    response = client_for(alpha.member(Role.DEPARTMENT_HEAD)).post(audit_url("audit_detail", sales_audit), data)
    assert response.status_code == 400
    assert "Say why the question does not apply." in response.content.decode()


def test_posting_the_form_of_a_submitted_audit_says_so(alpha, sales_audit, client_for, answer_all):
    head = alpha.member(Role.DEPARTMENT_HEAD)
    answer_all(sales_audit, head.user)
    with scope(company=alpha.company):
        services.audit_submit(audit=sales_audit, by=head.user)
    client = client_for(head)
    response = client.post(audit_url("audit_detail", sales_audit), full_answers(sales_audit, scale="1"), follow=True)
    assert "has been submitted" in response.content.decode()
    assert stored(sales_audit, first_question(sales_audit)).scale_value == 4


# ---------------------------------------------------------------- the JSON autosave endpoint

def save_one(client, audit, question, **fields):
    data = {"question": str(question.pk), **{f"q{question.pk}-{name}": value for name, value in fields.items()}}
    return client.post(audit_url("answer_save", audit), data)


def test_autosave_stores_one_answer_and_returns_the_progress(alpha, sales_audit, client_for):
    question = first_question(sales_audit)
    response = save_one(client_for(alpha.member(Role.DEPARTMENT_HEAD)), sales_audit, question, scale_value="5",
                        comment="Scripts are written")
    assert response.status_code == 200
    body = response.json()
    assert body["saved"] is True and body["answered"] == 1
    assert body["progress"] == f"1 of {len(questions_of(sales_audit))} questions answered"
    answer = stored(sales_audit, question)
    assert (answer.scale_value, answer.comment) == (5, "Scripts are written")


def test_autosave_refuses_a_score_out_of_range_with_field_errors(alpha, sales_audit, client_for):
    question = first_question(sales_audit)
    response = save_one(client_for(alpha.member(Role.DEPARTMENT_HEAD)), sales_audit, question, scale_value="9")
    assert response.status_code == 400
    assert response.json()["errors"]["scale_value"] == ["Choose a score from 1 to 5."]


@pytest.mark.parametrize("question_id", ["", "abc", "999999", "1\x00", "-1", str(2**63), "9" * 30])
def test_autosave_refuses_junk_question_ids(alpha, sales_audit, client_for, question_id):
    client = client_for(alpha.member(Role.DEPARTMENT_HEAD))
    response = client.post(audit_url("answer_save", sales_audit), {"question": question_id})
    assert response.status_code == 400
    assert "question" in response.json()["errors"]


@pytest.mark.parametrize("audit_pk", [999999, 2**63, 10**30])
def test_autosave_on_an_audit_that_does_not_exist_is_404(alpha, sales_audit, client_for, audit_pk):
    question = first_question(sales_audit)
    target = url("answer_save", alpha.company, audit_pk=audit_pk)
    response = client_for(alpha.member(Role.DEPARTMENT_HEAD)).post(target, {"question": question.pk,
                                                                           f"q{question.pk}-scale_value": "3"})
    assert response.status_code == 404


def test_autosave_refuses_a_question_of_another_company(alpha, beta, sales_audit, client_for):
    foreign = QuestionFactory(questionnaire__company=beta.company)
    response = save_one(client_for(alpha.member(Role.DEPARTMENT_HEAD)), sales_audit, foreign, scale_value="3")
    assert response.status_code == 400


def test_autosave_refuses_a_question_of_a_factor_outside_the_audit(alpha, sales_audit, factors, client_for):
    with scope(company=alpha.company):
        outside = sales_audit.round.questionnaire.questions.filter(factor=factors["automation"]).first()
    response = save_one(client_for(alpha.member(Role.DEPARTMENT_HEAD)), sales_audit, outside, scale_value="3")
    assert response.status_code == 400


def test_autosave_on_a_submitted_audit_is_409(alpha, sales_audit, client_for, answer_all):
    head = alpha.member(Role.DEPARTMENT_HEAD)
    answer_all(sales_audit, head.user)
    with scope(company=alpha.company):
        services.audit_submit(audit=sales_audit, by=head.user)
    response = save_one(client_for(head), sales_audit, first_question(sales_audit), scale_value="1")
    assert response.status_code == 409
    assert "submitted" in response.json()["error"]


@pytest.mark.parametrize("role", [Role.ADMIN, Role.EXECUTIVE, Role.SALES_MANAGER])
def test_only_the_department_head_autosaves(alpha, sales_audit, client_for, role):
    response = save_one(client_for(alpha.member(role)), sales_audit, first_question(sales_audit), scale_value="3")
    assert response.status_code == 403


def test_outsider_autosave_is_404(beta, sales_audit, client_for):
    response = save_one(client_for(beta.member(Role.DEPARTMENT_HEAD)), sales_audit, first_question(sales_audit),
                        scale_value="3")
    assert response.status_code == 404


def test_autosave_is_post_only(alpha, sales_audit, client_for):
    assert client_for(alpha.member(Role.DEPARTMENT_HEAD)).get(audit_url("answer_save", sales_audit)).status_code == 405


def test_two_tabs_saving_the_same_answer_last_write_wins_and_others_stay(alpha, sales_audit, client_for):
    head = alpha.member(Role.DEPARTMENT_HEAD)
    scale, yes_no = first_question(sales_audit), first_question(sales_audit, QuestionKind.YES_NO)
    first_tab, second_tab = client_for(head), client_for(head)
    assert save_one(first_tab, sales_audit, yes_no, bool_value="yes").status_code == 200
    assert save_one(first_tab, sales_audit, scale, scale_value="2", comment="tab one").status_code == 200
    assert save_one(second_tab, sales_audit, scale, scale_value="5", comment="tab two").status_code == 200
    answer = stored(sales_audit, scale)
    assert (answer.scale_value, answer.comment) == (5, "tab two")
    assert stored(sales_audit, yes_no).bool_value is True
    with scope(company=alpha.company):
        assert sales_audit.answers.filter(question=scale).count() == 1


# ---------------------------------------------------------------- evidence

def test_evidence_upload_and_download_as_an_attachment(alpha, sales_audit, client_for):
    client = client_for(alpha.member(Role.DEPARTMENT_HEAD))
    question = first_question(sales_audit)
    upload = SimpleUploadedFile("regulation.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")
    response = save_one(client, sales_audit, question, scale_value="4", evidence_file=upload)
    assert response.status_code == 200, response.content
    answer = stored(sales_audit, question)
    download = client_for(alpha.member(Role.EXECUTIVE)).get(audit_url("evidence_download", sales_audit, answer_pk=answer.pk))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == b"%PDF-1.4 evidence"


def test_an_html_evidence_file_is_refused(alpha, sales_audit, client_for):
    upload = SimpleUploadedFile("page.html", b"<script>alert(1)</script>", content_type="text/html")
    response = save_one(client_for(alpha.member(Role.DEPARTMENT_HEAD)), sales_audit, first_question(sales_audit),
                        scale_value="4", evidence_file=upload)
    assert response.status_code == 400
    assert "evidence_file" in response.json()["errors"]


def test_an_oversize_evidence_file_is_refused(alpha, sales_audit, client_for, monkeypatch):
    monkeypatch.setattr(services, "MAX_EVIDENCE_BYTES", 1024)
    upload = SimpleUploadedFile("big.pdf", b"x" * 2048, content_type="application/pdf")
    response = save_one(client_for(alpha.member(Role.DEPARTMENT_HEAD)), sales_audit, first_question(sales_audit),
                        scale_value="4", evidence_file=upload)
    assert response.status_code == 400
    assert "evidence_file" in response.json()["errors"]


def test_an_oversize_file_on_the_no_js_form_is_an_error_next_to_the_question(alpha, sales_audit, client_for, monkeypatch):
    monkeypatch.setattr(services, "MAX_EVIDENCE_BYTES", 1024)
    question = first_question(sales_audit)
    data = {f"q{question.pk}-scale_value": "4",
            f"q{question.pk}-evidence_file": SimpleUploadedFile("big.pdf", b"x" * 2048)}
    response = client_for(alpha.member(Role.DEPARTMENT_HEAD)).post(audit_url("audit_detail", sales_audit), data)
    assert response.status_code == 400
    assert "The file is larger than 10 MB." in response.content.decode()


def test_evidence_download_checks_permissions(alpha, beta, sales_audit, client_for):
    question = first_question(sales_audit)
    with scope(company=alpha.company):
        answer = services.answer_save(audit=sales_audit, question=question, by=alpha.user(Role.DEPARTMENT_HEAD),
                                      scale_value=3, evidence_file=SimpleUploadedFile("a.txt", b"hello"))
    target = audit_url("evidence_download", sales_audit, answer_pk=answer.pk)
    assert client_for(alpha.member(Role.SALES_MANAGER)).get(target).status_code == 403
    assert client_for(head_of(alpha, "marketing")).get(target).status_code == 403
    assert client_for(beta.member(Role.ADMIN)).get(target).status_code == 404
    response = client_for(alpha.member(Role.DEPARTMENT_HEAD)).get(target)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")


def test_evidence_download_of_an_answer_without_a_file_is_404(alpha, sales_audit, client_for):
    question = first_question(sales_audit)
    with scope(company=alpha.company):
        answer = services.answer_save(audit=sales_audit, question=question, by=None, scale_value=3)
    target = audit_url("evidence_download", sales_audit, answer_pk=answer.pk)
    assert client_for(alpha.member(Role.ADMIN)).get(target).status_code == 404


def test_autosave_answers_json_content_type(alpha, sales_audit, client_for):
    response = save_one(client_for(alpha.member(Role.DEPARTMENT_HEAD)), sales_audit, first_question(sales_audit),
                        scale_value="2")
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["is_answered"] is True
