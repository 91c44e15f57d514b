"""One database transaction around each writing request's view; none around reads.

Django's ATOMIC_REQUESTS wraps every view, so on SQLite even a GET opened `BEGIN IMMEDIATE` and took the
database's write lock, and on every database it cost two statements per request. Reads need no transaction
(each query sees a consistent snapshot on its own), so this middleware keeps the old guarantee only where it
matters: a POST/PUT/PATCH/DELETE view runs in one transaction, exactly as ATOMIC_REQUESTS did, so a view that
calls several services stays all-or-nothing. Services that tasks and commands call open their own.
"""

from django.db import transaction

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
DATABASE = "default"


class AtomicWritesMiddleware:
    """Runs the view of an unsafe request inside `transaction.atomic()` (ATOMIC_REQUESTS for writes only).

    The view is called from `process_view`, like Django's handler calls the atomic-wrapped view: an exception
    leaves the block (rolled back) before it becomes an error response. DRF turns its own exceptions into
    responses inside the view and marks them `response.exception`; DRF rolls those back only under
    ATOMIC_REQUESTS, so this does the same. Views marked `transaction.non_atomic_requests` are left alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in SAFE_METHODS or DATABASE in getattr(view_func, "_non_atomic_requests", set()):
            return None
        with transaction.atomic(using=DATABASE):
            response = view_func(request, *view_args, **view_kwargs)
            if getattr(response, "exception", False):
                transaction.set_rollback(True, using=DATABASE)
        return response
