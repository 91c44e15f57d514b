"""CSRF: with checks enforced, every unsafe request to every route without a token is refused.

The sweep walks EVERY URL pattern (the cross-tenant sweep's enumeration and kwarg fillers, imported from
tests/test_cross_tenant.py, here filled with the admin's OWN company objects so that nothing but the missing
token can refuse the request), signed in with a session as a company admin, and sends POST, PUT, PATCH and DELETE
without a CSRF token. Pass: every response is 403 with a CSRF reason, and the company's rows are unchanged.

Public routes are swept too (sign-in, password reset, invitation links, language switch…); the one route that is
csrf_exempt by design is the RFC 8058 one-click unsubscribe link (a mail provider POSTs it without a session; the
signed token is the authorisation), which must still refuse a bogus token with 4xx.
The API with a Bearer token is exempt by design (no ambient credential for a browser to replay): proven below.
"""

import json
from collections import Counter

import pytest
from django.test import Client
from django_scopes import scope

from accounts.models import Role
from accounts.services import api_token_create
from tests import test_cross_tenant as sweep

pytestmark = pytest.mark.django_db

UNSAFE = ["POST", "PUT", "PATCH", "DELETE"]

# Arguments of public routes (signed tokens, uids): any well-formed value; the CSRF check runs before the view.
PUBLIC_FILLERS = {
    "uidb64": sweep.plain(lambda tenant: "MQ"),
    "token": sweep.plain(lambda tenant: "set-password"),
}

# csrf_exempt on purpose (see the module docstring); a bogus token must still get a 4xx, never a change.
EXEMPT_BY_DESIGN = {"notifications_public:unsubscribe"}

DJANGO_ADMIN_URLS = ["/admin/login/", "/admin/logout/", "/admin/accounts/company/add/"]  # regex patterns: by hand


def every_route(monkeypatch):
    """URL patterns incl. the public ones (the cross-tenant sweep skips those; CSRF must not)."""
    monkeypatch.setattr(sweep, "PUBLIC_ROUTES", {"admin:*"})
    for key, filler in PUBLIC_FILLERS.items():
        monkeypatch.setitem(sweep.KWARG_FILLERS, key, filler)
    routes, unsupported = sweep.url_routes()
    assert not unsupported, unsupported
    missing = sweep.unfillable(routes)
    assert not missing, "\n".join(missing)
    return routes


def own_urls(tenant, routes):
    """Each route filled with the tenant's own objects (World's 'beta' is simply the tenant filled from)."""
    world = sweep.World(alpha=tenant, beta=tenant)
    for route in routes:
        args = {arg: sweep.filler_key(route.template, arg) for arg in route.args}
        values = {arg: world.value(key) for arg, key in args.items()}
        yield route, sweep.fill(route.template, values)


def is_csrf_refusal(response):
    if response.status_code != 403:
        return False
    data = getattr(response, "data", None)  # a DRF view: the reason is in the data even if the page hides it
    reason = str(data.get("detail", "")) if isinstance(data, dict) else response.content.decode(errors="replace")
    # The translated form-expired page names no "CSRF"; its header keeps Django's reason.
    return "CSRF" in reason or "CSRF" in response.headers.get("X-CSRF-Failure", "") or \
        response.headers.get("X-CSRF-Failure", "").startswith(("Origin", "Referer"))


def test_every_unsafe_request_without_a_csrf_token_is_refused(alpha, monkeypatch):
    routes = every_route(monkeypatch)
    admin = alpha.member(Role.ADMIN)
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(admin.user)
    plan = list(own_urls(alpha, routes)) + [(None, url) for url in DJANGO_ADMIN_URLS]
    body = sweep.World(alpha=alpha, beta=alpha).payload()
    before = sweep.beta_rows_fingerprint(alpha)

    statuses, bad, sent = Counter(), [], 0
    for route, url in plan:
        name = route.name if route else "admin"
        for method in UNSAFE:
            response = sweep.send(client, method, url, body)
            sent += 1
            statuses[response.status_code] += 1
            if name in EXEMPT_BY_DESIGN:
                if not 400 <= response.status_code < 500:
                    bad.append(f"{response.status_code} {method} {url} [{name}, exempt by design but accepted]")
            elif not is_csrf_refusal(response):
                bad.append(f"{response.status_code} {method} {url} [{name}]")

    after = sweep.beta_rows_fingerprint(alpha)
    refused = statuses[403]
    print(f"\nCSRF sweep: {sent} unsafe requests to {len(plan)} URLs without a token; "
          f"{refused} refused with 403; statuses {dict(sorted(statuses.items()))}")
    assert len(plan) > 100, "the sweep found suspiciously few routes"
    assert not bad, f"{len(bad)} unsafe requests without a CSRF token were not refused:\n  " + "\n  ".join(bad[:40])
    changed = sorted(label for label in before if before[label] != after[label])
    assert not changed, f"rows changed by requests without a CSRF token: {changed}"


def test_the_same_session_request_with_the_token_is_accepted(alpha):
    """Control: the 403s above are the missing token's doing, not the route's."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(alpha.user(Role.ADMIN))
    client.get("/c/alpha/departments/new/")
    token = client.cookies["csrftoken"].value
    url = "/api/v1/companies/alpha/departments/"
    refused = client.post(url, json.dumps({"name": "No token"}), content_type="application/json")
    accepted = client.post(url, json.dumps({"name": "With token"}), content_type="application/json",
                           headers={"X-CSRFToken": token})
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    assert accepted.status_code == 201, accepted.content


def test_bearer_token_api_needs_no_csrf_token(alpha):
    """Token authentication is exempt by design: a script has no cookie a hostile page could ride on."""
    with scope(company=alpha.company):
        _, raw = api_token_create(membership=alpha.member(Role.ADMIN), name="script")
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {raw}"})
    response = client.post("/api/v1/companies/alpha/departments/", json.dumps({"name": "From a script"}),
                           content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["name"] == "From a script"
