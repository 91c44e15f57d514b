"""Who sees and edits which manager's scorecard. Shared by pages and API views.

A sales manager: only themselves. The head of sales (department head of a department named Sales /
Продажи, or of one whose members are sales managers): their team. Executives and admins: everyone.
Nobody else.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import Role

SALES_DEPARTMENT_NAMES = {"sales", "продажи", "отдел продаж", "sales department"}


def _is_sales_department(department):
    if department.name.strip().casefold() in SALES_DEPARTMENT_NAMES:
        return True
    return department.members.filter(role=Role.SALES_MANAGER, is_active=True).exists()


def sales_departments_headed(membership):
    """The sales departments this member heads (empty unless they are a department head)."""
    if membership.role != Role.DEPARTMENT_HEAD or not membership.is_active:
        return []
    headed = membership.company.departments.filter(head=membership, is_archived=False)
    return [d for d in headed if _is_sales_department(d)]


def is_head_of_sales(membership):
    return bool(sales_departments_headed(membership))


def sees_everyone(membership):
    return membership.can("view_team_scorecard")


def may_see_team(membership):
    return sees_everyone(membership) or is_head_of_sales(membership)


def may_manage_team(membership):
    """Plans, knowledge ratings and checks, imports and days off: the admin and the head of sales."""
    return membership.is_active and (membership.role == Role.ADMIN or is_head_of_sales(membership))


def managers_visible_to(membership, *, include_inactive=False):
    """The sales managers whose scorecards this member may see (a queryset, possibly empty)."""
    company = membership.company
    managers = company.memberships.filter(role=Role.SALES_MANAGER).select_related("user", "department")
    if not include_inactive:
        managers = managers.filter(is_active=True)
    if sees_everyone(membership):
        return managers.order_by("user__last_name", "user__first_name", "user__email")
    if membership.role == Role.SALES_MANAGER:
        return managers.filter(pk=membership.pk)
    departments = sales_departments_headed(membership)
    if not departments:
        return managers.none()
    ids = [d.pk for d in departments]
    if any(d.name.strip().casefold() in SALES_DEPARTMENT_NAMES for d in departments):
        # The head of the department called Sales also answers for managers not yet placed in a department.
        managers = managers.filter(department_id__in=ids) | managers.filter(department__isnull=True)
    else:
        managers = managers.filter(department_id__in=ids)
    return managers.order_by("user__last_name", "user__first_name", "user__email")


def require_team_view(membership):
    if not may_see_team(membership):
        raise PermissionDenied


def require_team_management(membership):
    if not may_manage_team(membership):
        raise PermissionDenied


def require_scorecard_user(membership):
    """Only sales managers, heads of sales, executives and admins use scorecards at all."""
    if membership.role == Role.SALES_MANAGER or may_see_team(membership):
        return
    raise PermissionDenied


def manager_for(membership, manager_pk, *, include_inactive=True):
    """The sales manager `manager_pk` if this member may see them: another company's or unseen id → 404/403."""
    require_scorecard_user(membership)
    company = membership.company
    manager = company.memberships.filter(pk=manager_pk, role=Role.SALES_MANAGER).select_related("user").first()
    if manager is None:
        raise Http404
    if managers_visible_to(membership, include_inactive=include_inactive).filter(pk=manager.pk).exists():
        return manager
    if membership.role == Role.SALES_MANAGER:
        raise Http404  # a colleague's scorecard does not exist for a manager
    raise PermissionDenied
