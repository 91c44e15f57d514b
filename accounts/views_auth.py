"""Sign-up, profile and invitation acceptance (pages outside any company)."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import services
from .forms import InvitationSignupForm, ProfileForm, SignupForm, add_service_errors
from .models import User
from .selectors import companies_of

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@require_http_methods(["GET", "POST"])
def signup(request):
    form = SignupForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        signed_in = request.user if request.user.is_authenticated else None
        try:
            company, user = services.company_signup(
                name=data["company_name"], slug=data["slug"], timezone_name=data["timezone"],
                language=data["language"], email=data.get("email", ""), password=data.get("password"),
                first_name=data.get("first_name", ""), last_name=data.get("last_name", ""), user=signed_in,
            )
        except ValidationError as error:
            add_service_errors(form, error, {"name": "company_name"})
        else:
            if signed_in is None:
                login(request, user, backend=MODEL_BACKEND)
            messages.success(request, _("Welcome! %(company)s is ready.") % {"company": company.name})
            return redirect("company_home", company_slug=company.slug)
    return render(request, "accounts/signup.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    initial = {"first_name": user.first_name, "last_name": user.last_name, "language": user.language}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update_profile(user=user, **form.cleaned_data)
        except ValidationError as error:
            user.refresh_from_db()
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("profile")
    return render(request, "accounts/profile.html", {"form": form, "memberships": companies_of(user=user)})


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    """The public page of an invitation link: join as the signed-in user, or create an account."""
    try:
        invitation = services.invitation_from_token(token)
    except ValidationError as error:
        return render(request, "accounts/invitation_invalid.html", {"errors": error.messages}, status=400)
    if request.user.is_authenticated:
        return accept_as_signed_in_user(request, invitation)
    if User.objects.filter(email__iexact=invitation.email).exists():
        login_url = reverse("login") + "?" + urlencode({"next": request.path})
        return render(request, "accounts/invitation_accept.html",
                      {"invitation": invitation, "mode": "sign_in", "login_url": login_url})
    return accept_with_new_account(request, invitation)


def accept_as_signed_in_user(request, invitation):
    if request.user.email.lower() != invitation.email.lower():
        return render(request, "accounts/invitation_accept.html",
                      {"invitation": invitation, "mode": "wrong_user"}, status=403)
    errors = []
    if request.method == "POST":
        try:
            membership = services.invitation_accept(invitation=invitation, user=request.user)
        except ValidationError as error:
            errors = error.messages
        else:
            return joined(request, membership)
    return render(request, "accounts/invitation_accept.html",
                  {"invitation": invitation, "mode": "join", "errors": errors}, status=400 if errors else 200)


def accept_with_new_account(request, invitation):
    form = InvitationSignupForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                membership = services.invitation_accept(
                    invitation=invitation, password=data["password1"],
                    first_name=data["first_name"], last_name=data["last_name"],
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            login(request, membership.user, backend=MODEL_BACKEND)
            return joined(request, membership)
    return render(request, "accounts/invitation_accept.html",
                  {"invitation": invitation, "mode": "create", "form": form})


def joined(request, membership):
    messages.success(request, _("Welcome to %(company)s!") % {"company": membership.company.name})
    return redirect("company_home", company_slug=membership.company.slug)
