"""One database transaction around each writing request's view, none around reads; one retry on a lost connection.

Django's ATOMIC_REQUESTS wraps every view, so on SQLite even a GET opened `BEGIN IMMEDIATE` and took the
database's write lock, and on every database it cost two statements per request. Reads need no transaction
(each query sees a consistent snapshot on its own), so this middleware keeps the old guarantee only where it
matters: a POST/PUT/PATCH/DELETE view runs in one transaction, exactly as ATOMIC_REQUESTS did, so a view that
calls several services stays all-or-nothing. Services that tasks and commands call open their own.

A lost database connection (a restart, a failover, `pg_terminate_backend`) reaches the view as psycopg's
OperationalError/InterfaceError ("terminating connection due to administrator command", "server closed the
connection unexpectedly", "connection already closed"). `CONN_HEALTH_CHECKS` replaces a connection that died
between requests, but one that dies while a request runs escaped the view, DRF's exception handler returns None
for it, and Django's handler turned it into a 500. This is the one place that catches it instead:

- a read (GET/HEAD/OPTIONS/TRACE) closes the connection and runs the view once more on a fresh one;
- a write whose connection died before COMMIT wrote nothing (the server rolls back a transaction whose
  connection ends), so the whole view runs once more on a fresh connection, in a new transaction;
- a write whose COMMIT itself lost the connection may or may not have committed: its transaction id, read just
  before COMMIT, is looked up on a fresh connection (`pg_xact_status`): committed, the view's response is the
  answer; rolled back, the view runs once more like any cut before COMMIT; still unknown, the answer is 503 with
  Retry-After (autosave and API clients send the same state again), logged as an error;
- a view that manages its own transactions (`non_atomic_requests`) is judged by what happened: run again when
  the database kept none of its writes yet, 503 when a transaction of it committed or a statement ran outside one;
- a second loss, or a request inside someone else's transaction (tests), answers 503 the same way. Never a 500.

A deadlock or serialization failure (PostgreSQL chose this transaction as the victim: nothing of it was applied)
runs a write's view once more the same way, on the same connection (accounts.deadlocks): the request's
transaction is the unit that is retried, so the services inside it do not retry or take savepoints themselves.

Each retry is logged. The view's response is rendered inside the retried block, so queries a template runs are
covered too. Queries made by middleware before the view (session, user, company lookup) and after it (session
save) are covered by LostConnectionMiddleware, the first middleware: a read, or a write whose view never
started, runs once more on a fresh connection; a write cut after its view answers 503.
"""

import logging
import sys
import time
from io import BytesIO

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError, connections, transaction
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from .deadlocks import is_retryable, retried_by_caller

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
DATABASE = "default"
RETRY_AFTER_SECONDS = 2

logger = logging.getLogger(__name__)


class LostConnectionMiddleware:
    """The first middleware: a connection lost outside the view (the session, user and company lookups before
    it, the session save after it) is answered once more on a fresh connection, or with 503; never the 500
    Django made of it.

    Django turns an exception raised in an inner middleware into a 500 response before it gets here, so the
    exception is noted on the request when Django reports it (`note_lost_connection`, on got_request_exception)
    and read here. The request runs again only when nothing it did can have been kept: a read, or a write whose
    view never started (AtomicWritesMiddleware marks the start and judges the view's own transaction).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not getattr(request, "_connection_lost", False):
            return response
        forget_connection()
        started = getattr(request, "_view_started", False)
        if (request.method in SAFE_METHODS or not started) and body_rereadable(request):
            logger.warning("database connection lost outside the view of %s %s, answering again on a fresh "
                           "connection", request.method, request.path)
            request._connection_lost = request._view_started = False
            rewind_body(request)
            response = self.get_response(request)
            if not getattr(request, "_connection_lost", False):
                return response
            forget_connection()
        logger.error("database connection lost outside the view of %s %s%s, answered 503", request.method,
                     request.path, " after its view ran" if started else "")
        return unavailable(request)


def note_lost_connection(sender, request=None, **kwargs):
    """got_request_exception: mark the request whose unhandled error is a lost database connection."""
    exc = sys.exc_info()[1]
    if request is not None and isinstance(exc, (OperationalError, InterfaceError)) and connection_lost(exc):
        request._connection_lost = True


got_request_exception.connect(note_lost_connection, dispatch_uid="accounts_transactions_note_lost_connection")


class AtomicWritesMiddleware:
    """Runs every view from `process_view`: an unsafe request's inside `transaction.atomic()` (ATOMIC_REQUESTS
    for writes only), any request once more on a fresh connection when its connection was lost (module docstring).

    Calling the view here, like Django's handler calls the atomic-wrapped view, lets an exception leave the block
    (rolled back) before it becomes an error response. DRF turns its own exceptions into responses inside the view
    and marks them `response.exception`; DRF rolls those back only under ATOMIC_REQUESTS, so this does the same.
    Views marked `transaction.non_atomic_requests` get no transaction here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        request._view_started = True  # from here on this middleware judges what the request kept
        safe = request.method in SAFE_METHODS
        atomic = not safe and DATABASE not in getattr(view_func, "_non_atomic_requests", set())
        # Only a transaction of our own can be abandoned and run again (not one a test or a caller holds).
        outer_transaction = connections[DATABASE].in_atomic_block
        for attempt in (1, 2):
            kept = KeptWrites(connections[DATABASE])
            try:
                with kept:
                    return run_view(request, kept.keeping_response(view_func), view_args, view_kwargs, atomic=atomic)
            except (OperationalError, InterfaceError) as exc:
                if (atomic and attempt == 1 and not outer_transaction and not kept.anything and is_retryable(exc)
                        and body_rereadable(request)):
                    logger.warning("%s %s was chosen as a deadlock victim, running the view again: %s",
                                   request.method, request.path, first_line(exc))
                    rewind_body(request)
                    continue
                if not connection_lost(exc):
                    raise
                forget_connection()
                if kept.committing:
                    outcome = commit_outcome(kept.xid)
                    if outcome == "committed" and kept.response is not None and atomic:
                        logger.warning("database connection lost during COMMIT of %s %s, which had committed: "
                                       "answered with the view's response: %s",
                                       request.method, request.path, first_line(exc))
                        return kept.response
                    if outcome != "aborted":
                        logger.error("database connection lost during COMMIT of %s %s: outcome %s, answered 503: %s",
                                     request.method, request.path, outcome, first_line(exc))
                        return unavailable(request)
                    kept.committed = False  # the transaction was rolled back: nothing of it was kept
                # A write the database already kept (a transaction committed, a statement outside one) would be
                # repeated by a second run; a read may run again whatever it wrote.
                if attempt == 2 or outer_transaction or (kept.anything and not safe) or not body_rereadable(request):
                    logger.error("database connection lost in %s %s (attempt %s%s), answered 503: %s",
                                 request.method, request.path, attempt,
                                 ", after writes were kept" if kept.anything and not safe else "", first_line(exc))
                    return unavailable(request)
                logger.warning("database connection lost in %s %s, running the view again on a fresh connection: %s",
                               request.method, request.path, first_line(exc))
                rewind_body(request)
        raise AssertionError("unreachable")


class KeptWrites:
    """While a view runs: did the database keep any of its writes (a COMMIT that succeeded, a writing statement run
    outside a transaction), and did a COMMIT fail? Views that manage their own transactions
    (`non_atomic_requests`) are judged by what happened, not by how they are written.

    A query wrapper (Django's `execute_wrapper`) sees the statements; COMMIT is no statement but a call on the
    connection, so `commit` is wrapped for the duration on this connection object only.
    """

    def __init__(self, connection):
        self.connection = connection
        self.committed = self.autocommitted = self.committing = False
        self.xid = self.response = None

    def keeping_response(self, view_func):
        """The view, remembering its response: answered when a lost COMMIT turns out to have committed."""

        def view(*args, **kwargs):
            self.response = view_func(*args, **kwargs)
            return self.response

        return view

    @property
    def anything(self):
        return self.committed or self.autocommitted

    def __enter__(self):
        self._saved_commit = self.connection.__dict__.get("commit")
        real_commit = self.connection.commit

        def commit():
            self.xid = transaction_id(self.connection)
            self.committing = True
            real_commit()
            self.committing, self.committed = False, True

        self.connection.commit = commit
        self._wrapper = self.connection.execute_wrapper(self.watch)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc_info):
        self._wrapper.__exit__(*exc_info)
        if self._saved_commit is None:
            del self.connection.commit
        else:
            self.connection.commit = self._saved_commit
        return False

    def watch(self, execute, sql, params, many, context):
        if not self.connection.in_atomic_block and not sql.lstrip()[:6].upper() == "SELECT":
            self.autocommitted = True  # autocommit: the statement is kept once it runs
        return execute(sql, params, many, context)


def transaction_id(connection):
    """PostgreSQL's id of the open transaction when it has written anything (None otherwise, or on another
    database). Read on the raw connection just before COMMIT: one round trip, not one of the request's queries."""
    if connection.vendor != "postgresql" or connection.connection is None:
        return None
    try:
        return connection.connection.execute("SELECT pg_current_xact_id_if_assigned()::text").fetchone()[0]
    except Exception:  # noqa: BLE001 - a connection already gone: COMMIT will say so
        return None


def commit_outcome(xid, *, wait=2.0):
    """What became of a transaction whose COMMIT lost its connection, asked on a fresh connection:
    "committed", "aborted" (also when it had written nothing), or "unknown"."""
    if xid is None:
        return "aborted"
    connection = connections[DATABASE]
    deadline = time.monotonic() + wait
    try:
        while True:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_xact_status(%s::xid8)", [xid])
                status = cursor.fetchone()[0]
            # "in progress": the terminated backend has not finished exiting yet (it aborts as it exits).
            if status in ("committed", "aborted") or time.monotonic() > deadline:
                return status if status in ("committed", "aborted") else "unknown"
            time.sleep(0.05)
    except (OperationalError, InterfaceError):
        forget_connection()
        return "unknown"


def run_view(request, view_func, view_args, view_kwargs, *, atomic):
    """The view, rendered; a writing view inside one transaction, which process_view runs again on a deadlock (so
    the services the view calls neither retry nor take savepoints of their own: accounts.deadlocks)."""
    if not atomic:
        return rendered(view_func(request, *view_args, **view_kwargs))
    with transaction.atomic(using=DATABASE), retried_by_caller():
        response = rendered(view_func(request, *view_args, **view_kwargs))
        if getattr(response, "exception", False):
            transaction.set_rollback(True, using=DATABASE)
    return response


def rendered(response):
    """Render a template response here, inside the retried block (Django would render it after process_view)."""
    if callable(getattr(response, "render", None)) and not getattr(response, "is_rendered", True):
        response.render()
    return response


def connection_lost(exc):
    """True when the error says the connection itself is gone, not that the query failed on a live one (deadlock
    40P01, serialization 40001, lock or statement timeout 55P03/57014 stay errors of their own).

    Judged from the error, not from the connection: leaving the atomic block has already replaced a dead connection
    by a fresh one. PostgreSQL only (on SQLite, "database is locked" is no lost connection).
    """
    if connections[DATABASE].vendor != "postgresql":
        return False
    if isinstance(exc, InterfaceError):  # "connection already closed", psycopg's "the connection is closed"
        return True
    sqlstate = getattr(exc.__cause__, "sqlstate", None)
    # None: libpq lost the socket ("server closed the connection unexpectedly", "consuming input failed");
    # 08: connection exceptions; 57P01-57P05: terminated by an operator, a crash, a shutdown, an idle timeout.
    return sqlstate is None or sqlstate.startswith(("08", "57P"))


def forget_connection():
    """Drop the dead connection; the next query opens a fresh one."""
    connection = connections[DATABASE]
    if not connection.in_atomic_block:
        connection.close()


def body_rereadable(request):
    """The view can read the request's content again: nothing was read, or it is kept (`body`, or POST/FILES
    parsed by Django or copied there by DRF's form parsing)."""
    return not request._read_started or hasattr(request, "_body") or hasattr(request, "_post")


def rewind_body(request):
    """The second run reads the same content from the start."""
    if hasattr(request, "_body"):
        request._stream = BytesIO(request._body)
    if hasattr(request, "_files"):
        for _name, uploads in request._files.lists():
            for upload in uploads:
                upload.seek(0)


def first_line(exc):
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def unavailable(request):
    """503 with Retry-After: the database connection was lost and the request could not be completed for sure."""
    message = _("The connection to the database was lost. Please try again in a moment; "
                "reload the page first if you were saving a change.")
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse({"detail": message, "error": message}, status=503)
    else:
        response = HttpResponse(message, content_type="text/plain; charset=utf-8", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
