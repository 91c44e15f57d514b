"""OpenAPI schema and Swagger UI: generated cleanly, without queries, and served without any CDN or inline script."""

import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client
from drf_spectacular.generators import SchemaGenerator


def test_schema_generates_without_warnings(db, tmp_path):
    # --fail-on-warn turns every drf-spectacular warning (unknown types, unresolved views) into a failure.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert "/api/v1/me/" in (tmp_path / "schema.yaml").read_text()


def test_schema_build_evaluates_no_tenant_queryset(db, django_assert_num_queries):
    # No company scope exists at build time: a tenant query here would raise ScopeError or leak.
    with django_assert_num_queries(0):
        schema = SchemaGenerator().get_schema(request=None, public=True)
    assert "/api/v1/companies/{company_slug}/departments/" in schema["paths"]


def test_schema_endpoint_is_public_and_describes_token_auth(db):
    response = Client().get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["components"]["securitySchemes"]["apiToken"] == {"type": "http", "scheme": "bearer"}
    assert schema["paths"]["/api/v1/companies/{company_slug}/tokens/"]["post"]["responses"]["201"]


def test_every_list_operation_is_paginated(db):
    # A list answered as a bare JSON array is unpaginated; lists use PageNumberPagination's envelope.
    schema = SchemaGenerator().get_schema(request=None, public=True)
    bare_lists = [
        f"{method.upper()} {path}"
        for path, item in schema["paths"].items() for method, op in item.items()
        for code, response in op.get("responses", {}).items()
        if code.startswith("2") and response.get("content", {}).get("application/json", {}).get("schema", {}).get("type") == "array"
    ]
    assert not bare_lists
    departments = schema["paths"]["/api/v1/companies/{company_slug}/departments/"]["get"]
    assert "page" in {p["name"] for p in departments["parameters"]}


@pytest.fixture
def docs_page(db):
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    return response.content.decode()


def test_swagger_ui_assets_come_from_the_sidecar(docs_page):
    assets = re.findall(r'(?:src|href)="([^"]+)"', docs_page)
    sidecar = [a for a in assets if a.startswith("/static/drf_spectacular_sidecar/swagger-ui-dist/")]
    assert {a.rsplit("/", 1)[1] for a in sidecar} >= {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"}
    for asset in sidecar:
        assert finders.find(asset.removeprefix("/static/")), f"{asset} is not a static file"


def test_swagger_ui_uses_no_cdn(docs_page):
    assert not re.search(r"https?://", docs_page)
    assert "cdn" not in docs_page.lower()


def test_swagger_ui_has_no_inline_script_or_style(docs_page):
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", docs_page, flags=re.S)
    assert scripts and all('src="' in attrs and not body.strip() for attrs, body in scripts)
    assert "<style" not in docs_page and "style=" not in docs_page


def test_swagger_ui_init_script_is_served_as_javascript(docs_page):
    script_url = re.findall(r'<script src="(/api/docs/\?[^"]*script[^"]*)"', docs_page)[0].replace("&amp;", "&")
    response = Client().get(script_url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in response.content.decode()
    assert not re.search(r"https?://", response.content.decode())


def test_docs_page_carries_the_strict_csp(db):
    csp = Client().get("/api/docs/")["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
