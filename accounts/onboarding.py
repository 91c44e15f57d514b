"""The onboarding checklist of a new company, and its one-click start from the default departments.

accounts never imports the apps built on it, so each app that has a step contributes it from its own
`<app>/onboarding.py` (a function `items(company)` returning Step rows), discovered like `demo` modules.
Every step is computed from the company's real data each time: nothing is stored, so a step ticks itself
off when the work is done by page, API or import, and the checklist disappears when all are done.
"""

import importlib
import importlib.util
from dataclasses import dataclass, field
from functools import cache

from django.apps import apps
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Department
from .services import department_create

# The seed's five functions (PRODUCT.md: product, marketing, sales, IT, management), named so that the
# responsibility matrix proposal (audits.services.MATRIX_NAME_RULES) recognises every one of them. They are
# the company's data in its own language (like the default questionnaire's text_en/text_ru), not UI strings.
DEFAULT_DEPARTMENTS = {
    "en": ["Product", "Marketing", "Sales", "IT", "Management"],
    "ru": ["Продукт", "Маркетинг", "Продажи", "ИТ", "Руководство"],
}


@dataclass(frozen=True)
class Step:
    key: str
    order: int
    title: str
    hint: str
    done: bool
    route: str  # URL name of the page where the step is done (takes company_slug)
    api: str = ""  # the API path under /api/v1/companies/<slug>/ doing the same
    route_kwargs: dict = field(default_factory=dict)

    def url(self, company):
        return reverse(self.route, kwargs={"company_slug": company.slug, **self.route_kwargs})


@cache
def _providers():
    """Every installed app's onboarding.items, accounts first."""
    providers = []
    for config in apps.get_app_configs():
        name = f"{config.name}.onboarding"
        if importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        if callable(getattr(module, "items", None)):
            providers.append(module.items)
    return providers


def checklist(*, company):
    """Steps in order; call inside the company's scope."""
    steps = [step for provider in _providers() for step in provider(company)]
    return sorted(steps, key=lambda step: step.order)


def is_complete(steps):
    return all(step.done for step in steps)


def items(company):
    """The accounts app's own steps: departments and people."""
    has_departments = company.departments.filter(is_archived=False).exists()
    people = company.invitations.exists() or company.memberships.count() > 1
    return [
        Step("departments", 10, _("Create the departments"),
             _("One per function that owns a part of the sales system; or start from the defaults."),
             has_departments, "department_list", "departments/"),
        Step("people", 30, _("Invite the people"),
             _("Department heads answer the audits; executives read the dashboards."),
             people, "invitation_list", "invitations/"),
    ]


@transaction.atomic
def start_from_defaults(*, company):
    """Create the default departments the company lacks (by name, any case); returns the new ones.

    The names are in the company's language. Creating a department triggers the matrix proposal
    (audits.signals), so the responsibility matrix is filled in the same step.
    """
    names = DEFAULT_DEPARTMENTS.get(company.language, DEFAULT_DEPARTMENTS["en"])
    existing = {name.lower() for name in Department.objects.filter(company=company).values_list("name", flat=True)}
    return [department_create(company=company, name=name) for name in names if name.lower() not in existing]
