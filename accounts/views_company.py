"""Company pages: overview and administration (departments, members, invitations, settings, tokens)."""

from django.shortcuts import render


def company_home(request, company_slug):
    return render(request, "accounts/company_home.html")
