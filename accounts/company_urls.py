"""Company pages under /c/<company_slug>/ (membership checked by the middleware)."""

from django.urls import path

from . import views_company as v
from .security import views as security

urlpatterns = [
    path("", v.company_home, name="company_home"),
    path("onboarding/", v.onboarding_checklist, name="onboarding"),
    path("onboarding/defaults/", v.onboarding_defaults, name="onboarding_defaults"),
    path("departments/", v.department_list, name="department_list"),
    path("departments/new/", v.department_create, name="department_create"),
    path("departments/<int:pk>/edit/", v.department_edit, name="department_edit"),
    path("departments/<int:pk>/archive/", v.department_archive, name="department_archive"),
    path("departments/<int:pk>/restore/", v.department_restore, name="department_restore"),
    path("members/", v.member_list, name="member_list"),
    path("members/<int:pk>/edit/", v.member_edit, name="member_edit"),
    path("members/<int:pk>/deactivate/", v.member_deactivate, name="member_deactivate"),
    path("members/<int:pk>/reactivate/", v.member_reactivate, name="member_reactivate"),
    path("invitations/", v.invitation_list, name="invitation_list"),
    path("invitations/new/", v.invitation_create, name="invitation_create"),
    path("invitations/<int:pk>/resend/", v.invitation_resend, name="invitation_resend"),
    path("invitations/<int:pk>/revoke/", v.invitation_revoke, name="invitation_revoke"),
    path("settings/", v.company_settings, name="company_settings"),
    path("tokens/", v.token_list, name="token_list"),
    path("tokens/new/", v.token_create, name="token_create"),
    path("tokens/<int:pk>/revoke/", v.token_revoke, name="token_revoke"),
    path("audit-log/", security.audit_log, name="audit_log"),
    path("audit-log/export.csv", security.audit_log_csv, name="audit_log_csv"),
    path("export/", security.company_export, name="company_export"),
    path("deletion/", security.company_deletion, name="company_deletion"),
    path("deletion/cancel/", security.company_deletion_cancel, name="company_deletion_cancel"),
]
