"""Error pages in the reader's language and the product's layout; the API keeps answering JSON."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.defaults import server_error as html_server_error

from .middleware import activate_language, is_api_path


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the form-expired page in the user's own language, with their navigation.

    Django's default renders 403_csrf.html without the request, so a signed-in user would see the
    signed-out header and the browser's language instead of their own.
    """
    if is_api_path(request.path_info):
        return JsonResponse({"detail": _("CSRF check failed: reload the page and try again.")}, status=403)
    request.company = getattr(request, "company", None)  # the check can fail before the company is resolved
    activate_language(request)
    response = render(request, "403_csrf.html", status=403)
    # The page speaks to people; the header keeps Django's reason for support and for tests.
    response["X-CSRF-Failure"] = reason or "CSRF check failed"
    return response


def server_error(request):
    """handler500: JSON under /api/, otherwise 500.html (rendered without a request context on purpose)."""
    if is_api_path(request.path):
        return JsonResponse({"detail": _("Server error: it has been recorded; try again in a minute.")}, status=500)
    return html_server_error(request)
