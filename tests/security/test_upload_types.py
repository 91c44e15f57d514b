"""The other uploads are checked by content too: the questionnaire history file and the company import archive."""

import pytest
from django.core.management import CommandError, call_command
from django_scopes import scope

from accounts.models import Company, Role
from audits import imports_apply

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("name", "data", "message"), [
    ("history.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "does not match its .csv extension"),
    ("history.xlsx", b"email;period\n", "does not match its .xlsx extension"),
    ("history.exe", b"MZ\x90\x00", "Upload a file of one of these types: CSV, XLSX."),
])
def test_history_upload_of_a_renamed_file_is_a_file_error_in_the_preview(alpha, name, data, message):
    with scope(company=alpha.company):
        history = imports_apply.history_upload(company=alpha.company, by=alpha.user(Role.ADMIN), file_name=name,
                                               content=data)
    assert [error for error in history.preview["file_errors"] if message in error]
    assert not history.preview["rows_read"]


def test_company_import_refuses_what_is_not_a_zip_archive(tmp_path):
    path = tmp_path / "export.zip"
    path.write_bytes(b"%PDF-1.4 not an export")
    with pytest.raises(CommandError, match="not a ZIP archive"):
        call_command("import_company", str(path), "--slug", "copy")
    assert not Company.objects.filter(slug="copy").exists()
