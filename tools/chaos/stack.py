"""The stack under test (Redis, SMTP sink, gunicorn, two Celery workers, beats) and the faults injected into it."""

import os
import shutil
import socket
import sys
import time
from pathlib import Path

import httpx
import psycopg

from .processes import Supervisor, wait_until

BIN = Path(sys.executable).parent
STARTUP_TIMEOUT = 180  # seconds for gunicorn and the workers to answer after they are started


def port_open(port):
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def queue_option():
    """`-Q <every queue>` when the settings route tasks to named queues (TASK_QUEUES), else nothing."""
    from django.conf import settings

    queues = list(getattr(settings, "TASK_QUEUES", ()))
    default = getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", None)
    if default and default not in queues:
        queues.append(default)
    return ["-Q", ",".join(queues)] if queues else []


class Stack:
    def __init__(self, *, args, env, cwd, run_dir):
        self.args, self.run_dir = args, run_dir
        self.supervisor = Supervisor(env=env, cwd=cwd, log_dir=str(run_dir))
        self.sink_path = run_dir / "sink.jsonl"
        self.faults = []  # (epoch seconds, description), the beats' starts included

    # ---------------------------------------------------------------- services

    def start_all(self):
        for port in (self.args.web_port, self.args.smtp_port, self.args.redis_port):
            if port_open(port):
                raise RuntimeError(f"port {port} is already in use; stop what listens there or pass another port")
        self.start_redis()
        self.supervisor.start("sink", [sys.executable, "-m", "tools.chaos.sink", "--port", str(self.args.smtp_port),
                                       "--out", str(self.sink_path)])
        wait_until(lambda: port_open(self.args.smtp_port), timeout=15, what="SMTP sink")
        self.supervisor.start("web", [str(BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{self.args.web_port}",
                                      "--workers", "4", "--timeout", "60", "--error-logfile", "-"])
        for name in ("worker-1", "worker-2"):
            self.start_worker(name)
        # Started with the rest: its first tick comes one interval later, about when the load has begun.
        self.start_beat("beat-1")
        self.faults.append((time.time(), "beat started (first tick one interval later)"))
        # Generous: on a busy shared machine (load average 10+ on 2 cores) four gunicorn workers took over 60 s.
        wait_until(self.healthy, timeout=STARTUP_TIMEOUT, what="gunicorn (/health/)")
        wait_until(lambda: self.worker_ready("worker-1") and self.worker_ready("worker-2"), timeout=STARTUP_TIMEOUT,
                   what="Celery workers")

    def start_redis(self):
        # No persistence, like the default the issue measured: a restart loses every queued message.
        self.supervisor.start("redis", ["redis-server", "--port", str(self.args.redis_port), "--bind", "127.0.0.1",
                                        "--save", "", "--appendonly", "no", "--dir", str(self.run_dir)])
        wait_until(lambda: port_open(self.args.redis_port), timeout=15, what="Redis")

    def start_worker(self, name):
        # The production command from the README (prefork pool), two processes each, on every queue the app uses.
        self.supervisor.start(name, [str(BIN / "celery"), "-A", "config", "worker", "--loglevel=INFO",
                                     "--concurrency=2", "-n", f"chaos-{name}@%h", "--without-gossip",
                                     "--without-mingle", *queue_option()])

    def start_beat(self, name):
        schedule = self.run_dir / f"{name}-schedule"
        self.supervisor.start(name, [str(BIN / "celery"), "-A", "config", "beat", "--loglevel=INFO",
                                     "--schedule", str(schedule), "--pidfile", str(self.run_dir / f"{name}.pid")])

    def healthy(self):
        return httpx.get(f"http://127.0.0.1:{self.args.web_port}/health/", timeout=2).status_code == 200

    def worker_ready(self, name):
        log = Path(self.supervisor.services[name].log_path)
        return log.exists() and "ready." in log.read_text(errors="replace")

    def stop_all(self):
        self.supervisor.stop_all()

    # ---------------------------------------------------------------- faults

    def emails_flowing(self):
        """True when the sink recorded a message within the last second."""
        try:
            return time.time() - os.path.getmtime(self.sink_path) < 1.0
        except FileNotFoundError:
            return False

    def kill_worker(self, name):
        self.supervisor.kill9(name)
        time.sleep(self.args.worker_down)
        self.start_worker(name)
        return f"kill -9 {name}, restarted after {self.args.worker_down:g} s"

    def terminate_connections(self):
        """pg_terminate_backend on every connection to the run's database but this one (web and workers)."""
        with psycopg.connect(f"{self.args.postgres}/postgres", autocommit=True) as connection:
            rows = connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [self.args.database],
            ).fetchall()
        return f"pg_terminate_backend on {sum(1 for (ok,) in rows if ok)} connection(s)"

    def restart_redis(self):
        self.supervisor.kill9("redis")
        time.sleep(self.args.redis_down)
        self.start_redis()
        return f"Redis killed and restarted empty after {self.args.redis_down:g} s"

    def second_beat_start(self):
        # With the first beat's schedule file the second one ticks at once and then in step with it (a fresh
        # file would wait a whole interval): the two beats race, as two deployments' beats would.
        for path in self.run_dir.glob("beat-1-schedule*"):
            shutil.copy(path, self.run_dir / path.name.replace("beat-1", "beat-2"))
        self.start_beat("beat-2")
        return "second beat started (copy of the first one's schedule)"

    def second_beat_stop(self):
        self.supervisor.stop("beat-2")
        return "second beat stopped"

    def inject(self, fault):
        return {
            "kill_worker_1": lambda: self.kill_worker("worker-1"),
            "kill_worker_2": lambda: self.kill_worker("worker-2"),
            "terminate_connections": self.terminate_connections,
            "restart_redis": self.restart_redis,
            "second_beat_start": self.second_beat_start,
            "second_beat_stop": self.second_beat_stop,
        }[fault]()
