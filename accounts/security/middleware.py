"""Session lifetime, the two-factor gate and the audit-log actor, as middleware after authentication."""

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .context import acting_request

LOGIN_AT_KEY = "auth_login_at"
ACTIVITY_AT_KEY = "activity_at"  # when the session (and so its idle expiry) was last renewed
OTP_REQUIRED_KEY = "otp_required"


def mark_session_signed_in(request, user):
    """Called on sign-in: start the absolute lifetime and remember whether a second factor is due."""
    from .two_factor import has_confirmed_device

    request.session[LOGIN_AT_KEY] = request.session[ACTIVITY_AT_KEY] = timezone.now().timestamp()
    request.session[OTP_REQUIRED_KEY] = has_confirmed_device(user)


class SessionLifetimeMiddleware:
    """Absolute timeout: a session ends SESSION_ABSOLUTE_SECONDS after sign-in, however active it is.

    Idle timeout: Django's expiry (SESSION_COOKIE_AGE from the last save). Activity renews it by saving the
    session, at most once per SESSION_ACTIVITY_WRITE_SECONDS rather than on every request (a write per
    request costs more than most pages' reads); the idle limit is thus exact to within that interval.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            login_at = request.session.get(LOGIN_AT_KEY)
            now = timezone.now().timestamp()
            if login_at is None:
                request.session[LOGIN_AT_KEY] = now  # a session from before this rule: its clock starts now
            elif now - login_at > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)  # flushes the server-side session; the request goes on as anonymous
                return self.get_response(request)
            if now - request.session.get(ACTIVITY_AT_KEY, 0) >= settings.SESSION_ACTIVITY_WRITE_SECONDS:
                request.session[ACTIVITY_AT_KEY] = now  # modified: saved with a renewed expiry and cookie
        return self.get_response(request)


def gate_exempt_paths():
    return (
        reverse("two_factor_verify"), reverse("logout"), settings.STATIC_URL, "/i18n/",
    )


class TwoFactorGateMiddleware:
    """A user with a confirmed device who has given only the password reaches nothing but the code page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self.needs_second_factor(request) and not request.path_info.startswith(gate_exempt_paths()):
            if request.path_info.startswith("/api/"):
                message = _("Enter your two-factor code on the sign-in page first.")
                return JsonResponse({"detail": message}, status=403)
            return redirect_to_login(request.get_full_path(), reverse("two_factor_verify"))
        return self.get_response(request)

    @staticmethod
    def needs_second_factor(request):
        user = request.user
        if not user.is_authenticated or not request.session.get(OTP_REQUIRED_KEY):
            return False
        return not user.is_verified()


class AuditContextMiddleware:
    """Writes made while answering a request are attributed to its user in the audit log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with acting_request(request):
            return self.get_response(request)


PRIVATE_CACHE_CONTROL = "private, no-store"


def cache_exempt_paths():
    """Public, identical for everyone: static files (WhiteNoise answers those first anyway) and the health check."""
    return (settings.STATIC_URL, reverse("health"))


class PrivateCacheControlMiddleware:
    """`Cache-Control: private, no-store` on every API response and every page a signed-in user gets.

    Without it a shared proxy or the browser's back-forward cache could keep one person's scores, members or
    exports for the next user of the machine. A view that sets its own Cache-Control (the iCal feed, a
    download) keeps it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.has_header("Cache-Control") or request.path_info.startswith(cache_exempt_paths()):
            return response
        user = getattr(request, "user", None)
        if request.path_info.startswith("/api/") or (user is not None and user.is_authenticated):
            response["Cache-Control"] = PRIVATE_CACHE_CONTROL
        return response
