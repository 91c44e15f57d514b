"""Read-only API of the audit log: GET only; every other method is 405 (the log is never edited)."""

from django_filters import rest_framework as filters
from rest_framework import serializers
from rest_framework.generics import ListAPIView, RetrieveAPIView

from accounts.api_filters import SafeIsoDateTimeFilter

from .models import AuditAction, AuditLogEntry


class AuditLogEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditLogEntry
        fields = ["id", "at", "actor", "actor_email", "action", "object_type", "object_id", "object_repr",
                  "changes", "ip_address"]
        read_only_fields = fields


class AuditLogFilter(filters.FilterSet):
    """Plain filters (no model choice field: nothing is queried while the schema is built)."""

    action = filters.ChoiceFilter(choices=AuditAction.choices)
    actor = filters.NumberFilter(field_name="actor_id", min_value=1, max_value=2**63 - 1)
    since = SafeIsoDateTimeFilter(field_name="at", lookup_expr="gte")
    until = SafeIsoDateTimeFilter(field_name="at", lookup_expr="lte")

    class Meta:
        model = AuditLogEntry
        fields = ["action", "actor", "since", "until"]


class AuditLogQuerysetMixin:
    required_permission = "view_audit_log"
    serializer_class = AuditLogEntrySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AuditLogEntry.objects.none()  # schema generation runs outside any company
        return AuditLogEntry.objects.filter(company=self.request.company).order_by("-at", "-pk")


class AuditLogListView(AuditLogQuerysetMixin, ListAPIView):
    """The company's audit log, newest first (company admins)."""

    filterset_class = AuditLogFilter


class AuditLogEntryView(AuditLogQuerysetMixin, RetrieveAPIView):
    """One entry of the company's audit log."""

    lookup_url_kwarg = "audit_log_entry_pk"
    lookup_field = "pk"
