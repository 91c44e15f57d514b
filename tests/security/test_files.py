"""accounts.files.serve_attachment: uploads are always downloads, never sniffed, with a safe content type."""

import pytest
from django.core.files.base import ContentFile
from django.http import Http404
from django_scopes import scopes_disabled

from accounts.files import safe_content_type, serve_attachment
from audits.models import Answer
from tests.security.conftest import fill_company

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name, expected", [
    ("report.pdf", "application/pdf"), ("photo.PNG", "image/png"), ("table.csv", "text/csv"),
    ("page.html", "application/octet-stream"), ("drawing.svg", "application/octet-stream"),
    ("script.js", "application/octet-stream"), ("archive.tar.gz", "application/octet-stream"),
    ("no-extension", "application/octet-stream"),
])
def test_only_allow_listed_types_keep_their_content_type(name, expected):
    assert safe_content_type(name) == expected


def test_served_file_is_an_attachment_with_nosniff(alpha):
    answer = fill_company(alpha)
    with scopes_disabled():
        answer.evidence_file.save("<script>.html", ContentFile(b"<script>alert(1)</script>"))
        answer = Answer.objects.get(pk=answer.pk)
    response = serve_attachment(answer.evidence_file)
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"<script>alert(1)</script>"


def test_pdf_keeps_its_type_and_empty_field_is_404(alpha):
    answer = fill_company(alpha)
    response = serve_attachment(answer.evidence_file)
    assert response["Content-Type"] == "application/pdf" and 'filename="contract' in response["Content-Disposition"]
    with scopes_disabled():
        answer.evidence_file = ""
    with pytest.raises(Http404):
        serve_attachment(answer.evidence_file)
