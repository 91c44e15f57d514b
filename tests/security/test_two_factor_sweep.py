"""The "require two-factor" gate, swept over every route: an unenrolled member of a company that requires it
reaches none of the company's pages or API operations (session or token), whatever the method, and changes
nothing. Routes and path arguments come from the cross-tenant sweep (tests/test_cross_tenant.py)."""

from collections import Counter

import pytest
from django.urls import reverse

from accounts.models import Role
from tests.test_cross_tenant import (
    World,
    beta_rows_fingerprint,
    openapi_routes,
    send,
    session_client,
    token_client,
    url_routes,
)

pytestmark = pytest.mark.django_db


# Public by design: accepting an invitation is how a person joins (their 2FA comes after, on the company's pages).
PUBLIC_ROUTES = {"api-invitation-accept"}


def company_targets(world, routes):
    """Every route aimed at the gated company (its slug, its objects)."""
    return [(route, url) for route in routes if route.name not in PUBLIC_ROUTES
            for variant, url in world.targets(route) if variant in ("B slug", "B ids")]


def test_unenrolled_member_reaches_no_route_of_a_company_requiring_two_factor(alpha, beta):
    """The gate comes before the role check, so the admin (who may do the most) stands for every role."""
    role = Role.ADMIN
    beta.company.require_two_factor = True
    beta.company.save(update_fields=["require_two_factor"])
    routes, _unsupported = url_routes()
    routes += openapi_routes()
    world = World(alpha, beta)
    plan = company_targets(world, routes)
    member = beta.member(role)
    api_clients = {"session": session_client(member), "token": token_client(member)}
    body = world.payload()
    before = beta_rows_fingerprint(beta)

    setup_url = reverse("two_factor_setup")
    bad, statuses, seen = [], Counter(), set()
    for route, url in plan:
        is_api = url.startswith("/api/")
        clients = api_clients if is_api else {"session": api_clients["session"]}
        for method in route.methods:
            for kind, client in clients.items():
                if (method, url, kind) in seen:
                    continue
                seen.add((method, url, kind))
                response = send(client, method, url, body)
                statuses[response.status_code] += 1
                if is_api:
                    ok = response.status_code == 403
                else:
                    ok = response.status_code == 302 and response["Location"].startswith(setup_url)
                if not ok:
                    bad.append(f"{response.status_code} {method} {url} [{kind}; route {route.name}]")
    print(f"\ntwo-factor gate, role {role}: {len(seen)} requests to {len(plan)} company targets, "
          f"statuses {dict(sorted(statuses.items()))}")
    assert len(seen) > 100
    assert not bad, f"{len(bad)} responses let an unenrolled member through:\n  " + "\n  ".join(bad[:40])
    assert beta_rows_fingerprint(beta) == before
