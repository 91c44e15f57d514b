"""Fixtures: two companies with a member in every role, API clients, and the service switches."""

import os
import socket
from dataclasses import dataclass, field
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.core.servers.basehttp import WSGIServer
from django.utils import translation
from django_scopes import scope, scopes_disabled
from rest_framework.test import APIClient

from accounts.models import Role
from tests.factories import CompanyFactory, DepartmentFactory, MembershipFactory, UserFactory

pytest_plugins = ["tests.url_coverage", "tests.browser_support"]

PASSWORD = "correct-horse-battery"

DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences", "django_db_serialized_rollback"}


class SerialWSGIServer(WSGIServer):
    """A live server that answers one request at a time, for SQLite's in-memory test database.

    Every request of the live server then runs on the test's one SQLite connection, which two threads must
    never use at once, and the dashboard fetches its charts in parallel ("bad parameter or other API misuse").
    PostgreSQL gives each request thread its own connection, so it keeps Django's threaded server.
    """

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.connections_override = connections_override


@pytest.fixture(scope="session", autouse=True)
def serial_live_server_on_sqlite():
    from django.db import connection
    from django.test.testcases import LiveServerThread

    if connection.vendor == "sqlite":
        LiveServerThread.server_class = SerialWSGIServer


@pytest.fixture
def persistent_connection():
    """The test's connection kept open between tasks, as in production (CONN_MAX_AGE=60, health checks on)."""
    from django.db import connection

    saved = connection.settings_dict["CONN_MAX_AGE"]
    connection.settings_dict["CONN_MAX_AGE"] = 60
    connection.close()
    connection.ensure_connection()
    yield connection
    connection.settings_dict["CONN_MAX_AGE"] = saved
    connection.close()


@pytest.fixture(autouse=True)
def factor_catalogue_present(request, _django_db_marker):
    """Transactional tests flush every table when they end, the data-migrated factor catalogue too: put it back.

    Without this, whether a test finds the seven factors would depend on which tests ran before it.
    """
    if request.node.get_closest_marker("django_db") is None and not DB_FIXTURES & set(request.fixturenames):
        return
    request.getfixturevalue("_django_db_helper")
    from audits.factor_catalogue import FACTORS
    from audits.models import Factor

    if Factor.objects.count() < len(FACTORS):
        for row in FACTORS:
            Factor.objects.update_or_create(key=row["key"], defaults={k: v for k, v in row.items() if k != "key"})


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the default language: a page served in Russian leaves Russian active in the
    worker's thread, and selectors called next would speak it."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


# ---------------------------------------------------------------- services (PostgreSQL, Redis)

def _reachable(url, default_port):
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=1):
            return True
    except OSError:
        return False


def service_missing_reason(item):
    """Why a service test cannot run here, or None when it can."""
    if item.get_closest_marker("postgres") and settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return "needs PostgreSQL: set DATABASE_URL=postgres://… (CI does)"
    if item.get_closest_marker("redis"):
        broker = os.environ.get("CELERY_BROKER_URL", "")
        if not broker.startswith("redis"):
            return "needs Redis: set CELERY_BROKER_URL=redis://… (CI does)"
        if not _reachable(broker, 6379):
            return f"Redis at {broker} does not answer"
    return None


def pytest_runtest_setup(item):
    reason = service_missing_reason(item)
    if reason is None:
        return
    if CI or os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"service test cannot run under CI: {reason}", pytrace=False)
    pytest.skip(reason)


# ---------------------------------------------------------------- tenants and people

@dataclass
class Tenant:
    """One company with a department per function and one member per role."""

    company: object
    departments: dict = field(default_factory=dict)
    members: dict = field(default_factory=dict)

    def member(self, role):
        return self.members[role]

    def user(self, role):
        return self.members[role].user


def build_tenant(slug, name):
    company = CompanyFactory(slug=slug, name=name, language="en")
    departments = {key: DepartmentFactory(company=company, name=label) for key, label in [
        ("management", "Management"), ("sales", "Sales"), ("marketing", "Marketing"),
        ("product", "Product"), ("it", "IT"),
    ]}
    members = {
        Role.ADMIN: MembershipFactory(company=company, role=Role.ADMIN,
                                      user=UserFactory(email=f"admin@{slug}.test")),
        Role.EXECUTIVE: MembershipFactory(company=company, role=Role.EXECUTIVE,
                                          user=UserFactory(email=f"exec@{slug}.test"),
                                          department=departments["management"]),
        Role.DEPARTMENT_HEAD: MembershipFactory(company=company, role=Role.DEPARTMENT_HEAD,
                                                user=UserFactory(email=f"head@{slug}.test"),
                                                department=departments["sales"]),
        Role.SALES_MANAGER: MembershipFactory(company=company, role=Role.SALES_MANAGER,
                                              user=UserFactory(email=f"seller@{slug}.test"),
                                              department=departments["sales"]),
    }
    with scopes_disabled():
        departments["sales"].head = members[Role.DEPARTMENT_HEAD]
        departments["sales"].save()
    return Tenant(company=company, departments=departments, members=members)


@pytest.fixture
def alpha(db):
    """Company A: the tenant a test acts in."""
    return build_tenant("alpha", "Alpha Ltd")


@pytest.fixture
def beta(db):
    """Company B: the outsider whose data must stay invisible."""
    return build_tenant("beta", "Beta Inc")


@pytest.fixture
def in_scope():
    """Enter a company's scope in test code: `with in_scope(company): ...`."""
    return lambda company: scope(company=company)


@pytest.fixture
def client_for(client):
    """A Django test client signed in as the user of a membership (or a user)."""

    def make(who):
        user = getattr(who, "user", who)
        client.force_login(user)
        return client

    return make


@pytest.fixture
def api_client_for():
    """A DRF client with session authentication as the given membership's user."""

    def make(who):
        api = APIClient()
        api.force_login(getattr(who, "user", who))
        return api

    return make


@pytest.fixture
def anon_api():
    return APIClient()


ALL_ROLES = [Role.ADMIN, Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.SALES_MANAGER]
