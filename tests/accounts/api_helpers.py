"""Small helpers shared by the API tests."""

from django_scopes import scope

from accounts.services import api_token_create


def company_url(tenant, tail=""):
    return f"/api/v1/companies/{tenant.company.slug}/{tail}"


def issue_token(membership, name="script"):
    """Create a real API token for the membership; returns (token row, raw key)."""
    with scope(company=membership.company):
        return api_token_create(membership=membership, name=name)
