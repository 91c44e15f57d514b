"""Reads about companies and people. Company-scoped reads start from the company."""

import functools

from django.db import connection
from django.db.models import Count, Q
from django_scopes import scopes_disabled

from . import sqlrows
from .models import Company, Department, Membership


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
    """The user's active membership in the company with this slug, its company and department joined (one query).
    Every signed-in API request runs it (the request floor, issue 15), so it is hand-written SQL (accounts.sqlrows):
    building the ORM's two joins cost more than running them."""
    if not isinstance(slug, str) or not slug:
        return None
    with connection.cursor() as cursor:
        cursor.execute(_membership_by_slug_statement(connection.vendor), [user.pk, True, slug])
        row = cursor.fetchone()
    if row is None:
        return None
    membership_end = sqlrows.width(Membership)
    company_end = membership_end + sqlrows.width(Company)
    membership = sqlrows.from_row(Membership, row[:membership_end])
    membership.company = sqlrows.from_row(Company, row[membership_end:company_end])
    membership.department = sqlrows.from_row(Department, row[company_end:])  # None: the outer join found none
    membership.user = user
    return membership


@functools.cache
def _membership_by_slug_statement(vendor):
    """The SQL of `membership_by_slug`: the membership, its company (found by slug) and its department if any."""
    quote = connection.ops.quote_name
    member, company, department = Membership._meta, Company._meta, Department._meta
    return (
        f"SELECT {sqlrows.select_list(Membership, 'm')}, {sqlrows.select_list(Company, 'c')}, "
        f"{sqlrows.select_list(Department, 'p')} FROM {quote(member.db_table)} m "
        f"JOIN {quote(company.db_table)} c ON c.{quote(company.pk.column)} = m.{quote(member.get_field('company').column)} "
        f"LEFT JOIN {quote(department.db_table)} p "
        f"ON p.{quote(department.pk.column)} = m.{quote(member.get_field('department').column)} "
        f"WHERE m.{quote(member.get_field('user').column)} = %s AND m.{quote(member.get_field('is_active').column)} = %s "
        f"AND c.{quote(company.get_field('slug').column)} = %s ORDER BY m.{quote(member.pk.column)} LIMIT 1"
    )


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
