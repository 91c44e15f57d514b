"""A replaced or removed evidence file leaves the storage once the change is committed (page, API, deletion);
a rolled-back change keeps it, and a file still shared with another answer stays."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django_scopes import scope, scopes_disabled

from accounts.models import Role
from audits import services
from audits.models import Answer, DepartmentAudit
from tests.audits.page_helpers import audit_url, first_question
from tests.audits.test_api_evidence import answered, evidence_url, scale_question

pytestmark = pytest.mark.django_db


def pdf(name="regulation.pdf", content=b"%PDF-1.4 evidence"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def file_of(audit, question):
    with scopes_disabled():
        return Answer.objects.get(audit=audit, question=question).evidence_file.name


@pytest.fixture
def head(alpha):
    return alpha.member(Role.DEPARTMENT_HEAD)


def test_api_replacing_and_removing_evidence_deletes_the_old_files(sales_audit, head, api_client_for,
                                                                   django_capture_on_commit_callbacks):
    api = api_client_for(head)
    question = answered(sales_audit, head, scale_question(sales_audit))
    url = evidence_url(sales_audit, question.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert api.put(url, {"file": pdf("first.pdf")}, format="multipart").status_code == 200
    first = file_of(sales_audit, question)
    with django_capture_on_commit_callbacks(execute=True):
        assert api.put(url, {"file": pdf("second.pdf")}, format="multipart").status_code == 200
    second = file_of(sales_audit, question)
    assert not default_storage.exists(first) and default_storage.exists(second)
    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(url).status_code == 200
    assert not default_storage.exists(second)


def test_page_replacing_and_clearing_evidence_deletes_the_old_files(sales_audit, head, client_for,
                                                                    django_capture_on_commit_callbacks):
    client = client_for(head)
    question = first_question(sales_audit)
    data = {"question": str(question.pk), f"q{question.pk}-scale_value": "4"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(audit_url("answer_save", sales_audit), {**data, f"q{question.pk}-evidence_file": pdf("a.pdf")})
    first = file_of(sales_audit, question)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(audit_url("answer_save", sales_audit), {**data, f"q{question.pk}-evidence_file": pdf("b.pdf")})
    second = file_of(sales_audit, question)
    assert first != second and not default_storage.exists(first) and default_storage.exists(second)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(audit_url("answer_save", sales_audit), {**data, f"q{question.pk}-clear_evidence_file": "on"})
    assert response.status_code == 200
    assert file_of(sales_audit, question) == "" and not default_storage.exists(second)


def test_a_rolled_back_replacement_keeps_the_old_file(sales_audit, head, django_capture_on_commit_callbacks):
    question = answered(sales_audit, head, scale_question(sales_audit))
    with scope(company=sales_audit.company), django_capture_on_commit_callbacks(execute=True):
        services.answer_evidence_file_set(audit=sales_audit, question=question, by=head.user, evidence_file=pdf())
        first = file_of(sales_audit, question)
        with pytest.raises(RuntimeError), transaction.atomic():
            services.answer_evidence_file_set(audit=sales_audit, question=question, by=head.user,
                                              evidence_file=pdf("other.pdf"))
            raise RuntimeError("the request failed after the save")
    assert file_of(sales_audit, question) == first and default_storage.exists(first)


def test_deleting_the_audit_deletes_its_answers_files(sales_audit, head, django_capture_on_commit_callbacks):
    question = answered(sales_audit, head, scale_question(sales_audit))
    with scope(company=sales_audit.company):
        services.answer_evidence_file_set(audit=sales_audit, question=question, by=head.user, evidence_file=pdf())
    name = file_of(sales_audit, question)
    with scopes_disabled(), django_capture_on_commit_callbacks(execute=True):
        DepartmentAudit.objects.filter(pk=sales_audit.pk).delete()
    assert not default_storage.exists(name)


def test_a_file_shared_with_another_answer_stays(sales_audit, head, django_capture_on_commit_callbacks):
    question = answered(sales_audit, head, scale_question(sales_audit))
    with scope(company=sales_audit.company):
        services.answer_evidence_file_set(audit=sales_audit, question=question, by=head.user, evidence_file=pdf())
        another = next(q for q in services.audit_questions(sales_audit) if q.pk != question.pk)
    name = file_of(sales_audit, question)
    with scopes_disabled(), django_capture_on_commit_callbacks(execute=True):
        # What "start from last round" does: a second answer points at the same stored file.
        copy = Answer.objects.create(company=sales_audit.company, audit=sales_audit, question=another,
                                     not_applicable=True, comment="copied", evidence_file=name)
        copy.delete()
    assert default_storage.exists(name)
