"""Recompute every stored score of one company (after a scoring change or a data repair)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_scopes import scope
from tqdm import tqdm

from accounts.models import Company
from audits import scoring
from audits.models import AuditStatus


class Command(BaseCommand):
    help = "Recompute the stored factor scores, company factor scores and system index of every round of a company."

    def add_arguments(self, parser):
        parser.add_argument("--company", required=True, help="the company's address name (slug)")

    def handle(self, *args, company, **options):
        found = Company.objects.filter(slug=company).first()
        if found is None:
            raise CommandError(f"No company with the address name {company!r}.")
        with scope(company=found):
            rounds = list(found.audit_rounds.order_by("period_start"))
            for round in tqdm(rounds, desc=f"{found.slug}: rounds", unit="round", file=self.stderr._out,
                              disable=not rounds or options["verbosity"] == 0):
                with transaction.atomic():
                    for audit in round.audits.filter(status=AuditStatus.SUBMITTED):
                        scoring.store_audit_scores(audit)
                    scoring.store_round_scores(round)
        self.stdout.write(f"Recomputed {len(rounds)} round(s) of {found.slug}.")
