"""Behind PgBouncer in transaction mode: PGBOUNCER=true turns off server-side cursors and persistent connections,
and the code paths that read with `.iterator()` still work with that setting on."""

import pytest
from django.db import connection
from django.urls import reverse

from accounts.models import Role
from tests.test_settings import PRODUCTION_VARIABLES, run_with_production_settings

SHOW_DATABASE = ("import django; django.setup(); from django.conf import settings; "
                 "d = settings.DATABASES['default']; "
                 "print(d.get('DISABLE_SERVER_SIDE_CURSORS', False), d['CONN_MAX_AGE'], d['ATOMIC_REQUESTS'], "
                 "settings.SESSION_ENGINE.rsplit('.', 1)[1])")


def production_database(**variables):
    result = run_with_production_settings(SHOW_DATABASE, **PRODUCTION_VARIABLES, **variables)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_pgbouncer_mode_opens_no_server_side_cursor_and_keeps_no_connection():
    assert production_database(PGBOUNCER="true", CONN_MAX_AGE="60")[:2] == ["True", "0"]


def test_without_pgbouncer_connections_are_kept_and_cursors_may_be_server_side():
    assert production_database(CONN_MAX_AGE="30")[:2] == ["False", "30"]


def test_production_runs_no_request_transaction_and_needs_a_shared_cache_for_cached_sessions():
    assert production_database()[2:] == ["False", "db"]  # no CACHE_URL: every process reads the database
    assert production_database(CACHE_URL="redis://127.0.0.1:6379/1")[3] == "cached_db"


def spy_on_cursor_names(monkeypatch):
    """Record the name of every cursor the connection creates (a name means a server-side cursor)."""
    names = []
    original = connection.create_cursor

    def create_cursor(name=None):
        names.append(name)
        return original(name)

    monkeypatch.setattr(connection, "create_cursor", create_cursor)
    return names


def export_audit_log(alpha, client_for):
    client = client_for(alpha.member(Role.ADMIN))
    for name in ("Research", "Support", "Legal"):  # three writes the audit log records
        client.post(reverse("department_create", args=["alpha"]), {"name": name})
    response = client.get(reverse("audit_log_csv", args=["alpha"]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_audit_log_export_reads_through_iterator_without_server_side_cursors(alpha, client_for, monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "DISABLE_SERVER_SIDE_CURSORS", True)
    names = spy_on_cursor_names(monkeypatch)
    csv_text = export_audit_log(alpha, client_for)
    assert all(name in csv_text for name in ("Research", "Support", "Legal"))
    assert [name for name in names if name] == []


@pytest.mark.postgres
def test_without_the_setting_the_export_does_use_a_server_side_cursor(alpha, client_for, monkeypatch):
    """The control: proves the spy above sees server-side cursors when there are any."""
    monkeypatch.setitem(connection.settings_dict, "DISABLE_SERVER_SIDE_CURSORS", False)
    names = spy_on_cursor_names(monkeypatch)
    export_audit_log(alpha, client_for)
    assert [name for name in names if name]
