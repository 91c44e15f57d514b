"""A database connection cut in a middleware, before the view (the membership and company lookup) or after it,
is answered by LostConnectionMiddleware (accounts.transactions): a read and a write whose view never started run
once more on a fresh connection, the write landing exactly once; never a 500.

The cut is real (pg_terminate_backend from a second connection); PostgreSQL only, as in
test_lost_database_connection.py, whose helpers these tests share.
"""

import logging

import pytest
from django.urls import reverse
from django_scopes import scope

from accounts.models import Role
from audits.models import Answer
from tests.audits.page_helpers import first_question
from tests.audits.test_lost_database_connection import cut_at_statement

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

MEMBERSHIP_LOOKUP = 'FROM "accounts_membership"'  # CompanyScopeMiddleware, before any view of /c/<slug>/


@pytest.fixture
def head_client(alpha, client_for):
    client = client_for(alpha.member(Role.DEPARTMENT_HEAD))
    client.raise_request_exception = False  # answer as a browser gets it (the test client re-raises otherwise)
    return client


def page(audit, name):
    return reverse(f"audits:{name}", kwargs={"company_slug": audit.company.slug, "audit_pk": audit.pk})


def test_a_page_whose_connection_is_cut_in_a_middleware_answers_from_a_fresh_connection(sales_audit, head_client,
                                                                                       caplog):
    with caplog.at_level(logging.WARNING, logger="accounts.transactions"), \
            cut_at_statement(MEMBERSHIP_LOOKUP) as runs:
        response = head_client.get(page(sales_audit, "audit_detail"))
    assert response.status_code == 200
    assert len(runs) >= 2 and runs[0] != runs[-1]  # looked up again, on another backend
    assert any("outside the view" in record.getMessage() for record in caplog.records)


def test_a_save_cut_before_its_view_started_lands_exactly_once(sales_audit, head_client):
    question = first_question(sales_audit)
    with cut_at_statement(MEMBERSHIP_LOOKUP):
        response = head_client.post(page(sales_audit, "answer_save"),
                                    {"question": str(question.pk), f"q{question.pk}-scale_value": "4"})
    assert response.status_code == 200, response.content[:300]
    with scope(company=sales_audit.company):
        assert Answer.objects.filter(audit=sales_audit, question=question).get().scale_value == 4
