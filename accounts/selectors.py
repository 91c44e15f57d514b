"""Reads about companies and people. Company-scoped reads start from the company."""

from django.db.models import Count, Q
from django_scopes import scopes_disabled

from .models import Company, Membership


def membership_for(*, company, user):
    """The active membership of a user in a company, or None."""
    if not user.is_authenticated:
        return None
    return (
        company.memberships.filter(user=user, is_active=True)
        .select_related("department", "user")
        .first()
    )


def membership_by_slug(*, user, slug):
    """The user's active membership in the company with this slug, its company and user joined (one query)."""
    # Looked up before any scope exists: the slug names the company whose scope the request then enters.
    with scopes_disabled():
        membership = (
            Membership.objects.filter(user=user, is_active=True, company__slug=slug)
            .select_related("company", "department").order_by("pk").first()
        )
    if membership is not None:
        membership.user = user
    return membership


def companies_of(*, user):
    """Companies the user is an active member of, with their role, for the company switcher."""
    # Cross-tenant by nature: one person's memberships in every company.
    with scopes_disabled():
        return list(
            Membership.objects.filter(user=user, is_active=True)
            .select_related("company", "department")
            .order_by("company__name")
        )


def company_by_slug(slug):
    return Company.objects.filter(slug=slug).first()


def departments_of(*, company, include_archived=False):
    qs = company.departments.select_related("head__user").annotate(
        member_count=Count("members", filter=Q(members__is_active=True))
    )
    if not include_archived:
        qs = qs.filter(is_archived=False)
    return qs.order_by("name")


def members_of(*, company, include_inactive=True, role=None, department=None):
    qs = company.memberships.select_related("user", "department")
    if not include_inactive:
        qs = qs.filter(is_active=True)
    if role:
        qs = qs.filter(role=role)
    if department:
        qs = qs.filter(department=department)
    return qs.order_by("user__email")


def invitations_of(*, company):
    return company.invitations.select_related("department", "invited_by").order_by("-created_at")


def tokens_of(*, membership):
    return membership.company.api_tokens.filter(membership=membership, revoked_at__isnull=True)


def companies_with_member_counts():
    """Platform-staff listing: every company with its active member count."""
    return Company.objects.annotate(member_count=Count("memberships", filter=Q(memberships__is_active=True)))
