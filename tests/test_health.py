"""/health/: 200 when the database and the broker answer, 503 when one does not, always fast."""

import os
import socket
import time

import pytest
from django.db import OperationalError, connection

from config.celery import app

pytestmark = pytest.mark.django_db


def closed_port():
    """A local TCP port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


REAL_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")


@pytest.fixture
def broker(monkeypatch):
    """Point the Celery app at another broker for one test (the conf is restored afterwards)."""
    saved = (app.conf.broker_url, app.conf.broker_transport_options)
    # Celery reads CELERY_BROKER_URL from the environment before its own conf (CI sets it).
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)

    def use(url, options=None):
        app.conf.broker_url = url
        app.conf.broker_transport_options = options or {}

    yield use
    app.conf.broker_url, app.conf.broker_transport_options = saved


def timed_get(client, url):
    started = time.monotonic()
    response = client.get(url)
    return response, time.monotonic() - started


def test_health_is_ok_with_the_configured_database_and_broker(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": True, "broker": True}}
    assert "no-cache" in response["Cache-Control"]


def test_health_is_503_when_the_broker_port_is_closed(client, broker):
    broker(f"redis://127.0.0.1:{closed_port()}/0", {"socket_connect_timeout": 1, "socket_timeout": 1})
    response, elapsed = timed_get(client, "/health/")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": True, "broker": False}
    assert elapsed < 5


def test_health_is_503_when_the_on_disk_broker_folder_is_missing(client, broker, tmp_path):
    missing = str(tmp_path / "gone")
    broker("filesystem://", {"data_folder_in": missing, "data_folder_out": missing})
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] is False


def test_health_is_503_when_the_database_fails(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "checks": {"database": False, "broker": True}}


def test_health_accepts_only_get(client):
    assert client.post("/health/").status_code == 405


@pytest.mark.redis
def test_health_is_ok_with_a_real_redis_broker(client, broker):
    broker(REAL_BROKER_URL, {"socket_connect_timeout": 2, "socket_timeout": 2})
    response, elapsed = timed_get(client, "/health/")
    assert response.status_code == 200
    assert response.json()["checks"]["broker"] is True
    assert elapsed < 5
