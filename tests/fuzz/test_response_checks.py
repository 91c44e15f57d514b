"""The fuzz runner's response checks really run: an undocumented status, an undocumented content type or a
body that breaks the documented schema fails the check (on SQLite too; the fuzz itself runs on PostgreSQL)."""

import pytest
from django.http import HttpResponse
from rest_framework.response import Response
from schemathesis.core.failures import FailureGroup

from accounts.api import MeView
from accounts.models import Role
from tests.accounts.api_helpers import issue_token
from tests.fuzz.runner import _SameConnection, call_and_check, load_schema


@pytest.fixture
def me_case(alpha):
    _token, raw = issue_token(alpha.member(Role.ADMIN))
    operation = load_schema()["/api/v1/me/"]["GET"]
    # As in the fuzz run: the in-process requests must not close the test's connection (PostgreSQL).
    with _SameConnection():
        yield operation.Case(), {"Authorization": f"Bearer {raw}"}


def test_a_conforming_answer_passes_every_check(me_case):
    case, headers = me_case
    assert call_and_check(case, headers).status_code == 200


@pytest.mark.parametrize("answer, message", [
    (lambda: Response({"detail": "teapot"}, status=418), "Undocumented status code"),
    (lambda: HttpResponse("plain words", content_type="text/plain"), "Undocumented Content-Type"),
    (lambda: Response({"email": 42}), "Response violates schema"),
], ids=["status_code_conformance", "content_type_conformance", "response_schema_conformance"])
def test_a_non_conforming_answer_fails_its_check(me_case, monkeypatch, answer, message):
    case, headers = me_case
    monkeypatch.setattr(MeView, "get", lambda self, request: answer())
    with pytest.raises(FailureGroup) as failure:  # one entry per failed check
        call_and_check(case, headers)
    assert message in str(failure.value)


def test_a_gzip_encoded_answer_is_checked_as_the_client_reads_it(alpha):
    """The WSGI transport asks for gzip as requests does; the stored dashboard bodies answer gzip-encoded, and the
    checks read the inflated JSON (without inflating, every check fails to deserialize the body)."""
    _token, raw = issue_token(alpha.member(Role.EXECUTIVE))
    operation = load_schema()["/api/v1/companies/{company_slug}/dashboard/data/"]["GET"]
    with _SameConnection():
        case = operation.Case(path_parameters={"company_slug": alpha.company.slug})
        headers = {"Authorization": f"Bearer {raw}", "Accept-Encoding": "gzip"}
        call_and_check(case, headers)  # the first read stores the body
        response = call_and_check(case, headers)
    assert response.status_code == 200 and "story" in response.json()
