"""The audits app's parts of the company home (see accounts.home): the department head's open audits, and for
the admin the overdue audits and the first-round hint."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.home import Health, Section, company_url
from accounts.models import Role

from . import selectors
from .models import OPEN_STATUSES, DepartmentAudit
from .services import local_date

MAX_OPEN_AUDITS = 5  # a department has one audit per round; more than a few open ones is a backlog to list elsewhere


@dataclass
class OpenAudit:
    audit: DepartmentAudit
    answered: int
    total: int
    days: int  # days from today to the deadline's day in the company's timezone (negative: past)
    overdue: bool
    url: str

    @property
    def days_overdue(self):
        return -self.days


def open_audits(*, membership, now=None):
    """The member's department's open audits, the nearest deadline first, each with its progress."""
    if not membership.department_id:
        return []
    company, now = membership.company, now or timezone.now()
    audits = (DepartmentAudit.objects.filter(company=company, department_id=membership.department_id,
                                             status__in=OPEN_STATUSES)
              .select_related("round").order_by("deadline", "pk")[:MAX_OPEN_AUDITS])
    today = local_date(company, now)
    rows = []
    for audit in audits:
        answered, total = selectors.audit_progress(audit=audit)
        rows.append(OpenAudit(
            audit=audit, answered=answered, total=total, days=(local_date(company, audit.deadline) - today).days,
            overdue=audit.deadline <= now,
            url=reverse("audits:audit_detail", kwargs={"company_slug": company.slug, "audit_pk": audit.pk}),
        ))
    return rows


def overdue_count(*, company, now=None):
    """Audits still open after their deadline."""
    return DepartmentAudit.objects.filter(company=company, status__in=OPEN_STATUSES,
                                          deadline__lt=now or timezone.now()).count()


def sections(*, request, roles):
    found = []
    if Role.DEPARTMENT_HEAD in roles:
        membership = request.membership
        rows = open_audits(membership=membership)
        found.append(Section(Role.DEPARTMENT_HEAD, 10, "audits/_home_department_head.html", {
            "open_audits": rows, "has_department": bool(membership.department_id),
            "head_main": rows[0].url if rows else company_url("dashboards:my_department", request.company),
        }))
    if Role.ADMIN in roles and not request.company.audit_rounds.exists():
        found.append(Section(Role.ADMIN, 20, "audits/_home_first_round.html"))
    return found


def health(*, company):
    return [Health(10, _("Overdue audits"), overdue_count(company=company), company_url("audits:round_list", company),
                   _("No audit is past its deadline."))]
