"""`manage.py bench_dashboards`: the dashboard benchmark (see dashboards/bench.py)."""

from django.core.management.base import BaseCommand

from dashboards import bench


class Command(BaseCommand):
    help = "Build a large company and time the dashboard endpoints against the raw SQL aggregate."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=15, help="Measured runs per item (median reported).")
        parser.add_argument("--keep", action="store_true", help="Keep the benchmark company afterwards.")

    def handle(self, *args, **options):
        bench.run(self.stdout, {"runs": options["runs"], "keep": options["keep"]})
