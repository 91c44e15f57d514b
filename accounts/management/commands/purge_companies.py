"""Delete the companies whose requested deletion is past its grace period (run daily by beat or cron)."""

from django.core.management.base import BaseCommand

from accounts.security.services import companies_purge_due


class Command(BaseCommand):
    help = "Delete companies whose deletion request is older than COMPANY_DELETION_GRACE_DAYS."

    def handle(self, *args, **options):
        purged = companies_purge_due()
        self.stdout.write(f"Deleted {len(purged)} companies" + (f": {', '.join(purged)}" if purged else "."))
