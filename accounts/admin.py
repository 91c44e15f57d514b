"""Django admin for platform staff: users, tenants (suspend, reactivate, delete) and a read-only view of tenant rows.

The admin is cross-tenant by nature: staff look at every company at once. Tenant models use
django-scopes' ScopedManager, which refuses queries outside a company scope, so every admin view of
a tenant model (and the company admin, whose inlines and delete confirmation walk tenant rows) runs
inside `scopes_disabled()`. Tenant rows are created and changed through the product's pages and
services (which enforce rules such as "the last admin stays"), so their admins are read-only here.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_scopes import scopes_disabled

from . import services
from .models import ApiToken, Company, Department, Invitation, Membership, User
from .security import passwords


class UnscopedAdminMixin:
    """Run the admin's views with scopes disabled, template rendering included (see the module docstring)."""

    def get_queryset(self, request):
        with scopes_disabled():
            return super().get_queryset(request)

    def _unscoped(self, view, *args, **kwargs):
        with scopes_disabled():
            response = view(*args, **kwargs)
            # TemplateResponse renders lazily, after this method returns; render while scopes are off.
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        return response

    def changelist_view(self, request, extra_context=None):
        return self._unscoped(super().changelist_view, request, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._unscoped(super().changeform_view, request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        return self._unscoped(super().delete_view, request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        return self._unscoped(super().history_view, request, object_id, extra_context)


class ReadOnlyAdminMixin:
    """Staff may look, not edit: tenant rows change through the product's services."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# ---------------------------------------------------------------- users

@admin.register(User)
class UserAdmin(UnscopedAdminMixin, DjangoUserAdmin):
    """Django's user admin with the email address as the login (there is no username)."""

    change_password_form = passwords.AdminPasswordChangeForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "language", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser", "language"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "language"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]


# ---------------------------------------------------------------- companies

class DepartmentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Department
    fk_name = "company"
    fields = ["name", "head", "is_archived", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        with scopes_disabled():
            return super().get_queryset(request).select_related("head__user")


class MembershipInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Membership
    fields = ["user", "user_email", "role", "department", "is_active", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        with scopes_disabled():
            return super().get_queryset(request).select_related("user", "department")

    @admin.display(description=_("email address"))
    def user_email(self, membership):
        return membership.user.email


@admin.register(Company)
class CompanyAdmin(UnscopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "language", "timezone", "member_count", "is_suspended", "created_at"]
    list_filter = ["is_suspended", "language"]
    search_fields = ["name", "slug"]
    readonly_fields = ["is_suspended", "suspended_at", "created_at"]
    fields = ["name", "slug", "timezone", "language", "is_suspended", "suspended_at", "created_at"]
    inlines = [DepartmentInline, MembershipInline]
    actions = ["suspend", "reactivate"]

    def get_queryset(self, request):
        # One query for the whole page: the count is an annotation, not a query per row.
        return super().get_queryset(request).annotate(
            member_count=Count("memberships", filter=Q(memberships__is_active=True))
        )

    @admin.display(description=_("active members"), ordering="member_count")
    def member_count(self, company):
        return company.member_count

    @admin.action(description=_("Suspend the selected companies"))
    def suspend(self, request, queryset):
        self._set_suspended(request, queryset, suspended=True)

    @admin.action(description=_("Reactivate the selected companies"))
    def reactivate(self, request, queryset):
        self._set_suspended(request, queryset, suspended=False)

    def _set_suspended(self, request, queryset, *, suspended):
        companies = list(queryset)
        for company in companies:
            services.company_set_suspended(company=company, suspended=suspended)
        message = ngettext("%(count)d company suspended.", "%(count)d companies suspended.", len(companies)) \
            if suspended else \
            ngettext("%(count)d company reactivated.", "%(count)d companies reactivated.", len(companies))
        self.message_user(request, message % {"count": len(companies)}, messages.SUCCESS)

    def get_deleted_objects(self, objs, request):
        # services.company_delete removes the company's rows children first, so links between them that are
        # PROTECT (an audit's department, an answer's question) do not block deleting the whole company; and
        # rows that are read-only in this admin (the audit log) go with their company without a permission.
        deleted, model_count, _perms_needed, _protected = super().get_deleted_objects(objs, request)
        return deleted, model_count, set(), []

    def delete_model(self, request, obj):
        services.company_delete(company=obj)

    def delete_queryset(self, request, queryset):
        for company in queryset:
            services.company_delete(company=company)


# ---------------------------------------------------------------- tenant rows (read-only)

@admin.register(Department)
class DepartmentAdmin(UnscopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "company", "head", "is_archived"]
    list_filter = ["is_archived", "company"]
    list_select_related = ["company", "head__user"]
    search_fields = ["name", "company__name"]


@admin.register(Membership)
class MembershipAdmin(UnscopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "company", "role", "department", "is_active"]
    list_filter = ["role", "is_active", "company"]
    list_select_related = ["user", "company", "department"]
    search_fields = ["user__email", "company__name"]


@admin.register(Invitation)
class InvitationAdmin(UnscopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["email", "company", "role", "status_display", "created_at", "expires_at"]
    list_filter = ["role", "company"]
    list_select_related = ["company"]
    search_fields = ["email", "company__name"]
    exclude = ["nonce"]

    @admin.display(description=_("status"))
    def status_display(self, invitation):
        return invitation.get_status_display()


@admin.register(ApiToken)
class ApiTokenAdmin(UnscopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "prefix", "company", "membership", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["company"]
    list_select_related = ["company", "membership__user", "membership__company"]
    search_fields = ["name", "prefix", "membership__user__email"]
    exclude = ["key_hash"]
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            services.api_token_revoke(token=token)
        self.message_user(request, ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", len(tokens))
                          % {"count": len(tokens)}, messages.SUCCESS)
