"""Resolve the company from the URL, check membership, and run the whole request in its scope."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django_scopes import scope

from .security.two_factor import has_confirmed_device
from .selectors import companies_of, company_by_slug, membership_by_slug


def is_api_path(path):
    return path.startswith("/api/")


class CompanyScopeMiddleware:
    """Pretix-style tenant guard (fail closed).

    Every URL with a `company_slug` argument is resolved here: unknown company or no active
    membership → 404 (never reveal that a company exists), suspended company → a clear page.
    The view, template rendering included, runs inside `scope(company=...)`; requests without a
    company run with no scope at all, so a query on a tenant model raises ScopeError.
    API requests authenticate inside DRF, so their membership check is the default DRF
    permission class (accounts.permissions.CompanyMemberPermission).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.company = None
        request.membership = None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            activate_language(request)
            return self.get_response(request)
        slug = match.kwargs.get("company_slug")
        if slug is None:
            activate_language(request)
            return self.get_response(request)
        if not is_api_path(request.path_info) and request.user.is_authenticated:
            return self.member_page(request, slug)
        if is_api_path(request.path_info) and request.user.is_authenticated:
            membership = membership_by_slug(user=request.user, slug=slug)
            if membership is not None:
                return self.member_api(request, membership)
        company = company_by_slug(slug)  # nobody signed in (token or anonymous), or not a member: DRF decides
        if company is None:
            activate_language(request)
            if is_api_path(request.path_info):
                # Let DRF answer: 401 to anonymous callers whether or not the company exists
                # (no probing of slugs), 404 to signed-in ones (CompanyMemberPermission).
                return self.get_response(request)
            raise Http404
        request.company = company
        with scope(company=company):
            if not is_api_path(request.path_info):  # a page, and nobody signed in
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            activate_language(request)
            return self.get_response(request)

    def member_page(self, request, slug):
        """A signed-in visitor's page: the one query that lists their companies for the switcher also finds
        the membership and its company (an unknown company and someone else's both answer 404)."""
        request.my_memberships = companies_of(user=request.user)
        membership = next((m for m in request.my_memberships if m.company.slug == slug), None)
        if membership is None:
            activate_language(request)
            raise Http404
        membership.user = request.user
        company = request.company = membership.company
        request.membership = membership
        with scope(company=company):
            if company.is_suspended:
                return render(request, "accounts/suspended.html", {"suspended_company": company}, status=403)
            if company.require_two_factor and not has_confirmed_device(request.user):
                return redirect_to_login(request.get_full_path(), reverse("two_factor_setup"))
            activate_language(request)
            return self.get_response(request)


    def member_api(self, request, membership):
        """A session-signed-in member's API call: one query found the membership and its company. Read per
        request, not cached, so a revoked membership, a role change or a suspension counts from the next request."""
        request.company, request.membership = membership.company, membership
        activate_language(request)
        with scope(company=membership.company):
            return self.get_response(request)


def activate_language(request):
    """The user's own choice wins, then the company's language, then what LocaleMiddleware found."""
    language = None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.language:
        language = user.language
    elif request.company is not None and not request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME):
        language = request.company.language
    if language:
        translation.activate(language)
        request.LANGUAGE_CODE = language
