"""Two-factor authentication with django-otp: a TOTP authenticator app plus ten single-use recovery codes."""

from base64 import b32encode

import django_otp
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import record_row
from .models import AuditAction
from .services import api_tokens_revoke_for_user

RECOVERY_CODE_COUNT = 10
DEVICE_NAME = "authenticator"
RECOVERY_NAME = "recovery codes"


# ---------------------------------------------------------------- selectors and services

def has_confirmed_device(user):
    """Enrolled means a confirmed authenticator app; recovery codes alone are no second factor."""
    return user.is_authenticated and TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_totp_device(*, user):
    """The unconfirmed authenticator being set up (created on first visit; its secret shown until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def totp_secret(device):
    """The base32 secret that authenticator apps accept when typed in by hand."""
    return b32encode(device.bin_key).decode().rstrip("=")


@transaction.atomic
def two_factor_confirm(*, user, device, code):
    """Confirm the authenticator with a first code; returns the new recovery codes, or None if the code is wrong."""
    if not device.verify_token(code):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    # Tokens taken with the password alone would go on bypassing the new second factor.
    api_tokens_revoke_for_user(user=user)
    return recovery_codes_regenerate(user=user)


@transaction.atomic
def recovery_codes_regenerate(*, user):
    """Ten new single-use codes; the old ones stop working. Only the caller ever sees them."""
    # The device stays (a session verified with a recovery code keeps pointing at it); its codes are replaced.
    device = StaticDevice.objects.filter(user=user).order_by("pk").first() \
        or StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    record_row(action=AuditAction.UPDATE, instance=device, changes={"recovery_codes": "regenerated"})
    return codes


def passed_second_factor(request):
    """Whether the request comes from a signed-in session that gave the second factor (django-otp verified).

    A call authenticated with an API token never counts: the token is not a second factor.
    """
    from accounts.models import ApiToken

    if isinstance(getattr(request, "auth", None), ApiToken):
        return False
    is_verified = getattr(getattr(request, "user", None), "is_verified", None)
    return bool(is_verified and is_verified())


def second_factor_match(*, user, code):
    """The confirmed device (authenticator or recovery codes) that accepts the code; a recovery code is used up."""
    code = "".join(code.split()).lower() if code else ""
    if not code:
        return None
    return django_otp.match_token(user, code)


@transaction.atomic
def two_factor_disable(*, user):
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


# ---------------------------------------------------------------- forms

class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"), max_length=16,
        help_text=gettext_lazy("The 6-digit code from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )


# ---------------------------------------------------------------- views

def no_store(response):
    """Secrets and recovery codes must not stay in a browser or proxy cache."""
    response["Cache-Control"] = "no-store"
    return response


def mark_verified(request, device):
    from .middleware import OTP_REQUIRED_KEY

    django_otp.login(request, device)
    request.session[OTP_REQUIRED_KEY] = True


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Enrol: show the otpauth:// link and the secret, confirm with a code, show the recovery codes once."""
    if has_confirmed_device(request.user):
        return render(request, "accounts/security/two_factor_status.html")
    device = pending_totp_device(user=request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor_confirm(user=request.user, device=device, code=form.cleaned_data["code"].strip())
        if codes is not None:
            mark_verified(request, device)
            return no_store(render(request, "accounts/security/recovery_codes.html", {"codes": codes}))
        form.add_error("code", _("This code is not valid. Check the time on your phone and try the newest code."))
    context = {"form": form, "config_url": device.config_url, "secret": totp_secret(device)}
    return no_store(render(request, "accounts/security/two_factor_setup.html", context,
                           status=400 if form.errors else 200))


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """The second step of signing in (the password was the first)."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = ""
    if request.user.is_verified() or not has_confirmed_device(request.user):
        return redirect(next_url or "home")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = second_factor_match(user=request.user, code=form.cleaned_data["code"])
        if device is not None:
            mark_verified(request, device)
            if isinstance(device, StaticDevice):
                messages.warning(request, _("You used a recovery code; it will not work again."))
            return redirect(next_url or "home")
        form.add_error("code", _("This code is not valid."))
    return render(request, "accounts/security/two_factor_verify.html", {"form": form, "next": next_url},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes_new(request):
    """New recovery codes (the old ones stop working); needs a valid current code."""
    return _with_current_code(request, action="recovery_codes")


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_disable_view(request):
    """Turn two-factor off; needs a valid current code so a borrowed session cannot do it."""
    return _with_current_code(request, action="disable")


def _with_current_code(request, *, action):
    if not has_confirmed_device(request.user):
        return redirect("two_factor_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if second_factor_match(user=request.user, code=form.cleaned_data["code"]) is not None:
            if action == "disable":
                two_factor_disable(user=request.user)
                from .middleware import OTP_REQUIRED_KEY

                request.session[OTP_REQUIRED_KEY] = False
                messages.success(request, _("Two-factor authentication is turned off."))
                return redirect("profile")
            codes = recovery_codes_regenerate(user=request.user)
            return no_store(render(request, "accounts/security/recovery_codes.html", {"codes": codes}))
        form.add_error("code", _("This code is not valid."))
    template = "accounts/security/two_factor_disable.html" if action == "disable" \
        else "accounts/security/recovery_codes_new.html"
    return render(request, template, {"form": form}, status=400 if form.errors else 200)
