"""Import a history file of past rounds for one company from the command line, with progress bars."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope
from tqdm import tqdm

from accounts.models import Company
from audits import imports_apply
from audits.imports import MAX_FILE_BYTES


class Command(BaseCommand):
    help = ("Check a CSV or XLSX file of past rounds (the import page's template) and import it all or nothing. "
            "Prints every row error with its row and column; --dry-run only checks.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV or XLSX file")
        parser.add_argument("--company", required=True, help="the company's address name (slug)")
        parser.add_argument("--questionnaire", type=int, help="bind every answer to this published version number")
        parser.add_argument("--dry-run", action="store_true", help="check only; write nothing")

    def handle(self, *args, file, company, questionnaire=None, dry_run=False, **options):
        found = Company.objects.filter(slug=company).first()
        if found is None:
            raise CommandError(f"No company with the address name {company!r}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file at {file}.")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CommandError(f"The file is larger than {MAX_FILE_BYTES // 2**20} MB; split it into several files.")
        with scope(company=found):
            version = self._version(found, questionnaire)
            summary = self._run(found, path, version, dry_run, quiet=options["verbosity"] == 0)
        self.stdout.write(summary)

    def _version(self, company, number):
        if number is None:
            return None
        version = company.questionnaires.filter(version=number).first()
        if version is None or not version.is_frozen:
            raise CommandError(f"{company.slug} has no published questionnaire version {number}.")
        return version

    def _run(self, company, path, version, dry_run, quiet):
        with tqdm(desc="checking rows", unit="row", file=self.stderr._out, disable=quiet) as bar:
            def progress(done, total):
                bar.total = total
                bar.update(done - bar.n)

            rows, preview, ctx = imports_apply.read_and_check(
                company=company, file_name=path.name, content=path.read_bytes(), questionnaire=version,
                progress=progress)
        if preview["already_imported"]:  # its periods exist now: every row would say so, which is no news
            return "This file was already imported; nothing new was created."
        for message in preview["file_errors"]:
            self.stderr.write(message)
        for error in preview["errors"]:
            self.stderr.write(f"row {error['row']}, {error['column']}: {error['message']}")
        if preview["file_errors"] or preview["error_count"]:
            raise CommandError(f"{preview['error_count'] or 'File'} error(s); nothing was imported.")
        plan = f"{preview['rows_read']} rows → {preview['rounds']} rounds, {preview['audits']} department audits"
        if dry_run:
            return f"Dry run: {plan}; nothing was written."
        imports_apply.history_apply_file(company=company, rows=rows, ctx=ctx, content=path.read_bytes(),
                                         file_name=path.name, preview=preview)
        return f"Imported {plan}."
