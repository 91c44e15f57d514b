"""Evidence files through the API: attach, replace, download and remove the file of one answer."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope, scopes_disabled

from accounts.models import Role
from audits import services
from audits.models import Answer, AnswerRevision, QuestionKind


def evidence_url(audit, question_pk):
    return f"/api/v1/companies/{audit.company.slug}/department-audits/{audit.pk}/answers/{question_pk}/evidence/"


def scale_question(audit):
    with scope(company=audit.company):
        return next(q for q in services.audit_questions(audit) if q.kind == QuestionKind.SCALE)


def answered(audit, head, question):
    with scope(company=audit.company):
        services.answer_save(audit=audit, question=question, by=head.user, scale_value=4, comment="kept")
    return question


def pdf(content=b"%PDF-1.4 evidence", name="regulation.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def stored(audit, question):
    with scopes_disabled():
        return Answer.objects.get(audit=audit, question=question)


@pytest.fixture
def head(alpha):
    return alpha.member(Role.DEPARTMENT_HEAD)  # the head of Sales


def test_head_attaches_replaces_downloads_and_removes_evidence(alpha, sales_audit, head, api_client_for):
    api = api_client_for(head)
    question = answered(sales_audit, head, scale_question(sales_audit))
    url = evidence_url(sales_audit, question.pk)

    attached = api.put(url, {"file": pdf()}, format="multipart")
    assert attached.status_code == 200, attached.content
    assert attached.json()["has_evidence_file"] is True
    assert (attached.json()["scale_value"], attached.json()["comment"]) == (4, "kept")  # the answer stays

    replaced = api.put(url, {"file": pdf(b"%PDF-1.4 second", "second.pdf")}, format="multipart")
    assert replaced.status_code == 200
    assert replaced.json()["evidence_file_name"] == stored(sales_audit, question).evidence_file.name.rsplit("/", 1)[1]
    assert replaced.json()["evidence_file_name"].startswith("second")
    download = api_client_for(alpha.member(Role.EXECUTIVE)).get(url)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;") and "second.pdf" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == b"%PDF-1.4 second"

    removed = api.delete(url)  # answers with the stored answer, like every save
    assert removed.status_code == 200
    assert (removed.json()["has_evidence_file"], removed.json()["evidence_file_name"]) == (False, "")
    assert removed.json()["scale_value"] == 4
    assert not stored(sales_audit, question).evidence_file
    assert stored(sales_audit, question).scale_value == 4
    assert api.get(url).status_code == 404


def test_evidence_needs_an_answer_first(sales_audit, head, api_client_for):
    response = api_client_for(head).put(evidence_url(sales_audit, scale_question(sales_audit).pk), {"file": pdf()},
                                        format="multipart")
    assert response.status_code == 400
    assert "Answer the question before attaching evidence" in str(response.json())
    with scopes_disabled():
        assert not Answer.objects.filter(audit=sales_audit).exists()


@pytest.mark.parametrize(("upload", "field"), [
    (SimpleUploadedFile("page.html", b"<script>alert(1)</script>", content_type="text/html"), "evidence_file"),
    (SimpleUploadedFile("empty.pdf", b"", content_type="application/pdf"), "file"),
    (None, "file"),
])
def test_a_bad_upload_is_a_field_error_and_keeps_the_earlier_file(sales_audit, head, api_client_for, upload, field):
    api = api_client_for(head)
    question = answered(sales_audit, head, scale_question(sales_audit))
    url = evidence_url(sales_audit, question.pk)
    assert api.put(url, {"file": pdf()}, format="multipart").status_code == 200
    response = api.put(url, {"file": upload} if upload else {}, format="multipart")
    assert response.status_code == 400
    assert field in str(response.json())
    assert stored(sales_audit, question).evidence_file.read() == b"%PDF-1.4 evidence"


def test_an_oversize_file_is_refused(sales_audit, head, api_client_for, monkeypatch):
    monkeypatch.setattr(services, "MAX_EVIDENCE_BYTES", 1024)
    question = answered(sales_audit, head, scale_question(sales_audit))
    response = api_client_for(head).put(evidence_url(sales_audit, question.pk), {"file": pdf(b"x" * 2048, "big.pdf")},
                                        format="multipart")
    assert response.status_code == 400 and "10 MB" in str(response.json())


def test_a_json_body_is_told_to_send_a_file(sales_audit, head, api_client_for):
    question = answered(sales_audit, head, scale_question(sales_audit))
    response = api_client_for(head).put(evidence_url(sales_audit, question.pk), {"file": "x"}, format="json")
    assert response.status_code == 400
    assert "not a file" in response.json()["file"][0]


def test_a_form_encoded_body_is_unsupported_media_type(sales_audit, head, api_client_for):
    question = answered(sales_audit, head, scale_question(sales_audit))
    response = api_client_for(head).generic("PUT", evidence_url(sales_audit, question.pk), "file=x",
                                            content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415


@pytest.mark.parametrize("role", [Role.ADMIN, Role.EXECUTIVE])
def test_only_the_departments_head_changes_evidence(alpha, sales_audit, head, api_client_for, role):
    question = answered(sales_audit, head, scale_question(sales_audit))
    api = api_client_for(alpha.member(role))
    assert api.put(evidence_url(sales_audit, question.pk), {"file": pdf()}, format="multipart").status_code == 403
    assert api.delete(evidence_url(sales_audit, question.pk)).status_code == 403


def test_another_companys_audit_and_a_question_outside_the_audit_are_404(alpha, beta, sales_audit, head,
                                                                          api_client_for):
    question = answered(sales_audit, head, scale_question(sales_audit))
    outsider = api_client_for(beta.member(Role.ADMIN))
    assert outsider.get(evidence_url(sales_audit, question.pk)).status_code == 404
    assert api_client_for(head).put(evidence_url(sales_audit, 987654), {"file": pdf()},
                                    format="multipart").status_code == 404


def test_a_submitted_audit_refuses_evidence_until_reopened_and_then_keeps_a_revision(
        alpha, sales_audit, head, api_client_for, answer_all):
    answer_all(sales_audit, head.user)
    question = scale_question(sales_audit)
    with scope(company=alpha.company):
        services.audit_submit(audit=sales_audit, by=head.user)
    api = api_client_for(head)
    url = evidence_url(sales_audit, question.pk)
    assert api.put(url, {"file": pdf()}, format="multipart").status_code == 409
    with scope(company=alpha.company):
        services.audit_reopen(audit=sales_audit, by=alpha.user("admin"), reason="Add the regulation")
    assert api.put(url, {"file": pdf()}, format="multipart").status_code == 200
    with scopes_disabled():
        assert AnswerRevision.objects.filter(answer__audit=sales_audit, answer__question=question).count() == 1
