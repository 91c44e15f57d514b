"""The company home: the sections of every role a member holds, most important first.

accounts never imports the apps built on it, so each app that has something for a role's home contributes it
from its own `<app>/home.py` (discovered like `onboarding` and `demo` modules):

- `sections(*, request, roles)` returns Section rows for the roles it serves (`roles`: the roles held);
- `health(*, company)` returns Health rows, the admin's "company health" counts.

A member holds their own role and, through the permission table, every role whose home permission their
role includes (an admin reads what an executive reads, so an admin's home shows the executive's section too,
after their own). Every builder reads a constant number of rows whatever the company's size.
"""

import importlib
import importlib.util
from dataclasses import dataclass, field
from functools import cache

from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import onboarding
from .models import Role

# The permission that makes a role's home section useful to a member, in the order sections are shown when
# the member's own role does not come first.
HOME_PERMISSIONS = {
    Role.EXECUTIVE: "view_company_dashboard",
    Role.DEPARTMENT_HEAD: "answer_own_audits",
    Role.SALES_MANAGER: "enter_own_activity",
    Role.ADMIN: "manage_company",
}


@dataclass(frozen=True)
class Section:
    """One block of a role's home, rendered by `template` with `context` (plus the page's own context)."""

    role: str
    order: int
    template: str
    context: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Health:
    """One line of the admin's company health: how many, what it means, where to act on it."""

    order: int
    label: str
    count: int
    url: str
    none_text: str  # the line when the count is zero


def roles_held(membership):
    """The member's own role first, then every other role whose home permission they hold."""
    if not membership.is_active:
        return []
    others = [role for role, permission in HOME_PERMISSIONS.items()
              if role != membership.role and membership.can(permission)]
    return [membership.role, *others]


@cache
def _modules():
    """Every installed app's home module, accounts first."""
    found = []
    for config in apps.get_app_configs():
        name = f"{config.name}.home"
        if importlib.util.find_spec(name) is not None:
            found.append(importlib.import_module(name))
    return found


def collect_sections(*, request):
    """The home's sections for the signed-in member, grouped by role in roles_held order."""
    roles = roles_held(request.membership)
    found = [section for module in _modules() if callable(getattr(module, "sections", None))
             for section in module.sections(request=request, roles=roles)]
    return sorted((s for s in found if s.role in roles), key=lambda s: (roles.index(s.role), s.order))


def collect_health(*, company):
    """Every app's company-health lines, in their order."""
    rows = [row for module in _modules() if callable(getattr(module, "health", None))
            for row in module.health(company=company)]
    return sorted(rows, key=lambda row: row.order)


def company_url(name, company, **kwargs):
    return reverse(name, kwargs={"company_slug": company.slug, **kwargs})


# ---------------------------------------------------------------- the accounts app's own parts

def sections_for_admin(request):
    """Getting started (until every step is done) and the company's health, with the admin's next job."""
    company = request.company
    steps = onboarding.checklist(company=company)
    complete = onboarding.is_complete(steps)
    next_step = next((step for step in steps if not step.done), None)
    rows = collect_health(company=company)
    needing = next((row for row in rows if row.count), None)
    if next_step is not None:
        main = {"url": next_step.url(company), "label": next_step.title}
    elif needing is not None:
        main = {"url": needing.url, "label": f"{needing.label}: {needing.count}"}
    else:
        main = {"url": company_url("audits:round_list", company), "label": _("Go to audit rounds")}
    return [
        Section(Role.ADMIN, 10, "accounts/_home_admin.html", {
            "steps": [] if complete else steps, "onboarding_complete": complete, "health": rows,
            "admin_main": main,
        }),
    ]


def sections(*, request, roles):
    """This app's provider hook (discovered like every other app's)."""
    return sections_for_admin(request) if Role.ADMIN in roles else []


def health(*, company):
    """This app's provider hook: invitations sent and neither accepted, revoked nor expired."""
    pending = company.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True,
                                         expires_at__gt=timezone.now()).count()
    return [Health(30, _("Pending invitations"), pending, company_url("invitation_list", company),
                   _("No invitation is waiting for an answer."))]
