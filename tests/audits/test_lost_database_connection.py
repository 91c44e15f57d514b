"""A request whose PostgreSQL connection is cut while it runs (pg_terminate_backend, a restart, a failover) is
answered correctly, never with a 500 (accounts.transactions): a read and a write cut before COMMIT run once more
on a fresh connection, the write landing exactly once; a write cut during COMMIT is looked up (pg_xact_status):
answered with its response when it committed, run again when it did not, 503 with Retry-After when unknown.

The cut is real: a second connection terminates the request's backend at a chosen moment. Only PostgreSQL has
connections to cut; on SQLite these tests skip (REQUIRE_SERVICES=1 makes them fail instead).
"""

import contextlib
import logging

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.utils import timezone
from django_scopes import scope
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.services import api_token_create
from audits import services
from audits.models import Answer, AnswerRevision, DepartmentAudit
from tests.audits.page_helpers import first_question

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def terminate_current_backend():
    """pg_terminate_backend on the request's own connection, from a connection of its own, waiting until it is gone."""
    pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    params = {key: params[key] for key in ("host", "port", "user", "dbname", "password") if params.get(key)}
    with psycopg.connect(**params, autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s, 5000)", [pid]).fetchone()[0]
    return pid


def cut_once(monkeypatch, owner, name, *, after=False):
    """Replace `owner.name` so that its first call terminates the connection (before or after the real call)."""
    real, calls = getattr(owner, name), []

    def cutting(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1 and not after:
            terminate_current_backend()
        result = real(*args, **kwargs)
        if len(calls) == 1 and after:
            terminate_current_backend()
        return result

    monkeypatch.setattr(owner, name, cutting)
    return calls


@contextlib.contextmanager
def cut_at_statement(fragment, *, after=False):
    """The first statement whose SQL contains `fragment` finds its connection terminated (or, with `after`, runs and
    then the connection is terminated, so the next one fails). Yields the backend pid of every statement containing
    it, to show the second run of the view used a fresh connection."""
    pids = []

    def cutting(execute, sql, params, many, context):
        if fragment not in sql:
            return execute(sql, params, many, context)
        pids.append(connection.connection.info.backend_pid)
        if len(pids) == 1 and not after:
            terminate_current_backend()
        result = execute(sql, params, many, context)
        if len(pids) == 1 and after:
            terminate_current_backend()
        return result

    with connection.execute_wrapper(cutting):
        yield pids


def api_url(audit, suffix=""):
    return f"/api/v1/companies/{audit.company.slug}/department-audits/{audit.pk}/{suffix}"


@pytest.fixture(params=["session", "token"])
def head_api(request, alpha, api_client_for):
    """The department head's API client, signed in by session or by a personal API token (as the load test)."""
    head = alpha.member(Role.DEPARTMENT_HEAD)
    if request.param == "session":
        return api_client_for(head)
    with scope(company=alpha.company):
        _token, raw = api_token_create(membership=head, name="autosave")
    return APIClient(headers={"Authorization": f"Bearer {raw}"})


@pytest.fixture
def reopened_audit(alpha, sales_audit):
    """An audit submitted once and open again: each change of an answer leaves one AnswerRevision, so a change
    stored twice would show."""
    question = first_question(sales_audit)
    with scope(company=alpha.company):
        services.answer_save(audit=sales_audit, question=question, by=alpha.user(Role.DEPARTMENT_HEAD), scale_value=2)
        DepartmentAudit.objects.filter(pk=sales_audit.pk).update(first_submitted_at=timezone.now())
    return sales_audit


def stored_state(audit, question):
    with scope(company=audit.company):
        answer = Answer.objects.get(audit=audit, question=question)
        return answer.scale_value, AnswerRevision.objects.filter(answer=answer).count()


def test_a_read_whose_connection_is_cut_mid_request_answers_200_from_a_fresh_connection(sales_audit, head_api,
                                                                                       caplog):
    with caplog.at_level(logging.WARNING, logger="accounts.transactions"), \
            cut_at_statement('FROM "audits_question"') as runs:
        response = head_api.get(api_url(sales_audit))
    assert response.status_code == 200, response.content[:300]
    assert response.json()["id"] == sales_audit.pk and response.json()["questions"]
    assert len(runs) >= 2 and runs[0] != runs[-1]  # the view ran again, on another backend
    assert any("running the view again" in record.getMessage() for record in caplog.records)


def test_a_write_whose_connection_is_cut_before_commit_lands_exactly_once(reopened_audit, head_api, caplog):
    question = first_question(reopened_audit)
    assert stored_state(reopened_audit, question) == (2, 0)
    # The revision of the old answer is written, then the connection dies: the answer's update that follows fails.
    with caplog.at_level(logging.WARNING, logger="accounts.transactions"), \
            cut_at_statement('INSERT INTO "audits_answerrevision"', after=True) as runs:
        response = head_api.put(api_url(reopened_audit, "answers/"),
                                {"answers": [{"question": question.pk, "scale_value": 5}]}, format="json")
    assert response.status_code == 200, response.content[:300]
    assert response.json()["answers"][0]["scale_value"] == 5
    assert len(runs) == 2 and runs[0] != runs[1]
    assert stored_state(reopened_audit, question) == (5, 1)  # one change, one revision: the first run left nothing
    assert sum("running the view again" in record.getMessage() for record in caplog.records) == 1


def test_an_upload_whose_connection_is_cut_is_read_again_and_stored_once(sales_audit, alpha, head_api):
    question = first_question(sales_audit)
    with scope(company=alpha.company):
        services.answer_save(audit=sales_audit, question=question, by=alpha.user(Role.DEPARTMENT_HEAD), scale_value=3)
    content = b"%PDF-1.4\n% minutes of the pricing meeting\n%%EOF\n"
    with cut_at_statement('UPDATE "audits_answer"') as runs:  # after DRF parsed the upload
        response = head_api.put(api_url(sales_audit, f"answers/{question.pk}/evidence/"),
                                {"file": SimpleUploadedFile("minutes.pdf", content, content_type="application/pdf")},
                                format="multipart")
    assert response.status_code == 200, response.content[:300]
    assert len(runs) == 2 and runs[0] != runs[1]  # the second run read the same file again, from the start
    with scope(company=alpha.company):
        answer = Answer.objects.get(audit=sales_audit, question=question)
        assert answer.evidence_file.name.endswith(".pdf")
        with answer.evidence_file.open("rb") as stored:
            assert stored.read() == content


def commit_then_lose_the_answer(monkeypatch, database):
    """COMMIT is applied, then the connection dies before its answer arrives (the reply is what is lost)."""
    real, calls = database.commit, []

    def commit():
        calls.append(1)
        real()
        if len(calls) == 1:
            terminate_current_backend()
            with database.wrap_database_errors:
                database.connection.execute("SELECT 1")  # the error the lost reply would have raised

    monkeypatch.setattr(database, "commit", commit)


def put_five(audit, question, api):
    return api.put(api_url(audit, "answers/"), {"answers": [{"question": question.pk, "scale_value": 5}]},
                   format="json")


def test_a_write_whose_commit_was_cut_before_it_applied_runs_again_and_lands_once(reopened_audit, head_api,
                                                                                 monkeypatch, caplog):
    question = first_question(reopened_audit)
    cut_once(monkeypatch, connections["default"], "commit")  # the connection is gone when COMMIT is sent
    with caplog.at_level(logging.WARNING, logger="accounts.transactions"):
        response = put_five(reopened_audit, question, head_api)
    assert response.status_code == 200, response.content[:300]
    assert stored_state(reopened_audit, question) == (5, 1)
    assert any("running the view again" in record.getMessage() for record in caplog.records)


def test_a_write_whose_commit_applied_but_whose_answer_was_lost_is_answered_and_not_run_again(reopened_audit,
                                                                                             head_api, monkeypatch,
                                                                                             caplog):
    question = first_question(reopened_audit)
    commit_then_lose_the_answer(monkeypatch, connections["default"])
    with caplog.at_level(logging.WARNING, logger="accounts.transactions"):
        response = put_five(reopened_audit, question, head_api)
    assert response.status_code == 200, response.content[:300]
    assert response.json()["answers"][0]["scale_value"] == 5
    assert stored_state(reopened_audit, question) == (5, 1)  # a second run would have left a second revision
    assert any("which had committed" in record.getMessage() for record in caplog.records)


def test_a_write_whose_commit_outcome_cannot_be_learned_answers_503_with_retry_after(reopened_audit, head_api,
                                                                                    monkeypatch, caplog):
    question = first_question(reopened_audit)
    commit_then_lose_the_answer(monkeypatch, connections["default"])
    monkeypatch.setattr("accounts.transactions.commit_outcome", lambda xid: "unknown")  # e.g. the database is down
    with caplog.at_level(logging.WARNING, logger="accounts.transactions"):
        response = put_five(reopened_audit, question, head_api)
    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert "try again" in response.json()["detail"]
    assert stored_state(reopened_audit, question) == (5, 1)  # it had committed; not run a second time
    assert any(record.levelno == logging.ERROR and "during COMMIT" in record.getMessage()
               for record in caplog.records)
