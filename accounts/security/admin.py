"""Django admin: the audit log, read-only for platform staff (lockouts are unlocked in django-axes' own admin)."""

from django.contrib import admin

from ..admin import UnscopedAdminMixin
from .models import AuditLogEntry


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(UnscopedAdminMixin, admin.ModelAdmin):
    """Nobody edits history: no add, change or delete, even for superusers."""

    list_display = ["at", "company", "actor_email", "action", "object_type", "object_repr"]
    list_filter = ["action", "company"]
    list_select_related = ["company"]
    search_fields = ["actor_email", "object_repr", "object_type"]
    date_hierarchy = "at"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
