"""Error pages speak the reader's language in the product's layout; the API keeps answering JSON."""

import json

import pytest
from django.test import Client, RequestFactory
from django.urls import get_resolver
from django.utils import translation

from accounts.error_views import server_error
from accounts.models import Role

pytestmark = pytest.mark.django_db

RUSSIAN_BUTTON = "Перейти на главную страницу"  # "Go to the start page", already in the Russian catalogue


def speaking(member, language):
    member.user.language = language
    member.user.save(update_fields=["language"])
    return member


def test_unknown_company_page_is_a_404_in_the_users_russian_with_the_product_header(alpha, client_for):
    response = client_for(speaking(alpha.member(Role.ADMIN), "ru")).get("/c/no-such-company/")
    body = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="ru">' in body and RUSSIAN_BUTTON in body
    assert 'class="topbar"' in body and "Выйти" in body  # the signed-in header, translated
    assert "Page not found" not in body


def test_unknown_page_is_a_404_in_english_for_an_english_reader(alpha, client_for):
    response = client_for(speaking(alpha.member(Role.ADMIN), "en")).get("/c/alpha/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="en">' in body and "Page not found" in body and "Go to the start page" in body
    assert "Page not found — Responsibility Audit</title>" in body


def test_wrong_role_gets_a_403_page_in_russian_not_djangos_bare_one(alpha, client_for):
    response = client_for(speaking(alpha.member(Role.SALES_MANAGER), "ru")).get("/c/alpha/settings/")
    body = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="ru">' in body and RUSSIAN_BUTTON in body and 'class="topbar"' in body
    assert "<h1>403 Forbidden</h1>" not in body


def test_wrong_role_gets_the_english_403_page(alpha, client_for):
    response = client_for(speaking(alpha.member(Role.SALES_MANAGER), "en")).get("/c/alpha/settings/")
    assert response.status_code == 403
    assert "You do not have access to this page" in response.content.decode()


def test_post_without_csrf_token_gets_the_form_expired_page_in_the_users_language(alpha):
    client = Client(enforce_csrf_checks=True)
    client.force_login(speaking(alpha.member(Role.ADMIN), "ru").user)
    response = client.post("/c/alpha/departments/new/", {"name": "Logistics"})
    body = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="ru">' in body and RUSSIAN_BUTTON in body
    assert alpha.user(Role.ADMIN).display_name in body  # the signed-in header: the view had the request


def test_post_without_csrf_token_in_english_names_the_expired_form():
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "a@b.c", "password": "x"})
    assert response.status_code == 403
    assert "The form has expired" in response.content.decode()


def test_server_error_page_renders_without_a_request_context_in_the_product_layout():
    request = RequestFactory().get("/c/alpha/")
    with translation.override("en"):
        response = server_error(request)
    body = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in body and 'class="topbar"' in body
    assert 'rel="icon"' in body


def test_server_error_page_in_russian():
    with translation.override("ru"):
        response = server_error(RequestFactory().get("/c/alpha/"))
    assert response.status_code == 500
    assert '<html lang="ru">' in response.content.decode() and RUSSIAN_BUTTON in response.content.decode()


def test_server_error_under_the_api_stays_json():
    response = server_error(RequestFactory().get("/api/v1/companies/alpha/rounds/"))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert "detail" in json.loads(response.content)


def test_the_500_handler_is_installed():
    assert get_resolver().resolve_error_handler(500) is server_error


def test_unknown_api_url_still_answers_json_404(alpha, client_for):
    response = client_for(alpha.member(Role.ADMIN)).get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_company_page_title_says_page_company_and_product_and_links_the_favicon(alpha, client_for):
    body = client_for(speaking(alpha.member(Role.ADMIN), "en")).get("/c/alpha/").content.decode()
    assert "<title>Overview — Alpha Ltd — Responsibility Audit</title>" in body
    assert 'rel="icon" href="/static/img/favicon.svg"' in body
