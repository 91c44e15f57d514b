"""Celery tasks survive a lost database connection (pg_terminate_backend, a restart, a failover): every task
starts on a usable connection, and one whose connection is cut mid-way is retried instead of failing.

In the worker, Celery's Django fixup closes every connection before and after each task; in-process runs rely on
accounts.tasks.start_on_usable_connection. The cuts are real (PostgreSQL only; on SQLite those tests skip)."""

import importlib
import importlib.util

import psycopg
import pytest
from django.apps import apps as django_apps
from django.db import InterfaceError, OperationalError, connection

from config.celery import app
from notifications import tasks


def terminate_current_backend():
    """pg_terminate_backend on this process's connection, from a connection of its own, waiting until it is gone."""
    params = connection.get_connection_params()
    params = {key: params[key] for key in ("host", "port", "user", "dbname", "password") if params.get(key)}
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s, 5000)", [connection.connection.info.backend_pid])


def cut_first_call(monkeypatch, owner, name):
    """The first call of `owner.name` finds its connection terminated; returns the list of calls."""
    real, calls = getattr(owner, name), []

    def cutting(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            # A query first, as the task body would have made: the health check at a task's first query is past,
            # so this cut is one in the middle of the task, not one before it.
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            terminate_current_backend()
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, cutting)
    return calls


def test_every_task_of_the_project_retries_a_lost_database_connection():
    for config in django_apps.get_app_configs():  # what the worker's autodiscovery imports
        if importlib.util.find_spec(f"{config.name}.tasks") is not None:
            importlib.import_module(f"{config.name}.tasks")
    ours = {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}
    assert "notifications.tasks.notifications_tick" in ours
    missing = sorted(name for name, task in ours.items()
                     if not {OperationalError, InterfaceError} <= set(getattr(task, "autoretry_for", ()))
                     or not task.max_retries)
    assert missing == [], "tasks that fail instead of retrying when the database connection is lost"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_task_starts_on_a_fresh_connection_when_the_last_one_was_terminated(alpha, persistent_connection,
                                                                              monkeypatch):
    claims = cut_first_call(monkeypatch, tasks, "companies_due_claim")
    claims.append("already cut once")  # no cut inside the task: only the one before it
    terminate_current_backend()
    result = tasks.notifications_tick.apply(throw=False)
    assert result.state == "SUCCESS"
    assert len(claims) == 2  # ran once, with no retry: it started on a usable connection


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_tick_whose_connection_is_cut_mid_way_retries_and_succeeds(alpha, persistent_connection, monkeypatch):
    claims = cut_first_call(monkeypatch, tasks, "companies_due_claim")
    result = tasks.notifications_tick.apply(throw=False)
    assert result.state == "SUCCESS", result.traceback
    assert len(claims) == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_company_task_whose_connection_is_cut_mid_way_retries_and_succeeds(alpha, persistent_connection,
                                                                            monkeypatch):
    plans = cut_first_call(monkeypatch, tasks, "notifications_plan")
    result = tasks.plan_notifications_for_company.apply(args=[alpha.company.pk], throw=False)
    assert result.state == "SUCCESS", result.traceback
    assert len(plans) == 2
