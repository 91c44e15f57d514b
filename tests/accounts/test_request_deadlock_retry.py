"""A writing request chosen as a deadlock victim runs once more, the view and all (accounts.transactions), and the
services inside its transaction take no savepoint of their own for it (accounts.deadlocks.retried_by_caller)."""

import logging

import psycopg
import pytest
from django.db import OperationalError
from django_scopes import scope

from accounts.models import Role
from audits import services
from audits.models import Answer
from tests.audits.conftest import at_oct_2, factors, matrix, q4_round, questionnaire, sales_audit  # noqa: F401
from tests.audits.page_helpers import audit_url, first_question

# Real commits: the request's transaction is its own, as in production (a test's would not be retried).
# PostgreSQL: deadlocks are its errors (SQLite has one writer), and the middleware retries them there.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class Deadlock(psycopg.errors.DeadlockDetected):
    sqlstate = "40P01"


def deadlocked_once(monkeypatch, name):
    """`services.name` fails once as PostgreSQL's deadlock victim would (after its real work, so the retry must
    undo that), then works."""
    real, calls = getattr(services, name), []

    def flaky(*args, **kwargs):
        calls.append(name)
        result = real(*args, **kwargs)
        if len(calls) == 1:
            raise OperationalError("deadlock detected") from Deadlock("deadlock detected")
        return result

    monkeypatch.setattr(services, name, flaky)
    return calls


def test_an_autosave_that_loses_a_deadlock_is_run_again_and_stored_once(alpha, request, client_for, monkeypatch,
                                                                        caplog):
    audit = request.getfixturevalue("sales_audit")
    question = first_question(audit)
    client = client_for(alpha.member(Role.DEPARTMENT_HEAD))
    calls = deadlocked_once(monkeypatch, "answer_save_locked")
    with caplog.at_level(logging.WARNING, logger="accounts.transactions"):
        response = client.post(audit_url("answer_save", audit),
                               {"question": question.pk, f"q{question.pk}-scale_value": "4"})
    assert response.status_code == 200 and response.json()["answer"]["value"] == "4"
    assert len(calls) == 2
    assert sum("deadlock victim" in record.getMessage() for record in caplog.records) == 1
    with scope(company=alpha.company):
        assert Answer.objects.filter(audit=audit, question=question).count() == 1


def test_a_second_deadlock_is_an_error_not_a_loop(alpha, request, client_for, monkeypatch):
    audit = request.getfixturevalue("sales_audit")
    question = first_question(audit)
    client = client_for(alpha.member(Role.DEPARTMENT_HEAD))
    client.raise_request_exception = False

    def always(*args, **kwargs):
        raise OperationalError("deadlock detected") from Deadlock("deadlock detected")

    monkeypatch.setattr(services, "answer_save_locked", always)
    response = client.post(audit_url("answer_save", audit),
                           {"question": question.pk, f"q{question.pk}-scale_value": "4"})
    assert response.status_code == 500
    with scope(company=alpha.company):
        assert not Answer.objects.filter(audit=audit, question=question).exists()
