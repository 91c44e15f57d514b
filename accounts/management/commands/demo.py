"""`manage.py demo`: build (or complete) the demo companies; safe to run on every start.

Order: `accounts.demo.build_people` makes the companies and people, then every installed app that has
a `demo` module with `build(*, company, progress)` adds its own data, once per demo company, inside
that company's scope and in its own transaction. `progress` is a callable: `progress("3 rounds")` shows
a short note beside the bar; it also passes tqdm's `update`, `write` and `set_postfix_str` to the bar.
The command moves the bar to the right place after each builder. Builders must be idempotent too.
"""

import importlib
import importlib.util

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_scopes import scope
from tqdm import tqdm

from accounts.demo import BUILD_STEPS, COMPANIES, DEMO, build_people


class Progress:
    """What builders receive: call it with a note; tqdm's own methods reach the bar."""

    def __init__(self, bar):
        self._bar = bar

    def __call__(self, message=""):
        self._bar.set_postfix_str(str(message)[:60])

    def __getattr__(self, name):
        return getattr(self._bar, name)


def app_builders():
    """(app label, build function) for every installed app whose `demo` module defines `build`."""
    builders = []
    for config in apps.get_app_configs():
        module_name = f"{config.name}.demo"
        if config.name == "accounts" or importlib.util.find_spec(module_name) is None:
            continue
        # An import error inside an app's demo module is a bug to report, not a reason to skip it.
        module = importlib.import_module(module_name)
        if callable(getattr(module, "build", None)):
            builders.append((config.label, module.build))
    return builders


class Command(BaseCommand):
    help = "Build the demo companies, people and every app's demo data (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-summary", action="store_true", help="do not print the accounts table")
        parser.add_argument("--people-only", action="store_true",
                            help="build only the companies and people, not the apps' audit history (fast)")

    def handle(self, *args, **options):
        builders = [] if options["people_only"] else app_builders()
        bar = tqdm(total=BUILD_STEPS + len(builders) * len(COMPANIES), desc="demo: people", unit="step",
                   file=self.stdout, disable=None, dynamic_ncols=True)
        with bar:
            people = build_people(progress=bar)
            failures = self._run_builders(builders, people.companies.values(), bar)
        if failures:
            details = "\n".join(f"  - {label} for company '{slug}': {error!r}" for label, slug, error in failures)
            raise CommandError(f"demo data incomplete; these builders failed (their rows were rolled back):\n{details}")
        if not options["quiet_summary"]:
            self._print_summary(people)

    def _run_builders(self, builders, companies, bar):
        """Call every app builder per company; collect failures so one broken app names itself clearly."""
        failures = []
        progress = Progress(bar)
        for label, build in builders:
            for company in companies:
                position = bar.n
                bar.set_description(f"demo: {label} · {company.slug}")
                try:
                    with transaction.atomic(), scope(company=company):
                        build(company=company, progress=progress)
                except Exception as error:  # noqa: BLE001 - reported below with the app's name, then fails the command
                    failures.append((label, company.slug, error))
                    bar.write(f"demo builder '{label}' failed for '{company.slug}': {error!r}")
                bar.n = position + 1
                bar.refresh()
        bar.set_description("demo: done")
        return failures

    def _print_summary(self, people):
        site = settings.SITE_URL
        lines = [
            "",
            "=" * 72,
            f"  Open {site}/  and sign in at {site}/accounts/login/",
            f"  Password for every demo account: {settings.DEMO_PASSWORD}",
            "",
        ]
        for email, role, slug in people.logins:
            lines.append(f"  {email:<34} {role:<16} {site}/c/{slug}/")
        lines += ["", f"  Start here: admin@{DEMO.domain} (company '{DEMO.name}')", "=" * 72, ""]
        self.stdout.write("\n".join(lines))
