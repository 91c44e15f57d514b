"""Query-string filters that refuse what they do not understand (400), rather than silently ignoring it."""

import datetime

from django import forms
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField

TRUE, FALSE = {"true", "1"}, {"false", "0"}


class StrictBooleanField(forms.NullBooleanField):
    """`true`/`1`, `false`/`0`, or absent; anything else (`null`, `yes please`) is a field error."""

    widget = forms.TextInput

    def to_python(self, value):
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in TRUE:
            return True
        if text in FALSE:
            return False
        raise forms.ValidationError(_("Give true or false."), code="invalid")

    def validate(self, value):
        pass


class StrictBooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs):
        # django-filter's BooleanWidget turns unknown text into None (no filter) before the field sees it.
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, **kwargs)


def query_bool(request, name):
    """A boolean query parameter for views without a FilterSet: True/False/None, or a 400 with a field error."""
    from rest_framework.exceptions import ValidationError

    field = StrictBooleanField(required=False)
    value = request.query_params.get(name)
    if value == "":
        raise ValidationError({name: [_("Give a value or leave the parameter out.")]})
    try:
        return field.clean(value)
    except forms.ValidationError as error:
        raise ValidationError({name: error.messages}) from None


def _is_string(data):
    return isinstance(data, str)


def _is_boolean(data):
    return isinstance(data, bool)


def _is_integer(data):
    return isinstance(data, int) and not isinstance(data, bool)


def strict_json_input():
    """JSON input must have the type the schema declares; DRF would coerce it silently.

    Without this `{"name": 0}` became "0", `{"is_active": 0}` or `"yes"` became False, `{"opening_day": "5"}` became 5,
    so the API accepted requests its own OpenAPI schema calls invalid. Called once from AccountsConfig.ready();
    covers CharField (and email, slug, regex, URL fields), BooleanField and IntegerField. The API parses JSON only.
    """
    from rest_framework import serializers

    for field_class, accepts in [(serializers.CharField, _is_string), (serializers.BooleanField, _is_boolean),
                                 (serializers.IntegerField, _is_integer)]:
        if getattr(field_class, "_strict_json", False):
            continue
        original = field_class.to_internal_value

        def to_internal_value(self, data, _original=original, _accepts=accepts):
            if not _accepts(data):
                self.fail("invalid")
            return _original(self, data)

        field_class.to_internal_value = to_internal_value
        field_class._strict_json = True
    _strict_related_fields(serializers)


def _strict_related_fields(serializers):
    """A related field given "" is an error in JSON; DRF turned it into null (e.g. `"department": ""`)."""
    related = serializers.RelatedField
    if getattr(related, "_strict_json", False):
        return
    original = related.run_validation

    def run_validation(self, data=serializers.empty, _original=original):
        if isinstance(data, str) and data == "":
            if "incorrect_type" in self.error_messages:
                self.fail("incorrect_type", data_type="str")
            raise serializers.ValidationError(self.error_messages.get("invalid", "Invalid value."), code="invalid")
        return _original(self, data)

    related.run_validation = run_validation
    related._strict_json = True


MAX_UTC_OFFSET = datetime.timedelta(hours=14)  # the widest real-world offset; PostgreSQL refuses beyond 15:59


class SafeIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time whose UTC offset exists: `…-21:13` reached PostgreSQL and raised a 500."""

    def to_python(self, value):
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value.strip())  # before it is converted to the current time zone
            except ValueError:
                parsed = None
            offset = parsed.utcoffset() if parsed is not None else None
            if offset is not None and abs(offset) > MAX_UTC_OFFSET:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class SafeIsoDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = SafeIsoDateTimeField


class StrictFilterBackend(filters.DjangoFilterBackend):
    """A typed filter given empty (`?until=`, `?round=`) is a field error, not silently "no filter".

    The schema calls an empty string an invalid date-time, integer, boolean or choice; text filters stay as they are.
    """

    def get_filterset(self, request, queryset, view):
        from rest_framework.exceptions import ValidationError

        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            blank = [name for name, declared in filterset.filters.items()
                     if request.query_params.get(name, None) == "" and type(declared) is not filters.CharFilter]
            if blank:
                raise ValidationError({name: [_("Give a value or leave the parameter out.")] for name in blank})
        return filterset
