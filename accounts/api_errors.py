"""DRF exception handler: Django's ValidationError becomes a 400 with field errors, never a 500."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django_scopes import ScopeError
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


class Conflict(exceptions.APIException):
    status_code = 409
    default_detail = "The object's state does not allow this change."
    default_code = "conflict"


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError) and getattr(exc, "status_code", None) == 409:
        # A service's "not in this state" error (e.g. answering a submitted audit) is a 409, not a 400.
        exc = Conflict(" ".join(exc.messages))
    elif isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = exceptions.ValidationError(exc.message_dict)
        else:
            exc = exceptions.ValidationError({"non_field_errors": exc.messages})
    elif isinstance(exc, ScopeError):
        # A query escaped the company scope: refuse rather than leak.
        exc = exceptions.NotFound()
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    return drf_exception_handler(exc, context)
