"""Import a company export (zip from /c/<slug>/export/) as a NEW company."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.security.tenant_data import ImportError_, company_import, row_counts


class Command(BaseCommand):
    help = "Create a new company from an export archive: new ids, links remapped, users matched by email."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--slug", required=True, help="Address name of the new company (must be free).")
        parser.add_argument("--name", default=None, help="Name of the new company (default: the exported one).")

    def handle(self, *args, archive, slug, name, **options):
        if not archive.is_file():
            raise CommandError(f"No such file: {archive}")
        try:
            company = company_import(archive_bytes=archive.read_bytes(), slug=slug, name=name)
        except (ImportError_, KeyError, ValueError) as error:
            raise CommandError(f"Cannot import {archive}: {error}") from error
        counts = row_counts(company)
        self.stdout.write(self.style.SUCCESS(f"Imported {company.name} as /c/{company.slug}/: "
                                             f"{sum(counts.values())} rows in {len(counts)} models."))
