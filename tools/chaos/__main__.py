"""`python -m tools.chaos --profile ci|long`: build, start the stack, load it, inject faults, print the figures.

Exit status: 0, or 1 when a strict run (the CI profile) saw a 5xx, a request left without an answer, a duplicate or a
lost email; 2 when the run itself could not be carried out; 130 on Ctrl-C. Every process started here is stopped
however it ends.
"""

import argparse
import asyncio
import datetime
import glob
import hashlib
import json
import logging
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import psycopg

from . import load, report
from .config import PROFILES, profile_from, service_env
from .stack import Stack

ROOT = Path(__file__).resolve().parent.parent.parent


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tools.chaos", description=__doc__)
    parser.add_argument("--profile", choices=sorted(PROFILES), default="long")
    parser.add_argument("--heads", type=int, help="department heads saving answers (profile default)")
    parser.add_argument("--emails", type=int, help="recipients of the reminder wave (profile default)")
    parser.add_argument("--duration", type=float, help="seconds of load")
    parser.add_argument("--drain", type=float, help="seconds to wait after the load for the last emails")
    parser.add_argument("--strict", action=argparse.BooleanOptionalAction, default=None,
                        help="exit 1 on any 5xx, unanswered request, duplicate or lost email (default: on for ci, off for long)")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432", help="server, without a name")
    parser.add_argument("--database", default="ra_chaos", help="dropped and created anew for each run")
    parser.add_argument("--web-port", type=int, default=8104)
    parser.add_argument("--smtp-port", type=int, default=8204)
    parser.add_argument("--redis-port", type=int, default=6390)
    parser.add_argument("--tick", type=int, default=30, help="NOTIFICATIONS_TICK_SECONDS of the run")
    parser.add_argument("--worker-down", type=float, default=3.0, help="seconds a killed worker stays down")
    parser.add_argument("--redis-down", type=float, default=2.0, help="seconds Redis stays down on a restart")
    parser.add_argument("--pg-log", default="auto", help="PostgreSQL server log to search for deadlocks")
    return parser.parse_args(argv)


def stop_on_signals():
    """SIGTERM behaves like Ctrl-C, so the `finally` that stops every child runs either way."""
    def interrupt(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, interrupt)
    # Ctrl-C raises KeyboardInterrupt even when started in the background of a script (which ignores SIGINT).
    signal.signal(signal.SIGINT, signal.default_int_handler)


def recreate_database(args, env):
    """A fresh database for each run: a copy of a migrated template while the migration files are unchanged."""
    template, fingerprint = f"{args.database}_template", migrations_fingerprint()
    with psycopg.connect(f"{args.postgres}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
        row = connection.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                                 [template]).fetchone()
        if row and row[0] == fingerprint:
            connection.execute(f'CREATE DATABASE "{args.database}" TEMPLATE "{template}"')
            return "copied from the migrated template"
        connection.execute(f'CREATE DATABASE "{args.database}"')
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    with psycopg.connect(f"{args.postgres}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{template}"')
        connection.execute(f'CREATE DATABASE "{template}" TEMPLATE "{args.database}"')
        connection.execute(f"COMMENT ON DATABASE \"{template}\" IS '{fingerprint}'")
    return "migrated"


def migrations_fingerprint():
    """A hash of every migration file's name and content: a renamed or edited migration makes a new template."""
    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:32]


def deadlock_counter(args):
    with psycopg.connect(f"{args.postgres}/postgres", autocommit=True) as connection:
        row = connection.execute("SELECT deadlocks FROM pg_stat_database WHERE datname = %s",
                                 [args.database]).fetchone()
    return row[0] if row else 0


def pg_log_path(args):
    if args.pg_log != "auto":
        return args.pg_log
    logs = sorted(glob.glob("/var/log/postgresql/postgresql-*.log"), key=os.path.getmtime)
    return logs[-1] if logs else None


def log_size(path):
    try:
        return os.path.getsize(path)
    except (OSError, TypeError):
        return None


def pg_log_deadlocks(path, offset, database):
    """'deadlock detected' lines of this database written since `offset` (None when the log is unreadable)."""
    if offset is None:
        return "n/a"
    try:
        with open(path, encoding="utf-8", errors="replace") as log:
            log.seek(offset)
            return sum(1 for line in log if "deadlock detected" in line and f"@{database} " in line)
    except OSError:
        return "n/a"


def count_in_logs(run_dir, names, needle):
    total = 0
    for name in names:
        for path in run_dir.glob(f"{name}*.log"):
            total += sum(1 for line in path.read_text(errors="replace").splitlines() if needle in line)
    return total


def log_causes(run_dir):
    """What the 500s and the failed tasks were, from the web and worker logs: {cause: count}."""
    causes = Counter()
    for path in run_dir.glob("web*.log"):
        # One block per 500; the last exception line of its traceback is the one that escaped.
        for block in ERROR_START.split(path.read_text(errors="replace"))[1:]:
            raised = EXCEPTION_LINE.findall(block)
            causes["500: " + (raised[-1][:90] if raised else "unknown")] += 1
    for path in run_dir.glob("worker*.log"):
        for match in TASK_FAILURE.finditer(path.read_text(errors="replace")):
            causes[f"task {match['task']}: {match['error'][:70]}"] += 1
    return causes


# Django's request logger, or gunicorn's when the error escaped Django itself.
ERROR_START = re.compile(r"Internal Server Error:|\[ERROR\] Error handling request")
EXCEPTION_LINE = re.compile(r"^(?:[a-z_]+\.)*[A-Z]\w*(?:Error|Exception|Detected|Shutdown)\b.*$", re.MULTILINE)
TASK_FAILURE = re.compile(r"Task (?P<task>[\w.]+)\[[\w-]+\] raised unexpected: (?P<error>[^\n]+)")


def recovery_window(args):
    """Seconds within which the app may still re-send a row a killed attempt held, after its claim (no hand-over)
    and after its hand-over: the app's stale ages, one sweep interval (the tick) and a few seconds for the send."""
    from notifications import services

    slack = args.tick + 10
    return services.SENDING_STALE.total_seconds() + slack, services.handover_stale().total_seconds() + slack


def epoch(moment):
    return moment.timestamp() if moment is not None else None


def outbox_rows(company_id):
    """The company's notification rows as plain dicts (email, due/claimed/handed over/sent as epoch seconds, status,
    and the Message-ID the app gives the row's email)."""
    from types import SimpleNamespace

    from django.db import connection
    from django_scopes import scopes_disabled

    from notifications.emails import message_id
    from notifications.models import Notification

    # The harness reads back the rows of the one company it built; no request scope exists here.
    with scopes_disabled():
        # The send window is open all day, so a row is due the moment it is planned; its due_at may move later
        # on a retry, which must not hide the delay.
        rows = [{"email": email.lower(), "due": min(created, due).timestamp(), "status": status,
                 "claimed": epoch(claimed), "handed_over": epoch(handed), "sent": epoch(sent),
                 "attempts": attempts, "message_id": message_id(SimpleNamespace(company_id=company_id, dedupe_key=key))}
                for email, created, due, status, claimed, handed, sent, key, attempts
                in Notification.objects.filter(company_id=company_id).values_list(
                    "recipient__user__email", "created_at", "due_at", "status", "claimed_at", "handed_over_at",
                    "sent_at", "dedupe_key", "attempts")]
    connection.close()  # the next pg_terminate_backend must not find the harness's own connection
    return rows


async def drive(*, stack, world, profile, args, samples, load_started):
    stop_at = time.monotonic() + profile.duration
    base_url = f"http://127.0.0.1:{args.web_port}"
    heads = asyncio.create_task(load.run_heads(base_url=base_url, slug=world.slug, heads=world.heads, profile=profile,
                                         stop_at=stop_at, samples=samples))
    chaos = asyncio.create_task(inject_faults(stack, profile, load_started, stop_at))
    progress = asyncio.create_task(print_progress(stack, samples, load_started))
    try:
        await heads
        await chaos
    finally:
        for task in (heads, chaos, progress):
            task.cancel()


async def inject_faults(stack, profile, load_started, stop_at):
    """From the first email on, one fault every `fault_every` seconds, each at a moment emails are flowing."""
    while not stack.emails_flowing() and time.time() < load_started + profile.faults_from:
        await asyncio.sleep(0.5)
    first = time.time()
    for number, fault in enumerate(profile.faults):
        planned = first + number * profile.fault_every
        if planned > load_started + profile.duration - 2:
            return
        await asyncio.sleep(max(planned - time.time(), 0))
        for _ in range(16):  # up to 8 s for the sink to be busy, so the fault lands mid-send
            if stack.emails_flowing():
                break
            await asyncio.sleep(0.5)
        if time.monotonic() > stop_at - 2:
            return
        began = time.time()  # the moment of the fault itself (a kill is followed by the worker's downtime)
        what = await asyncio.to_thread(stack.inject, fault)
        stack.faults.append((began, what))
        print(f"  fault at {began - load_started:.1f} s: {what}", flush=True)


async def print_progress(stack, samples, load_started):
    while True:
        await asyncio.sleep(15)
        arrived = len(report.read_sink(stack.sink_path))
        errors = sum(1 for s in samples if s.status >= 500 or s.status == 0)
        print(f"  {time.time() - load_started:5.0f} s: {len(samples)} requests ({errors} 5xx/no answer), "
              f"{arrived} emails received", flush=True)


def drain(stack, world, profile):
    """Wait until every recipient has an email and no row is still planned or sending, or the drain runs out."""
    deadline = time.monotonic() + profile.drain
    while time.monotonic() < deadline:
        received = {m["to"] for m in report.read_sink(stack.sink_path)}
        rows = outbox_rows(world.company_id)
        pending = sum(1 for r in rows if r["status"] in ("planned", "sending"))
        if world.recipients <= received and not pending and rows:
            return
        time.sleep(2)


def main(argv=None):
    args = parse_args(argv)
    profile = profile_from(args)
    run_dir = ROOT / "var" / "chaos" / datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    run_dir.mkdir(parents=True, exist_ok=True)
    env = service_env(dict(os.environ), args=args, run_dir=run_dir)
    os.environ.update(env)
    stop_on_signals()
    stack = Stack(args=args, env=env, cwd=str(ROOT), run_dir=run_dir)
    print(f"chaos: profile {profile.name}, logs in {run_dir}", flush=True)
    try:
        return run(stack, args, profile, env, run_dir)
    except KeyboardInterrupt:
        print("chaos: interrupted; stopping every process it started", flush=True)
        return 130
    finally:
        stack.stop_all()


def run(stack, args, profile, env, run_dir):
    import django

    started = time.monotonic()
    logging.getLogger("httpx").setLevel(logging.WARNING)  # not one line per request of the load
    how = recreate_database(args, env)
    django.setup()
    from django.db import connection

    from .build import build

    world = build(heads=profile.heads, emails=profile.emails)
    connection.close()
    print(f"chaos: database {args.database} {how}, built ({len(world.heads)} heads, "
          f"{len(world.recipients)} recipients) in {time.monotonic() - started:.0f} s", flush=True)
    deadlocks_before, log_path = deadlock_counter(args), pg_log_path(args)
    log_offset = log_size(log_path)
    stack.start_all()
    alone = asyncio.run(load.baseline(base_url=f"http://127.0.0.1:{args.web_port}", slug=world.slug,
                                      head=world.heads[0], count=profile.baseline))
    print(f"chaos: stack up after {time.monotonic() - started:.0f} s; {profile.duration:g} s of load", flush=True)
    samples, load_started, load_before = [], time.time(), os.getloadavg()[0]
    asyncio.run(drive(stack=stack, world=world, profile=profile, args=args, samples=samples,
                      load_started=load_started))
    load_average = (load_before, os.getloadavg()[0])
    print("chaos: load finished, draining", flush=True)
    drain(stack, world, profile)
    return summarize(stack, args, profile, world, samples, load_started, run_dir, started, load_average, alone,
                     deadlocks={"stat": deadlock_counter(args) - deadlocks_before,
                                "log": pg_log_deadlocks(log_path, log_offset, args.database),
                                "app": count_in_logs(run_dir, ("web", "worker", "beat"), "DeadlockDetected")})


def write_samples(path, samples):
    """Every request of the run, one JSON line each (start, kind, status, ms), to study a run's tail afterwards."""
    with path.open("w", encoding="utf-8") as out:
        for sample in samples:
            out.write(json.dumps({"at": sample.at, "kind": sample.kind, "status": sample.status,
                                  "ms": round(sample.ms, 1)}) + "\n")


def summarize(stack, args, profile, world, samples, load_started, run_dir, started, load_average, alone, *,
              deadlocks):
    messages = report.read_sink(stack.sink_path)
    write_samples(run_dir / "requests.jsonl", samples + alone)
    wave = report.wave_window(world.recipients, messages)
    requests = report.request_stats(samples + alone, wave=wave)
    sending_stale, handover_stale = recovery_window(args)
    ledger = report.email_ledger(recipients=world.recipients, rows=outbox_rows(world.company_id), messages=messages,
                                 now=time.time(), sending_stale=sending_stale, handover_stale=handover_stale,
                                 kills=[at for at, what in stack.faults if what.startswith("kill -9")])
    text = report.render(profile=profile, requests=requests, ledger=ledger, deadlocks=deadlocks, faults=stack.faults,
                         worker_errors=count_in_logs(run_dir, ("worker",), "raised unexpected"), wave=wave,
                         load_started=load_started, load_average=load_average,
                         in_flight_5xx=report.in_flight_at(samples, [at for at, what in stack.faults
                                                                     if what.startswith("pg_terminate")]))
    causes = log_causes(run_dir)
    text += "\nerrors in the logs              " + (", ".join(f"{n} × {c}" for c, n in causes.most_common())
                                                     if causes else "none")
    reasons = report.failures(requests, ledger)
    verdict = "FAIL: " + ", ".join(reasons) if reasons else "no 5xx, unanswered request, duplicate or lost email"
    text += f"\nresult                          {verdict}{'' if profile.strict else ' (not strict)'}" \
            f"\nwall time                       {time.monotonic() - started:.0f} s (logs: {run_dir})"
    print(text, flush=True)
    (run_dir / "report.txt").write_text(text + "\n", encoding="utf-8")
    return 1 if profile.strict and reasons else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as exc:  # noqa: BLE001 – a run that could not be carried out is exit 2, with the reason
        print(f"chaos: the run could not be carried out: {type(exc).__name__}: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc
