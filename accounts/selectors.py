"""Reads about companies and people. Company-scoped reads start from the company."""

import functools

from django.db import connection
from django.db.models import Count, Q

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
    found = _memberships(_memberships_statement(connection.vendor, by_slug=True), [user.pk, True, slug], user)
    return found[0] if found else None


def companies_of(*, user):
    """Companies the user is an active member of, with their role and department, for the company switcher.
    Every signed-in page runs it (it also finds the page's membership), so it is hand-written like
    `membership_by_slug`. Cross-tenant by nature: one person's memberships in every company."""
    return _memberships(_memberships_statement(connection.vendor, by_slug=False), [user.pk, True], user)


def _memberships(sql, params, user):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    membership_end = sqlrows.width(Membership)
    company_end = membership_end + sqlrows.width(Company)
    found = []
    for row in rows:
        membership = sqlrows.from_row(Membership, row[:membership_end])
        membership.company = sqlrows.from_row(Company, row[membership_end:company_end])
        membership.department = sqlrows.from_row(Department, row[company_end:])  # None: the outer join found none
        membership.user = user
        found.append(membership)
    return found


@functools.cache
def _memberships_statement(vendor, *, by_slug):
    """The user's active memberships with their company and department if any: the one in the company with a
    given slug, or all of them by company name."""
    quote = connection.ops.quote_name
    member, company, department = Membership._meta, Company._meta, Department._meta
    sql = (
        f"SELECT {sqlrows.select_list(Membership, 'm')}, {sqlrows.select_list(Company, 'c')}, "
        f"{sqlrows.select_list(Department, 'p')} FROM {quote(member.db_table)} m "
        f"JOIN {quote(company.db_table)} c ON c.{quote(company.pk.column)} = m.{quote(member.get_field('company').column)} "
        f"LEFT JOIN {quote(department.db_table)} p "
        f"ON p.{quote(department.pk.column)} = m.{quote(member.get_field('department').column)} "
        f"WHERE m.{quote(member.get_field('user').column)} = %s AND m.{quote(member.get_field('is_active').column)} = %s "
    )
    if by_slug:
        return sql + f"AND c.{quote(company.get_field('slug').column)} = %s ORDER BY m.{quote(member.pk.column)} LIMIT 1"
    return sql + f"ORDER BY c.{quote(company.get_field('name').column)}, m.{quote(member.pk.column)}"


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
