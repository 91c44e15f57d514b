"""Through a real PgBouncer in transaction mode: requests (a read, a write, an export read with `.iterator()`)
and a worker's due work and sends run with the production settings and PGBOUNCER=true.

Skipped with the reason when `pgbouncer` is not on PATH (Debian: apt-get install pgbouncer). The test database
is reached through a PgBouncer started for the test; its admin console proves the transactions went through it.
"""

import datetime
import json
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django_scopes import scopes_disabled

from notifications.models import ReminderPolicy
from tests.factories import DepartmentAuditFactory, RoundFactory
from tests.test_settings import run_with_production_settings

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

FLOW = """
import json
import django
django.setup()
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled
from accounts.models import Company, User
from notifications import tasks
from notifications.models import Notification
from notifications.services import notification_deliver

out = {"no_server_side_cursors": connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"],
       "conn_max_age": connection.settings_dict["CONN_MAX_AGE"]}
client = Client()
with scopes_disabled():
    client.force_login(User.objects.get(email="admin@alpha.test"))
out["read"] = client.get("/api/v1/companies/alpha/").status_code
out["write"] = client.post(reverse("department_create", args=["alpha"]), {"name": "Research"}).status_code
export = client.get(reverse("audit_log_csv", args=["alpha"]))
out["export"] = [export.status_code, "Research" in export.content.decode()]
company = Company.objects.get(slug="alpha")
out["planned"] = tasks.due_work_for_companies.apply(args=[[company.pk]]).get()
with scopes_disabled():
    ids = list(Notification.objects.filter(company=company).values_list("pk", flat=True))
out["sent"] = [notification_deliver(notification_id=pk).result for pk in ids]
out["outbox"] = [m.to for m in mail.outbox]
print(json.dumps(out))
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def pgbouncer():
    """A PgBouncer in transaction mode in front of the test database's server: (port, admin connection factory)."""
    binary = shutil.which("pgbouncer")
    if binary is None:
        pytest.skip("pgbouncer is not on PATH (Debian: apt-get install pgbouncer)")
    server = connection.settings_dict
    user = server["USER"] or "postgres"
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="pgbouncer-"))
    (folder / "users.txt").write_text(f'"{user}" "{server["PASSWORD"] or ""}"\n')
    (folder / "pgbouncer.ini").write_text(f"""[databases]
* = host={server["HOST"] or "127.0.0.1"} port={server["PORT"] or 5432}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = {"trust" if not server["PASSWORD"] else "plain"}
auth_file = {folder / "users.txt"}
admin_users = {user}
pool_mode = transaction
default_pool_size = 4
max_client_conn = 100
ignore_startup_parameters = extra_float_digits,options
logfile = {folder / "pgbouncer.log"}
""")
    command = [binary, str(folder / "pgbouncer.ini")]
    if os.geteuid() == 0:  # PgBouncer refuses to run as root
        shutil.chown(folder, "postgres")
        for item in folder.iterdir():
            shutil.chown(item, "postgres")
        command[1:1] = ["-u", "postgres"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log = (folder / "pgbouncer.log").read_text() if (folder / "pgbouncer.log").exists() else ""
                    pytest.fail(f"pgbouncer did not start: {process.stdout.read().decode()} {log}")
                time.sleep(0.1)
        yield port, lambda: psycopg.connect(host="127.0.0.1", port=port, user=user, dbname="pgbouncer",
                                            password=server["PASSWORD"] or None, autocommit=True)
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def transactions_through(admin, database):
    """PgBouncer's count of transactions it has passed to the database."""
    with admin() as conn:
        cursor = conn.execute("SHOW STATS")
        columns = [c.name for c in cursor.description]
        for row in cursor.fetchall():
            stats = dict(zip(columns, row, strict=True))
            if stats["database"] == database:
                return stats["total_xact_count"]
    return 0


def test_requests_and_a_worker_run_through_pgbouncer_in_transaction_mode(alpha, pgbouncer):
    port, admin = pgbouncer
    now = datetime.datetime.now(datetime.UTC)
    with scopes_disabled():
        # Real time: send at any hour and on weekends, so the flow does not depend on the clock.
        ReminderPolicy.objects.create(company=alpha.company, skip_weekends=False, send_window_start=datetime.time(0),
                                      send_window_end=datetime.time(23, 59))
        round_ = RoundFactory(company=alpha.company, opened_at=now - datetime.timedelta(minutes=5),
                              deadline=now + datetime.timedelta(days=14))
        DepartmentAuditFactory(round=round_, department=alpha.departments["sales"], deadline=round_.deadline)
    server = connection.settings_dict
    credentials = server["USER"] + (f":{server['PASSWORD']}" if server["PASSWORD"] else "")
    result = run_with_production_settings(
        FLOW, DJANGO_SECRET_KEY=secrets.token_urlsafe(50), DJANGO_ALLOWED_HOSTS="testserver",
        DATABASE_URL=f"postgres://{credentials}@127.0.0.1:{port}/{server['NAME']}", PGBOUNCER="true",
        SECURE_SSL_REDIRECT="false", EMAIL_BACKEND="locmem", CELERY_BROKER_URL="memory://")
    assert result.returncode == 0, result.stderr[-3000:]
    flow = json.loads(result.stdout.strip().splitlines()[-1])
    assert flow["no_server_side_cursors"] is True and flow["conn_max_age"] == 0
    assert flow["read"] == 200
    assert flow["write"] == 302
    assert flow["export"] == [200, True]  # read with .iterator(): no named cursor, which PgBouncer would break
    assert flow["planned"] >= 1 and set(flow["sent"]) == {"sent"}
    assert ["head@alpha.test"] in flow["outbox"]
    assert transactions_through(admin, server["NAME"]) > 10
