"""Retry a writing service once when PostgreSQL chose it as a deadlock victim or refused it as a serialization failure.

Both errors mean "nothing of yours was applied, try again": the database rolled the statement's (sub)transaction
back. psycopg raises `errors.DeadlockDetected` (SQLSTATE 40P01) or `errors.SerializationFailure` (40001); Django
re-raises them as `django.db.OperationalError` with the psycopg error as `__cause__`.

A service is usually called inside a request's transaction (writes run in one, see accounts.transactions), so the
retry runs the service inside a savepoint: a failed attempt rolls back to it and the outer transaction stays
usable. Only the outermost decorated call retries (a service calling another decorated one does not multiply the
attempts). Retry only services that are all-or-nothing and safe to run twice.

A writing request's view runs in the request's own transaction (accounts.transactions), which the middleware runs
once more on a deadlock, the view and all: inside it (`retried_by_caller`) the services neither retry nor take a
savepoint of their own (two statements less per service call on every write).
"""

import contextlib
import contextvars
import functools
import logging

from django.db import OperationalError, connection, transaction

logger = logging.getLogger(__name__)

RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})  # deadlock_detected, serialization_failure
_retrying = contextvars.ContextVar("deadlock_retry_active", default=False)


def is_retryable(exc):
    """True for a deadlock or serialization failure reported by the database driver."""
    cause = exc.__cause__
    return getattr(cause, "sqlstate", None) in RETRYABLE_SQLSTATES or getattr(cause, "pgcode", None) in RETRYABLE_SQLSTATES


def retry_once_on_deadlock(func):
    """Decorator: run `func` again, once, after a deadlock or serialization failure, and log it."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if _retrying.get():
            return func(*args, **kwargs)
        token = _retrying.set(True)
        try:
            try:
                return _attempt(func, args, kwargs)
            except OperationalError as exc:
                if not is_retryable(exc):
                    raise
                logger.warning("%s: %s; retrying once", func.__qualname__, exc.__cause__.__class__.__name__)
            return _attempt(func, args, kwargs)
        finally:
            _retrying.reset(token)

    return wrapper


@contextlib.contextmanager
def retried_by_caller():
    """The caller runs its whole transaction again on a deadlock: decorated functions inside just run."""
    token = _retrying.set(True)
    try:
        yield
    finally:
        _retrying.reset(token)


def _attempt(func, args, kwargs):
    """One try; inside a savepoint when a transaction is already open, so a failure leaves it usable."""
    if connection.in_atomic_block:
        with transaction.atomic():
            return func(*args, **kwargs)
    return func(*args, **kwargs)

