"""DRF exception handler: Django's ValidationError becomes a 400 with field errors, never a 500."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views.defaults import page_not_found
from django_scopes import ScopeError
from rest_framework import exceptions
from rest_framework.metadata import SimpleMetadata
from rest_framework.views import exception_handler as drf_exception_handler

from .concurrency import StaleObject


class Conflict(exceptions.APIException):
    status_code = 409
    default_detail = "The object's state does not allow this change."
    default_code = "conflict"


def exception_handler(exc, context):
    if isinstance(exc, StaleObject):
        # Optimistic concurrency (accounts/concurrency.py): a stale If-Match / version is a 409 saying what to do.
        exc = Conflict(" ".join(exc.messages), code="stale_object")
    elif isinstance(exc, DjangoValidationError) and getattr(exc, "status_code", None) == 409:
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


def not_found(request, exception):
    """handler404: an unmatched URL under /api/ (e.g. `/departments/abc/`) is a JSON 404 like every API 404."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(exceptions.NotFound.default_detail)}, status=404)
    return page_not_found(request, exception)


class PlainMetadata(SimpleMetadata):
    """OPTIONS answers name, description and media types only.

    DRF's default also describes the PUT/POST form by calling `view.get_object()`, which these views do not use
    (their lookups are named per view): that raised a 500 on OPTIONS.
    """

    def determine_metadata(self, request, view):
        return {
            "name": view.get_view_name(),
            "description": view.get_view_description(),
            "renders": [renderer.media_type for renderer in view.renderer_classes],
            "parses": [parser.media_type for parser in view.parser_classes],
        }
