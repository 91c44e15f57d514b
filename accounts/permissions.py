"""The permission table: which role may do what. README's table is generated from ROLE_PERMISSIONS."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions

from .models import Role
from .security.two_factor import has_confirmed_device

A, E, H, S = Role.ADMIN, Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.SALES_MANAGER

ROLE_PERMISSIONS = {
    # company administration
    "manage_company": {A},
    "manage_departments": {A},
    "manage_members": {A},
    "manage_invitations": {A},
    "view_members": {A, E},
    "view_departments": {A, E, H, S},
    "use_api_tokens": {A, E, H, S},
    "view_audit_log": {A},
    # audits
    "manage_audits": {A},  # matrix, questionnaires, schedule, open rounds, reopen
    "view_all_audits": {A, E},
    "answer_own_audits": {H},
    "view_questionnaires": {A, E, H},
    "manage_action_items": {A, E},
    "view_action_items": {A, E, H},
    # dashboards
    "view_company_dashboard": {A, E},
    "view_department_dashboard": {A, E, H},
    # scorecards
    "view_team_scorecard": {A, E},
    "enter_own_activity": {S},
    "use_scorecards": {A, E, H, S},  # which managers and heads: scorecards.access (head of sales only)
    "manage_scorecard_settings": {A},
}


def role_has(role, permission):
    """True when the role holds the permission; an unknown permission name is a programming error."""
    return role in ROLE_PERMISSIONS[permission]


def require_permission(permission):
    """Decorator for company views: the middleware has checked membership; this checks the role (403)."""
    ROLE_PERMISSIONS[permission]  # fail at import time on a typo

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            membership = getattr(request, "membership", None)
            if membership is None:
                raise Http404
            if not membership.can(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_permission = permission
        return wrapped

    return decorator


class CompanyMemberPermission(permissions.BasePermission):
    """Default for every API view (fail closed).

    A view under /companies/<slug>/ needs an active membership of that company, reached by the
    session or by a token issued for that company; otherwise 404, so a company's existence is
    never revealed. A view may set `required_permission` (403 when the role lacks it).
    Views outside a company need only an authenticated user.
    """

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated
        company = getattr(request._request, "company", None)
        if "company_slug" not in view.kwargs:
            return True
        token = request.auth
        if company is None or (token is not None and getattr(token, "company_id", None) != company.pk):
            raise exceptions.NotFound
        membership = request_membership(request)
        if membership is None:
            raise exceptions.NotFound
        request._request.membership = membership
        if company.is_suspended:
            raise exceptions.PermissionDenied(_("This company is suspended; contact the platform support."))
        if company.require_two_factor and not has_confirmed_device(request.user):
            raise exceptions.PermissionDenied(_("This company requires two-factor authentication; "
                                                "set it up on your profile page first."))
        permission = getattr(view, "required_permission", None)
        if isinstance(permission, dict):
            permission = permission.get(request.method, permission.get("*"))
        if permission and not membership.can(permission):
            raise exceptions.PermissionDenied
        return True


def request_membership(request):
    """The caller's active membership in the request's company, found once per request: the middleware's
    (session), the token's own (token requests), else one query."""
    django_request = request._request
    membership = getattr(django_request, "membership", None)
    if membership is not None and membership.user_id == request.user.pk:
        return membership
    token_membership = getattr(request.auth, "membership", None)
    if token_membership is not None and token_membership.company_id == django_request.company.pk:
        return token_membership if token_membership.is_active else None
    return company_membership(django_request, request.user)


def company_membership(request, user):
    """The active membership of `user` in the request's company, or None."""
    from .selectors import membership_for

    return membership_for(company=request.company, user=user)
