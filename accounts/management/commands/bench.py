"""`manage.py bench`: run every installed app's `<app>.bench.run(stdout, options)` in INSTALLED_APPS order, then
print one table of every target the benches measured (accounts.benchtable)."""

import importlib
import importlib.util
import time

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from accounts import benchtable


def app_benches():
    """(app label, run function) for every installed app whose `bench` module defines `run`."""
    benches = []
    for config in apps.get_app_configs():
        module_name = f"{config.name}.bench"
        if importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        if callable(getattr(module, "run", None)):
            benches.append((config.label, module.run))
    return benches


class Command(BaseCommand):
    help = "Run the performance benches every app ships in its bench module."

    def add_arguments(self, parser):
        parser.add_argument("--only", action="append", metavar="APP", default=[],
                            help="run only this app's bench (repeat for several)")
        parser.add_argument("--quick", action="store_true",
                            help="a smaller size of each bench that supports it (a minute, not minutes)")
        parser.add_argument("--no-browser", action="store_true",
                            help="dashboards bench: leave out the Chromium page (first byte and charts drawn)")
        parser.add_argument("--companies", type=int, metavar="N",
                            help="notifications bench: companies in all (1 %% of them due); default 100,000 "
                                 "(10,000 with --quick)")

    def handle(self, *args, **options):
        benches = app_benches()
        known = {label for label, _ in benches}
        unknown = set(options["only"]) - known
        if unknown:
            raise CommandError(f"no bench for {', '.join(sorted(unknown))}; benches: {', '.join(sorted(known)) or 'none'}")
        selected = [(label, run) for label, run in benches if not options["only"] or label in options["only"]]
        if not selected:
            self.stdout.write("No app has a bench module yet.")
            return
        benchtable.reset()
        for label, run in selected:
            self.stdout.write(self.style.MIGRATE_HEADING(f"== {label}"))
            started = time.perf_counter()
            run(self.stdout, options)
            self.stdout.write(f"== {label}: {time.perf_counter() - started:.2f} s")
        self.stdout.write(self.style.MIGRATE_HEADING(f"== targets ({connection.vendor})"))
        for line in benchtable.lines(vendor=connection.vendor):
            self.stdout.write(line)
