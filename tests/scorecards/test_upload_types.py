"""Activity uploads are checked by content: a renamed file is a form error and nothing is kept."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled

from accounts.models import Role
from scorecards.models import ImportBatch
from tests.scorecards.test_pages import url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("name", "data", "message"), [
    ("activity.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "does not match its .csv extension"),
    ("activity.xlsx", b"%PDF-1.4\n", "does not match its .xlsx extension"),
    ("activity.html", b"email;date\n", "Upload a file of one of these types: CSV, XLSX."),
])
def test_upload_of_a_renamed_or_unlisted_file_is_a_form_error(alpha, client_for, frozen_after_quarter,
                                                              name, data, message):
    response = client_for(alpha.member(Role.ADMIN)).post(url("upload"), {"file": SimpleUploadedFile(name, data)})
    assert response.status_code in (200, 400)
    assert message in response.content.decode()
    with scopes_disabled():
        assert not ImportBatch.objects.filter(company=alpha.company).exists()
