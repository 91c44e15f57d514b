"""Who may see which dashboard: shared by pages and API views."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from . import selectors
from .filters import parse_filters


def can_see_department(membership, department):
    """Admins and executives see every department; a department head only their own."""
    if membership.can("view_company_dashboard"):
        return True
    if not membership.can("view_department_dashboard"):
        return False
    return membership.department_id == department.pk or department.head_id == membership.pk


def department_for(request, department_id, membership):
    """The company's department (another company's id → 404) that this member may see (else 403)."""
    department = get_object_or_404(request.company.departments, pk=department_id)
    if not can_see_department(membership, department):
        raise PermissionDenied
    return department


def own_department(request, membership):
    """The department a head runs or belongs to, or None."""
    headed = request.company.departments.filter(head=membership).order_by("name").first()
    return headed or membership.department


def may_see_company_lines(membership, company):
    """Company factor lines on a department dashboard: always for executives, for heads unless turned off."""
    return membership.can("view_company_dashboard") or selectors.show_company_lines_to_heads(company=company)


def filter_form(request, query):
    return parse_filters(query, company=request.company)
