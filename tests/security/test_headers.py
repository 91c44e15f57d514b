"""Security headers on every HTML page, and uploaded evidence served as a download.

Every GET route of the URL enumeration (tests/test_cross_tenant.py), filled with the admin's own objects, is
requested as the company admin; every HTML answer must carry a Content-Security-Policy whose script-src has no
'unsafe-inline' (nor falls back to a default-src with it), X-Content-Type-Options: nosniff and a Referrer-Policy.
"""

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django_scopes import scopes_disabled

from accounts.models import Role
from audits.models import Answer
from tests.security.conftest import fill_company
from tests.security.test_csrf import every_route, own_urls

pytestmark = pytest.mark.django_db


def directives(policy):
    parsed = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            parsed[words[0].lower()] = words[1:]
    return parsed


def header_problems(response):
    problems = []
    policy = response.get("Content-Security-Policy", "")
    if not policy:
        problems.append("no Content-Security-Policy")
    else:
        parsed = directives(policy)
        scripts = parsed.get("script-src", parsed.get("default-src"))
        if scripts is None:
            problems.append("CSP without script-src or default-src")
        elif "'unsafe-inline'" in scripts or "'unsafe-eval'" in scripts:
            problems.append(f"script-src allows inline/eval: {scripts}")
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if not response.get("Referrer-Policy"):
        problems.append("no Referrer-Policy")
    return problems


def test_every_html_page_sends_a_strict_csp_nosniff_and_referrer_policy(alpha, monkeypatch):
    routes = every_route(monkeypatch)
    fill_company(alpha)
    client = Client(raise_request_exception=False)
    client.force_login(alpha.user(Role.ADMIN))
    pages, bad = 0, []
    for route, url in own_urls(alpha, routes):
        response = client.get(url)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue  # JSON, CSV, files, iCal: not pages
        pages += 1
        bad += [f"{url} [{route.name}, {response.status_code}]: {p}" for p in header_problems(response)]
    for url in ("/accounts/login/", "/admin/login/", "/no-such-page/"):  # signed out, admin, a 404 page
        response = Client().get(url)
        pages += 1
        bad += [f"{url} [{response.status_code}]: {p}" for p in header_problems(response)]
    print(f"\nheaders: {pages} HTML responses checked, {len(bad)} problems")
    assert pages > 50
    assert not bad, "\n".join(bad[:40])


def test_evidence_with_an_active_type_downloads_as_octet_stream_attachment(alpha):
    """An evidence file stored with an active extension (SVG, HTML) is never rendered by the browser."""
    answer = fill_company(alpha)
    with scopes_disabled():  # e.g. a file stored before the upload allow-list existed
        answer.evidence_file.save("drawing.svg", ContentFile(b"<svg onload='alert(1)'/>"))
        answer = Answer.objects.get(pk=answer.pk)
    client = Client()
    client.force_login(alpha.user(Role.ADMIN))
    url = f"/c/alpha/audits/department-audits/{answer.audit_id}/evidence/{answer.pk}/"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"<svg onload='alert(1)'/>"

