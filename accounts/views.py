"""Pages outside any company: home, health. Company pages live in views_company.py."""

import os

from django.db import connection, transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .selectors import companies_of


def home(request):
    """Signed in with one company → that company; several → a chooser; visitors → the landing page."""
    if not request.user.is_authenticated:
        return render(request, "accounts/landing.html")
    memberships = companies_of(user=request.user)
    if len(memberships) == 1:
        return redirect("company_home", company_slug=memberships[0].company.slug)
    return render(request, "accounts/home.html", {"memberships": memberships})


def broker_reachable(timeout=2.0):
    """True when the Celery broker accepts a connection within `timeout` seconds (one retry at most)."""
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2, timeout=timeout)
            if conn.transport_cls == "filesystem":
                return filesystem_broker_writable(conn.transport_options)
        return True
    except Exception:  # noqa: BLE001 - any failure means "not reachable" for a health probe
        return False


def filesystem_broker_writable(options):
    """The on-disk broker "connects" always; what matters is that its folders exist and are writable."""
    folders = [options.get("data_folder_in", "data_in"), options.get("data_folder_out", "data_out")]
    return all(os.path.isdir(folder) and os.access(folder, os.W_OK) for folder in folders)


def database_reachable():
    """True when the default database answers a trivial query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:  # noqa: BLE001 - any failure means "not reachable" for a health probe
        return False


@transaction.non_atomic_requests
@never_cache
@require_GET
def health(request):
    """200 when the database and the broker answer, 503 otherwise."""
    checks = {"database": database_reachable(), "broker": broker_reachable()}
    status = 200 if all(checks.values()) else 503
    return JsonResponse({"status": "ok" if status == 200 else "unavailable", "checks": checks}, status=status)
