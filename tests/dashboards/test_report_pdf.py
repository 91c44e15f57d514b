"""The quarterly report as a PDF: the story's sentences and numbers, vector charts, Cyrillic text, a few pages."""

import io
import unicodedata

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import Role
from dashboards import pdf

pytestmark = pytest.mark.skipif(not pdf.available(), reason="needs Debian's chromium (apt-get install chromium)")


def report_pdf(tenant, client, query="?round=2025-Q4"):
    response = client.get(reverse("dashboards:report_pdf", kwargs={"company_slug": tenant.company.slug}) + query)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def text_of(reader):
    """The PDF's text with whitespace collapsed and ligatures (ﬁ) undone, as a reader's copy-paste gives it."""
    raw = " ".join(page.extract_text() or "" for page in reader.pages)
    return " ".join(unicodedata.normalize("NFKC", raw).split())


@pytest.mark.parametrize("language", ["en", "ru"])
def test_pdf_report_tells_the_story_of_the_page(alpha, history, client_for, api_client_for, language):
    executive = alpha.member(Role.EXECUTIVE)
    executive.user.language = language
    executive.user.save(update_fields=["language"])
    reader = report_pdf(alpha, client_for(executive))
    text = text_of(reader)
    summary = api_client_for(executive).get(reverse("api-dashboard-summary", kwargs={
        "company_slug": alpha.company.slug}) + "?to=2025-Q4").json()
    index = next(s for s in summary["sentences"] if s["kind"] == "index")
    assert " ".join(index["text"].split()) in text
    assert "Alpha Ltd" in text and "2025-Q4" in text
    if language == "ru":
        assert "Индекс системы" in text  # Cyrillic text extracted: the font is embedded with its glyphs
    assert 2 <= len(reader.pages) <= 8
    fonts = {str(font) for page in reader.pages for font in (page.get("/Resources") or {}).get("/Font", {}).values()}
    assert fonts  # text is text, not an image of text


def test_pdf_report_of_an_unknown_round_is_a_field_error(alpha, history, client_for):
    client = client_for(alpha.member(Role.EXECUTIVE))
    url = reverse("dashboards:report_pdf", kwargs={"company_slug": alpha.company.slug})
    assert client.get(url + "?round=1999-Q1").status_code == 400
    assert client_for(alpha.member(Role.SALES_MANAGER)).get(url).status_code == 403
