"""Sign-up, profile and invitation acceptance (pages outside any company)."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import services
from .forms import SignupForm


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
            form.add_error(None, error)
        else:
            if signed_in is None:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! %(company)s is ready.") % {"company": company.name})
            return redirect("company_home", company_slug=company.slug)
    return render(request, "accounts/signup.html", {"form": form})


@login_required
def profile(request):
    raise NotImplementedError


def invitation_accept(request, token):
    raise NotImplementedError
