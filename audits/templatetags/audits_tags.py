"""Audit snippets for shared pages (navigation, company home): the department head's open audit, a first-round hint."""

from django import template

from audits import selectors
from audits.models import OPEN_STATUSES, DepartmentAudit

register = template.Library()


@register.simple_tag(takes_context=True)
def my_open_audit(context):
    """The current member's department's open audit with its progress (answered, total), or None."""
    membership = context.get("membership")
    if membership is None or not membership.can("answer_own_audits") or not membership.department_id:
        return None
    audit = (
        DepartmentAudit.objects.filter(company=membership.company, department_id=membership.department_id,
                                       status__in=OPEN_STATUSES)
        .select_related("round").order_by("-round__period_start").first()
    )
    if audit is not None:
        audit.answered, audit.total = selectors.audit_progress(audit=audit)
    return audit


@register.simple_tag(takes_context=True)
def company_has_rounds(context):
    company = context.get("company")
    return company is not None and company.audit_rounds.exists()
