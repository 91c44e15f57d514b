"""Evidence uploads are checked by content, not by name: a renamed file is a clear field error (page and API),
genuine files of every allowed type are accepted."""

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled

from accounts.models import Role
from audits.models import Answer
from tests.audits.page_helpers import audit_url, first_question
from tests.audits.test_api_evidence import answered, evidence_url, scale_question

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40
PDF = b"%PDF-1.4\n%evidence\n"
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def xlsx_bytes():
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


RENAMED = [("report.pdf", HTML), ("photo.png", PDF), ("notes.txt", PNG), ("table.csv", HTML),
           ("letter.docx", None), ("figures.xlsx", b"PK\x03\x04 not an archive")]
GENUINE = [("report.pdf", PDF), ("photo.png", PNG), ("notes.txt", "Заметки, UTF-8".encode()),
           ("table.csv", "Имя;Звонки\n".encode("cp1251")), ("letter.docx", None), ("figures.xlsx", None)]


def content(name, data):
    if data is not None:
        return data
    # A workbook renamed to .docx is the "renamed" case; the genuine ones are built for their own type.
    return {"letter.docx": docx_bytes(), "figures.xlsx": xlsx_bytes()}[name]


@pytest.fixture
def head(alpha):
    return alpha.member(Role.DEPARTMENT_HEAD)


@pytest.mark.parametrize(("name", "data"), RENAMED)
def test_api_refuses_a_file_whose_content_is_not_its_type(sales_audit, head, api_client_for, name, data):
    data = xlsx_bytes() if name == "letter.docx" else data
    question = answered(sales_audit, head, scale_question(sales_audit))
    response = api_client_for(head).put(evidence_url(sales_audit, question.pk),
                                        {"file": SimpleUploadedFile(name, data)}, format="multipart")
    assert response.status_code == 400
    assert "does not match its ." + name.rsplit(".", 1)[1] in str(response.json()["evidence_file"])
    with scopes_disabled():
        assert not Answer.objects.get(audit=sales_audit, question=question).evidence_file


@pytest.mark.parametrize(("name", "data"), GENUINE)
def test_api_accepts_genuine_files_of_every_allowed_type(sales_audit, head, api_client_for, name, data):
    question = answered(sales_audit, head, scale_question(sales_audit))
    response = api_client_for(head).put(evidence_url(sales_audit, question.pk),
                                        {"file": SimpleUploadedFile(name, content(name, data))}, format="multipart")
    assert response.status_code == 200, response.content
    assert response.json()["has_evidence_file"] is True


def test_page_refuses_a_renamed_file_with_a_form_error(sales_audit, head, client_for):
    question = first_question(sales_audit)
    response = client_for(head).post(audit_url("answer_save", sales_audit), {
        "question": str(question.pk), f"q{question.pk}-scale_value": "4",
        f"q{question.pk}-evidence_file": SimpleUploadedFile("contract.pdf", HTML)})
    assert response.status_code == 400
    assert "does not match its .pdf extension" in str(response.json()["errors"]["evidence_file"])
