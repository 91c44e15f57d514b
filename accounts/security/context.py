"""Request-local context for the audit log: who is acting, and whether writes are being recorded."""

import contextvars
from contextlib import contextmanager

_current_request = contextvars.ContextVar("audit_request", default=None)
_recording = contextvars.ContextVar("audit_recording", default=True)


def current_request():
    return _current_request.get()


@contextmanager
def acting_request(request):
    """Writes inside are attributed to the request's user (read when the write happens: DRF authenticates late)."""
    token = _current_request.set(request)
    try:
        yield
    finally:
        _current_request.reset(token)


def current_actor():
    """The signed-in user of the current request, or None (Celery tasks, commands, system writes)."""
    request = current_request()
    user = getattr(request, "user", None) if request is not None else None
    return user if user is not None and user.is_authenticated else None


def current_ip():
    from .client_ip import client_ip

    request = current_request()
    return client_ip(request) if request is not None else None


def is_recording():
    return _recording.get()


@contextmanager
def recording_paused():
    """Writes inside are not logged: a tenant import (the rows are the export's, not new changes) or the
    cascade of a company deletion (its log goes with it; one platform-level entry says what happened)."""
    token = _recording.set(False)
    try:
        yield
    finally:
        _recording.reset(token)
