"""`manage.py bench_notifications`: the notification planning and sending bench (see notifications/bench.py)."""

from django.core.management.base import BaseCommand

from notifications.bench import run


class Command(BaseCommand):
    help = "Plan notifications for many companies with every audit due; print timings and queries per company."

    def add_arguments(self, parser):
        parser.add_argument("--companies", type=int, default=1000)
        parser.add_argument("--departments", type=int, default=10)

    def handle(self, *args, **options):
        run(self.stdout, options)
