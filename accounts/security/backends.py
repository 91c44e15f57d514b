"""Login throttling with django-axes."""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check, first in AUTHENTICATION_BACKENDS.

    Axes refuses to run without a request (it throttles by client address). Sign-ins over HTTP always
    pass one (Django's LoginView, DRF); only in-process callers such as the test client's `login()`
    and scripts do not, and they are no remote attacker: for them the check steps aside and the next
    backend decides.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


AXES_USERNAME_MAX = 255


def lockout_username(request, credentials):
    """Emails are case-insensitive logins, so `Alice@X` and `alice@x` count as one account.

    Cut to the length axes stores (255) and without NUL bytes: a failed sign-in with junk in the email field
    must still be counted, not crash on PostgreSQL.
    """
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(username).replace("\x00", "").strip().lower()[:AXES_USERNAME_MAX] or None


def lockout_response(request, *args, **kwargs):
    """The translated lockout page (HTTP 429) saying how long the cool-off lasts."""
    from django.conf import settings
    from django.shortcuts import render

    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return render(request, "accounts/security/lockout.html", {"cooloff_minutes": minutes}, status=429)
