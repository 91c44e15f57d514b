"""`manage.py import_history FILE --company SLUG`: checks, prints row errors, imports once."""

import pytest
from django.core.management import CommandError, call_command
from django_scopes import scope

from audits.models import HistoryImport, Round
from tests.audits.test_history_import import csv_bytes, sales_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(alpha, questionnaire, matrix, at_oct_2):
    return alpha


def run(path, *args):
    return call_command("import_history", str(path), "--company", "alpha", "--verbosity", "0", *args)


def test_command_imports_the_file_once(ready, tmp_path, capsys):
    path = tmp_path / "history.csv"
    path.write_bytes(csv_bytes(*sales_answers("2026-Q2"), *sales_answers("2026-Q3", "2026-07-09")))
    run(path)
    assert "Imported 16 rows → 2 rounds" in capsys.readouterr().out
    run(path)
    assert "already imported" in capsys.readouterr().out
    with scope(company=ready.company):
        assert Round.objects.filter(is_imported=True).count() == 2 and HistoryImport.objects.count() == 1


def test_dry_run_writes_nothing(ready, tmp_path, capsys):
    path = tmp_path / "history.csv"
    path.write_bytes(csv_bytes(*sales_answers("2026-Q2")))
    run(path, "--dry-run")
    assert "Dry run: 8 rows → 1 rounds" in capsys.readouterr().out
    with scope(company=ready.company):
        assert not Round.objects.exists()


def test_row_errors_are_printed_and_fail_the_command(ready, tmp_path, capsys):
    path = tmp_path / "history.csv"
    path.write_bytes(csv_bytes("2026-Q2;Sales;product-scale;8;;2026-04-10"))
    with pytest.raises(CommandError, match="nothing was imported"):
        run(path)
    assert "row 2, value:" in capsys.readouterr().err


def test_unknown_company_or_version_is_an_error(ready, tmp_path):
    path = tmp_path / "history.csv"
    path.write_bytes(csv_bytes(*sales_answers("2026-Q2")))
    with pytest.raises(CommandError, match="No company"):
        call_command("import_history", str(path), "--company", "nope")
    with pytest.raises(CommandError, match="no published questionnaire version 99"):
        run(path, "--questionnaire", "99")
