"""REST API routes under /api/v1/ (companies, people, API tokens)."""

from django.urls import path

from . import api, api_onboarding, api_public
from .security import api as security_api

company = "companies/<slug:company_slug>/"

urlpatterns = [
    path("me/", api.MeView.as_view(), name="api-me"),
    path("signup/", api_public.SignupView.as_view(), name="api-signup"),
    path("invitations/<str:token>/accept/", api_public.InvitationAcceptView.as_view(), name="api-invitation-accept"),
    path("companies/", api.CompanyListView.as_view(), name="api-companies"),
    path(company, api.CompanyDetailView.as_view(), name="api-company"),
    path(company + "departments/", api.DepartmentListView.as_view(), name="api-departments"),
    path(company + "departments/<int:pk>/", api.DepartmentDetailView.as_view(), name="api-department"),
    path(company + "departments/<int:pk>/restore/", api.DepartmentRestoreView.as_view(), name="api-department-restore"),
    path(company + "members/", api.MemberListView.as_view(), name="api-members"),
    path(company + "members/<int:pk>/", api.MemberDetailView.as_view(), name="api-member"),
    path(company + "invitations/", api.InvitationListView.as_view(), name="api-invitations"),
    path(company + "invitations/<int:pk>/", api.InvitationDetailView.as_view(), name="api-invitation"),
    path(company + "invitations/<int:pk>/resend/", api.InvitationResendView.as_view(), name="api-invitation-resend"),
    path(company + "invitations/<int:pk>/revoke/", api.InvitationRevokeView.as_view(), name="api-invitation-revoke"),
    path(company + "onboarding/", api_onboarding.ChecklistView.as_view(), name="api-onboarding"),
    path(company + "onboarding/defaults/", api_onboarding.StartFromDefaultsView.as_view(),
         name="api-onboarding-defaults"),
    path(company + "tokens/", api.TokenListView.as_view(), name="api-tokens"),
    path(company + "tokens/<int:pk>/", api.TokenDetailView.as_view(), name="api-token"),
    path(company + "audit-log/", security_api.AuditLogListView.as_view(), name="api-audit-log"),
    path(company + "audit-log/<int:audit_log_entry_pk>/", security_api.AuditLogEntryView.as_view(),
         name="api-audit-log-entry"),
]
