"""Optimistic concurrency: a stale edit is refused (409 / form error) instead of silently overwriting.

Every editable row that people change by hand (company settings, departments, members, questionnaire drafts and
their questions, the audit schedule, action items, scorecard settings) carries a `lock_version` integer. A service
saves such a row with `save_versioned()`: ONE conditional UPDATE

    UPDATE … SET lock_version = lock_version + 1 WHERE id = %s AND lock_version = <the version the editor saw>

claims the row (0 rows affected → `StaleObject`), then the ordinary `save(update_fields=…)` writes the fields in
the same transaction, so model signals and the audit log behave as before. The claimed row stays locked until the
transaction ends, so two writers can never both pass the check.

Where "the version the editor saw" comes from:
  * API: the `If-Match` request header, with the `ETag` of a previous GET/PUT/PATCH (`"3"`; `W/"3"` and a bare
    `3` are accepted). A stale one → 409 `{"detail": …, "code": "stale_object"}`. Without `If-Match` (or with
    `If-Match: *`) the update is ALLOWED and checked against the version read at the start of the request: old
    scripts keep working, and the read-modify-write inside one request is still atomic. Decided: no 428.
  * Pages: a hidden `lock_version` field in the edit form (`VersionedFormMixin`). A stale one re-renders the form
    with the person's input intact and an error; the hidden field then carries the current version, so submitting
    again deliberately overwrites the other person's change.
Answers of an audit are deliberately NOT versioned: they are per-answer last-write-wins (see audits.services).
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

IF_MATCH = re.compile(r'^\s*(?:W/)?"?(\d{1,18})"?\s*$')


class StaleObject(ValidationError):
    """Somebody saved the row after the editor read it. A ValidationError with status 409 (api_errors)."""

    status_code = 409

    def __init__(self, instance, *, current_version=None):
        self.instance, self.current_version = instance, current_version
        name = instance._meta.verbose_name
        super().__init__(
            _("Someone else changed this %(object)s after you opened it, so your changes were not saved. "
              "Check the current values and save again.") % {"object": name},
            code="stale_object",
        )


def version_field():
    """The model field: `lock_version = version_field()` (plus a migration with default 0)."""
    return models.PositiveIntegerField(gettext_lazy("edit version"), default=0, editable=False)


@transaction.atomic
def save_versioned(instance, *, expected_version=None, update_fields=None):
    """Save `instance` only if its row still has `expected_version` (default: the version it was loaded with).

    Raises StaleObject when another writer got there first; otherwise bumps `instance.lock_version`.
    """
    expected = instance.lock_version if expected_version is None else int(expected_version)
    model = type(instance)
    claimed = model._base_manager.filter(pk=instance.pk, lock_version=expected).update(
        lock_version=F("lock_version") + 1
    )
    if not claimed:
        current = model._base_manager.filter(pk=instance.pk).values_list("lock_version", flat=True).first()
        raise StaleObject(instance, current_version=current)
    instance.lock_version = expected + 1
    if update_fields is not None:
        update_fields = [*update_fields, "lock_version"]
    instance.save(update_fields=update_fields)
    return instance


# ---------------------------------------------------------------- API: ETag / If-Match

def etag(version):
    return f'"{version}"'


def if_match(request):
    """The version named by the request's If-Match header; None when absent or `*` (then the update is allowed)."""
    raw = request.headers.get("If-Match", "").strip()
    if not raw or raw == "*":
        return None
    match = IF_MATCH.match(raw)
    if match is None:
        from rest_framework.exceptions import ValidationError as ApiValidationError

        raise ApiValidationError({"If-Match": [_('Send the ETag of the object you read, e.g. If-Match: "3".')]})
    return int(match.group(1))


class ETagMixin:
    """DRF views: a response carrying one versioned object (`lock_version` in its body) gets its ETag header."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        data = getattr(response, "data", None)
        if 200 <= response.status_code < 300 and isinstance(data, dict) and isinstance(data.get("lock_version"), int):
            response["ETag"] = etag(data["lock_version"])
        return response


# ---------------------------------------------------------------- pages: hidden version field

class VersionedFormMixin:
    """Adds a hidden `lock_version` field: the version the page showed (`version=…`, or a ModelForm's instance).

    `form.expected_version()` is what to pass to the service; `form.cleaned_data` never contains the field.
    """

    def __init__(self, *args, version=None, **kwargs):
        super().__init__(*args, **kwargs)
        if version is None and getattr(self, "instance", None) is not None:
            version = self.instance.lock_version
        self.fields["lock_version"] = forms.IntegerField(
            widget=forms.HiddenInput, required=False, min_value=0, initial=version
        )

    def clean(self):
        cleaned = super().clean()
        self._expected_version = (cleaned or self.cleaned_data).pop("lock_version", None)
        return cleaned

    def expected_version(self):
        return getattr(self, "_expected_version", None)


def form_stale(form, error):
    """Show a StaleObject on the form; keep every submitted value and carry the current version for a resubmit."""
    data = form.data.copy()
    data[form.add_prefix("lock_version")] = error.current_version if error.current_version is not None else ""
    form.data = data
    form.add_error(None, error)
