"""Real services started by the reliability tests: a private redis-server, an aiosmtpd server, a Celery worker."""

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from config.celery import app

ROOT = Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on port {port}")


class RedisServer:
    """Our own redis-server on a loopback port, so the test can stop and start the broker at will."""

    def __init__(self):
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@contextlib.contextmanager
def redis_server():
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def reset_celery_connections():
    """Drop cached broker connections so the next publish uses the current broker_url."""
    from kombu import pools

    pools.reset()  # kombu keeps producer pools per connection globally
    app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def celery_using(broker_url):
    """Publish for real (not eagerly) to the given broker for the duration of the block."""
    saved = (app.conf.broker_url, app.conf.task_always_eager, os.environ.get("CELERY_BROKER_URL"))
    # Celery reads CELERY_BROKER_URL from the environment before its own configuration.
    os.environ["CELERY_BROKER_URL"] = broker_url
    app.conf.broker_url, app.conf.task_always_eager = broker_url, False
    reset_celery_connections()
    try:
        yield app
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved[:2]
        if saved[2] is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = saved[2]
        reset_celery_connections()


class SmtpCollector:
    """aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@contextlib.contextmanager
def smtp_server():
    from aiosmtpd.controller import Controller

    handler = SmtpCollector()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, handler
    finally:
        controller.stop()


@contextlib.contextmanager
def celery_worker(*, broker_url, database_url, smtp_port, queues=None):
    """A real `celery -A config worker --pool=solo` process on the given broker, database and SMTP server,
    consuming the given queues (default: every queue of settings.TASK_QUEUES)."""
    from django.conf import settings

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.notifications.worker_settings",
        "CELERY_BROKER_URL": broker_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DATABASE_URL": database_url,
        "TEST_SMTP_PORT": str(smtp_port),
        "PYTHONPATH": str(ROOT),
    }
    log = tempfile.NamedTemporaryFile("w+", prefix="test-worker-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO",
         "-Q", ",".join(queues or settings.TASK_QUEUES), "--hostname", f"{'-'.join(queues or ['all'])}@%h",
         "--without-heartbeat", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    process.log_path = log.name  # what the worker ran, for tests about which worker took which task
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def wait_until(predicate, timeout=60, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def queued_drains(broker_url):
    """How many drain tasks wait on any queue of the broker."""
    from kombu import Connection

    count = 0
    for name in ("celery", "email", "planning"):  # wherever the routing of the day sends it
        with Connection(broker_url) as conn:
            queue = conn.SimpleQueue(name, no_ack=True)
            while True:
                try:
                    message = queue.get(timeout=0.3)
                except queue.Empty:
                    break
                count += message.headers.get("task") == "notifications.tasks.drain_outbox"
            queue.close()
    return count
