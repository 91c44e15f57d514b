"""Small helpers shared by the accounts page tests."""

from django.urls import reverse
from django_scopes import scope

from accounts import services
from accounts.models import Role


def page(tenant, name, *args):
    """URL of a company page of `tenant`."""
    return reverse(name, args=[tenant.company.slug, *args])


def invite(tenant, email="newcomer@example.com", role=Role.EXECUTIVE, department=None):
    """A pending invitation created through the service (its email is sent on commit)."""
    with scope(company=tenant.company):
        return services.invitation_create(company=tenant.company, email=email, role=role,
                                          department=department, invited_by=tenant.user(Role.ADMIN))


def issue_token(membership, name="script"):
    with scope(company=membership.company):
        return services.api_token_create(membership=membership, name=name)


def body(response):
    return response.content.decode()
