"""Locking: concurrent answer saves, submits and the round tick never fail; a deadlock victim is retried once."""

import itertools
import threading
from unittest import mock

import pytest
from django.db import OperationalError, connection, transaction
from django_scopes import scope
from psycopg import errors

from audits import services
from audits.models import Answer, AuditStatus, QuestionKind, Round
from notifications.models import Kind, Notification
from notifications.services import notifications_plan
from tests.concurrency import run_together

from .conftest import answer_everything


def deadlock():
    """What Django raises when PostgreSQL picks the statement as a deadlock victim."""
    try:
        raise errors.DeadlockDetected("deadlock detected")
    except errors.DeadlockDetected as cause:
        error = OperationalError("deadlock detected")
        error.__cause__ = cause
        return error


def scale_question(audit):
    return services.audit_questions(audit).filter(kind=QuestionKind.SCALE).first()


def test_an_answer_save_chosen_as_deadlock_victim_is_retried_once_and_saved(alpha, sales_audit):
    real_check = services._check_question_in_audit
    calls = []

    def first_call_deadlocks(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise deadlock()
        return real_check(**kwargs)

    with scope(company=alpha.company), transaction.atomic():  # a writing request's transaction stays usable
        question = scale_question(sales_audit)
        with mock.patch.object(services, "_check_question_in_audit", first_call_deadlocks):
            services.answer_save(audit=sales_audit, question=question, by=alpha.user("department_head"), scale_value=4)
        assert Answer.objects.get(audit=sales_audit, question=question).scale_value == 4
    assert len(calls) == 2


def test_a_second_deadlock_is_raised_after_exactly_one_retry(alpha, sales_audit, caplog):
    calls = []

    def always_deadlocks(**kwargs):
        calls.append(1)
        raise deadlock()

    with scope(company=alpha.company):
        question = scale_question(sales_audit)
        with mock.patch.object(services, "_check_question_in_audit", always_deadlocks), \
                pytest.raises(OperationalError):
            services.answer_save(audit=sales_audit, question=question, by=alpha.user("department_head"), scale_value=4)
    assert len(calls) == 2
    assert "answer_save: DeadlockDetected; retrying once" in caplog.text


def test_other_database_errors_are_not_retried(alpha, sales_audit):
    calls = []

    def broken(**kwargs):
        calls.append(1)
        raise OperationalError("disk full")

    with scope(company=alpha.company):
        question = scale_question(sales_audit)
        with mock.patch.object(services, "_check_question_in_audit", broken), pytest.raises(OperationalError):
            services.answer_save(audit=sales_audit, question=question, by=alpha.user("department_head"), scale_value=4)
    assert len(calls) == 1


def test_bulk_saves_retry_as_a_whole_not_per_answer(alpha, sales_audit):
    calls = []

    def always_deadlocks(**kwargs):
        calls.append(1)
        raise deadlock()

    with scope(company=alpha.company):
        question = scale_question(sales_audit)
        # the bulk save checks every question against the audit's once; each answer is then written
        with mock.patch.object(services, "_write_answer", always_deadlocks), \
                pytest.raises(OperationalError):
            services.answers_save_bulk(audit=sales_audit, by=alpha.user("department_head"),
                                       answers=[{"question": question.pk, "scale_value": 3}])
    assert len(calls) == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_answer_saves_submits_and_the_tick_run_together_without_errors(alpha, q4_round):
    head = alpha.user("department_head")
    with scope(company=alpha.company):
        audits = {audit.department.name: audit for audit in q4_round.audits.select_related("department")}
    for name in ("Marketing", "Management"):
        answer_everything(audits[name], head)
    with scope(company=alpha.company):
        questions = {name: list(services.audit_questions(audit).filter(kind=QuestionKind.SCALE))
                     for name, audit in audits.items()}

    def save_answers(name):
        def run():
            for round_trip, question in enumerate(questions[name] * 3):
                services.answer_save(audit=audits[name], question=question, by=head, scale_value=1 + round_trip % 5)
        return run

    def submit(name):
        return lambda: services.audit_submit(audit=audits[name], by=head)

    def tick():
        for _ in range(3):
            services.round_open(company=alpha.company)
            services.audits_mark_overdue(company=alpha.company)
            notifications_plan(company=alpha.company)

    actions = [save_answers("Sales"), save_answers("Sales"), save_answers("Product"), save_answers("IT"),
               submit("Marketing"), submit("Management"), tick]
    order, lock = itertools.count(), threading.Lock()

    def one_of_them():
        with lock:
            action = actions[next(order)]
        with scope(company=alpha.company):
            return action()

    _results, errors_seen = run_together(one_of_them, count=len(actions), timeout=120)
    assert errors_seen == []
    with scope(company=alpha.company):
        round = Round.objects.get(pk=q4_round.pk)
        assert sorted(a.department.name for a in round.audits.filter(status=AuditStatus.SUBMITTED)) == [
            "Management", "Marketing"]
        assert round.submitted_count == 2  # the second submit saw the first one's commit


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_answer_save_does_not_wait_for_a_planner_that_references_the_round_and_company(alpha, q4_round):
    """A planner's insert checks its foreign keys with FOR KEY SHARE on the round, company and audit it names (at
    commit; here at once). The answer save's lock of its own audit row must not wait for that; the old FOR UPDATE
    of the joined round and company rows did, which is how saves and the tick deadlocked."""
    head = alpha.user("department_head")
    with scope(company=alpha.company):
        sales = q4_round.audits.get(department=alpha.departments["sales"])
        question = scale_question(sales)
    inserted, release = threading.Event(), threading.Event()

    def planner_holding_its_transaction():
        with scope(company=alpha.company), transaction.atomic():
            with connection.cursor() as cursor:
                # Check the foreign keys now rather than at commit: the insert then holds its FOR KEY SHARE locks.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            Notification.objects.create(company=alpha.company, recipient=alpha.member("department_head"),
                                        kind=Kind.ROUND_OPENED, dedupe_key="held", round=q4_round, audit=sales)
            inserted.set()
            release.wait(timeout=30)

    holder = threading.Thread(target=lambda: run_together(planner_holding_its_transaction, count=1))
    holder.start()
    try:
        assert inserted.wait(timeout=10)
        with scope(company=alpha.company), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")  # waiting for the planner would raise here
            services.answer_save(audit=sales, question=question, by=head, scale_value=5)
    finally:
        release.set()
        holder.join(timeout=30)
    with scope(company=alpha.company):
        assert Answer.objects.get(audit=sales, question=question).scale_value == 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_deadlock_victim_is_retried_once_inside_the_request_transaction(alpha, beta, caplog):
    """Two writers lock two rows in opposite orders: PostgreSQL aborts one; the wrapper rolls back to its savepoint
    (the outer transaction, like a writing request's, stays usable) and runs it again, once."""
    from accounts.deadlocks import retry_once_on_deadlock
    from accounts.models import Company

    both_hold_one = threading.Barrier(2)
    attempts, lock = [], threading.Lock()

    @retry_once_on_deadlock
    def lock_in_order(first, second):
        with lock:
            attempts.append(first)
            retry = attempts.count(first) > 1
        Company.objects.select_for_update().get(pk=first)
        if not retry:
            both_hold_one.wait(timeout=10)
        Company.objects.select_for_update().get(pk=second)
        return first

    order, order_lock = itertools.count(), threading.Lock()
    pairs = [(alpha.company.pk, beta.company.pk), (beta.company.pk, alpha.company.pk)]

    def writer():
        with order_lock:
            first, second = pairs[next(order)]
        with transaction.atomic():
            result = lock_in_order(first, second)
            Company.objects.filter(pk=first).update(name=f"written {first}")  # the outer transaction still works
            return result

    results, errors_seen = run_together(writer, count=2, timeout=60)
    assert errors_seen == []
    assert sorted(results) == sorted([alpha.company.pk, beta.company.pk])
    assert len(attempts) == 3  # one writer ran once, the deadlock victim twice
    assert caplog.text.count("retrying once") == 1
